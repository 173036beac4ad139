import { DataTypes, isIntegerType, withNullable, type DataType } from '../../types/data-type.ts';
import { divHalfUp, fits, pow10 } from '../decimal.ts';
import { allocNum, storageOf, type Vec } from '../eval/vec.ts';
import { mapRows, simple } from './helpers.ts';
import { unaryLoop } from './loops.ts';
import { registerFunction, type ArgInfo, type Inferred, type Kernel, type KernelContext } from './registry.ts';

/**
 * Math functions. Transcendental functions work on DOUBLE (inputs widened); ABS, SIGN, CEIL, FLOOR, ROUND and
 * TRUNCATE keep exact types (DECIMAL results keep precision/scale rules as in Flink).
 */

const DOUBLE = DataTypes.DOUBLE();

/** A DOUBLE → DOUBLE function as a generated typed-array loop. */
function doubleFn(names: string[], body: string): void {
  registerFunction({
    names,
    signatures: [`${names[0]}(NUMERIC)`],
    infer: simple(['DOUBLE'], DOUBLE),
    kernel: (args, ctx) => {
      const a = args[0];
      const out = new Float64Array(ctx.n);
      unaryLoop('DOUBLE', body)(a.num!, out, ctx.n);
      return { type: ctx.node.type, length: ctx.n, isConst: false, valid: a.valid, num: out };
    },
  });
}

doubleFn(['SQRT'], 'Math.sqrt(x)');
doubleFn(['EXP'], 'Math.exp(x)');
doubleFn(['LN'], 'Math.log(x)');
doubleFn(['LOG10'], 'Math.log10(x)');
doubleFn(['LOG2'], 'Math.log2(x)');
doubleFn(['SIN'], 'Math.sin(x)');
doubleFn(['COS'], 'Math.cos(x)');
doubleFn(['TAN'], 'Math.tan(x)');
doubleFn(['COT'], '1 / Math.tan(x)');
doubleFn(['ASIN'], 'Math.asin(x)');
doubleFn(['ACOS'], 'Math.acos(x)');
doubleFn(['ATAN'], 'Math.atan(x)');
doubleFn(['SINH'], 'Math.sinh(x)');
doubleFn(['COSH'], 'Math.cosh(x)');
doubleFn(['TANH'], 'Math.tanh(x)');
doubleFn(['DEGREES'], 'x * 180 / Math.PI');
doubleFn(['RADIANS'], 'x * Math.PI / 180');

const binaryDouble = (names: string[], f: (x: number, y: number) => number): void => registerFunction({
  names, signatures: [`${names[0]}(NUMERIC, NUMERIC)`], infer: simple(['DOUBLE', 'DOUBLE'], DOUBLE),
  kernel: (args, ctx) => mapRows(args, ctx, ([x, y]) => f(x as number, y as number)),
});
binaryDouble(['POWER', 'POW'], Math.pow);
binaryDouble(['ATAN2'], Math.atan2);

registerFunction({
  names: ['LOG'], signatures: ['LOG(NUMERIC)', 'LOG(NUMERIC base, NUMERIC)'], infer: simple(['DOUBLE', 'DOUBLE?'], DOUBLE),
  // One argument is the natural logarithm; two are LOG(base, x), as in Flink.
  kernel: (args, ctx) => mapRows(args, ctx, (v) => (v.length === 1 ? Math.log(v[0] as number) : Math.log(v[1] as number) / Math.log(v[0] as number))),
});

registerFunction({
  names: ['PI'], signatures: ['PI()'], infer: (args) => (args.length === 0 ? { args: [], result: withNullable(DOUBLE, false) } : undefined),
  kernel: (_args, ctx) => ({ type: ctx.node.type, length: 1, isConst: true, valid: null, num: new Float64Array([Math.PI]) }),
});
registerFunction({
  names: ['E'], signatures: ['E()'], infer: (args) => (args.length === 0 ? { args: [], result: withNullable(DOUBLE, false) } : undefined),
  kernel: (_args, ctx) => ({ type: ctx.node.type, length: 1, isConst: true, valid: null, num: new Float64Array([Math.E]) }),
});

/** Functions that keep the numeric type of their argument. */
function sameNumeric(args: readonly ArgInfo[]): Inferred | undefined {
  if (args.length !== 1 || !['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL'].includes(args[0].type.kind)) return undefined;
  return { args: [args[0].type], result: args[0].type };
}

/** Applies per-storage element functions to a numeric Vec of the result type. */
function numericMap(a: Vec, ctx: KernelContext, num: (x: number) => number, big: (x: bigint) => bigint, dec: (x: bigint, scale: number) => bigint | undefined): Vec {
  const type = ctx.node.type;
  const n = ctx.n;
  switch (storageOf(a.type)) {
    case 'num': { const out = allocNum(type, n); for (let i = 0; i < n; i++) out[i] = num(a.num![i]); return { type, length: n, isConst: false, valid: a.valid, num: out }; }
    case 'big': { const out = new BigInt64Array(n); for (let i = 0; i < n; i++) out[i] = big(a.big![i]); return { type, length: n, isConst: false, valid: a.valid, big: out }; }
    default: {
      const scale = (a.type as { scale: number }).scale;
      const valid = a.valid ? a.valid.slice() : new Uint8Array(n).fill(1);
      const out = a.dec!.map((x, i) => {
        const r = x === undefined ? undefined : dec(x, scale);
        if (r === undefined || !fits(r, (type as { precision: number }).precision)) { valid[i] = 0; return undefined; }
        return r;
      });
      return { type, length: n, isConst: false, valid, dec: out };
    }
  }
}

registerFunction({
  names: ['ABS'], signatures: ['ABS(NUMERIC)'], infer: sameNumeric,
  // Integer ABS wraps like Java's Math.abs (ABS(INT_MIN) = INT_MIN).
  kernel: (args, ctx) => numericMap(args[0], ctx, Math.abs, (x) => (x < 0n ? -x : x), (x) => (x < 0n ? -x : x)),
});
registerFunction({
  names: ['SIGN'], signatures: ['SIGN(NUMERIC)'], infer: sameNumeric,
  kernel: (args, ctx) => numericMap(args[0], ctx, Math.sign, (x) => (x > 0n ? 1n : x < 0n ? -1n : 0n), (x, s) => (x > 0n ? pow10(s) : x < 0n ? -pow10(s) : 0n)),
});

/** CEIL/FLOOR: integers unchanged; DECIMAL(p, s) → DECIMAL(p - s + 1, 0) (Flink); FLOAT/DOUBLE keep their type. */
function inferCeilFloor(args: readonly ArgInfo[]): Inferred | undefined {
  const r = sameNumeric(args);
  if (!r) return undefined;
  const t = args[0].type;
  if (t.kind !== 'DECIMAL') return r;
  return { args: [t], result: withNullable(DataTypes.DECIMAL(Math.min(38, t.precision - t.scale + 1), 0), t.nullable) };
}
const floorDec = (x: bigint, s: number): bigint => { const p = pow10(s); const q = x / p; return x < 0n && q * p !== x ? q - 1n : q; };
const ceilDec = (x: bigint, s: number): bigint => { const p = pow10(s); const q = x / p; return x > 0n && q * p !== x ? q + 1n : q; };
registerFunction({ names: ['CEIL', 'CEILING'], signatures: ['CEIL(NUMERIC)'], infer: inferCeilFloor, kernel: (args, ctx) => numericMap(args[0], ctx, Math.ceil, (x) => x, ceilDec) });
registerFunction({ names: ['FLOOR'], signatures: ['FLOOR(NUMERIC)'], infer: inferCeilFloor, kernel: (args, ctx) => numericMap(args[0], ctx, Math.floor, (x) => x, floorDec) });

/**
 * ROUND(x, d) / TRUNCATE(x, d): HALF_UP rounding or truncation to d decimal places (d may be negative).
 * DECIMAL(p, s) gives DECIMAL(p - s + min(s, d) + 1 for ROUND, scale min(s, d)), as Flink; others keep their type.
 */
function inferRound(isRound: boolean) {
  return (args: readonly ArgInfo[]): Inferred | undefined => {
    if (args.length < 1 || args.length > 2) return undefined;
    const base = sameNumeric([args[0]]);
    if (!base) return undefined;
    if (args.length === 2 && !isIntegerType(args[1].type)) return undefined;
    const t = args[0].type;
    const targets: DataType[] = [t, ...(args.length === 2 ? [withNullable(DataTypes.INT(), args[1].type.nullable)] : [])];
    const nullable = args.some((a) => a.type.nullable);
    if (t.kind !== 'DECIMAL') return { args: targets, result: withNullable(t, nullable) };
    const d = args.length === 2 ? args[1].literal?.value : 0;
    if (typeof d !== 'number') return undefined; // the scale of a DECIMAL result needs a literal digit count
    const scale = Math.max(0, Math.min(t.scale, d));
    const precision = Math.min(38, t.precision - t.scale + scale + (isRound ? 1 : 0));
    return { args: targets, result: withNullable(DataTypes.DECIMAL(Math.max(precision, 1), scale), nullable) };
  };
}

function roundKernel(isRound: boolean): Kernel {
  return (args, ctx) => {
    const type = ctx.node.type;
    const from = args[0].type;
    return mapRows(args, ctx, ([x, dArg]) => {
      const d = (dArg as number | undefined) ?? 0;
      if (from.kind === 'DECIMAL') {
        const v = x as bigint;
        const drop = from.scale - d;
        const p = drop > 0 ? pow10(drop) : 1n;
        const r = drop > 0 ? (isRound ? divHalfUp(v, p) : v / p) * p : v;
        // r is at the input scale; express it at the result scale.
        const rs = (type as { scale: number }).scale;
        return rs >= from.scale ? r * pow10(rs - from.scale) : r / pow10(from.scale - rs);
      }
      if (from.kind === 'BIGINT') {
        if (d >= 0) return x;
        const p = pow10(-d);
        const v = x as bigint;
        return (isRound ? divHalfUp(v, p) : v / p) * p;
      }
      const v = x as number;
      if (isIntegerType(from)) {
        if (d >= 0) return v;
        const p = 10 ** -d;
        return (isRound ? Math.sign(v) * Math.round(Math.abs(v) / p) : Math.trunc(v / p)) * p;
      }
      return roundDouble(v, d, isRound);
    });
  };
}

/** HALF_UP rounding of a double through its decimal text (so 2.675 rounds like BigDecimal of its shortest repr). */
function roundDouble(v: number, d: number, isRound: boolean): number {
  if (!Number.isFinite(v) || String(v).includes('e')) return isRound ? Math.round(v * 10 ** d) / 10 ** d : Math.trunc(v * 10 ** d) / 10 ** d;
  const s = Number(`${v}e${d}`);
  const r = isRound ? Math.sign(s) * Math.round(Math.abs(s)) : Math.trunc(s);
  return Number(`${r}e${-d}`);
}

registerFunction({ names: ['ROUND'], signatures: ['ROUND(NUMERIC[, INT digits])'], infer: inferRound(true), kernel: roundKernel(true) });
registerFunction({ names: ['TRUNCATE', 'TRUNC'], signatures: ['TRUNCATE(NUMERIC[, INT digits])'], infer: inferRound(false), kernel: roundKernel(false) });
