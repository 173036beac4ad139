import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobClient, TableEnvironment } from '../../src/index.ts';

/** Committed (visible) rows of a filesystem sink directory, sorted; hidden in-progress files are not read. */
export function committedRows(dir: string): string[] {
  return (existsSync(dir) ? readdirSync(dir) : []).filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
    .sort();
}

/**
 * Whether a completed checkpoint under `root` (state.checkpoints.dir) holds output of every sink, or of the sink of
 * `table` when given.
 */
export function checkpointWithOutput(root: string, table?: string): boolean {
  try {
    return readdirSync(root).some((job) => readdirSync(join(root, job)).some((c) => {
      const path = join(root, job, c, '_metadata');
      if (!existsSync(path)) return false;
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as { operators: { kind: string; name: string; subtasks: { committables?: unknown[] }[] }[] };
      const sinks = manifest.operators.filter((o) => o.kind === 'sink' && (table === undefined || o.name.startsWith(`Sink(${table},`)));
      return sinks.length > 0 && sinks.every((o) => o.subtasks.some((s) => s.committables?.length));
    }));
  } catch {
    return false;
  }
}

/** Polls `condition` every few milliseconds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Creates `work`/udf, the directory of a fail-once UDF (test/fixtures/ts-udfs/fail-once.ts, udfs/crash_once.py): the
 * UDF fails while its `fired` marker is missing, so a run that must not fail (`armed` false) gets the marker now.
 */
export function failOnceDir(work: string, armed: boolean): string {
  const udf = join(work, 'udf');
  mkdirSync(udf, { recursive: true });
  if (!armed) writeFileSync(join(udf, 'fired'), '');
  return udf;
}

/** Checkpoints every 50 ms under `dir`/chk and one immediate restart: a job that fails once recovers from its last checkpoint. */
export function recoverOnceConfig(dir: string): Record<string, string> {
  return {
    'execution.checkpointing.interval': '50 ms', 'state.checkpoints.dir': join(dir, 'chk'),
    'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': '1', 'restart-strategy.fixed-delay.delay': '0 ms',
  };
}

/** The checkpoint tests' common job, as SQL statements (see {@link rawAndUniqJob}). */
export interface RawAndUniqJob {
  /** Directory of the sink tables `raw` and `uniq` (and of any `extraTables` the caller writes there). */
  readonly out: string;
  readonly rows: number;
  /** datagen's seed and the largest `k`. */
  readonly seed: number;
  readonly kMax: number;
  /** The expression `k` goes through (e.g. a fail-once UDF call, or just `k`). */
  readonly key: string;
  /** `uniq` holds the distinct values of `key % groups`. */
  readonly groups: number;
  readonly extraTables?: readonly string[];
  readonly extraInserts?: readonly string[];
}

/**
 * A datagen source `src (k, v)` and two exactly-once filesystem sinks in one statement set: `raw`, every row with `k`
 * through `key` (a lost or replayed row shows as a missing or repeated line), and `uniq`, a keyed GROUP BY of
 * `key % groups` (lost or doubly restored state shows as a missing or repeated group). Returns the statements in order.
 */
export function rawAndUniqJob(job: RawAndUniqJob): string[] {
  const sink = (name: string, columns: string) =>
    `CREATE TABLE ${name} (${columns}) WITH ('connector' = 'filesystem', 'path' = '${join(job.out, name)}', 'format' = 'csv')`;
  return [
    `CREATE TABLE src (k BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${job.rows}',
      'rows-per-second' = '1e12', 'seed' = '${job.seed}', 'fields.k.min' = '0', 'fields.k.max' = '${job.kMax}')`,
    sink('raw', 'k BIGINT, v BIGINT'),
    sink('uniq', 'g BIGINT'),
    ...(job.extraTables ?? []),
    `EXECUTE STATEMENT SET BEGIN
      INSERT INTO raw SELECT ${job.key}, v FROM src;
      INSERT INTO uniq SELECT g FROM (SELECT ${job.key} % ${job.groups} AS g FROM src) GROUP BY g;
      ${(job.extraInserts ?? []).map((s) => `${s};`).join('\n      ')}
    END`,
  ];
}

/** Runs `statements` in order; the last must submit an INSERT job, which is returned. */
export async function submitStatements(env: TableEnvironment, statements: readonly string[]): Promise<JobClient> {
  let result: Awaited<ReturnType<TableEnvironment['executeSql']>> | undefined;
  for (const statement of statements) result = await env.executeSql(statement);
  if (result?.kind !== 'insert') throw new Error('the last statement did not submit an INSERT job');
  return result.job;
}
