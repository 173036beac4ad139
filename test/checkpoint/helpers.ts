import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
