import { notRetractable, type Accumulator, type AccumulatorSpec } from '../accumulator.ts';
import { keyFunctionFor } from '../internal-values.ts';

/**
 * FIRST_VALUE / LAST_VALUE over insert-only input (Flink's FirstValueAggFunction / LastValueAggFunction): the
 * first / latest non-NULL value in arrival order.
 */
export class FirstLastAccumulator implements Accumulator {
  private current: unknown = null;

  constructor(_spec: AccumulatorSpec, private readonly last: boolean) {}

  reset(): void { this.current = null; }
  load(state: unknown): void { this.current = state; }
  save(): unknown { return this.current; }

  accumulate(value: unknown): void {
    if (value !== null && (this.last || this.current === null)) this.current = value;
  }

  retract(): void {
    throw notRetractable('FIRST_VALUE/LAST_VALUE');
  }

  /** `other` arrived after this accumulator's values. */
  merge(other: unknown): void { this.accumulate(other); }
  getValue(): unknown { return this.current; }
}

/**
 * FIRST_VALUE / LAST_VALUE over an updating input (Flink's FirstValueWithRetractAggFunction /
 * LastValueWithRetractAggFunction): every live non-NULL value in arrival order. A retraction removes the oldest
 * live copy of the value (Flink removes the first order of the value's order list); the result is the head / tail.
 * Saved as the array of values in arrival order.
 */
export class RetractableFirstLastAccumulator implements Accumulator {
  private values: unknown[] = [];
  private readonly keyOf: (v: unknown) => unknown;

  constructor(spec: AccumulatorSpec, private readonly last: boolean) {
    this.keyOf = keyFunctionFor(spec.argTypes[0]);
  }

  reset(): void { this.values = []; }
  load(state: unknown): void { this.values = (state as unknown[]).slice(); }
  save(): unknown { return this.values.slice(); }

  accumulate(value: unknown): void { if (value !== null) this.values.push(value); }

  retract(value: unknown): void {
    if (value === null) return;
    const k = this.keyOf(value);
    const i = this.values.findIndex((v) => this.keyOf(v) === k);
    // A retraction of a value that is not there (e.g. its state expired) has nothing to undo.
    if (i >= 0) this.values.splice(i, 1);
  }

  /** `other`'s values arrived after this accumulator's. */
  merge(other: unknown): void { for (const v of other as unknown[]) this.values.push(v); }

  getValue(): unknown {
    const n = this.values.length;
    return n === 0 ? null : this.values[this.last ? n - 1 : 0];
  }
}
