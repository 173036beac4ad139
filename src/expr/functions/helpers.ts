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
