import type { DataType } from '../../types/data-type.ts';
import { pow10 } from '../../batch/values/decimal.ts';

/**
 * Arithmetic on the internal values of one numeric type, with Java's overflow behaviour where Flink has it: INT,
 * SMALLINT and TINYINT sums wrap around like Java ints/shorts/bytes, BIGINT like a Java long, FLOAT rounds to single
 * precision at every step, DECIMAL is exact (unscaled bigints).
 */
export interface NumericOps {
  readonly zero: number | bigint;
  add(a: unknown, b: unknown): number | bigint;
  sub(a: unknown, b: unknown): number | bigint;
}

const num = (f: (x: number) => number): NumericOps => ({
  zero: 0,
  add: (a, b) => f((a as number) + (b as number)),
  sub: (a, b) => f((a as number) - (b as number)),
});

const big = (f: (x: bigint) => bigint): NumericOps => ({
  zero: 0n,
  add: (a, b) => f((a as bigint) + (b as bigint)),
  sub: (a, b) => f((a as bigint) - (b as bigint)),
});

const id = <T>(x: T): T => x;

/** Ops that keep the type of `type` (SUM). */
export function sumOps(type: DataType): NumericOps {
  switch (type.kind) {
    case 'TINYINT': return num((x) => (x << 24) >> 24);
    case 'SMALLINT': return num((x) => (x << 16) >> 16);
    case 'INT': return num((x) => x | 0);
    case 'BIGINT': return big((x) => BigInt.asIntN(64, x));
    case 'FLOAT': return num(Math.fround);
    case 'DECIMAL': return big(id);
    default: return num(id);
  }
}

/**
 * Ops of AVG's running sum: Flink sums integer types as BIGINT (no wrap at the input width), FLOAT as DOUBLE and
 * DECIMAL exactly. Integer inputs narrower than BIGINT are summed as JS numbers (exact to 2^53).
 */
export function avgSumOps(type: DataType): NumericOps {
  if (type.kind === 'BIGINT') return big((x) => BigInt.asIntN(64, x));
  if (type.kind === 'DECIMAL') return big(id);
  return num(id);
}

/** Whether an unscaled DECIMAL fits DECIMAL(38, s); Flink turns an overflowing decimal result into NULL. */
export const fitsDecimal38 = (unscaled: bigint): boolean => {
  const limit = pow10(38);
  return unscaled < limit && unscaled > -limit;
};

/** Java's BigDecimal division rounding HALF_UP of `a / b` (bigints), the quotient as an integer. */
export function divideHalfUp(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const absB = b < 0n ? -b : b;
  if (twice < absB) return q;
  return (a < 0n) !== (b < 0n) ? q - 1n : q + 1n;
}
