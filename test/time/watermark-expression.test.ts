import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchFromRows } from '../../src/batch/values/index.ts';
import type { BoundExpression } from '../../src/expr/expression.ts';
import { DataTypes } from '../../src/types/data-type.ts';
import { Schema } from '../../src/types/schema.ts';
import { compileWatermarkMax, maxTimestamp } from '../../src/time/watermark-expression.ts';

const add = (unit: string, n: number, arg: BoundExpression): BoundExpression => ({
  kind: 'call', name: 'TIMESTAMPADD', type: arg.type,
  args: [{ kind: 'literal', value: unit, type: DataTypes.STRING() }, { kind: 'literal', value: n, type: DataTypes.INT() }, arg],
});

describe('watermark expression maximum', () => {
  const schema = new Schema([{ name: 'ts', type: DataTypes.TIMESTAMP(3) }, { name: 'us', type: DataTypes.TIMESTAMP_LTZ(6) }]);
  const ts: BoundExpression = { kind: 'input', index: 0, type: DataTypes.TIMESTAMP(3) };
  const us: BoundExpression = { kind: 'input', index: 1, type: DataTypes.TIMESTAMP_LTZ(6) };
  const times = [Date.UTC(2024, 0, 31, 12), null, -5_000_123, Date.UTC(2024, 1, 29), 2 ** 41 + 7];
  const batch = batchFromRows(schema, times.map((t) => [t === null ? null : new Date(t), t === null ? null : new Date(t)]));
  const max = Math.max(...times.filter((t): t is number => t !== null));

  it('reads int64 timestamps exactly through 32-bit halves, skipping NULLs and honouring slices', () => {
    assert.equal(maxTimestamp(batch.column(0).data[0]), max);
    assert.equal(maxTimestamp(batch.slice(1, 3).column(0).data[0]), -5_000_123);
    assert.equal(maxTimestamp(batch.slice(1, 2).column(0).data[0]), -Infinity, 'all NULL');
  });

  it('the rowtime and the rowtime minus a fixed interval: one pass, same result as evaluating every row', () => {
    assert.equal(compileWatermarkMax(ts, schema)(batch.data), max);
    assert.equal(compileWatermarkMax(add('MILLISECOND', -5000, ts), schema)(batch.data), max - 5000);
    assert.equal(compileWatermarkMax(add('HOUR', 2, ts), schema)(batch.data), max + 7_200_000);
    assert.equal(compileWatermarkMax(add('SECOND', -1, us), schema)(batch.data), max - 1000, 'microsecond precision is read in milliseconds');
  });

  it('other expressions are evaluated over the batch first (calendar units)', () => {
    // One month before 2024-02-29 is 2024-01-29; before 2024-01-31 12:00 is 2023-12-31 12:00; the largest stays the largest.
    const small = batchFromRows(schema, [[new Date(Date.UTC(2024, 0, 31, 12)), null], [new Date(Date.UTC(2024, 1, 29)), null]]);
    assert.equal(compileWatermarkMax(add('MONTH', -1, ts), schema)(small.data), Date.UTC(2024, 0, 29));
  });
});
