import type { DataType } from '../../types/data-type.ts';
import { BinaryBuilder } from './utf8.ts';
import { valueAt, vecFromValues, type Scalar } from './values.ts';
import { allocNum, storageOf, type Vec } from './vec.ts';

/**
 * Builds a Vec whose row i is row i of `sources[pick[i]]` (pick -1 = NULL). All sources have `type`. This is the
 * columnar core of IF, CASE, COALESCE and NULLIF: the branch results are computed as whole columns and merged here.
 */
export function chooseRows(type: DataType, n: number, sources: readonly Vec[], pick: Int32Array): Vec {
  const valid = new Uint8Array(n);
  const storage = storageOf(type);
  const rowOf = (s: Vec, i: number): number => (s.isConst ? 0 : i);
  const isNull = (s: Vec, j: number): boolean => s.valid !== null && s.valid[j] === 0;
  switch (storage) {
    case 'num': case 'big': case 'bool': {
      const out = storage === 'num' ? allocNum(type, n) : storage === 'big' ? new BigInt64Array(n) : new Uint8Array(n);
      const arrays = sources.map((s) => (s.num ?? s.big ?? s.bool) as { [k: number]: number | bigint });
      const o = out as { [k: number]: number | bigint };
      for (let i = 0; i < n; i++) {
        const p = pick[i];
        if (p < 0) continue;
        const s = sources[p];
        const j = rowOf(s, i);
        if (isNull(s, j)) continue;
        o[i] = arrays[p][j];
        valid[i] = 1;
      }
      const base = { type, length: n, isConst: false, valid };
      return storage === 'num' ? { ...base, num: out as Int32Array } : storage === 'big' ? { ...base, big: out as BigInt64Array } : { ...base, bool: out as Uint8Array };
    }
    case 'dec': {
      const out = new Array<bigint | undefined>(n);
      for (let i = 0; i < n; i++) {
        const p = pick[i];
        if (p < 0) continue;
        const s = sources[p];
        const j = rowOf(s, i);
        if (isNull(s, j)) continue;
        out[i] = s.dec![j];
        valid[i] = 1;
      }
      return { type, length: n, isConst: false, valid, dec: out };
    }
    case 'bin': {
      const b = new BinaryBuilder(n);
      for (let i = 0; i < n; i++) {
        const p = pick[i];
        const s = p < 0 ? undefined : sources[p];
        const j = s ? rowOf(s, i) : 0;
        if (!s || isNull(s, j)) { b.appendEmpty(); continue; }
        b.appendBytes(s.bytes!, s.offsets![j], s.offsets![j + 1]);
        valid[i] = 1;
      }
      return { type, length: n, isConst: false, valid, offsets: b.offsets, bytes: b.bytes };
    }
    default: {
      const values = new Array<Scalar>(n);
      for (let i = 0; i < n; i++) values[i] = pick[i] < 0 ? null : valueAt(sources[pick[i]], i);
      return vecFromValues(type, values);
    }
  }
}
