import type { Accumulator, AccumulatorSpec } from '../accumulator.ts';

/**
 * COUNT(*), COUNT(a) and COUNT(a, b, ...): the number of rows where every argument is non-NULL (Flink's
 * Count1AggFunction / CountAggFunction). The count is a JS number, exact up to 2^53 rows, and is written into the
 * BIGINT NOT NULL result column as is. Retraction decrements; an empty group counts 0.
 */
export class CountAccumulator implements Accumulator {
  private count = 0;
  private readonly arity: number;

  constructor(spec: AccumulatorSpec) {
    this.arity = spec.argTypes.length;
  }

  private counts(value: unknown): boolean {
    if (this.arity === 0) return true;
    if (this.arity === 1) return value !== null;
    return (value as unknown[]).every((v) => v !== null);
  }

  reset(): void { this.count = 0; }
  load(state: unknown): void { this.count = state as number; }
  save(): unknown { return this.count; }
  accumulate(value: unknown): void { if (this.counts(value)) this.count++; }
  retract(value: unknown): void { if (this.counts(value)) this.count--; }
  merge(other: unknown): void { this.count += other as number; }
  getValue(): unknown { return this.count; }
}
