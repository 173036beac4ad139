import type { Accumulator, AccumulatorSpec } from '../accumulator.ts';
import { pow10 } from '../../batch/values/decimal.ts';
import type { DataType } from '../../types/data-type.ts';
import { avgSumOps, divideHalfUp, fitsDecimal38, sumOps, type NumericOps } from './numeric.ts';

/**
 * A running sum plus the number of non-NULL values in it: the count tells an empty group (NULL) from a zero sum
 * and makes retraction exact (Flink's SumWithRetractAggFunction / AvgAggFunction keep the same pair). Saved as
 * `[sum, count]`.
 */
abstract class SumCountAccumulator implements Accumulator {
  protected sum: number | bigint;
  protected count = 0;

  constructor(protected readonly ops: NumericOps) {
    this.sum = ops.zero;
  }

  reset(): void { this.sum = this.ops.zero; this.count = 0; }
  load(state: unknown): void { const s = state as [number | bigint, number]; this.sum = s[0]; this.count = s[1]; }
  save(): unknown { return [this.sum, this.count]; }

  accumulate(value: unknown): void {
    if (value === null) return;
    this.sum = this.ops.add(this.sum, value);
    this.count++;
  }

  retract(value: unknown): void {
    if (value === null) return;
    this.sum = this.ops.sub(this.sum, value);
    this.count--;
  }

  merge(other: unknown): void {
    const s = other as [number | bigint, number];
    this.sum = this.ops.add(this.sum, s[0]);
    this.count += s[1];
  }

  abstract getValue(): unknown;
}

/** SUM: NULL over no non-NULL values; DECIMAL results beyond 38 digits are NULL, as Flink's DecimalData overflow. */
export class SumAccumulator extends SumCountAccumulator {
  private readonly decimal: boolean;

  constructor(spec: AccumulatorSpec) {
    super(sumOps(spec.argTypes[0]));
    this.decimal = spec.argTypes[0].kind === 'DECIMAL';
  }

  getValue(): unknown {
    if (this.count === 0) return null;
    return this.decimal && !fitsDecimal38(this.sum as bigint) ? null : this.sum;
  }
}

/** SUM0 (Flink's $SUM0): SUM that is 0 instead of NULL over an empty group. */
export class Sum0Accumulator extends SumCountAccumulator {
  constructor(spec: AccumulatorSpec) { super(sumOps(spec.argTypes[0])); }
  getValue(): unknown { return this.count === 0 ? this.ops.zero : this.sum; }
}

/**
 * AVG with Flink's result types (LogicalTypeMerging.findAvgAggType): integer types divide like Java (truncating
 * toward zero) and keep the input type; FLOAT/DOUBLE divide in double precision; DECIMAL(p, s) gives
 * DECIMAL(38, max(s, 6)), rounded HALF_UP like BigDecimal.divide.
 */
export class AvgAccumulator extends SumCountAccumulator {
  private readonly result: (sum: number | bigint, count: number) => unknown;

  constructor(spec: AccumulatorSpec) {
    super(avgSumOps(spec.argTypes[0]));
    this.result = avgResult(spec.argTypes[0], spec.resultType);
  }

  getValue(): unknown { return this.count === 0 ? null : this.result(this.sum, this.count); }
}

function avgResult(arg: DataType, result: DataType): (sum: number | bigint, count: number) => unknown {
  switch (arg.kind) {
    case 'TINYINT': case 'SMALLINT': case 'INT':
      return (s, c) => Math.trunc((s as number) / c);
    case 'BIGINT':
      return (s, c) => (s as bigint) / BigInt(c);
    case 'FLOAT':
      return (s, c) => Math.fround((s as number) / c);
    case 'DECIMAL': {
      const scaleUp = pow10((result as { scale: number }).scale - arg.scale);
      return (s, c) => {
        const q = divideHalfUp((s as bigint) * scaleUp, BigInt(c));
        return fitsDecimal38(q) ? q : null;
      };
    }
    default:
      return (s, c) => (s as number) / c;
  }
}
