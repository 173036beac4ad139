import * as arrow from 'apache-arrow';
import { DataTypes, withNullable, type DataType } from '../../types/data-type.ts';
import { toArrowType } from '../../types/arrow-types.ts';
import { gather } from '../eval/gather.ts';
import { valueAt, vecFromValues, type Scalar } from '../eval/values.ts';
import { fromData, toData, unpackBits, type Vec } from '../eval/vec.ts';
import { commonType } from '../types/coercion.ts';
import { literalString, mapRows } from './helpers.ts';
import { registerFunction } from './registry.ts';

/**
 * Constructors (ARRAY[...], MAP[...], ROW(...)) and access (ITEM, FIELD, CARDINALITY). Element access is columnar:
 * it computes one child index per row and gathers the child column, so no per-row JS objects are built.
 */

registerFunction({
  names: ['ARRAY'], signatures: ['ARRAY[T, ...]'],
  infer: (args) => {
    const t = commonType(args.map((a) => a.type));
    if (args.length === 0 || !t) return undefined;
    const element = t.kind === 'NULL' ? DataTypes.STRING() : t;
    return { args: args.map((a) => withNullable(element, a.type.nullable)), result: withNullable(DataTypes.ARRAY(element), false) };
  },
  kernel: (args, ctx) => {
    const values = new Array<Scalar>(ctx.n);
    for (let i = 0; i < ctx.n; i++) values[i] = args.map((a) => valueAt(a, i));
    return vecFromValues(ctx.node.type, values);
  },
});

registerFunction({
  names: ['MAP'], signatures: ['MAP[K, V, ...]'],
  infer: (args) => {
    if (args.length === 0 || args.length % 2 !== 0) return undefined;
    const k = commonType(args.filter((_, i) => i % 2 === 0).map((a) => a.type));
    const v = commonType(args.filter((_, i) => i % 2 === 1).map((a) => a.type));
    if (!k || !v || k.kind === 'NULL') return undefined;
    const value = v.kind === 'NULL' ? DataTypes.STRING() : v;
    return {
      args: args.map((a, i) => withNullable(i % 2 === 0 ? k : value, a.type.nullable)),
      result: withNullable(DataTypes.MAP(withNullable(k, false), value), false),
    };
  },
  kernel: (args, ctx) => {
    const values = new Array<Scalar>(ctx.n);
    for (let i = 0; i < ctx.n; i++) {
      const m = new Map<Scalar, Scalar>();
      for (let k = 0; k < args.length; k += 2) m.set(valueAt(args[k], i), valueAt(args[k + 1], i));
      values[i] = m;
    }
    return vecFromValues(ctx.node.type, values);
  },
});

registerFunction({
  names: ['ROW'], signatures: ['ROW(T1, T2, ...)'],
  infer: (args) => {
    if (args.length === 0) return undefined;
    const types = args.map((a) => (a.type.kind === 'NULL' ? DataTypes.STRING() : a.type));
    return { args: types, result: withNullable(DataTypes.ROW(types.map((type, i) => ({ name: `EXPR$${i}`, type }))), false) };
  },
  // Each field is already a column: the struct just wraps them.
  kernel: (args, ctx) => {
    const type = ctx.node.type;
    const children = args.map((a) => toData(a, ctx.n));
    const data = arrow.makeData({ type: toArrowType(type) as arrow.Struct, length: ctx.n, nullCount: 0, children });
    return { type, length: ctx.n, isConst: false, valid: null, nested: data };
  },
});

registerFunction({
  names: ['CARDINALITY'], signatures: ['CARDINALITY(ARRAY | MAP)'],
  infer: (args) => (args.length === 1 && (args[0].type.kind === 'ARRAY' || args[0].type.kind === 'MAP')
    ? { args: [args[0].type], result: withNullable(DataTypes.INT(), args[0].type.nullable) } : undefined),
  kernel: (args, ctx) => {
    const a = args[0];
    const offs = a.nested!.valueOffsets as Int32Array;
    const out = new Int32Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) out[i] = offs[i + 1] - offs[i];
    return { type: ctx.node.type, length: ctx.n, isConst: false, valid: validOf(a, ctx.n), num: out };
  },
});

/** Row validity of a nested Vec (its Arrow bitmap expanded). */
function validOf(a: Vec, n: number): Uint8Array | null {
  if (a.valid) return a.valid;
  const d = a.nested!;
  if (d.nullCount === 0 || !d.nullBitmap) return null;
  return unpackBits(d.nullBitmap, d.offset, n);
}

registerFunction({
  names: ['ITEM'], signatures: ['ITEM(ARRAY<T>, INT index) — 1-based', 'ITEM(MAP<K, V>, K key)'],
  infer: (args) => {
    if (args.length !== 2) return undefined;
    const [c, k] = args.map((a) => a.type);
    if (c.kind === 'ARRAY') {
      if (!['TINYINT', 'SMALLINT', 'INT', 'BIGINT'].includes(k.kind)) return undefined;
      return { args: [c, withNullable(DataTypes.INT(), k.nullable)], result: withNullable(c.element, true) };
    }
    if (c.kind === 'MAP') {
      const key = commonType([c.key, k]);
      if (!key || key.kind !== c.key.kind) return undefined;
      return { args: [c, withNullable(c.key, k.nullable)], result: withNullable(c.value, true) };
    }
    return undefined;
  },
  kernel: (args, ctx) => {
    const [c, k] = args;
    const n = ctx.n;
    const d = c.nested!;
    const offs = d.valueOffsets as Int32Array;
    const cValid = validOf(c, n);
    const idx = new Int32Array(n).fill(-1);
    const type = ctx.node.args[0].type;
    if (type.kind === 'ARRAY') {
      for (let i = 0; i < n; i++) {
        if ((cValid && !cValid[i]) || (k.valid && !k.valid[i])) continue;
        const p = k.num![i];
        // Out-of-range indexes give NULL (Flink's default for arrays).
        if (p >= 1 && p <= offs[i + 1] - offs[i]) idx[i] = offs[i] + p - 1;
      }
      return fromData(gather(d.children[0], idx), ctx.node.type);
    }
    const mapType = type as Extract<DataType, { kind: 'MAP' }>;
    const entries = d.children[0];
    const keys = fromData(entries.children[0], mapType.key);
    for (let i = 0; i < n; i++) {
      if ((cValid && !cValid[i]) || (k.valid && !k.valid[i])) continue;
      const want = valueAt(k, i);
      for (let e = offs[i]; e < offs[i + 1]; e++) if (sameKey(valueAt(keys, e), want)) idx[i] = e;
    }
    return fromData(gather(entries.children[1], idx), ctx.node.type);
  },
});

function sameKey(a: Scalar, b: Scalar): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

registerFunction({
  names: ['FIELD'], signatures: ["FIELD(ROW, 'name')", 'FIELD(ROW, INT position) — 1-based'],
  infer: (args) => {
    if (args.length !== 2 || args[0].type.kind !== 'ROW') return undefined;
    const row = args[0].type;
    const name = literalString(args[1]);
    const pos = typeof args[1].literal?.value === 'number' ? (args[1].literal.value as number) - 1 : undefined;
    const i = name !== undefined ? row.fields.findIndex((f) => f.name === name) : pos ?? -1;
    if (i < 0 || i >= row.fields.length) return undefined;
    return { args: args.map((a) => a.type), result: withNullable(row.fields[i].type, row.fields[i].type.nullable || row.nullable) };
  },
  // A struct slice slices its children, so field i of row r is child row r: the column is reused as is,
  // with the struct's NULL rows masked in.
  kernel: (args, ctx) => {
    const [r, f] = args;
    const row = ctx.node.args[0].type as Extract<DataType, { kind: 'ROW' }>;
    const key = valueAt(f, 0);
    const i = typeof key === 'string' ? row.fields.findIndex((x) => x.name === key) : (key as number) - 1;
    const child = fromData(r.nested!.children[i], row.fields[i].type);
    const rowValid = validOf(r, ctx.n);
    if (!rowValid) return { ...child, type: ctx.node.type };
    const valid = new Uint8Array(ctx.n);
    for (let k = 0; k < ctx.n; k++) valid[k] = rowValid[k] & (child.valid ? child.valid[k] : 1);
    return { ...child, type: ctx.node.type, valid, dec: child.dec?.map((v, k) => (valid[k] ? v : undefined)) };
  },
});
