import { notRetractable, type Accumulator, type AccumulatorSpec } from '../accumulator.ts';
import { comparatorFor, keyFunctionFor, type Comparator } from '../internal-values.ts';

/** +1 for MAX, -1 for MIN: `sign * compare(candidate, current) > 0` means the candidate wins. */
type Direction = 1 | -1;

/** MIN/MAX over insert-only input (Flink's MinAggFunction/MaxAggFunction): one value, NULLs ignored. */
export class ExtremumAccumulator implements Accumulator {
  private current: unknown = null;
  private readonly compare: Comparator;

  constructor(spec: AccumulatorSpec, private readonly sign: Direction) {
    this.compare = comparatorFor(spec.argTypes[0]);
  }

  reset(): void { this.current = null; }
  load(state: unknown): void { this.current = state; }
  save(): unknown { return this.current; }

  accumulate(value: unknown): void {
    if (value !== null && (this.current === null || this.sign * this.compare(value, this.current) > 0)) this.current = value;
  }

  retract(): void {
    throw notRetractable('MIN/MAX');
  }

  merge(other: unknown): void { this.accumulate(other); }
  getValue(): unknown { return this.current; }
}

/**
 * MIN/MAX over an updating input (Flink's MinWithRetractAggFunction/MaxWithRetractAggFunction): a multiset of the
 * values (value → count) plus the current extremum. Retracting the last copy of the extremum rescans the multiset,
 * as Flink does. Saved as `[[value, count], ...]`; the whole multiset is part of the key's state, so state grows
 * with the number of distinct values per group (Flink keeps it in a MapView instead).
 */
export class RetractableExtremumAccumulator implements Accumulator {
  private readonly counts = new Map<unknown, [unknown, number]>();
  private current: unknown = null;
  private stale = false;
  private readonly compare: Comparator;
  private readonly keyOf: (v: unknown) => unknown;

  constructor(spec: AccumulatorSpec, private readonly sign: Direction) {
    this.compare = comparatorFor(spec.argTypes[0]);
    this.keyOf = keyFunctionFor(spec.argTypes[0]);
  }

  reset(): void { this.counts.clear(); this.current = null; this.stale = false; }

  load(state: unknown): void {
    this.reset();
    this.merge(state);
  }

  save(): unknown {
    const out: [unknown, number][] = [];
    for (const entry of this.counts.values()) out.push([entry[0], entry[1]]);
    return out;
  }

  private add(value: unknown, n: number): void {
    const k = this.keyOf(value);
    const entry = this.counts.get(k);
    const count = (entry?.[1] ?? 0) + n;
    if (count === 0) this.counts.delete(k);
    else this.counts.set(k, [value, count]);
    if (n > 0 && count > 0) {
      if (!this.stale && (this.current === null || this.sign * this.compare(value, this.current) > 0)) this.current = value;
    } else if (count <= 0 && this.current !== null && this.compare(value, this.current) === 0) {
      // The extremum's last copy left: find the next one lazily, once per read rather than per retraction.
      this.stale = true;
    }
    // A negative count (a retraction before its accumulation, possible in merged partial results) is kept so that
    // the later accumulation cancels it, like Flink's map values below zero; it is never a candidate.
    if (count < 0) this.counts.set(k, [value, count]);
  }

  accumulate(value: unknown): void { if (value !== null) this.add(value, 1); }
  retract(value: unknown): void { if (value !== null) this.add(value, -1); }

  merge(other: unknown): void {
    for (const [value, count] of other as [unknown, number][]) this.add(value, count);
  }

  getValue(): unknown {
    if (this.stale) {
      let best: unknown = null;
      for (const [value, count] of this.counts.values()) {
        if (count > 0 && (best === null || this.sign * this.compare(value, best) > 0)) best = value;
      }
      this.current = best;
      this.stale = false;
    }
    return this.current;
  }
}
