import { formatDataType, type DataType } from '../../types/data-type.ts';
import { valueAt, vecFromValues, type Scalar } from '../eval/values.ts';
import { allocNum, storageOf, type Vec } from '../eval/vec.ts';
import { valueToString } from './to-string.ts';
import { CAST_FAIL, castScalar } from './scalar.ts';

/** How a failed conversion is reported: TRY_CAST yields NULL, CAST calls `fail` (which throws CAST_FAILED). */
export interface CastOptions {
  readonly tryCast: boolean;
  readonly timeZone: string;
  readonly fail: (message: string, row: number) => never;
}

const WIDENING_INT = new Set(['TINYINT>SMALLINT', 'TINYINT>INT', 'SMALLINT>INT']);

/**
 * Casts a Vec to `to`. Numeric conversions that cannot fail run as typed-array loops; everything else converts
 * value by value through castScalar.
 */
export function castVec(vec: Vec, to: DataType, opts: CastOptions): Vec {
  const from = vec.type;
  const n = vec.length;
  if (from.kind === to.kind && formatDataType(from, true) === formatDataType(to, true)) return { ...vec, type: to };
  if (from.kind === 'NULL') return vecFromValues(to, new Array(n).fill(null));
  const fs = storageOf(from);
  const ts = storageOf(to);
  // Fast paths: number-storage to number-storage where the typed-array store already has Java semantics
  // (widening, int to float/double, float/double to float/double).
  if (fs === 'num' && ts === 'num' && isNumeric(from) && isNumeric(to)) {
    const key = `${from.kind}>${to.kind}`;
    if (WIDENING_INT.has(key) || to.kind === 'DOUBLE' || to.kind === 'FLOAT') {
      const out = allocNum(to, n);
      out.set(vec.num!.subarray(0, n));
      return { type: to, length: n, isConst: vec.isConst, valid: vec.valid, num: out };
    }
  }
  if (fs === 'num' && to.kind === 'BIGINT' && (from.kind === 'TINYINT' || from.kind === 'SMALLINT' || from.kind === 'INT')) {
    const src = vec.num!;
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = BigInt(src[i]);
    return { type: to, length: n, isConst: vec.isConst, valid: vec.valid, big: out };
  }
  if (fs === 'big' && from.kind === 'BIGINT' && to.kind === 'DOUBLE') {
    const src = vec.big!;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Number(src[i]);
    return { type: to, length: n, isConst: vec.isConst, valid: vec.valid, num: out };
  }
  const values = new Array<Scalar>(n);
  for (let i = 0; i < n; i++) {
    const v = valueAt(vec, i);
    const c = castScalar(v, from, to, opts.timeZone);
    if (c === CAST_FAIL) {
      if (opts.tryCast) { values[i] = null; continue; }
      const shown = from.kind === 'STRING' ? `'${v as string}'` : valueToString(v, from, opts.timeZone);
      opts.fail(`Cannot cast ${shown} of type ${formatDataType(from, true)} to ${formatDataType(to, true)}`, i);
    }
    values[i] = c;
  }
  return { ...vecFromValues(to, values), isConst: vec.isConst };
}

function isNumeric(t: DataType): boolean {
  return t.kind === 'TINYINT' || t.kind === 'SMALLINT' || t.kind === 'INT' || t.kind === 'FLOAT' || t.kind === 'DOUBLE';
}
