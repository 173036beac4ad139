import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TableEnvironment, type JobResult, type WeirError } from '../../src/index.ts';
import { at, rowsAt, script } from './event-time-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'weir-late-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** a@5 and a@10 are emitted once the watermark reaches 12 s; then a@3 and b@1 arrive late, a@20 in time. */
const LATE_SCRIPT = script([
  rowsAt('a', 5, 10),
  { watermark: at(12) },
  { rows: [['a', '2024-01-01 00:00:03'], ['b', '2024-01-01 00:00:01'], ['a', '2024-01-01 00:00:20']] },
]);

async function env(config: Record<string, string> = {}): Promise<TableEnvironment> {
  const e = TableEnvironment.create({ config });
  await e.executeSql(`CREATE TABLE s (k STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS SOURCE_WATERMARK()) WITH ('connector' = 'scripted', 'script' = '${LATE_SCRIPT}')`);
  await e.executeSql("CREATE TABLE out (k STRING, ts TIMESTAMP(3), c BIGINT) WITH ('connector' = 'blackhole')");
  return e;
}

/** An event-time OVER aggregation: rows at or before the time its partition already emitted are late. */
const OVER_QUERY = 'INSERT INTO out SELECT k, ts, COUNT(*) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM s';

async function run(e: TableEnvironment): Promise<JobResult> {
  const r = await e.executeSql(OVER_QUERY);
  assert.equal(r.kind, 'insert');
  return (r as Extract<typeof r, { kind: 'insert' }>).job.done();
}

const metric = (result: JobResult, prefix: string, name: string): unknown => {
  const op = result.metrics.operators.find((o) => o.name.startsWith(prefix))!;
  return result.metrics.raw[`operator.${op.id}.${name}`];
};

describe('late rows', () => {
  it('are dropped and counted in numLateRecordsDropped by default', async () => {
    const result = await run(await env());
    assert.equal(metric(result, 'OverAggregate', 'numLateRecordsDropped'), 1, 'a@3 is late for partition a (b@1 opens a new partition)');
  });

  it('go to the table named by table.exec.late-records.sink, with the operator, row, kind and watermark, readable as a table', async () => {
    const e = await env({ 'table.exec.late-records.sink': 'late' });
    const path = join(dir, 'late');
    await e.executeSql(`CREATE TABLE late (operator STRING, subtask INT, \`row\` STRING, kind STRING, watermark TIMESTAMP_LTZ(3))
      WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`);
    const result = await run(e);
    assert.equal(metric(result, 'OverAggregate', 'numLateRecordsSideOutput'), 1);
    assert.equal(metric(result, 'OverAggregate', 'numLateRecordsDropped') ?? 0, 0, 'routed, not dropped');
    const rows = await e.sqlQuery('SELECT * FROM late').execute().toObjects();
    assert.equal(rows.length, 1);
    assert.match(rows[0].operator as string, /^OverAggregate/);
    assert.deepEqual({ ...rows[0], operator: undefined }, {
      operator: undefined, subtask: 0, row: '{"k":"a","ts":"2024-01-01 00:00:03"}', kind: '+I', watermark: new Date(at(12)),
    });
  });

  it('a late-data table that is missing or has columns late rows cannot fill fails the job at submission', async () => {
    const missing = await env({ 'table.exec.late-records.sink': 'nope' });
    await assert.rejects(missing.executeSql(OVER_QUERY), (e: WeirError) => e.code === 'CONFIG_INVALID' && /'nope'/.test(e.message));
    const wrong = await env({ 'table.exec.late-records.sink': 'bad' });
    await wrong.executeSql("CREATE TABLE bad (`row` STRING, extra INT) WITH ('connector' = 'blackhole')");
    await assert.rejects(wrong.executeSql(OVER_QUERY), (e: WeirError) => e.code === 'SCHEMA_MISMATCH' && /extra INT/.test(e.message) && /row STRING/.test(e.message));
  });
});
