import * as arrow from 'apache-arrow';
import type { DataType } from '../../types/data-type.ts';
import { toArrowType } from '../../types/arrow-types.ts';
import { allocNum, fromData, packBits, storageOf, toData, type Vec } from './vec.ts';
import { BinaryBuilder, decodeUtf8 } from './utf8.ts';

/**
 * Internal scalar values used by the row-at-a-time kernels (string, date and nested functions) and by literals:
 * BOOLEAN boolean; TINYINT..DOUBLE, DATE (epoch days), TIME (ms of day) number; BIGINT and timestamps bigint in the
 * stored unit; DECIMAL the unscaled bigint; STRING string; BYTES Uint8Array; ARRAY and ROW arrays; MAP a Map.
 * `null` is SQL NULL. These differ from docs/values.md (the user-facing mapping) on purpose: they are exact and cheap.
 */
export type Scalar = unknown;

/** The internal value of element i (constants broadcast). */
export function valueAt(vec: Vec, i: number): Scalar {
  const j = vec.isConst ? 0 : i;
  if (vec.valid !== null && vec.valid[j] === 0) return null;
  switch (storageOf(vec.type)) {
    case 'null': return null;
    case 'bool': return vec.bool![j] === 1;
    case 'num': return vec.num![j];
    case 'big': return vec.big![j];
    case 'dec': return vec.dec![j] ?? null;
    case 'bin': {
      const s = vec.offsets![j];
      const e = vec.offsets![j + 1];
      return vec.type.kind === 'STRING' ? decodeUtf8(vec.bytes!, s, e) : vec.bytes!.slice(s, e);
    }
    case 'nested': return nestedValueAt(vec.nested!, vec.type, j);
  }
}

function nestedValueAt(data: arrow.Data, type: DataType, i: number): Scalar {
  switch (type.kind) {
    case 'ARRAY': case 'MAP': {
      const offs = data.valueOffsets as Int32Array;
      // valueOffsets of sliced list Data are already sliced, so index by i, not offset + i.
      const s = offs[i];
      const e = offs[i + 1];
      const child = data.children[0];
      if (type.kind === 'ARRAY') {
        const cv = fromData(child, type.element);
        const out: Scalar[] = [];
        for (let k = s; k < e; k++) out.push(valueAt(cv, k));
        return out;
      }
      const keys = fromData(child.children[0], type.key);
      const vals = fromData(child.children[1], type.value);
      const m = new Map<Scalar, Scalar>();
      for (let k = s; k < e; k++) m.set(valueAt(keys, k), valueAt(vals, k));
      return m;
    }
    case 'ROW':
      // Slicing a struct slices its children too, so child element i is row i.
      return type.fields.map((f, k) => valueAt(fromData(data.children[k], f.type), i));
    default:
      throw new Error(`not a nested type: ${type.kind}`);
  }
}

/** Builds a Vec of `type` from internal values (null = NULL). */
export function vecFromValues(type: DataType, values: readonly Scalar[]): Vec {
  const n = values.length;
  let valid: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    if (values[i] === null || values[i] === undefined) {
      if (!valid) valid = new Uint8Array(n).fill(1);
      valid[i] = 0;
    }
  }
  const base = { type, length: n, isConst: false, valid };
  switch (storageOf(type)) {
    case 'null': return { ...base, valid: new Uint8Array(n) };
    case 'bool': {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = values[i] === true ? 1 : 0;
      return { ...base, bool: b };
    }
    case 'num': {
      const a = allocNum(type, n);
      for (let i = 0; i < n; i++) if (values[i] !== null && values[i] !== undefined) a[i] = values[i] as number;
      return { ...base, num: a };
    }
    case 'big': {
      const a = new BigInt64Array(n);
      for (let i = 0; i < n; i++) if (values[i] !== null && values[i] !== undefined) a[i] = values[i] as bigint;
      return { ...base, big: a };
    }
    case 'dec': return { ...base, dec: values.map((v) => (v === null || v === undefined ? undefined : (v as bigint))) };
    case 'bin': {
      const b = new BinaryBuilder(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === undefined) b.appendEmpty();
        else if (typeof v === 'string') b.appendString(v);
        else b.appendBytes(v as Uint8Array);
      }
      return { ...base, offsets: b.offsets, bytes: b.bytes };
    }
    case 'nested': return { ...base, nested: nestedFromValues(type, values, valid) };
  }
}

function nestedFromValues(type: DataType, values: readonly Scalar[], valid: Uint8Array | null): arrow.Data {
  const n = values.length;
  const nullCount = valid ? valid.reduce((c, v) => c + (v ? 0 : 1), 0) : 0;
  const nullBitmap = valid ? packBits(valid, n) : undefined;
  const arrowType = toArrowType(type);
  if (type.kind === 'ROW') {
    const children = type.fields.map((f, k) =>
      toData(vecFromValues(f.type, values.map((v) => (v === null || v === undefined ? null : (v as Scalar[])[k] ?? null))), n));
    return arrow.makeData({ type: arrowType as arrow.Struct, length: n, nullCount, nullBitmap, children });
  }
  const offsets = new Int32Array(n + 1);
  if (type.kind === 'ARRAY') {
    const flat: Scalar[] = [];
    values.forEach((v, i) => { if (Array.isArray(v)) flat.push(...v); offsets[i + 1] = flat.length; });
    const child = toData(vecFromValues(type.element, flat), flat.length);
    return arrow.makeData({ type: arrowType as arrow.List, length: n, nullCount, nullBitmap, valueOffsets: offsets, child });
  }
  if (type.kind !== 'MAP') throw new Error(`not a nested type: ${type.kind}`);
  const keys: Scalar[] = [];
  const vals: Scalar[] = [];
  values.forEach((v, i) => {
    if (v instanceof Map) for (const [k, x] of v) { keys.push(k); vals.push(x); }
    offsets[i + 1] = keys.length;
  });
  const entriesType = (arrowType as arrow.Map_).children[0].type as arrow.Struct;
  const entries = arrow.makeData({
    type: entriesType, length: keys.length, nullCount: 0,
    children: [toData(vecFromValues(type.key, keys), keys.length), toData(vecFromValues(type.value, vals), vals.length)],
  });
  return arrow.makeData({ type: arrowType as arrow.Map_, length: n, nullCount, nullBitmap, valueOffsets: offsets, child: entries });
}

/** A constant Vec (length 1, broadcast by kernels). */
export function constVec(type: DataType, value: Scalar): Vec {
  return { ...vecFromValues(type, [value]), isConst: true };
}
