import { ROW_KIND_SHORT } from '../batch/row-kind.ts';

export type RowKindString = (typeof ROW_KIND_SHORT)[number];

/**
 * A result row, as Flink's Row: a row kind (+I, -U, +U, -D) and field values by position, with names. Values follow
 * docs/values.md (BIGINT as bigint, DECIMAL as exact string, timestamps as Date, ...).
 */
export class Row {
  constructor(
    readonly kind: RowKindString,
    readonly values: readonly unknown[],
    readonly names: readonly string[],
  ) {}

  /** The value of a field by name or position. */
  get(field: string | number): unknown {
    const i = typeof field === 'number' ? field : this.names.indexOf(field);
    if (i < 0 || i >= this.values.length) throw new RangeError(`Row has no field '${field}'; fields: ${this.names.join(', ')}`);
    return this.values[i];
  }

  /** Field name → value. */
  toObject(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    this.names.forEach((n, i) => { o[n] = this.values[i]; });
    return o;
  }

  toString(): string {
    return `${this.kind}[${this.values.map(render).join(', ')}]`;
  }
}

function render(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return `[${v.map(render).join(', ')}]`;
  return String(v);
}
