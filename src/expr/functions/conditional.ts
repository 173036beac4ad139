import { DataTypes, withNullable, type DataType } from '../../types/data-type.ts';
import { chooseRows } from '../eval/choose.ts';
import type { Vec } from '../eval/vec.ts';
import { commonType } from '../types/coercion.ts';
import { comparisonType, elementComparator, isOrderable } from './compare-util.ts';
import { compareRows } from './comparison.ts';
import { strictValidity } from './helpers.ts';
import { registerFunction, type ArgInfo, type Inferred, type KernelContext } from './registry.ts';

/**
 * IF, CASE, COALESCE, NULLIF, IN, BETWEEN, GREATEST and LEAST. Branch results arrive as whole columns and are
 * merged with chooseRows. IF and CASE branches that can fail (division, CAST) are evaluated only on the rows that
 * reach them (see eval/lazy.ts), so guards like `CASE WHEN b <> 0 THEN a / b END` work as in Flink.
 */

const isTrue = (v: Vec, i: number): boolean => (v.valid === null || v.valid[v.isConst ? 0 : i] === 1) && v.bool![v.isConst ? 0 : i] === 1;
const isBoolish = (t: DataType): boolean => t.kind === 'BOOLEAN' || t.kind === 'NULL';
const bool = (nullable: boolean): DataType => withNullable(DataTypes.BOOLEAN(), nullable);

registerFunction({
  names: ['IF'],
  signatures: ['IF(BOOLEAN, T, T)'],
  infer: (args) => {
    if (args.length !== 3 || !isBoolish(args[0].type)) return undefined;
    const t = commonType([args[1].type, args[2].type]);
    if (!t) return undefined;
    return { args: [bool(args[0].type.nullable), withNullable(t, args[1].type.nullable), withNullable(t, args[2].type.nullable)], result: t };
  },
  handlesConst: true,
  kernel: (args, ctx) => {
    const [c] = args;
    const pick = new Int32Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) pick[i] = isTrue(c, i) ? 1 : 2;
    return chooseRows(ctx.node.type, ctx.n, args, pick);
  },
});

registerFunction({
  names: ['CASE'],
  signatures: ['CASE(BOOLEAN, T, [BOOLEAN, T, ...] [, T])'],
  infer: (args) => {
    if (args.length < 2) return undefined;
    const pairs = Math.floor(args.length / 2);
    const hasElse = args.length % 2 === 1;
    const valueTypes: DataType[] = [];
    for (let k = 0; k < pairs; k++) {
      if (!isBoolish(args[2 * k].type)) return undefined;
      valueTypes.push(args[2 * k + 1].type);
    }
    if (hasElse) valueTypes.push(args[args.length - 1].type);
    const t = commonType(valueTypes);
    if (!t) return undefined;
    // Without ELSE a row matching no branch is NULL.
    const result = withNullable(t, t.nullable || !hasElse);
    const targets = args.map((a, i) => (i < 2 * pairs && i % 2 === 0 ? bool(a.type.nullable) : withNullable(t, a.type.nullable)));
    return { args: targets, result };
  },
  handlesConst: true,
  kernel: (args, ctx) => {
    const pairs = Math.floor(args.length / 2);
    const elseIdx = args.length % 2 === 1 ? args.length - 1 : -1;
    const pick = new Int32Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) {
      let p = elseIdx;
      for (let k = 0; k < pairs; k++) if (isTrue(args[2 * k], i)) { p = 2 * k + 1; break; }
      pick[i] = p;
    }
    return chooseRows(ctx.node.type, ctx.n, args, pick);
  },
});

function inferCommon(min: number, max: number, nullable: (args: readonly ArgInfo[]) => boolean, orderable = false) {
  return (args: readonly ArgInfo[]): Inferred | undefined => {
    if (args.length < min || args.length > max) return undefined;
    const t = commonType(args.map((a) => a.type));
    if (!t || (orderable && !isOrderable(t))) return undefined;
    return { args: args.map((a) => withNullable(t, a.type.nullable)), result: withNullable(t, nullable(args)) };
  };
}

registerFunction({
  names: ['COALESCE', 'IFNULL'],
  signatures: ['COALESCE(T, T, ...)'],
  // NULL only if every argument may be NULL.
  infer: inferCommon(1, Infinity, (args) => args.every((a) => a.type.nullable)),
  handlesConst: true,
  kernel: (args, ctx) => {
    const pick = new Int32Array(ctx.n).fill(-1);
    for (let i = 0; i < ctx.n; i++) {
      for (let k = 0; k < args.length; k++) {
        const a = args[k];
        if (a.type.kind !== 'NULL' && (a.valid === null || a.valid[a.isConst ? 0 : i] === 1)) { pick[i] = k; break; }
      }
    }
    return chooseRows(ctx.node.type, ctx.n, args, pick);
  },
});

registerFunction({
  names: ['NULLIF'],
  signatures: ['NULLIF(T, T)'],
  infer: (args) => {
    const r = inferCommon(2, 2, () => true)(args);
    return r && { args: r.args, result: withNullable(r.result, true) };
  },
  handlesConst: true,
  kernel: (args, ctx) => {
    const [a, b] = args;
    const eq = compareRows('=', a, b, ctx.n, ctx.timeZone);
    const pick = new Int32Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) {
      const bNull = b.valid !== null && b.valid[b.isConst ? 0 : i] === 0;
      pick[i] = !bNull && eq[i] ? -1 : 0;
    }
    return chooseRows(ctx.node.type, ctx.n, [a], pick);
  },
});

function inferCompared(min: number, max: number, orderable: boolean) {
  return (args: readonly ArgInfo[]): Inferred | undefined => {
    if (args.length < min || args.length > max) return undefined;
    const t = comparisonType(args.map((a) => a.type));
    if (!t || (orderable && !isOrderable(t))) return undefined;
    return { args: args.map((a) => withNullable(t, a.type.nullable)), result: bool(args.some((a) => a.type.nullable)) };
  };
}

/** SQL IN: TRUE if equal to some element; otherwise NULL when the value or any element is NULL; else FALSE. */
function inKernel(negate: boolean) {
  return (args: Vec[], ctx: KernelContext): Vec => {
    const n = ctx.n;
    const [v, ...list] = args;
    const out = new Uint8Array(n);
    const valid = new Uint8Array(n).fill(1);
    const sawNull = new Uint8Array(n);
    const vNull = (i: number): boolean => v.valid !== null && v.valid[v.isConst ? 0 : i] === 0;
    for (const e of list) {
      const eq = compareRows('=', v, e, n, ctx.timeZone);
      for (let i = 0; i < n; i++) {
        if (e.valid !== null && e.valid[e.isConst ? 0 : i] === 0) sawNull[i] = 1;
        else if (eq[i] && !vNull(i)) out[i] = 1;
      }
    }
    for (let i = 0; i < n; i++) {
      if (!out[i] && (vNull(i) || sawNull[i])) valid[i] = 0;
      else if (negate) out[i] ^= 1;
    }
    return { type: ctx.node.type, length: n, isConst: false, valid, bool: out };
  };
}

registerFunction({ names: ['IN'], signatures: ['T IN (T, ...)'], infer: inferCompared(2, Infinity, false), handlesConst: true, kernel: inKernel(false) });
registerFunction({ names: ['NOT IN'], signatures: ['T NOT IN (T, ...)'], infer: inferCompared(2, Infinity, false), handlesConst: true, kernel: inKernel(true) });

/** BETWEEN as (v >= lo AND v <= hi), NOT BETWEEN as (v < lo OR v > hi), with three-valued logic. */
function betweenKernel(negate: boolean) {
  return (args: Vec[], ctx: KernelContext): Vec => {
    const n = ctx.n;
    const [v, lo, hi] = args;
    const first = compareRows(negate ? '<' : '>=', v, lo, n, ctx.timeZone);
    const second = compareRows(negate ? '>' : '<=', v, hi, n, ctx.timeZone);
    const out = new Uint8Array(n);
    const valid = new Uint8Array(n);
    const ok = (x: Vec, i: number): boolean => x.valid === null || x.valid[x.isConst ? 0 : i] === 1;
    const dom = negate ? 1 : 0; // the value that decides regardless of the other side
    for (let i = 0; i < n; i++) {
      const va = ok(v, i) && ok(lo, i);
      const vb = ok(v, i) && ok(hi, i);
      if ((va && first[i] === dom) || (vb && second[i] === dom)) { out[i] = dom; valid[i] = 1; }
      else if (va && vb) { out[i] = 1 - dom; valid[i] = 1; }
    }
    return { type: ctx.node.type, length: n, isConst: false, valid, bool: out };
  };
}

registerFunction({ names: ['BETWEEN'], signatures: ['T BETWEEN T AND T'], infer: inferCompared(3, 3, true), handlesConst: true, kernel: betweenKernel(false) });
registerFunction({ names: ['NOT BETWEEN'], signatures: ['T NOT BETWEEN T AND T'], infer: inferCompared(3, 3, true), handlesConst: true, kernel: betweenKernel(true) });

/** GREATEST / LEAST: NULL if any argument is NULL (Flink), else the extreme value. */
function extremeKernel(greatest: boolean) {
  return (args: Vec[], ctx: KernelContext): Vec => {
    const n = ctx.n;
    const cmp = elementComparator(ctx.node.type, ctx.timeZone);
    const valid = strictValidity(args, n);
    const pick = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (valid && !valid[i]) { pick[i] = -1; continue; }
      let best = 0;
      for (let k = 1; k < args.length; k++) {
        const c = cmp(args[k], i, args[best], i);
        if (greatest ? c > 0 : c < 0) best = k;
      }
      pick[i] = best;
    }
    return chooseRows(ctx.node.type, n, args, pick);
  };
}

const anyNullable = (args: readonly ArgInfo[]): boolean => args.some((a) => a.type.nullable);
registerFunction({ names: ['GREATEST'], signatures: ['GREATEST(T, T, ...)'], infer: inferCommon(1, Infinity, anyNullable, true), handlesConst: true, kernel: extremeKernel(true) });
registerFunction({ names: ['LEAST'], signatures: ['LEAST(T, T, ...)'], infer: inferCommon(1, Infinity, anyNullable, true), handlesConst: true, kernel: extremeKernel(false) });
