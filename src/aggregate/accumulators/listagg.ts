import { notRetractable, type Accumulator, type AccumulatorSpec } from '../accumulator.ts';

const DEFAULT_SEPARATOR = ',';

/** `[expr]` or `[expr, separator]` → the value and the separator of this row (a NULL separator counts as ','). */
function split(arity: number, value: unknown): [unknown, string] {
  if (arity === 1) return [value, DEFAULT_SEPARATOR];
  const [v, sep] = value as [unknown, unknown];
  return [v, sep === null ? DEFAULT_SEPARATOR : (sep as string)];
}

/**
 * LISTAGG over insert-only input (Flink's ListAggFunction): the concatenation so far, each value after the first
 * preceded by its row's separator (`concat_ws` semantics, so a changing separator applies from that row on). NULL
 * values are skipped; an empty group is NULL.
 */
export class ListAggAccumulator implements Accumulator {
  private text: string | null = null;
  private readonly arity: number;

  constructor(spec: AccumulatorSpec) { this.arity = spec.argTypes.length; }

  reset(): void { this.text = null; }
  load(state: unknown): void { this.text = state as string | null; }
  save(): unknown { return this.text; }

  accumulate(value: unknown): void {
    const [v, sep] = split(this.arity, value);
    if (v === null) return;
    this.text = this.text === null ? (v as string) : this.text + sep + (v as string);
  }

  retract(): void {
    throw notRetractable('LISTAGG');
  }

  merge(other: unknown): void {
    if (other !== null) this.text = this.text === null ? (other as string) : this.text + DEFAULT_SEPARATOR + (other as string);
  }

  getValue(): unknown { return this.text; }
}

/**
 * LISTAGG over an updating input (Flink's ListAggWithRetractAggFunction / ListAggWsWithRetractAggFunction): the
 * live values in arrival order and the latest separator; a retraction removes the oldest copy of the value. The
 * result joins the values with the latest separator, as Flink's getValue does. Saved as `[values, separator]`.
 */
export class RetractableListAggAccumulator implements Accumulator {
  private values: string[] = [];
  private separator = DEFAULT_SEPARATOR;
  private readonly arity: number;

  constructor(spec: AccumulatorSpec) { this.arity = spec.argTypes.length; }

  reset(): void { this.values = []; this.separator = DEFAULT_SEPARATOR; }

  load(state: unknown): void {
    const [values, separator] = state as [string[], string];
    this.values = values.slice();
    this.separator = separator;
  }

  save(): unknown { return [this.values.slice(), this.separator]; }

  accumulate(value: unknown): void {
    const [v, sep] = split(this.arity, value);
    if (v === null) return;
    this.values.push(v as string);
    this.separator = sep;
  }

  retract(value: unknown): void {
    const [v] = split(this.arity, value);
    if (v === null) return;
    const i = this.values.indexOf(v as string);
    if (i >= 0) this.values.splice(i, 1);
  }

  merge(other: unknown): void {
    const [values, separator] = other as [string[], string];
    for (const v of values) this.values.push(v);
    if (values.length > 0) this.separator = separator;
  }

  getValue(): unknown { return this.values.length === 0 ? null : this.values.join(this.separator); }
}
