import { comparatorFor, type Comparator } from '../../../aggregate/internal-values.ts';
import type { SortKey } from '../../../plan/aggregate-call.ts';
import type { DataType } from '../../../types/data-type.ts';
import type { InternalRow } from './row-codec.ts';

/**
 * Orders non-NULL internal values of `type`. Floats follow Java's `Double.compare` as Flink's sort does (NaN after
 * every number), except that -0 and 0 tie, as in SQL; everything else uses the aggregate layer's value order (bytes
 * unsigned lexicographic, strings by code unit, booleans false < true).
 */
export function valueComparator(type: DataType): Comparator {
  if (type.kind === 'FLOAT' || type.kind === 'DOUBLE') {
    return (a, b) => {
      const x = a as number;
      const y = b as number;
      if (x < y) return -1;
      if (x > y) return 1;
      if (x === y) return 0;
      const nx = Number.isNaN(x);
      return nx === Number.isNaN(y) ? 0 : nx ? 1 : -1;
    };
  }
  if (type.kind === 'ARRAY' || type.kind === 'MAP' || type.kind === 'ROW') {
    // Flink does not order by nested types; a stable textual order keeps sorting total instead of failing.
    return (a, b) => {
      const x = nestedText(a);
      const y = nestedText(b);
      return x < y ? -1 : x > y ? 1 : 0;
    };
  }
  return comparatorFor(type);
}

function nestedText(v: unknown): string {
  return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Map ? [...x.entries()] : x));
}

/** Compares two values of one sort key: direction applies to values, NULL placement is absolute (nullsFirst). */
export type KeyComparator = (a: unknown, b: unknown) => number;

/** The comparator of one sort key over values of `type` (NULL first or last regardless of direction). */
export function sortKeyComparator(key: SortKey, type: DataType): KeyComparator {
  const cmp = valueComparator(type);
  const nullOrder = key.nullsFirst ? -1 : 1;
  const dir = key.ascending ? 1 : -1;
  return (a, b) => {
    const an = a === null || a === undefined;
    const bn = b === null || b === undefined;
    if (an || bn) return an && bn ? 0 : an ? nullOrder : -nullOrder;
    return dir * cmp(a, b);
  };
}

/**
 * Orders internal rows by `keys` (column indexes into the row), as ORDER BY / OVER (ORDER BY ...) do. Ties compare 0:
 * callers break them by arrival order (Flink's TopNBuffer appends equal sort keys in arrival order).
 */
export function rowComparator(keys: readonly SortKey[], types: readonly DataType[]): (a: InternalRow, b: InternalRow) => number {
  const comparators = keys.map((k) => sortKeyComparator(k, types[k.index]));
  const indexes = keys.map((k) => k.index);
  if (keys.length === 1) {
    const [c] = comparators;
    const [i] = indexes;
    return (a, b) => c(a[i], b[i]);
  }
  return (a, b) => {
    for (let k = 0; k < comparators.length; k++) {
      const r = comparators[k](a[indexes[k]], b[indexes[k]]);
      if (r !== 0) return r;
    }
    return 0;
  };
}
