import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { call, col, lit, Over, rowInterval, TableEnvironment, UNBOUNDED_ROW, type Table } from '../../../src/index.ts';
import { closeInspectors } from '../../../src/udf/python/inspect.ts';
import { lcg } from './join-fixtures.ts';

const BASE = Date.UTC(2024, 0, 1);
const stamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** [k, ts ms, v]: 200 rows over 4 keys, 1 s apart, shuffled within blocks of 4 (out of order by < 4 s). */
function events(): [string, number, number | null][] {
  const rnd = lcg(42);
  const rows = Array.from({ length: 200 }, (_, i): [string, number, number | null] => [`k${Math.floor(rnd() * 4)}`, BASE + i * 1000, rnd() < 0.1 ? null : Math.floor(rnd() * 100)]);
  for (let b = 0; b < rows.length; b += 4) {
    for (let i = b + 3; i > b; i--) { const j = b + Math.floor(rnd() * (i - b + 1)); [rows[i], rows[j]] = [rows[j], rows[i]]; }
  }
  return rows;
}

/** Per key in time order: SUM(v) over the last `n` rows (null: all rows) and over the last `ms` of time. */
function reference(rows: readonly [string, number, number | null][], n: number | null, ms: number): string[] {
  const byKey = new Map<string, [string, number, number | null][]>();
  for (const r of rows) byKey.set(r[0], [...(byKey.get(r[0]) ?? []), r]);
  const out: string[] = [];
  const sum = (xs: [string, number, number | null][]): number | null => (xs.some((x) => x[2] !== null) ? xs.reduce((s, x) => s + (x[2] ?? 0), 0) : null);
  for (const list of byKey.values()) {
    list.sort((a, b) => a[1] - b[1]);
    list.forEach((r, i) => {
      const rowsFrame = list.slice(n === null ? 0 : Math.max(0, i - n), i + 1);
      const rangeFrame = list.filter((x) => x[1] >= r[1] - ms && x[1] <= r[1]);
      out.push(`${r[0]}|${r[1]}|${r[2]}|${sum(rowsFrame)}|${sum(rangeFrame)}`);
    });
  }
  return out.sort();
}

/** Scripted table `s(k, ts, v)` with a 5 s watermark delay, a watermark after every 20-row batch. */
async function scripted(env: TableEnvironment, rows: readonly [string, number, number | null][]): Promise<void> {
  const steps = [];
  for (let b = 0; b < rows.length; b += 20) steps.push({ rows: rows.slice(b, b + 20).map((r) => [r[0], stamp(r[1]), r[2]]) });
  await env.executeSql(`CREATE TABLE s (k STRING, ts TIMESTAMP(3), v INT, pt AS PROCTIME(), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) `
    + `WITH ('connector' = 'scripted', 'script' = '${JSON.stringify([steps])}')`);
}

const lines = async (t: Table): Promise<string[]> => (await t.execute().collect()).map((r) => {
  assert.equal(r.kind, '+I');
  return r.values.map((v) => (v instanceof Date ? v.getTime() : v === null ? 'null' : v)).join('|');
}).sort();

for (const parallelism of [1, 2]) {
  describe(`OVER aggregation end to end (parallelism ${parallelism})`, () => {
    const rows = events();

    it('SQL: ROWS and RANGE frames on event time match a brute-force reference', async () => {
      const env = TableEnvironment.create({ parallelism, config: { 'pipeline.auto-watermark-interval': '0' } });
      await scripted(env, rows);
      const rowsSql = await lines(env.sqlQuery('SELECT k, ts, v, SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), '
        + "SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM s"));
      assert.deepEqual(rowsSql.map((l) => l.split('|').slice(0, 4).join('|')), reference(rows, 2, 0).map((l) => l.split('|').slice(0, 4).join('|')));
      const rangeSql = await lines(env.sqlQuery("SELECT k, ts, v, SUM(v) OVER w AS r, SUM(v) OVER w AS r2 FROM s WINDOW w AS (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW)"));
      assert.deepEqual(rangeSql.map((l) => l.split('|').filter((_, i) => i !== 3).join('|')), reference(rows, 2, 10_000).map((l) => l.split('|').filter((_, i) => i !== 3).join('|')));
    });

    it('Table API: overWindow(Over.partitionBy(k).orderBy(ts).preceding(...).as(w)).select(v.sum().over(w))', async () => {
      const env = TableEnvironment.create({ parallelism, config: { 'pipeline.auto-watermark-interval': '0' } });
      await scripted(env, rows);
      const t = env.from('s');
      const byRows = t.overWindow(Over.partitionBy(col('k')).orderBy(col('ts')).preceding(rowInterval(2)).as('w'))
        .select(col('k'), col('ts'), col('v'), col('v').sum().over(col('w')).as('s'), col('v').sum().over('w').plus(lit(0)).as('s2'));
      assert.deepEqual(byRows.schema.names, ['k', 'ts', 'v', 's', 's2']);
      const expected = reference(rows, 2, 10_000);
      assert.deepEqual((await lines(byRows)).map((l) => l.split('|').slice(0, 4).join('|')), expected.map((l) => l.split('|').slice(0, 4).join('|')));
      const byTime = t.overWindow(Over.partitionBy('k').orderBy('ts').preceding(lit(10).seconds()).as('w')).select('k', 'ts', 'v', col('v').sum().over('w'));
      assert.deepEqual(await lines(byTime), expected.map((l) => l.split('|').filter((_, i) => i !== 3).join('|')));
      const unbounded = t.overWindow(Over.partitionBy('k').orderBy('ts').preceding(UNBOUNDED_ROW).as('w')).select('k', 'ts', 'v', col('v').sum().over('w'));
      assert.deepEqual(await lines(unbounded), reference(rows, null, 0).map((l) => l.split('|').slice(0, 4).join('|')));
    });

    it('processing time: ORDER BY a PROCTIME() column aggregates in arrival order', async () => {
      const env = TableEnvironment.create({ parallelism });
      await scripted(env, rows);
      const got = await lines(env.sqlQuery('SELECT k, v, SUM(v) OVER (PARTITION BY k ORDER BY pt ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM s'));
      const arrival = rows.map((r, i): [string, number, number | null] => [r[0], i, r[2]]);
      assert.deepEqual(got, reference(arrival, 2, 0).map((l) => { const [k, , v, s] = l.split('|'); return `${k}|${v}|${s}`; }).sort());
    });
  });
}

describe('OVER aggregation end to end: Table API aggregates', () => {
  after(() => closeInspectors());

  it('col(*).count(), distinct() and a Python UDAF over one window', async () => {
    const env = TableEnvironment.create({ baseDir: join(import.meta.dirname, '..', '..', 'fixtures'), config: { 'python.worker.pool-size': 1 } });
    const script = [[{ rows: [['a', stamp(BASE + 1000), 2, 1], ['a', stamp(BASE + 2000), 6, 3], ['a', stamp(BASE + 3000), 6, null], ['b', stamp(BASE + 1500), 4, 2]] }]];
    await env.executeSql(`CREATE TABLE s (k STRING, ts TIMESTAMP(3), price BIGINT, qty BIGINT, WATERMARK FOR ts AS ts) WITH ('connector' = 'scripted', 'script' = '${JSON.stringify(script)}')`);
    await env.createPythonFunction('weighted_avg', 'udfs/udafs.py:weighted_avg');
    const w = Over.partitionBy('k').orderBy('ts').preceding(rowInterval(1)).as('w');
    const t = env.from('s').overWindow(w).select(col('k'), col('price'), col('*').count().over('w').as('n'),
      col('price').count().distinct().over('w').as('d'), call('weighted_avg', col('price'), col('qty')).over('w').as('wavg'));
    assert.deepEqual(await lines(t), ['a|2|1|1|2', 'a|6|2|2|5', 'a|6|2|1|6', 'b|4|1|1|4'].sort());
  });
});

describe('OVER aggregation end to end: late rows', () => {
  it('a row at or before its partition\'s last emitted time is dropped and counted in numLateRecordsDropped', async () => {
    const env = TableEnvironment.create({ parallelism: 1, config: { 'pipeline.auto-watermark-interval': '0' } });
    const script = [[
      { rows: [['a', stamp(BASE + 1000), 1], ['a', stamp(BASE + 3000), 3]] },
      { rows: [['a', stamp(BASE + 2000), 2], ['b', stamp(BASE + 2000), 20], ['a', stamp(BASE + 4000), 4]] },
    ]];
    await env.executeSql(`CREATE TABLE s (k STRING, ts TIMESTAMP(3), v INT, WATERMARK FOR ts AS ts) WITH ('connector' = 'scripted', 'script' = '${JSON.stringify(script)}')`);
    const result = env.sqlQuery('SELECT k, ts, v, COUNT(*) OVER (PARTITION BY k ORDER BY ts) FROM s').execute();
    const got = (await result.collect()).map((r) => r.values.map((v) => (v instanceof Date ? v.getTime() - BASE : v)).join('|')).sort();
    assert.deepEqual(got, ['a|1000|1|1', 'a|3000|3|2', 'a|4000|4|3', 'b|2000|20|1'], 'a@2000 came after a@3000 was emitted; b@2000 is behind the watermark but its partition had nothing yet');
    const metrics = (await result.job.done()).metrics;
    const over = metrics.operators.find((o) => o.name.startsWith('OverAggregate'))!;
    assert.equal(metrics.raw[`operator.${over.id}.numLateRecordsDropped`], 1);
  });
});
