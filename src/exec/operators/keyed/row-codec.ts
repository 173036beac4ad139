import type * as arrow from 'apache-arrow';
import { argReader, columnFromInternal, type ArgReader } from '../../../aggregate/internal-values.ts';
import { msgpackSerializer, type StateSerializer } from '../../../state/serializers.ts';
import { withNullable, type DataType } from '../../../types/data-type.ts';

/**
 * Rows as arrays of internal values (see src/aggregate/internal-values.ts: exact, msgpack-serializable, cheap to
 * compare): the form in which stateful operators keep rows in keyed state and rebuild Arrow columns from them.
 */
export type InternalRow = unknown[];

/** Reads whole rows of one batch as internal values. */
export class RowReader {
  private readonly readers: ArgReader[];

  constructor(batch: arrow.RecordBatch, types: readonly DataType[]) {
    this.readers = types.map((t, c) => argReader(batch.data.children[c], t));
  }

  /** The reader of one column (internal value of a row, null for NULL). */
  column(index: number): ArgReader { return this.readers[index]; }

  /** Row `row` as a fresh array of internal values. */
  read(row: number): InternalRow {
    const r = this.readers;
    const out = new Array<unknown>(r.length);
    for (let c = 0; c < r.length; c++) out[c] = r[c](row);
    return out;
  }
}

/**
 * Arrow columns of `types` from rows of internal values; a `null` row yields NULL in every column (NULL padding of
 * outer joins). Columns are built nullable: Arrow Data carries no nullability, the output schema does.
 */
export function columnsFromRows(types: readonly DataType[], rows: readonly (InternalRow | null)[]): arrow.Data[] {
  return types.map((t, c) => columnFromInternal(withNullable(t, true), rows.map((r) => (r === null ? null : r[c]))));
}

/** Deep equality of internal values (rows, nested values, bytes); NULL equals NULL here (row identity, not SQL). */
export function internalEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    // NaN is one value for row identity (a retraction of a NaN row must find it).
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    const ea = [...a.entries()];
    const eb = [...b.entries()];
    return ea.every((e, i) => internalEquals(e[0], eb[i][0]) && internalEquals(e[1], eb[i][1]));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!internalEquals(a[i], b[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => internalEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The state serializer of internal rows: msgpack (self-describing, bigint-exact). Equal rows serialize to equal
 * bytes, which is what lets a row be a MapState user key (join sides keep row → multiplicity).
 */
export function internalRowSerializer(): StateSerializer<InternalRow> {
  return msgpackSerializer<InternalRow>();
}

/** A list of internal rows (Top-N keeps a partition's sorted rows as one value). */
export function internalRowsSerializer(): StateSerializer<InternalRow[]> {
  return msgpackSerializer<InternalRow[]>();
}
