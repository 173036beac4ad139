import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { col, TableEnvironment, type Row, type Table } from '../../src/index.ts';
import { formatRestore } from '../../src/cli/progress.ts';
import { runSqlFile } from '../../src/cli/sql-command.ts';
import { waitFor } from './helpers.ts';

/**
 * Restoring a savepoint into a changed query (issue #5): a GROUP BY job reading a scripted source is stopped with
 * a savepoint after its first rows; the query is changed and started from the savepoint, and its source then plays
 * more rows. The changelog shows whether the aggregation's state came back (`-U[1, 2, 40], +U[1, 3, 45]`) or not
 * (`+I[1, 1, 5]`). Jobs collect their rows (`table.execute()`), so every stage is one pipeline ending in collect.
 */
describe('restoring a savepoint into a changed query', () => {
  let dir: string;
  /** Savepoints of `SELECT k, COUNT(*), SUM(v) FROM s GROUP BY k`, with generated uids and with a SQL uid hint. */
  let generated: string;
  let hinted: string;

  const FIRST = [[1, 10], [2, 20], [1, 30]];
  const LATER = [[1, 5], [3, 7]];
  /** Steps between the first rows and the later ones; the first stage waits there (sleeps) until it is stopped. */
  const GAP = 1000;
  const GROUP_BY = 'SELECT k, COUNT(*) AS c, SUM(v) AS s FROM s GROUP BY k';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'weir-uids-'));
    generated = await savepointOf(GROUP_BY, 'generated');
    hinted = await savepointOf(GROUP_BY.replace('SELECT', "SELECT /*+ UID('counts') */"), 'hinted');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('restores the aggregation when a filter was added before it', async () => {
    const { rows } = await restore(generated, (env) => env.sqlQuery('SELECT k, COUNT(*) AS c, SUM(v) AS s FROM s WHERE v < 100 GROUP BY k'));
    assert.deepEqual(rows, ['-U[1, 2, 40]', '+U[1, 3, 45]', '+I[3, 1, 7]']);
  });

  it('fails with the operator and its state when the aggregate list changed, with or without allow-non-restored-state', async () => {
    for (const allow of [false, true]) {
      await assert.rejects(restore(generated, (env) => env.sqlQuery('SELECT k, COUNT(*) AS c, SUM(v) AS s, MAX(v) AS m FROM s GROUP BY k'), allow),
        (e: { code?: string; message: string }) => e.code === 'RESTORE_FAILED'
          && /no longer fits the operator with the same uid\n {2}- operator GroupAggregate\(groupBy=\[k\], select=\[COUNT\(\*\) AS \S+, SUM\(v\) AS \S+\]\) \(uid 'group-aggregate-[0-9a-f]{16}', group-aggregate\), now GroupAggregate\(.*MAX\(v\) AS \S+\]\): state \[acc: \(COUNT\(\*\), SUM\(BIGINT\)\)\] in the checkpoint vs \[acc: \(COUNT\(\*\), SUM\(BIGINT\), MAX\(BIGINT\)\)\] now/.test(e.message));
    }
  });

  it('fails listing the aggregation when it was dropped; with allow-non-restored-state the job runs from the source position', async () => {
    const plain = (env: TableEnvironment) => env.sqlQuery('SELECT k, v FROM s');
    await assert.rejects(restore(generated, plain), (e: { code?: string; message: string }) => e.code === 'RESTORE_FAILED'
      && /holds state of 1 operator that no operator of this job claims\n {2}- GroupAggregate\(groupBy=\[k\].*\(uid 'group-aggregate-[0-9a-f]{16}', group-aggregate\)/.test(e.message)
      && /--allow-non-restored-state/.test(e.message));
    const { rows, startedEmpty } = await restore(generated, plain, true);
    assert.deepEqual(rows, ['+I[1, 5]', '+I[3, 7]']);
    assert.deepEqual(startedEmpty, []);
  });

  it('restores a uid given in SQL into the Table API, across a structural change that changes generated uids', async () => {
    const withExtra = (uid: boolean) => (env: TableEnvironment): Table => {
      const t = env.from('s').unionAll(env.from('extra')).groupBy('k').select(col('k'), col('*').count().as('c'), col('v').sum().as('s'));
      return uid ? t.uid('counts') : t;
    };
    const { rows, startedEmpty, lastRestore } = await restore(hinted, withExtra(true));
    // The two sources interleave, but each key's changes come in order.
    assert.deepEqual(rows.sort(), ['+I[3, 1, 7]', '+U[1, 3, 45]', '+U[2, 2, 21]', '-U[1, 2, 40]', '-U[2, 1, 20]'].sort());
    assert.deepEqual(startedEmpty.map((o) => o.name), ['Source(extra, connector=scripted)']);
    // What weir run prints when the job has restored.
    assert.match(formatRestore('job', lastRestore), /^\[job\] restored from chk-\d+ \(.*savepoint-.*\); started empty \(no state in the checkpoint\): Source\(extra, connector=scripted\) \[uid source-[0-9a-f]{16}\]$/);
    // The same change without the uid: the union gives the aggregation another generated uid.
    await assert.rejects(restore(generated, withExtra(false)), (e: { code?: string; message: string }) =>
      e.code === 'RESTORE_FAILED' && /that no operator of this job claims\n {2}- GroupAggregate/.test(e.message));
  });

  it('weir sql --restore takes --allow-non-restored-state', async () => {
    const file = join(dir, 'plain.sql');
    writeFileSync(file, `CREATE TABLE s (k BIGINT, v BIGINT) WITH ('connector' = 'scripted', 'script' = '${script(true)}');\nSELECT k, v FROM s;\n`);
    const lines: string[] = [];
    assert.equal(await runSqlFile(file, { restore: generated, allowNonRestoredState: true, parallelism: '1' }, (l) => lines.push(l)), 0);
    assert.deepEqual(lines.filter((l) => /^[+-][IUD]\[/.test(l)), ['+I[1, 5]', '+I[3, 7]']);
  });

  /** Runs `query` on the first rows, stops it with a savepoint once a checkpoint is past them; returns its path. */
  async function savepointOf(query: string, name: string): Promise<string> {
    const chk = join(dir, name, 'chk');
    const env = await environment(script(false), { 'execution.checkpointing.interval': '20 ms', 'state.checkpoints.dir': chk });
    const result = env.sqlQuery(query).execute();
    await waitFor(() => checkpointPastFirstRows(chk));
    const path = await result.job.stopWithSavepoint(join(dir, name, 'savepoints'));
    assert.equal((await result.job.done()).status, 'CANCELED');
    return path;
  }

  /**
   * Starts the changed query from `savepoint`; its source goes on from the savepoint's position to the later rows.
   * Returns the changelog and the operators that started empty.
   */
  async function restore(savepoint: string, query: (env: TableEnvironment) => Table, allowNonRestored = false) {
    const env = await environment(script(true), {
      'execution.savepoint.path': savepoint, ...(allowNonRestored ? { 'execution.savepoint.ignore-unclaimed-state': 'true' } : {}),
    });
    const result = query(env).execute();
    const rows: Row[] = await result.collect();
    const done = await result.job.done();
    const lastRestore = done.metrics.checkpoints!.lastRestore!;
    return { rows: rows.map((r) => r.toString()), startedEmpty: lastRestore.startedEmpty, lastRestore };
  }

  async function environment(sourceScript: string, config: Record<string, string>): Promise<TableEnvironment> {
    const env = TableEnvironment.create({ config: { 'parallelism.default': '1', ...config } });
    await env.executeSql(`CREATE TABLE s (k BIGINT, v BIGINT) WITH ('connector' = 'scripted', 'script' = '${sourceScript}')`);
    await env.executeSql(`CREATE TABLE extra (k BIGINT, v BIGINT) WITH ('connector' = 'scripted', 'script' = '${JSON.stringify([[{ rows: [[2, 1]] }]])}')`);
    return env;
  }

  /**
   * The first rows, then GAP steps, then (`later`) the later rows. The first stage sleeps in the gap (events between
   * the sleeps let barriers through) and is stopped there; the restored stages skip it at once.
   */
  function script(later: boolean): string {
    const gap = Array.from({ length: GAP }, () => (later ? [{ idle: false }, { idle: false }] : [{ sleep: 20 }, { idle: false }])).flat();
    return JSON.stringify([[{ rows: FIRST }, ...gap, ...(later ? [{ rows: LATER }] : [])]]);
  }
});

/** Whether a completed checkpoint under `root` has the source past its first rows (scripted position: next step). */
function checkpointPastFirstRows(root: string): boolean {
  try {
    return readdirSync(root).some((job) => readdirSync(join(root, job)).some((c) => {
      const path = join(root, job, c, '_metadata');
      if (!existsSync(path)) return false;
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as { operators: { kind: string; subtasks: { sourcePosition?: { step: number } }[] }[] };
      return manifest.operators.some((o) => o.kind === 'source' && (o.subtasks[0]?.sourcePosition?.step ?? 0) >= 1);
    }));
  } catch {
    return false; // not there yet, or a checkpoint deleted (retention) while it was read
  }
}
