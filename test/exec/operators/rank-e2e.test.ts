import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Table } from '../../../src/api/table.ts';
import { TableEnvironment } from '../../../src/api/table-environment.ts';
import type { SortKey } from '../../../src/plan/aggregate-call.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { joinTables, lcg, LEFT_ROWS, referenceJoin, RIGHT_ROWS } from './join-fixtures.ts';

const rnd = lcg(7);
/** (p, v, id): v unique per row so ROW_NUMBER is deterministic. */
const ROWS: unknown[][] = Array.from({ length: 300 }, (_, i) => [`p${Math.floor(rnd() * 6)}`, Math.floor(rnd() * 1e6) * 1000 + i, i]);

function rank(t: Table, partitionKeys: number[], orderKeys: SortKey[], rankStart: number, rankEnd: number, outputRankNumber: boolean): Table {
  const schema = outputRankNumber ? new Schema([...t.schema.columns, { name: 'rn', type: DataTypes.BIGINT() }]) : t.schema;
  return new Table(t.env, { kind: 'rank', schema, input: t.plan, partitionKeys, orderKeys, rankStart, rankEnd, outputRankNumber });
}

/** ROW_NUMBER() over partitions, by brute force: sort each partition (stable), keep ranks start..end. */
function reference(rows: unknown[][], partition: (r: unknown[]) => string, cmp: (a: unknown[], b: unknown[]) => number, start: number, end: number, withRank: boolean): unknown[][] {
  const parts = new Map<string, unknown[][]>();
  for (const r of rows) { const k = partition(r); parts.set(k, [...(parts.get(k) ?? []), r]); }
  const out: unknown[][] = [];
  for (const list of parts.values()) {
    [...list].sort(cmp).forEach((r, i) => { if (i + 1 >= start && i + 1 <= end) out.push(withRank ? [...r, BigInt(i + 1)] : r); });
  }
  return out;
}

const canonBig = (rows: readonly (readonly unknown[])[]) => rows.map((r) => JSON.stringify(r, (_, x) => (typeof x === 'bigint' ? `${x}n` : x))).sort();

for (const parallelism of [1, 2]) {
  describe(`Top-N and deduplication end to end (parallelism ${parallelism})`, () => {
    const cases = [
      { name: 'Top-3 ASC', start: 1, end: 3, asc: true, rn: false },
      { name: 'ranks 2..4 DESC with row number', start: 2, end: 4, asc: false, rn: true },
      { name: 'dedup keep-first', start: 1, end: 1, asc: true, rn: false },
      { name: 'dedup keep-last with row number', start: 1, end: 1, asc: false, rn: true },
    ];
    for (const c of cases) {
      it(`${c.name} matches a brute-force ROW_NUMBER`, async () => {
        const env = TableEnvironment.create({ parallelism });
        const input = env.fromValues(ROWS, { p: 'STRING', v: 'BIGINT', id: 'INT' });
        const got = await rank(input, [0], [{ index: 1, ascending: c.asc, nullsFirst: c.asc }], c.start, c.end, c.rn).execute().materialize();
        const rows = ROWS.map((r) => [r[0], BigInt(r[1] as number), r[2]]);
        const expected = reference(rows, (r) => r[0] as string, (a, b) => (c.asc ? 1 : -1) * Number((a[1] as bigint) - (b[1] as bigint)), c.start, c.end, c.rn);
        assert.deepEqual(canonBig(got.map((r) => r.values)), canonBig(expected));
      });
    }

    it('Top-N over an updating input (a full join) matches the Top-N of the final join result', async () => {
      const env = TableEnvironment.create({ parallelism });
      const joined = joinTables(env, 'full', false);
      // Order by every column so the result is deterministic; NULLs last.
      const order = [2, 0, 4, 1, 3].map((index) => ({ index, ascending: true, nullsFirst: false }));
      const got = await rank(joined, [3], order, 1, 2, true).execute().materialize();
      const cmp = (a: unknown[], b: unknown[]) => {
        for (const i of [2, 0, 4, 1, 3]) {
          const x = a[i] as number | null;
          const y = b[i] as number | null;
          if (x === y) continue;
          if (x === null) return 1;
          if (y === null) return -1;
          return x - y;
        }
        return 0;
      };
      const expected = reference(referenceJoin('full', LEFT_ROWS, RIGHT_ROWS), (r) => String(r[3]), cmp, 1, 2, true);
      assert.deepEqual(canonBig(got.map((r) => r.values)), canonBig(expected));
    });
  });
}
