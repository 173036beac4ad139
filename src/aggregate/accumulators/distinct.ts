import type { Accumulator, AccumulatorState } from '../accumulator.ts';

/**
 * DISTINCT for any aggregate (Flink's DistinctAccumulator in AggsHandlerCodeGenerator): a count per distinct
 * argument value; the wrapped aggregate sees a value only when its count goes 0 → 1 (accumulate) or 1 → 0
 * (retract). NULL arguments are skipped, as every aggregate but COUNT(*) skips them anyway (and COUNT(*) cannot be
 * DISTINCT). Saved as `[innerState, [[value, count], ...]]`.
 */
export class DistinctAccumulator implements Accumulator {
  private readonly counts = new Map<unknown, [unknown, number]>();

  constructor(
    private readonly inner: Accumulator,
    /** The Map key of an argument value (a tuple key for several arguments). */
    private readonly keyOf: (value: unknown) => unknown,
    /** Whether the argument value contains a NULL (then the row is not counted). */
    private readonly hasNull: (value: unknown) => boolean,
  ) {}

  reset(): void { this.inner.reset(); this.counts.clear(); }

  load(state: AccumulatorState): void {
    const [inner, counts] = state as [AccumulatorState, [unknown, number][]];
    this.inner.load(inner);
    this.counts.clear();
    for (const [value, count] of counts) this.counts.set(this.keyOf(value), [value, count]);
  }

  save(): AccumulatorState {
    const counts: [unknown, number][] = [];
    for (const entry of this.counts.values()) counts.push([entry[0], entry[1]]);
    return [this.inner.save(), counts];
  }

  /** Adds `n` copies; returns the count before and after. */
  private add(value: unknown, n: number): [number, number] {
    const k = this.keyOf(value);
    const before = this.counts.get(k)?.[1] ?? 0;
    const after = before + n;
    if (after === 0) this.counts.delete(k);
    else this.counts.set(k, [value, after]);
    return [before, after];
  }

  accumulate(value: unknown): void {
    if (this.hasNull(value)) return;
    const [before, after] = this.add(value, 1);
    if (before <= 0 && after > 0) this.inner.accumulate(value);
  }

  retract(value: unknown): void {
    if (this.hasNull(value)) return;
    const [before, after] = this.add(value, -1);
    if (before > 0 && after <= 0) this.inner.retract(value);
  }

  /** Merges value counts; the wrapped aggregate sees values that become present or absent. */
  merge(other: AccumulatorState): void {
    const [, counts] = other as [AccumulatorState, [unknown, number][]];
    for (const [value, count] of counts) {
      const [before, after] = this.add(value, count);
      if (before <= 0 && after > 0) this.inner.accumulate(value);
      else if (before > 0 && after <= 0) this.inner.retract(value);
    }
  }

  getValue(): unknown { return this.inner.getValue(); }
}
