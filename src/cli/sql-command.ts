import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { formatRowsTable } from '../api/sql-result.ts';
import { TableEnvironment } from '../api/table-environment.ts';
import { WeirError } from '../errors/weir-error.ts';
import { parseStatements } from '../sql/parse.ts';
import { executeStatement } from '../sql/planner/statement-executor.ts';
import { describeRestart } from '../exec/job/restart-message.ts';
import type { JobClient } from '../exec/job/job-client.ts';
import { formatCheckpointSummary } from './metrics-table.ts';

export interface SqlCommandOptions {
  readonly parallelism?: string;
  readonly define?: readonly string[];
  /** A completed checkpoint to start the INSERT jobs from (`execution.savepoint.path`). */
  readonly restore?: string;
  /** Drop state that no operator claims (`execution.savepoint.ignore-unclaimed-state`, Flink's allowNonRestoredState). */
  readonly allowNonRestoredState?: boolean;
}

/**
 * `weir sql FILE.sql`: parses the whole file first (a syntax error anywhere fails before anything runs), then runs
 * the statements in order. SHOW / DESCRIBE / EXPLAIN / SET print as tables, a query prints its changelog as Flink's
 * print sink does (`+I[1, a]`) until it ends, INSERTs and statement sets are waited for. Relative UDF paths resolve
 * against the file's directory. Returns the exit code: 0, 1 on a failed statement (with line and column), 2 on bad
 * options.
 */
export async function runSqlFile(file: string, opts: SqlCommandOptions, out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<number> {
  const config: Record<string, string> = {};
  for (const d of opts.define ?? []) {
    const eq = d.indexOf('=');
    if (eq <= 0) { process.stderr.write(`-D expects key=value, got '${d}'\n`); return 2; }
    config[d.slice(0, eq)] = d.slice(eq + 1);
  }
  if (opts.parallelism) config['parallelism.default'] = opts.parallelism;
  if (opts.restore) config['execution.savepoint.path'] = resolve(opts.restore);
  if (opts.allowNonRestoredState) config['execution.savepoint.ignore-unclaimed-state'] = 'true';
  const path = resolve(file);
  try {
    const text = await readFile(path, 'utf8');
    const env = TableEnvironment.create({ config, baseDir: dirname(path), name: 'weir-sql' });
    for (const statement of parseStatements(text)) {
      const result = await executeStatement(env, statement, text);
      switch (result.kind) {
        case 'ok': out('[INFO] Execute statement succeeded.'); break;
        case 'rows': out(formatRowsTable(result.columns, result.rows)); break;
        case 'query': await result.result.print(out); break;
        case 'insert': await waitForInsert(result.job, out); break;
      }
    }
    return 0;
  } catch (e) {
    process.stderr.write(`${e instanceof WeirError ? `Error [${e.code}]: ${e.message}` : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

/**
 * Waits for an INSERT job: its restarts are reported on stderr as they happen, and when it ends the checkpoint
 * summary (count, duration, size, alignment, restarts, restore) follows the job's status line, as `weir run` prints it.
 */
async function waitForInsert(job: JobClient, out: (s: string) => void): Promise<void> {
  const stopRestarts = job.onRestart((d) => process.stderr.write(`[WARN] Job ${describeRestart(d)}\n`));
  try {
    const r = await job.done();
    out(`[INFO] Job ${r.status} in ${(r.durationMs / 1000).toFixed(2)} s.`);
    if (r.metrics.checkpoints) out(`[INFO] ${formatCheckpointSummary(r.metrics.checkpoints)}`);
  } catch (e) {
    const checkpoints = (await job.metrics().catch(() => null))?.checkpoints;
    if (checkpoints) process.stderr.write(`[INFO] ${formatCheckpointSummary(checkpoints)}\n`);
    throw e;
  } finally {
    stopRestarts();
  }
}
