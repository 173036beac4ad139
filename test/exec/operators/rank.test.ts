import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRankOperator, TopNOperator } from '../../../src/exec/operators/rank.ts';
import { DeduplicateOperator } from '../../../src/exec/operators/rank-deduplicate.ts';
import type { SortKey } from '../../../src/plan/aggregate-call.ts';
import type { RankNode } from '../../../src/plan/physical/physical-node.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { BACKENDS, harness, inserts, rows } from './join-harness.ts';

const S = new Schema([{ name: 'p', type: DataTypes.STRING() }, { name: 'v', type: DataTypes.INT() }, { name: 'id', type: DataTypes.INT() }]);
const ASC: SortKey = { index: 1, ascending: true, nullsFirst: true };
const DESC: SortKey = { index: 1, ascending: false, nullsFirst: false };

interface Opts { start?: number; end: number; rn?: boolean; updates?: boolean; order?: SortKey[]; partition?: number[] }

function node(o: Opts): RankNode {
  const outputSchema = o.rn ? [...S.columns, { name: 'rn', type: DataTypes.BIGINT() }] : S.columns;
  return {
    kind: 'rank', id: 'r', name: 'Rank', outputSchema, inputSchema: S.columns, partitionKeys: o.partition ?? [0],
    orderKeys: o.order ?? [ASC], rankStart: o.start ?? 1, rankEnd: o.end, outputRankNumber: o.rn ?? false, inputUpdates: o.updates ?? false,
  };
}

async function open(o: Opts, backend: string) {
  const n = node(o);
  return harness(createRankOperator(n), backend, n.outputSchema);
}

describe('rank operator choice', () => {
  it('uses the dedup fast path only for rank 1..1 over one order key on insert-only input', () => {
    assert.ok(createRankOperator(node({ end: 1 })) instanceof DeduplicateOperator);
    assert.ok(createRankOperator(node({ end: 1, updates: true })) instanceof TopNOperator);
    assert.ok(createRankOperator(node({ end: 2 })) instanceof TopNOperator);
    assert.ok(createRankOperator(node({ end: 1, order: [ASC, { index: 2, ascending: true, nullsFirst: true }] })) instanceof TopNOperator);
  });
});

for (const backend of BACKENDS) {
  describe(`Top-N (${backend})`, () => {
    it('insert-only, no row number: rows enter and push the last one out; ties keep arrival order', async () => {
      const h = await open({ end: 2 }, backend);
      await h.op.processBatch(inserts(S, ['a', 5, 1], ['a', 3, 2], ['b', 9, 3]), 0);
      assert.deepEqual(h.drain(), ['+I[a, 5, 1]', '+I[a, 3, 2]', '+I[b, 9, 3]']);
      await h.op.processBatch(inserts(S, ['a', 4, 3]), 0);
      assert.deepEqual(h.drain(), ['-D[a, 5, 1]', '+I[a, 4, 3]']);
      await h.op.processBatch(inserts(S, ['a', 9, 4], ['a', 4, 5]), 0);
      assert.deepEqual(h.drain(), [], 'a row after the range, or tied with the last row, does not enter');
      await h.op.processBatch(inserts(S, ['a', 3, 6]), 0);
      assert.deepEqual(h.drain(), ['-D[a, 4, 3]', '+I[a, 3, 6]']);
      await h.op.processBatch(inserts(S, ['a', null, 7]), 0);
      assert.deepEqual(h.drain(), ['-D[a, 3, 6]', '+I[a, null, 7]'], 'NULLS FIRST');
      await h.close();
    });

    it('insert-only with row numbers: shifted rows are -U/+U per rank, a filled rank +I', async () => {
      const h = await open({ end: 3, rn: true }, backend);
      await h.op.processBatch(inserts(S, ['a', 5, 1]), 0);
      assert.deepEqual(h.drain(), ['+I[a, 5, 1, 1]']);
      await h.op.processBatch(inserts(S, ['a', 3, 2]), 0);
      assert.deepEqual(h.drain(), ['-U[a, 5, 1, 1]', '+U[a, 3, 2, 1]', '+I[a, 5, 1, 2]']);
      await h.op.processBatch(inserts(S, ['a', 3, 3]), 0);
      assert.deepEqual(h.drain(), ['-U[a, 5, 1, 2]', '+U[a, 3, 3, 2]', '+I[a, 5, 1, 3]']);
      await h.op.processBatch(inserts(S, ['a', 1, 4]), 0);
      assert.deepEqual(h.drain(), [
        '-U[a, 3, 2, 1]', '+U[a, 1, 4, 1]', '-U[a, 3, 3, 2]', '+U[a, 3, 2, 2]', '-U[a, 5, 1, 3]', '+U[a, 3, 3, 3]',
      ]);
      await h.close();
    });

    it('rank range with an offset (rankStart 2) and DESC order', async () => {
      const h = await open({ start: 2, end: 3, rn: true, order: [DESC] }, backend);
      await h.op.processBatch(inserts(S, ['a', 5, 1], ['a', 7, 2]), 0);
      assert.deepEqual(h.drain(), ['+I[a, 5, 1, 2]']);
      await h.op.processBatch(inserts(S, ['a', 6, 3]), 0);
      assert.deepEqual(h.drain(), ['-U[a, 5, 1, 2]', '+U[a, 6, 3, 2]', '+I[a, 5, 1, 3]']);
      await h.close();
      const plain = await open({ start: 2, end: 3, order: [DESC] }, backend);
      await plain.op.processBatch(inserts(S, ['a', 5, 1], ['a', 7, 2], ['a', 6, 3], ['a', 9, 4]), 0);
      assert.deepEqual(plain.drain(), ['+I[a, 5, 1]', '+I[a, 6, 3]', '-D[a, 5, 1]', '+I[a, 7, 2]']);
      await plain.close();
    });

    it('with retractions: every row is kept, so a retraction pulls the next row into the range', async () => {
      const h = await open({ end: 2, updates: true }, backend);
      await h.op.processBatch(inserts(S, ['a', 1, 1], ['a', 2, 2], ['a', 3, 3]), 0);
      assert.deepEqual(h.drain(), ['+I[a, 1, 1]', '+I[a, 2, 2]']);
      await h.op.processBatch(rows(S, ['-D', 'a', 1, 1]), 0);
      assert.deepEqual(h.drain(), ['-D[a, 1, 1]', '+I[a, 3, 3]']);
      await h.op.processBatch(rows(S, ['-D', 'a', 9, 9]), 0);
      assert.deepEqual(h.drain(), [], 'retracting an unknown row is ignored');
      await h.op.processBatch(rows(S, ['-U', 'a', 2, 2], ['+U', 'a', 0, 2]), 0);
      assert.deepEqual(h.drain(), ['-D[a, 2, 2]', '+I[a, 0, 2]']);
      await h.op.processBatch(rows(S, ['-D', 'a', 3, 3]), 0);
      assert.deepEqual(h.drain(), ['-D[a, 3, 3]']);
      await h.close();
    });

    it('with retractions and row numbers: ranks after the removed row move up', async () => {
      const h = await open({ end: 3, updates: true, rn: true }, backend);
      await h.op.processBatch(inserts(S, ['a', 1, 1], ['a', 2, 2], ['a', 3, 3], ['a', 4, 4]), 0);
      h.drain();
      await h.op.processBatch(rows(S, ['-D', 'a', 2, 2]), 0);
      assert.deepEqual(h.drain(), ['-U[a, 2, 2, 2]', '+U[a, 3, 3, 2]', '-U[a, 3, 3, 3]', '+U[a, 4, 4, 3]']);
      await h.op.processBatch(rows(S, ['-D', 'a', 1, 1], ['-D', 'a', 4, 4]), 0);
      assert.deepEqual(h.drain(), ['-U[a, 1, 1, 1]', '+U[a, 3, 3, 1]', '-U[a, 3, 3, 2]', '+U[a, 4, 4, 2]', '-D[a, 4, 4, 3]', '-D[a, 4, 4, 2]']);
      await h.close();
    });

    it('duplicate rows: moving past an equal row changes nothing visible', async () => {
      const h = await open({ end: 2, updates: true }, backend);
      await h.op.processBatch(inserts(S, ['a', 1, 1], ['a', 1, 1], ['a', 1, 1]), 0);
      assert.deepEqual(h.drain(), ['+I[a, 1, 1]', '+I[a, 1, 1]']);
      await h.op.processBatch(rows(S, ['-D', 'a', 1, 1]), 0);
      assert.deepEqual(h.drain(), []);
      await h.op.processBatch(rows(S, ['-D', 'a', 1, 1]), 0);
      assert.deepEqual(h.drain(), ['-D[a, 1, 1]']);
      await h.close();
    });

    it('global Top-N (no partition keys)', async () => {
      const h = await open({ end: 1, partition: [], order: [ASC, { index: 2, ascending: false, nullsFirst: false }] }, backend);
      await h.op.processBatch(inserts(S, ['a', 2, 1], ['b', 1, 1], ['c', 1, 2]), 0);
      assert.deepEqual(h.drain(), ['+I[a, 2, 1]', '-D[a, 2, 1]', '+I[b, 1, 1]', '-D[b, 1, 1]', '+I[c, 1, 2]']);
      await h.close();
    });
  });

  describe(`deduplication (${backend})`, () => {
    it('keep-first (ASC): one +I per key, insert-only output, nothing after', async () => {
      const h = await open({ end: 1 }, backend);
      await h.op.processBatch(inserts(S, ['a', 1, 1], ['b', 2, 2], ['a', 3, 3]), 0);
      assert.ok(h.out.every((b) => b.isInsertOnly));
      assert.deepEqual(h.drain(), ['+I[a, 1, 1]', '+I[b, 2, 2]']);
      await h.op.processBatch(inserts(S, ['a', 4, 4], ['b', 2, 5], ['c', 0, 6]), 0);
      assert.deepEqual(h.drain(), ['+I[c, 0, 6]'], 'later or tied rows are dropped');
      await h.op.processBatch(inserts(S, ['a', 0, 7]), 0);
      assert.deepEqual(h.drain(), ['-U[a, 1, 1]', '+U[a, 0, 7]'], 'a row ordered strictly before the kept one replaces it');
      await h.close();
    });

    it('keep-last (DESC): +I then -U/+U per newer row; ties go to the newer row; net change per batch', async () => {
      const h = await open({ end: 1, order: [DESC] }, backend);
      await h.op.processBatch(inserts(S, ['a', 1, 1]), 0);
      assert.deepEqual(h.drain(), ['+I[a, 1, 1]']);
      await h.op.processBatch(inserts(S, ['a', 2, 2]), 0);
      assert.deepEqual(h.drain(), ['-U[a, 1, 1]', '+U[a, 2, 2]']);
      await h.op.processBatch(inserts(S, ['a', 2, 3]), 0);
      assert.deepEqual(h.drain(), ['-U[a, 2, 2]', '+U[a, 2, 3]']);
      await h.op.processBatch(inserts(S, ['a', 1, 4]), 0);
      assert.deepEqual(h.drain(), []);
      await h.op.processBatch(inserts(S, ['a', 5, 5], ['b', 1, 6], ['a', 6, 7], ['b', 2, 8]), 0);
      assert.deepEqual(h.drain(), ['-U[a, 2, 3]', '+U[a, 6, 7]', '+I[b, 2, 8]']);
      await h.close();
    });

    it('with the row number column', async () => {
      const h = await open({ end: 1, order: [DESC], rn: true }, backend);
      await h.op.processBatch(inserts(S, ['a', 1, 1]), 0);
      await h.op.processBatch(inserts(S, ['a', 2, 2]), 0);
      assert.deepEqual(h.drain(), ['+I[a, 1, 1, 1]', '-U[a, 1, 1, 1]', '+U[a, 2, 2, 1]']);
      await h.close();
    });
  });
}
