import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call, col, CoreOptions, lit, Schema, Session, Slide, TableDescriptor, TableEnvironment, Tumble, WeirError } from '../../src/index.ts';
import { findNode } from '../sql/planner/helpers.ts';

const T = (s: number): string => `2024-01-01 00:00:${String(s).padStart(2, '0')}`;
const rows = [['a', 1, T(1)], ['b', 2, T(3)], ['a', 3, T(12)], ['a', 4, T(8)], ['b', null, T(14)], ['a', 6, T(31)]];

/** s(k, v, ts): a scripted table (split over two source subtasks at parallelism 2), rowtime ts with a watermark 1 s behind. */
function table(env: TableEnvironment) {
  const script = JSON.stringify(env.getConfig().get(CoreOptions.PARALLELISM) === 1 ? [[{ rows }]] : [[{ rows: rows.slice(0, 3) }], [{ rows: rows.slice(3) }]]);
  return env.from(TableDescriptor.forConnector('scripted').option('script', script).schema(Schema.newBuilder()
    .column('k', 'STRING').column('v', 'INT').column('ts', 'TIMESTAMP(3)')
    .watermark('ts', "ts - INTERVAL '1' SECOND")
    .columnByExpression('pt', 'PROCTIME()')
    .build()).build());
}

/** Result rows as strings with times shortened to seconds, sorted. */
async function collect(t: ReturnType<typeof table>): Promise<string[]> {
  const out = await t.execute().collect();
  return out.map((r) => `${r.kind}[${r.values.map((v) => (v instanceof Date ? `${v.getUTCSeconds()}s` : String(v))).join(', ')}]`).sort();
}

describe('Table API group windows', () => {
  for (const parallelism of [1, 2]) {
    it(`Tumble: keys, window start/end/rowtime and aggregates (parallelism ${parallelism})`, async () => {
      const env = TableEnvironment.create({ parallelism });
      const t = table(env)
        .window(Tumble.over(lit(10).seconds()).on(col('ts')).as('w'))
        .groupBy(col('w'), col('k'))
        .select(col('k'), col('w').start().as('ws'), col('w').end().as('we'), col('w').rowtime().as('wt'),
          col('v').sum().as('total'), col('*').count().as('n'), col('v').count().distinct().as('dv'), col('v').max().plus(1).as('mx1'));
      assert.equal(t.schema.columns.find((c) => c.name === 'wt')!.timeAttribute, 'rowtime');
      assert.deepEqual(await collect(t), [
        '+I[a, 0s, 10s, 9s, 5, 2, 2, 5]',
        '+I[a, 10s, 20s, 19s, 3, 1, 1, 4]',
        '+I[a, 30s, 40s, 39s, 6, 1, 1, 7]',
        '+I[b, 0s, 10s, 9s, 2, 1, 1, 3]',
        '+I[b, 10s, 20s, 19s, null, 1, 0, null]',
      ]);
    });
  }

  it('Slide and Session windows; a window of a window by its rowtime', async () => {
    const env = TableEnvironment.create({ parallelism: 2 });
    const slide = table(env).window(Slide.over(lit(10).seconds()).every(lit(5).seconds()).on('ts').alias('w'))
      .groupBy('w').select(col('w').end().as('we'), col('v').sum().as('total'));
    assert.deepEqual(await collect(slide), ['+I[10s, 7]', '+I[15s, 7]', '+I[20s, 3]', '+I[35s, 6]', '+I[40s, 6]', '+I[5s, 3]']);
    const session = table(env).window(Session.withGap(lit(5).seconds()).on(col('ts')).as('s'))
      .groupBy(col('s'), col('k')).select(col('k'), col('s').start().as('ss'), col('s').end().as('se'), col('*').count().as('n'));
    // a@8 opens [8, 13), which a@12's [12, 17) overlaps: one session.
    assert.deepEqual(await collect(session), ['+I[a, 1s, 6s, 1]', '+I[a, 31s, 36s, 1]', '+I[a, 8s, 17s, 2]', '+I[b, 14s, 19s, 1]', '+I[b, 3s, 8s, 1]']);
    const nested = table(env).window(Tumble.over(lit(10).seconds()).on(col('ts')).as('w'))
      .groupBy(col('w'), col('k')).select(col('k'), col('w').rowtime().as('t1'), col('v').sum().as('s1'))
      .window(Tumble.over(lit(20).seconds()).on(col('t1')).as('w2'))
      .groupBy(col('w2')).select(col('w2').start().as('ws'), col('s1').sum().as('s2'));
    assert.deepEqual(await collect(nested), ['+I[0s, 10]', '+I[20s, 6]']);
  });

  it('plain groupBy is a retracting group aggregate', async () => {
    const env = TableEnvironment.create({ parallelism: 2 });
    const t = table(env).groupBy(col('k')).select(col('k'), col('v').sum().as('total'), col('v').avg().as('a'));
    assert.ok(findNode(t.plan, 'aggregate'));
    const final = (await t.execute().materialize()).map(String).sort();
    assert.deepEqual(final, ['+I[a, 14, 3]', '+I[b, 2, 2]']);
  });

  it('processing-time windows on a PROCTIME() column', async () => {
    const env = TableEnvironment.create({ parallelism: 1 });
    const t = table(env).window(Tumble.over(lit(1).hours()).on(col('pt')).as('w'))
      .groupBy(col('w')).select(col('w').proctime().as('p'), col('*').count().as('n'));
    assert.equal(t.schema.columns[0].timeAttribute, 'proctime');
    const out = await t.execute().collect();
    // Fired at the end of the input: however the rows fell into hours, every row is counted once.
    assert.equal(out.reduce((n, r) => n + Number(r.values[1]), 0), rows.length);
  });

  it('errors: not a time attribute, missing window alias, ungrouped column, row windows, wrong property', () => {
    const env = TableEnvironment.create();
    const expectError = (f: () => unknown, code: string, message: RegExp) => {
      assert.throws(f, (e: unknown) => e instanceof WeirError && e.code === code && message.test(e.message));
    };
    const w = Tumble.over(lit(10).seconds()).on(col('ts')).as('w');
    expectError(() => table(env).window(Tumble.over(lit(10).seconds()).on(col('v')).as('w')).groupBy(col('w')).select(col('v').sum()), 'PLAN_INVALID', /must be on a time attribute, got 'v'.*Time attributes of the table: ts, pt/s);
    expectError(() => table(env).window(w).groupBy(col('k')), 'PLAN_INVALID', /grouped by its window alias 'w'/);
    expectError(() => table(env).window(w).groupBy(col('w')).select(col('k'), col('v').sum()), 'PLAN_INVALID', /Column 'k' is neither grouped nor aggregated/);
    expectError(() => Tumble.over(lit(10).rows()), 'NOT_SUPPORTED', /row-count windows/);
    expectError(() => Slide.over(lit(1).seconds()).every(lit(2).seconds()), 'PLAN_INVALID', /must not be larger/);
    expectError(() => table(env).window(w).groupBy(col('w')).select(col('w').proctime()), 'PLAN_INVALID', /proctime\(\) is not defined for a event-time window/);
    expectError(() => table(env).groupBy(col('k')).select(call('UPPER', col('k')).distinct()), 'PLAN_INVALID', /distinct\(\) applies to aggregate functions/);
  });
});
