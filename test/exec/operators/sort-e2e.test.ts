import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Table } from '../../../src/api/table.ts';
import { TableEnvironment } from '../../../src/api/table-environment.ts';
import type { SortKey } from '../../../src/plan/aggregate-call.ts';
import { joinTables, lcg, LEFT_ROWS, referenceJoin, RIGHT_ROWS } from './join-fixtures.ts';

function sort(t: Table, keys: SortKey[], offset: number, fetch: number | null): Table {
  return new Table(t.env, { kind: 'sort', schema: t.schema, input: t.plan, keys, offset, fetch });
}

/** Brute-force comparator over JS rows with Flink's key semantics (NULL placement independent of direction). */
function comparator(keys: SortKey[]): (a: readonly unknown[], b: readonly unknown[]) => number {
  return (a, b) => {
    for (const k of keys) {
      const x = a[k.index] as number | string | null;
      const y = b[k.index] as number | string | null;
      if (x === y) continue;
      if (x === null) return k.nullsFirst ? -1 : 1;
      if (y === null) return k.nullsFirst ? 1 : -1;
      return (x < y ? -1 : 1) * (k.ascending ? 1 : -1);
    }
    return 0;
  };
}

const rnd = lcg(99);
const ROWS = Array.from({ length: 500 }, (_, i) => [rnd() < 0.1 ? null : `s${Math.floor(rnd() * 40)}`, rnd() < 0.1 ? null : Math.floor(rnd() * 20), i]);

for (const parallelism of [1, 2]) {
  describe(`sort end to end (parallelism ${parallelism})`, () => {
    it('ORDER BY s DESC NULLS FIRST, n ASC, id LIMIT 37 OFFSET 5', async () => {
      const env = TableEnvironment.create({ parallelism });
      const keys: SortKey[] = [{ index: 0, ascending: false, nullsFirst: true }, { index: 1, ascending: true, nullsFirst: false }, { index: 2, ascending: true, nullsFirst: true }];
      const got = await sort(env.fromValues(ROWS, { s: 'STRING', n: 'INT', id: 'INT' }), keys, 5, 37).execute().collect();
      assert.deepEqual(got.map((r) => r.values), [...ROWS].sort(comparator(keys)).slice(5, 42));
      assert.ok(got.every((r) => r.kind === '+I'));
    });

    it('ORDER BY over an updating input (a left join) sorts the final join result', async () => {
      const env = TableEnvironment.create({ parallelism });
      const keys: SortKey[] = [0, 1, 2, 3, 4].map((index) => ({ index, ascending: index % 2 === 0, nullsFirst: index !== 1 }));
      const got = await sort(joinTables(env, 'left', true), keys, 0, null).execute().collect();
      const expected = referenceJoin('left', LEFT_ROWS, RIGHT_ROWS, (l, r) => (l[2] as number) < (r[1] as number)).sort(comparator(keys));
      assert.deepEqual(got.map((r) => r.values), expected);
      assert.ok(got.every((r) => r.kind === '+I'));
    });
  });
}
