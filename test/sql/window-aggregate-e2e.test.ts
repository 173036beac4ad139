/**
 * Window aggregation end to end in SQL over scripted sources with explicit watermarks: windows fire while the
 * sources are still open, out-of-order rows within the watermark count, rows behind it are counted as late or
 * routed to the late-data table, and results go to an append-only sink.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TableEnvironment, type JobResult } from '../../src/index.ts';
import { at, script, ts } from '../time/event-time-helpers.ts';

/** `CREATE TABLE name (k STRING, v INT, ts TIMESTAMP(3), WATERMARK ...)` whose watermarks are the script's. */
async function table(env: TableEnvironment, name: string, steps: string): Promise<void> {
  await env.executeSql(`CREATE TABLE ${name} (k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS SOURCE_WATERMARK()) `
    + `WITH ('connector' = 'scripted', 'script' = '${steps}')`);
}

const rows = (...r: [string | null, number | null, number][]): unknown => ({ rows: r.map(([k, v, s]) => [k, v, ts(s)]) });
const TUMBLE10 = "TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '10' SECOND))";
const BY_KEY = `SELECT k, window_start, window_end, COUNT(*) AS c, SUM(v) AS sv FROM ${TUMBLE10} GROUP BY k, window_start, window_end`;

/** Row text with times as seconds after 2024-01-01 00:00. */
const short = (row: unknown): string => String(row).replace(/2024-01-01T00:0(\d):(\d\d)\.000Z/g, (_, m, s) => `${Number(m) * 60 + Number(s)}s`);

async function firstRows(env: TableEnvironment, sql: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for await (const row of env.sqlQuery(sql).execute()) {
    out.push(short(row));
    if (out.length === n) break;
  }
  return out.sort();
}

describe('window aggregation end to end', () => {
  for (const parallelism of [1, 2]) {
    it(`fires windows on the watermark while the sources are open; out-of-order rows within it count (p${parallelism})`, async () => {
      const env = TableEnvironment.create({ parallelism });
      await table(env, 's', script(
        [rows(['a', 1, 12], ['a', 2, 3], ['b', 5, 9]), { watermark: at(11) }, { hold: true }],
        [rows(['a', 10, 7], [null, 4, 1]), { watermark: at(14) }, { hold: true }],
      ));
      const expected = parallelism === 1
        ? ['+I[a, 0s, 10s, 1, 2]', '+I[b, 0s, 10s, 1, 5]']
        : ['+I[NULL, 0s, 10s, 1, 4]', '+I[a, 0s, 10s, 2, 12]', '+I[b, 0s, 10s, 1, 5]'];
      assert.deepEqual(await firstRows(env, BY_KEY, expected.length), expected);
    });
  }

  it('counts rows behind the watermark as late, or writes them to the late-data table', async () => {
    const steps = script([rows(['a', 1, 1], ['a', 2, 12]), { watermark: at(10) }, rows(['a', 4, 5], ['b', 8, 2], ['a', 16, 14])]);
    const dir = mkdtempSync(join(tmpdir(), 'weir-window-late-'));
    const run = async (config: Record<string, string>): Promise<{ rows: string[]; result: JobResult; env: TableEnvironment }> => {
      const env = TableEnvironment.create({ config });
      await table(env, 's', steps);
      if (config['table.exec.late-records.sink']) {
        await env.executeSql(`CREATE TABLE late (operator STRING, \`row\` STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json')`);
      }
      const r = env.sqlQuery(BY_KEY).execute();
      const out = (await r.collect()).map(short).sort();
      return { rows: out, result: await r.job.done(), env };
    };
    const metric = (result: JobResult, name: string): unknown => {
      const op = result.metrics.operators.find((o) => o.name.startsWith('WindowAggregate'))!;
      return result.metrics.raw[`operator.${op.id}.${name}`];
    };
    try {
      const dropped = await run({});
      assert.deepEqual(dropped.rows, ['+I[a, 0s, 10s, 1, 1]', '+I[a, 10s, 20s, 2, 18]']);
      assert.equal(metric(dropped.result, 'numLateRecordsDropped'), 2);
      const routed = await run({ 'table.exec.late-records.sink': 'late' });
      assert.equal(metric(routed.result, 'numLateRecordsSideOutput'), 2);
      const late = readdirSync(dir).flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l));
      assert.equal(late.length, 2);
      assert.match(String(late[0].operator), /^WindowAggregate/);
      assert.deepEqual(late.map((l) => JSON.parse(l.row).v).sort(), [4, 8]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes window results to an append-only sink; a window over a window reads window_time as its rowtime', async () => {
    const env = TableEnvironment.create({ parallelism: 2 });
    await table(env, 's', script([rows(['a', 1, 1], ['a', 2, 12], ['b', 3, 25]), { watermark: at(40) }], [rows(['a', 4, 7], ['b', 5, 33])]));
    // The filesystem sink takes inserts only: a window aggregate is append-only.
    const dir = mkdtempSync(join(tmpdir(), 'weir-window-sink-'));
    try {
      await env.executeSql(`CREATE TABLE out (k STRING, we TIMESTAMP(3), total INT) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json')`);
      await env.sqlQuery(`SELECT k, window_end AS we, SUM(v) AS total FROM ${TUMBLE10} GROUP BY k, window_start, window_end`).executeInsert('out').done();
      const written = readdirSync(dir).flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l));
      assert.deepEqual(written.map((r) => `${r.k} ${r.we} ${r.total}`).sort(), ['a 2024-01-01 00:00:10 5', 'a 2024-01-01 00:00:20 2', 'b 2024-01-01 00:00:30 3', 'b 2024-01-01 00:00:40 5']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const nested = `SELECT window_start, SUM(c) AS c, MAX(sv) AS top FROM TABLE(TUMBLE(TABLE (
      SELECT k, window_time AS wt, COUNT(*) AS c, SUM(v) AS sv FROM ${TUMBLE10} GROUP BY k, window_start, window_end, window_time
    ), DESCRIPTOR(wt), INTERVAL '20' SECOND)) GROUP BY window_start, window_end`;
    const out = (await env.sqlQuery(nested).execute().collect()).map(short).sort();
    assert.deepEqual(out, ['+I[0s, 3, 5]', '+I[20s, 2, 5]']);
  });
});
