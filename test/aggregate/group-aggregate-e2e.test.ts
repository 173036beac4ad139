import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveAggregate } from '../../src/aggregate/aggregate-functions.ts';
import { Table, TableEnvironment } from '../../src/index.ts';
import type { AggregateCall } from '../../src/plan/aggregate-call.ts';
import { Schema } from '../../src/types/schema.ts';

/** GROUP BY `groupKeys` over `input`, built as the SQL planner builds it (the SQL front end is not needed). */
function groupBy(input: Table, groupKeys: number[], calls: [fn: string, args: number[], name: string, opts?: { distinct?: boolean; filter?: number }][]): Table {
  const cols = input.schema.columns;
  const aggregates = calls.map(([fn, args, name, opts]): AggregateCall => {
    const distinct = opts?.distinct ?? false;
    const { fn: canonical, type } = resolveAggregate(fn, args.map((i) => cols[i].type), distinct);
    return { fn: canonical, args, distinct, filter: opts?.filter ?? null, type, name };
  });
  const schema = new Schema([...groupKeys.map((k) => cols[k]), ...aggregates.map((a) => ({ name: a.name, type: a.type }))]);
  return new Table(input.env, { kind: 'aggregate', schema, input: input.plan, groupKeys, aggregates });
}

const ROWS = Array.from({ length: 400 }, (_, i) => [`u${i % 7}`, i % 13, i % 5 === 0 ? null : (i % 11) - 3, (i % 3) === 0]);

/** The expected per-user aggregates, computed directly. */
function expected(): string[] {
  const by = new Map<string, { n: number; sum: number; nn: number; max: number | null; cats: Set<number>; flagged: number }>();
  for (const [u, cat, v, flag] of ROWS as [string, number, number | null, boolean][]) {
    const e = by.get(u) ?? { n: 0, sum: 0, nn: 0, max: null, cats: new Set(), flagged: 0 };
    e.n++;
    if (v !== null) { e.sum += v; e.nn++; e.max = e.max === null ? v : Math.max(e.max, v); }
    e.cats.add(cat);
    if (flag) e.flagged++;
    by.set(u, e);
  }
  return [...by].map(([u, e]) => JSON.stringify([u, BigInt(e.n).toString(), e.nn ? e.sum : null, e.max, BigInt(e.cats.size).toString(), BigInt(e.flagged).toString()])).sort();
}

const show = (rows: { values: readonly unknown[] }[]) =>
  rows.map((r) => JSON.stringify(r.values, (_, x) => (typeof x === 'bigint' ? x.toString() : x))).sort();

for (const parallelism of [1, 2]) {
  for (const backend of ['hashmap', 'rocksdb']) {
    describe(`GROUP BY end to end (parallelism ${parallelism}, ${backend})`, () => {
      const env = TableEnvironment.create({ config: { 'parallelism.default': parallelism, 'state.backend': backend, 'table.exec.batch-size': 64 } });
      const events = () => env.fromValues(ROWS, { u: 'STRING', cat: 'INT', v: 'INT', flag: 'BOOLEAN' });

      it('COUNT(*), SUM, MAX, COUNT(DISTINCT), COUNT(*) FILTER per key', async () => {
        const t = groupBy(events(), [0], [
          ['COUNT', [], 'n'], ['SUM', [2], 'total'], ['MAX', [2], 'top'], ['COUNT', [1], 'cats', { distinct: true }], ['COUNT', [], 'flagged', { filter: 3 }],
        ]);
        assert.deepEqual(show(await t.execute().materialize()), expected());
      });

      it('an aggregate over an updating aggregate: how many users have each count', async () => {
        // Per (u, cat) counts, then per count the number of (u, cat) groups: the inner result is a changelog whose
        // -U rows the outer aggregate must retract.
        const inner = groupBy(events(), [0, 1], [['COUNT', [], 'n']]);
        const outer = groupBy(inner, [2], [['COUNT', [], 'groups'], ['MIN', [0], 'first_user'], ['MAX', [0], 'last_user']]);
        const counts = new Map<string, number>();
        for (const [u, cat] of ROWS as [string, number][]) counts.set(`${u}|${cat}`, (counts.get(`${u}|${cat}`) ?? 0) + 1);
        const byCount = new Map<number, string[]>();
        for (const [key, n] of counts) byCount.set(n, [...(byCount.get(n) ?? []), key.split('|')[0]]);
        const want = [...byCount].map(([n, users]) => JSON.stringify([String(n), String(users.length), users.sort()[0], users.sort().at(-1)])).sort();
        assert.deepEqual(show(await outer.execute().materialize()), want);
      });

      it('a global aggregate (one row) over an updating input', async () => {
        const inner = groupBy(events(), [0], [['SUM', [2], 'total']]);
        const outer = groupBy(inner, [], [['COUNT', [], 'users'], ['SUM', [1], 'grand'], ['AVG', [1], 'mean']]);
        const totals = expected().map((r) => JSON.parse(r)[2] as number);
        const grand = totals.reduce((a, b) => a + b, 0);
        assert.deepEqual(show(await outer.execute().materialize()), [JSON.stringify(['7', grand, Math.trunc(grand / 7)])]);
      });
    });
  }
}

describe('GROUP BY end to end with mini-batch', () => {
  it('gives the same final table as per-row processing, at parallelism 2', async () => {
    const env = TableEnvironment.create({
      config: {
        'parallelism.default': 2, 'table.exec.batch-size': 32, 'table.exec.mini-batch.enabled': true,
        'table.exec.mini-batch.size': 100, 'table.exec.mini-batch.allow-latency': '50 ms',
      },
    });
    const events = env.fromValues(ROWS, { u: 'STRING', cat: 'INT', v: 'INT', flag: 'BOOLEAN' });
    const t = groupBy(events, [0], [
      ['COUNT', [], 'n'], ['SUM', [2], 'total'], ['MAX', [2], 'top'], ['COUNT', [1], 'cats', { distinct: true }], ['COUNT', [], 'flagged', { filter: 3 }],
    ]);
    assert.deepEqual(show(await t.execute().materialize()), expected());
  });
});
