import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Accumulator } from '../../src/aggregate/accumulator.ts';
import { accumulatorForCall } from '../../src/aggregate/accumulators/index.ts';
import { msgpackSerializer } from '../../src/state/serializers.ts';
import { DataTypes, type DataType } from '../../src/types/data-type.ts';
import { Schema } from '../../src/types/schema.ts';
import { call } from './helpers.ts';

/** An accumulator for `fn(args...)` over columns of `types`; `retractable` as for an updating input. */
function acc(fn: string, types: DataType[], opts: { distinct?: boolean; retractable?: boolean; args?: number[] } = {}): Accumulator {
  const schema = new Schema(types.map((type, i) => ({ name: `c${i}`, type })));
  const args = opts.args ?? types.map((_, i) => i);
  const a = accumulatorForCall(call(schema, fn, args, { distinct: opts.distinct }), schema.columns, opts.retractable ?? true);
  a.reset();
  return a;
}

/** Applies `+v` / `-v` steps and returns the value after each. */
function steps(a: Accumulator, ...ops: [('+' | '-'), unknown][]): unknown[] {
  return ops.map(([op, v]) => { if (op === '+') a.accumulate(v); else a.retract(v); return a.getValue(); });
}

/** Saves, pushes the state through the state serializer and loads it into a fresh accumulator. */
function roundTrip(a: Accumulator, fresh: Accumulator): Accumulator {
  const ser = msgpackSerializer();
  fresh.load(ser.deserialize(ser.serialize(a.save())));
  return fresh;
}

describe('COUNT', () => {
  it('COUNT(*) counts every row, retracts, and is 0 when empty', () => {
    const a = acc('COUNT', []);
    assert.equal(a.getValue(), 0);
    assert.deepEqual(steps(a, ['+', true], ['+', true], ['-', true], ['-', true]), [1, 2, 1, 0]);
  });

  it('COUNT(x) skips NULLs; COUNT(a, b) counts rows where both are non-NULL', () => {
    assert.deepEqual(steps(acc('COUNT', [DataTypes.INT()]), ['+', 1], ['+', null], ['+', 3], ['-', null], ['-', 1]), [1, 1, 2, 2, 1]);
    assert.deepEqual(steps(acc('COUNT', [DataTypes.INT(), DataTypes.STRING()]), ['+', [1, 'a']], ['+', [1, null]], ['+', [null, 'b']]), [1, 1, 1]);
  });

  it('COUNT(DISTINCT x) counts distinct non-NULL values under retraction', () => {
    const a = acc('COUNT', [DataTypes.STRING()], { distinct: true });
    assert.deepEqual(steps(a, ['+', 'x'], ['+', 'x'], ['+', 'y'], ['+', null], ['-', 'x'], ['-', 'x'], ['-', 'y']), [1, 1, 2, 2, 2, 1, 0]);
    const b = acc('COUNT', [DataTypes.INT(), DataTypes.STRING()], { distinct: true });
    assert.deepEqual(steps(b, ['+', [1, 'a']], ['+', [1, 'a']], ['+', [1, 'b']], ['+', [null, 'b']]), [1, 1, 2, 2]);
  });
});

describe('SUM / SUM0 / AVG', () => {
  it('SUM ignores NULLs, is NULL when empty and after retracting everything', () => {
    const a = acc('SUM', [DataTypes.INT()]);
    assert.equal(a.getValue(), null);
    assert.deepEqual(steps(a, ['+', null], ['+', 5], ['+', -2], ['-', 5], ['-', -2]), [null, 5, 3, -2, null]);
  });

  it('SUM(INT) wraps around like a Java int; SUM(BIGINT) like a long', () => {
    assert.deepEqual(steps(acc('SUM', [DataTypes.INT()]), ['+', 2147483647], ['+', 1]), [2147483647, -2147483648]);
    assert.deepEqual(steps(acc('SUM', [DataTypes.BIGINT()]), ['+', 9223372036854775807n], ['+', 1n]), [9223372036854775807n, -9223372036854775808n]);
  });

  it('SUM(DECIMAL) is exact (unscaled values) and NULL beyond 38 digits', () => {
    const a = acc('SUM', [DataTypes.DECIMAL(10, 2)]);
    // 0.10 + 0.20 = 0.30 exactly, unlike doubles.
    assert.deepEqual(steps(a, ['+', 10n], ['+', 20n], ['-', 10n]), [10n, 30n, 20n]);
    const big = acc('SUM', [DataTypes.DECIMAL(38, 0)]);
    big.accumulate(10n ** 38n - 1n);
    assert.equal(big.getValue(), 10n ** 38n - 1n);
    big.accumulate(1n);
    assert.equal(big.getValue(), null);
  });

  it('SUM(DOUBLE) and SUM(DISTINCT)', () => {
    assert.deepEqual(steps(acc('SUM', [DataTypes.DOUBLE()]), ['+', 0.5], ['+', 0.25], ['-', 0.5]), [0.5, 0.75, 0.25]);
    assert.deepEqual(steps(acc('SUM', [DataTypes.INT()], { distinct: true }), ['+', 3], ['+', 3], ['+', 4], ['-', 3], ['-', 3]), [3, 3, 7, 7, 4]);
  });

  it('SUM0 is 0 for an empty group', () => {
    assert.deepEqual(steps(acc('SUM0', [DataTypes.BIGINT()]), ['+', 4n], ['-', 4n]), [4n, 0n]);
  });

  it('AVG of integers divides like Java (truncating toward zero) and keeps the type', () => {
    assert.deepEqual(steps(acc('AVG', [DataTypes.INT()]), ['+', 1], ['+', 2], ['+', 2], ['-', 2]), [1, 1, 1, 1]);
    assert.deepEqual(steps(acc('AVG', [DataTypes.INT()]), ['+', -1], ['+', -2]), [-1, -1]);
    assert.deepEqual(steps(acc('AVG', [DataTypes.BIGINT()]), ['+', 7n], ['+', 8n], ['+', null]), [7n, 7n, 7n]);
    // No wrap-around at INT width: Flink sums AVG's integers as BIGINT.
    assert.deepEqual(steps(acc('AVG', [DataTypes.INT()]), ['+', 2147483647], ['+', 2147483647]), [2147483647, 2147483647]);
  });

  it('AVG(DECIMAL(10, 2)) is DECIMAL(38, 6), rounded HALF_UP', () => {
    // 1.00, 1.00, 2.00 → 1.333333; then + 0.01 → 4.01 / 4 = 1.0025 → 1.002500; 2/3 → 0.666667
    const a = acc('AVG', [DataTypes.DECIMAL(10, 2)]);
    assert.deepEqual(steps(a, ['+', 100n], ['+', 100n], ['+', 200n], ['+', 1n]), [1_000000n, 1_000000n, 1_333333n, 1_002500n]);
    assert.deepEqual(steps(acc('AVG', [DataTypes.DECIMAL(10, 2)]), ['+', 100n], ['+', 100n], ['+', 0n]), [1_000000n, 1_000000n, 666667n]);
    assert.deepEqual(steps(acc('AVG', [DataTypes.DECIMAL(10, 2)]), ['+', -100n], ['+', -100n], ['+', 0n]), [-1_000000n, -1_000000n, -666667n]);
  });

  it('AVG(DOUBLE) and an empty AVG', () => {
    const a = acc('AVG', [DataTypes.DOUBLE()]);
    assert.equal(a.getValue(), null);
    assert.deepEqual(steps(a, ['+', 1], ['+', 2], ['-', 1], ['-', 2]), [1, 1.5, 2, null]);
  });
});

describe('MIN / MAX', () => {
  it('insert-only variants keep one value and skip NULLs', () => {
    const min = acc('MIN', [DataTypes.STRING()], { retractable: false });
    assert.deepEqual(steps(min, ['+', null], ['+', 'pear'], ['+', 'apple'], ['+', 'zoo']), [null, 'pear', 'apple', 'apple']);
    assert.equal(min.save(), 'apple');
    const max = acc('MAX', [DataTypes.DOUBLE()], { retractable: false });
    assert.deepEqual(steps(max, ['+', 1.5], ['+', -3], ['+', 7]), [1.5, 1.5, 7]);
    assert.throws(() => max.retract(7), (e: { code?: string }) => e.code === 'INTERNAL');
  });

  it('retracting the current minimum falls back to the next one (multiset with counts)', () => {
    const a = acc('MIN', [DataTypes.INT()]);
    assert.deepEqual(steps(a, ['+', 5], ['+', 3], ['+', 3], ['+', 8], ['-', 3], ['-', 3], ['-', 5], ['-', 8]), [5, 3, 3, 3, 3, 5, 8, null]);
  });

  it('retracting the current maximum, across a save/load through msgpack', () => {
    const a = acc('MAX', [DataTypes.BIGINT()]);
    steps(a, ['+', 10n], ['+', 30n], ['+', 20n]);
    const b = roundTrip(a, acc('MAX', [DataTypes.BIGINT()]));
    assert.deepEqual(steps(b, ['-', 30n], ['-', 10n], ['+', 5n], ['-', 20n]), [20n, 20n, 20n, 5n]);
  });

  it('orders dates, timestamps, decimals, booleans and bytes', () => {
    assert.deepEqual(steps(acc('MAX', [DataTypes.DATE()]), ['+', 19000], ['+', 18000]), [19000, 19000]);
    assert.deepEqual(steps(acc('MIN', [DataTypes.TIMESTAMP(9)]), ['+', 1_000_000_001n], ['+', 1_000_000_000n]), [1_000_000_001n, 1_000_000_000n]);
    assert.deepEqual(steps(acc('MIN', [DataTypes.DECIMAL(5, 2)]), ['+', 150n], ['+', -25n]), [150n, -25n]);
    assert.deepEqual(steps(acc('MAX', [DataTypes.BOOLEAN()]), ['+', false], ['+', true], ['-', true]), [false, true, false]);
    const bytes = acc('MAX', [DataTypes.BYTES()]);
    assert.deepEqual(steps(bytes, ['+', Uint8Array.of(1, 2)], ['+', Uint8Array.of(1, 2, 0)], ['+', Uint8Array.of(0, 255)]).map((v) => [...(v as Uint8Array)]), [[1, 2], [1, 2, 0], [1, 2, 0]]);
    assert.deepEqual([...(steps(bytes, ['-', Uint8Array.of(1, 2, 0)])[0] as Uint8Array)], [1, 2]);
  });

  it('merge combines multisets', () => {
    const a = acc('MIN', [DataTypes.INT()]);
    const b = acc('MIN', [DataTypes.INT()]);
    steps(a, ['+', 4], ['+', 9]);
    steps(b, ['+', 2]);
    a.merge(b.save());
    assert.equal(a.getValue(), 2);
    a.retract(2);
    assert.equal(a.getValue(), 4);
  });
});

describe('FIRST_VALUE / LAST_VALUE', () => {
  it('insert-only: first / latest non-NULL value', () => {
    assert.deepEqual(steps(acc('FIRST_VALUE', [DataTypes.STRING()], { retractable: false }), ['+', null], ['+', 'a'], ['+', 'b']), [null, 'a', 'a']);
    assert.deepEqual(steps(acc('LAST_VALUE', [DataTypes.STRING()], { retractable: false }), ['+', 'a'], ['+', 'b'], ['+', null]), ['a', 'b', 'b']);
  });

  it('retraction removes the oldest copy of the value and moves first/last', () => {
    const first = acc('FIRST_VALUE', [DataTypes.INT()]);
    assert.deepEqual(steps(first, ['+', 1], ['+', 2], ['+', 1], ['-', 1], ['-', 2], ['-', 1]), [1, 1, 1, 2, 1, null]);
    const last = acc('LAST_VALUE', [DataTypes.INT()]);
    assert.deepEqual(steps(last, ['+', 1], ['+', 2], ['+', 3], ['-', 3], ['-', 1], ['+', 4]), [1, 2, 3, 2, 2, 4]);
    const copy = roundTrip(last, acc('LAST_VALUE', [DataTypes.INT()]));
    assert.deepEqual(steps(copy, ['-', 4]), [2]);
  });
});

describe('LISTAGG', () => {
  it('joins non-NULL values with the default separator', () => {
    assert.deepEqual(steps(acc('LISTAGG', [DataTypes.STRING()], { retractable: false }), ['+', 'a'], ['+', null], ['+', 'b']), ['a', 'a', 'a,b']);
  });

  it('uses the separator argument', () => {
    assert.deepEqual(steps(acc('LISTAGG', [DataTypes.STRING(), DataTypes.STRING()], { retractable: false }), ['+', ['a', '|']], ['+', ['b', '|']]), ['a', 'a|b']);
    assert.deepEqual(steps(acc('LISTAGG', [DataTypes.STRING(), DataTypes.STRING()]), ['+', ['a', '; ']], ['+', ['b', '; ']], ['-', ['a', '; ']]), ['a', 'a; b', 'b']);
  });

  it('retraction removes one copy; empty is NULL', () => {
    const a = acc('LISTAGG', [DataTypes.STRING()]);
    assert.deepEqual(steps(a, ['+', 'x'], ['+', 'y'], ['+', 'x'], ['-', 'x'], ['-', 'y'], ['-', 'x']), ['x', 'x,y', 'x,y,x', 'y,x', 'x', null]);
  });

  it('LISTAGG(DISTINCT x) lists each value once', () => {
    const a = acc('LISTAGG', [DataTypes.STRING()], { distinct: true });
    assert.deepEqual(steps(a, ['+', 'x'], ['+', 'x'], ['+', 'y'], ['-', 'x'], ['-', 'x']), ['x', 'x', 'x,y', 'x,y', 'y']);
  });
});

describe('saved state', () => {
  it('DISTINCT state survives a msgpack round trip', () => {
    const a = acc('COUNT', [DataTypes.STRING()], { distinct: true });
    steps(a, ['+', 'x'], ['+', 'x'], ['+', 'y']);
    const b = roundTrip(a, acc('COUNT', [DataTypes.STRING()], { distinct: true }));
    assert.deepEqual(steps(b, ['-', 'x'], ['-', 'x']), [2, 1]);
  });

  it('save() returns new data: later updates do not change an earlier saved state', () => {
    const a = acc('FIRST_VALUE', [DataTypes.INT()]);
    a.accumulate(1);
    const saved = a.save();
    a.accumulate(2);
    assert.deepEqual(saved, [1]);
  });
});
