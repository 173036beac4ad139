import { withNullable, type DataType } from '../../types/data-type.ts';
import { valueAt, vecFromValues, type Scalar } from '../eval/values.ts';
import type { Vec } from '../eval/vec.ts';
import { anyNullable } from '../types/coercion.ts';
import type { ArgInfo, Inferred, KernelContext } from './registry.ts';

/**
 * Shared pieces of built-in definitions: validity merging for strict (NULL in, NULL out) kernels and a
 * row-at-a-time mapper for functions whose work needs JS values anyway (strings, calendars).
 */

/** AND of the arguments' validity over n rows (constants broadcast); null when every row is valid. */
export function strictValidity(args: readonly Vec[], n: number): Uint8Array | null {
  let out: Uint8Array | null = null;
  for (const a of args) {
    if (!a.valid) continue;
    if (a.isConst) {
      if (a.valid[0] === 0) return new Uint8Array(n);
      continue;
    }
    if (!out) out = a.valid.slice(0, n);
    else for (let i = 0; i < n; i++) out[i] &= a.valid[i];
  }
  return out;
}

/**
 * Applies `fn` to the JS values of each row; a NULL argument gives NULL without calling fn (unless `lax`), and fn
 * may return null. The result has the call's type.
 */
export function mapRows(args: readonly Vec[], ctx: KernelContext, fn: (values: Scalar[], row: number) => Scalar, lax = false): Vec {
  const n = ctx.n;
  const out = new Array<Scalar>(n);
  const vals = new Array<Scalar>(args.length);
  rows: for (let i = 0; i < n; i++) {
    for (let k = 0; k < args.length; k++) {
      const v = valueAt(args[k], i);
      if (v === null && !lax) { out[i] = null; continue rows; }
      vals[k] = v;
    }
    out[i] = fn(vals, i);
  }
  return vecFromValues(ctx.node.type, out);
}

/** Result type `t` made nullable when any argument is (the usual SQL rule). */
export const nullableIfAny = (t: DataType, args: readonly ArgInfo[]): DataType => withNullable(t, t.nullable || anyNullable(args.map((a) => a.type)));

/** Inference result: arguments keep their types, result as given (nullability from arguments). */
export function keep(args: readonly ArgInfo[], result: DataType): Inferred {
  return { args: args.map((a) => a.type), result: nullableIfAny(withNullable(result, false), args) };
}

/** Inference result with arguments coerced to `targets` (nullability kept per argument). */
export function coerce(args: readonly ArgInfo[], targets: readonly DataType[], result: DataType): Inferred {
  return {
    args: args.map((a, i) => withNullable(targets[i] ?? a.type, a.type.nullable)),
    result: nullableIfAny(withNullable(result, false), args),
  };
}

/** The literal string value of an argument (units, formats), upper-cased when `upper`. */
export function literalString(arg: ArgInfo | undefined, upper = false): string | undefined {
  const v = arg?.literal?.value;
  if (typeof v !== 'string') return undefined;
  return upper ? v.toUpperCase() : v;
}

/**
 * Parameter families for simple signatures: STRING, BYTES, BOOLEAN; INT (any exact integer, passed as INT);
 * BIGINT (any exact integer, as BIGINT); DOUBLE (any numeric, as DOUBLE); TEMPORAL (DATE/TIMESTAMP/LTZ, kept);
 * ANY (kept). A trailing '?' makes a parameter optional, '...' repeats the last one.
 */
export type Param = string;

function matchParam(family: string, t: DataType): DataType | undefined {
  if (t.kind === 'NULL') return undefined; // adapted below
  switch (family) {
    case 'STRING': return t.kind === 'STRING' ? t : undefined;
    case 'BYTES': return t.kind === 'BYTES' ? t : undefined;
    case 'BOOLEAN': return t.kind === 'BOOLEAN' ? t : undefined;
    case 'INT': return ['TINYINT', 'SMALLINT', 'INT'].includes(t.kind) ? { kind: 'INT', nullable: t.nullable } : t.kind === 'BIGINT' ? { kind: 'INT', nullable: t.nullable } : undefined;
    case 'BIGINT': return ['TINYINT', 'SMALLINT', 'INT', 'BIGINT'].includes(t.kind) ? { kind: 'BIGINT', nullable: t.nullable } : undefined;
    case 'DOUBLE': return ['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL'].includes(t.kind) ? { kind: 'DOUBLE', nullable: t.nullable } : undefined;
    case 'TEMPORAL': return t.kind === 'DATE' || t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ' ? t : undefined;
    case 'TIMESTAMP': return t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ' ? t : t.kind === 'DATE' ? { kind: 'TIMESTAMP', nullable: t.nullable, precision: 3 } : undefined;
    case 'ANY': return t;
    default: return undefined;
  }
}

const NULL_ADAPT: Record<string, DataType> = {
  STRING: { kind: 'STRING', nullable: true }, BYTES: { kind: 'BYTES', nullable: true }, BOOLEAN: { kind: 'BOOLEAN', nullable: true },
  INT: { kind: 'INT', nullable: true }, BIGINT: { kind: 'BIGINT', nullable: true }, DOUBLE: { kind: 'DOUBLE', nullable: true },
  TEMPORAL: { kind: 'TIMESTAMP', nullable: true, precision: 3 }, TIMESTAMP: { kind: 'TIMESTAMP', nullable: true, precision: 3 },
  ANY: { kind: 'STRING', nullable: true },
};

/** Type inference for a fixed list of parameter families and a result type (or a function of the arguments). */
export function simple(params: readonly Param[], result: DataType | ((args: readonly ArgInfo[]) => DataType)) {
  return (args: readonly ArgInfo[]): Inferred | undefined => {
    const required = params.filter((p) => !p.endsWith('?') && !p.endsWith('...')).length;
    const variadic = params.length > 0 && params[params.length - 1].endsWith('...');
    if (args.length < required || (!variadic && args.length > params.length)) return undefined;
    const targets: DataType[] = [];
    for (let i = 0; i < args.length; i++) {
      const family = params[Math.min(i, params.length - 1)].replace(/\?$|\.\.\.$/, '');
      const t = args[i].type;
      const m = t.kind === 'NULL' ? NULL_ADAPT[family] : matchParam(family, t);
      if (!m) return undefined;
      targets.push(m);
    }
    const r = typeof result === 'function' ? result(args) : result;
    return coerce(args, targets, r);
  };
}
