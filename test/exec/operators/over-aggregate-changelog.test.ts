/**
 * OVER aggregation over an updating input: the materialized output (the changelog applied) must equal a brute-force
 * OVER query over the input table's final content, after every batch, for ROWS and RANGE frames, bounded and not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeBatch } from '../../../src/batch/change-batch.ts';
import { isAccumulate } from '../../../src/batch/row-kind.ts';
import { ChangelogOverAggregateOperator } from '../../../src/exec/operators/over-aggregate-changelog.ts';
import { internalRowSerializer } from '../../../src/exec/operators/keyed/row-codec.ts';
import type { AggregateCall } from '../../../src/plan/aggregate-call.ts';
import { checkChangelogOver } from '../../../src/plan/over-changelog-calls.ts';
import type { OverFrame } from '../../../src/plan/over-frame.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { BACKENDS, harness, rows, type Harness } from './join-harness.ts';
import { agg, overNode } from './over-aggregate-harness.ts';

const S = new Schema([
  { name: 'p', type: DataTypes.STRING() },
  { name: 'ts', type: DataTypes.TIMESTAMP(3), timeAttribute: 'rowtime' },
  { name: 'v', type: DataTypes.INT() },
]);
type Row = [string, number | null, number | null];
const CALLS = [agg(S, 'SUM', [2], 's'), agg(S, 'COUNT', [2], 'c'), agg(S, 'MAX', [2], 'm'), agg(S, 'COUNT', [], 'n')];

async function open(frame: OverFrame, backend = 'hashmap'): Promise<Harness> {
  const node = { ...overNode(S, { partition: [0], order: 1, frame, calls: CALLS }), inputUpdates: true };
  return harness(new ChangelogOverAggregateOperator(node), backend, node.outputSchema);
}

const plainValue = (x: unknown): unknown => (typeof x === 'bigint' ? Number(x) : x instanceof Date ? x.getTime() : x);

/** Applies the emitted changelog to `table` (row text → count); fails on a retraction of a row not there. */
function apply(table: Map<string, number>, batches: readonly ChangeBatch[]): void {
  for (const b of batches) {
    for (let i = 0; i < b.numRows; i++) {
      const key = JSON.stringify(b.data.schema.fields.map((_, c) => plainValue(b.data.getChildAt(c)!.get(i))));
      const n = (table.get(key) ?? 0) + (isAccumulate(b.kindAt(i)) ? 1 : -1);
      assert.ok(n >= 0, `retraction of ${key}, which is not in the result`);
      if (n === 0) table.delete(key); else table.set(key, n);
    }
  }
}

/** Ties on time are ordered by the row's encoded internal values, as the operator does. */
const bytesOf = (r: Row): Uint8Array => internalRowSerializer().serialize([r[0], r[1] === null ? null : BigInt(r[1]), r[2]]);
function order(a: Row, b: Row): number {
  if (a[1]! !== b[1]!) return a[1]! - b[1]!;
  const x = bytesOf(a);
  const y = bytesOf(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** The OVER query over a table, computed directly: SUM, COUNT, MAX of v and COUNT(*) per frame. */
function bruteForce(table: readonly Row[], frame: OverFrame): Map<string, number> {
  const out = new Map<string, number>();
  const parts = new Map<string, Row[]>();
  for (const r of table) if (r[1] !== null) parts.set(r[0], [...(parts.get(r[0]) ?? []), r]);
  for (const part of parts.values()) {
    part.sort(order);
    part.forEach((row, i) => {
      const inFrame = part.filter((o, j) => {
        if (frame.unit === 'rows') return j <= i && (frame.preceding === null || j >= i - frame.preceding);
        return o[1]! <= row[1]! && (frame.precedingMs === null || o[1]! >= row[1]! - frame.precedingMs);
      });
      const vs = inFrame.map((o) => o[2]).filter((v): v is number => v !== null);
      const key = JSON.stringify([...row, vs.length ? vs.reduce((a, b) => a + b, 0) : null, vs.length, vs.length ? Math.max(...vs) : null, inFrame.length]);
      out.set(key, (out.get(key) ?? 0) + 1);
    });
  }
  return out;
}

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAMES: OverFrame[] = [
  { unit: 'rows', preceding: 2 }, { unit: 'rows', preceding: 0 }, { unit: 'rows', preceding: null },
  { unit: 'range', precedingMs: 3 }, { unit: 'range', precedingMs: null },
];
const describeFrame = (f: OverFrame): string => (f.unit === 'rows' ? `ROWS ${f.preceding ?? 'UNBOUNDED'}` : `RANGE ${f.precedingMs ?? 'UNBOUNDED'}`);

describe('OVER aggregation over an updating input', () => {
  it('an insert before later rows updates the N rows after it; a delete and an update moving a row in time too', async () => {
    const h = await open({ unit: 'rows', preceding: 1 });
    await h.op.processBatch(rows(S, ['+I', 'a', 10, 1], ['+I', 'a', 30, 3]), 0);
    assert.deepEqual(h.drain(), ['+I[a, 1970-01-01T00:00:00.010, 1, 1, 1, 1, 1]', '+I[a, 1970-01-01T00:00:00.030, 3, 4, 2, 3, 2]']);
    await h.op.processBatch(rows(S, ['+I', 'a', 20, 2]), 0);
    assert.deepEqual(h.drain(), [
      '-U[a, 1970-01-01T00:00:00.030, 3, 4, 2, 3, 2]', '+I[a, 1970-01-01T00:00:00.020, 2, 3, 2, 2, 2]', '+U[a, 1970-01-01T00:00:00.030, 3, 5, 2, 3, 2]',
    ]);
    // The row at 10 moves to 40: -U of itself and of its successor (20), then the new frames.
    await h.op.processBatch(rows(S, ['-U', 'a', 10, 1], ['+U', 'a', 40, 1]), 0);
    assert.deepEqual(h.drain(), [
      '-U[a, 1970-01-01T00:00:00.010, 1, 1, 1, 1, 1]', '-U[a, 1970-01-01T00:00:00.020, 2, 3, 2, 2, 2]', '+U[a, 1970-01-01T00:00:00.020, 2, 2, 1, 2, 1]',
      '+U[a, 1970-01-01T00:00:00.040, 1, 4, 2, 3, 2]',
    ]);
    await h.op.processBatch(rows(S, ['-D', 'a', 30, 3]), 0);
    assert.deepEqual(h.drain(), [
      '-D[a, 1970-01-01T00:00:00.030, 3, 5, 2, 3, 2]', '-U[a, 1970-01-01T00:00:00.040, 1, 4, 2, 3, 2]', '+U[a, 1970-01-01T00:00:00.040, 1, 3, 2, 2, 2]',
    ]);
    await h.op.processBatch(rows(S, ['-D', 'a', 99, 9]), 0);
    assert.deepEqual(h.drain(), [], 'a retraction of a row not there changes nothing');
    await h.close();
  });

  it('the planner refuses user-defined aggregates and processing time on this path', () => {
    assert.doesNotThrow(() => checkChangelogOver(CALLS, 'event'));
    const udaf = { ...CALLS[0], fn: 'my_avg', udf: { name: 'my_avg' } } as unknown as AggregateCall;
    assert.throws(() => checkChangelogOver([CALLS[0], udaf], 'event'), { code: 'NOT_SUPPORTED', message: /my_avg.*updating input/ });
    assert.throws(() => checkChangelogOver(CALLS, 'processing'), { code: 'NOT_SUPPORTED', message: /processing time/ });
  });

  it('reports rows without a time as late, in both directions', async () => {
    const h = await open({ unit: 'rows', preceding: 1 });
    await h.op.processBatch(rows(S, ['+I', 'a', null, 1], ['+I', 'a', 5, 2], ['-D', 'a', null, 1]), 0);
    assert.deepEqual(h.drain(), ['+I[a, 1970-01-01T00:00:00.005, 2, 2, 1, 2, 1]']);
    assert.deepEqual(h.time.late.map((l) => l.rows), [[0, 2]]);
    await h.close();
  });

  for (const frame of FRAMES) {
    for (const backend of BACKENDS) {
      it(`${describeFrame(frame)} (${backend}): random inserts, updates, deletes with ties and NULLs converge to the OVER query over the final table`, async () => {
        const next = random(FRAMES.indexOf(frame) * 7 + 1);
        const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
        const h = await open(frame, backend);
        const table: Row[] = [];
        const result = new Map<string, number>();
        for (let step = 0; step < 40; step++) {
          const batch: [string, ...unknown[]][] = [];
          for (let k = 1 + Math.floor(next() * 4); k > 0; k--) {
            const fresh: Row = [pick(['a', 'b', 'c']), pick([0, 1, 2, 2, 3, 5, 6, 8]), pick([null, 1, 2, 3, 7, 7])];
            const r = next();
            if (table.length === 0 || r < 0.5) {
              table.push(fresh);
              batch.push(['+I', ...fresh]);
            } else {
              const [old] = table.splice(Math.floor(next() * table.length), 1);
              if (r < 0.75) {
                batch.push(['-D', ...old]);
              } else {
                // An update, moving the row in time (same partition, as an upstream Top-N keyed by it would).
                const moved: Row = [old[0], fresh[1], fresh[2]];
                table.push(moved);
                batch.push(['-U', ...old], ['+U', ...moved]);
              }
            }
          }
          await h.op.processBatch(rows(S, ...batch), 0);
          apply(result, h.out.splice(0));
          assert.deepEqual(new Map([...result].sort()), new Map([...bruteForce(table, frame)].sort()), `after step ${step}`);
        }
        await h.close();
      });
    }
  }
});
