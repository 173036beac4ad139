import { DataTypes, notNull, withNullable } from '../../types/data-type.ts';
import { broadcast, type Vec } from '../eval/vec.ts';
import { registerFunction, type ArgInfo, type Inferred, type KernelContext } from './registry.ts';

/**
 * Boolean logic with SQL's three-valued semantics (FALSE AND NULL = FALSE, TRUE OR NULL = TRUE, NOT NULL = NULL)
 * and the IS [NOT] NULL / TRUE / FALSE predicates, which never return NULL.
 */

const isBoolish = (a: ArgInfo): boolean => a.type.kind === 'BOOLEAN' || a.type.kind === 'NULL';

function inferBooleans(min: number, max: number) {
  return (args: readonly ArgInfo[]): Inferred | undefined => {
    if (args.length < min || args.length > max || !args.every(isBoolish)) return undefined;
    return {
      args: args.map((a) => withNullable(DataTypes.BOOLEAN(), a.type.nullable)),
      result: withNullable(DataTypes.BOOLEAN(), args.some((a) => a.type.nullable)),
    };
  };
}

/** AND (isAnd) or OR of two boolean Vecs of n rows. */
function combine(a: Vec, b: Vec, n: number, isAnd: boolean): Vec {
  const ab = a.bool!;
  const bb = b.bool!;
  const av = a.valid;
  const bv = b.valid;
  const out = new Uint8Array(n);
  if (!av && !bv) {
    if (isAnd) for (let i = 0; i < n; i++) out[i] = ab[i] & bb[i];
    else for (let i = 0; i < n; i++) out[i] = ab[i] | bb[i];
    return { type: a.type, length: n, isConst: false, valid: null, bool: out };
  }
  const valid = new Uint8Array(n);
  // The dominant value (FALSE for AND, TRUE for OR) decides even against NULL.
  const dom = isAnd ? 0 : 1;
  for (let i = 0; i < n; i++) {
    const va = av ? av[i] : 1;
    const vb = bv ? bv[i] : 1;
    const x = ab[i];
    const y = bb[i];
    if ((va && x === dom) || (vb && y === dom)) { out[i] = dom; valid[i] = 1; }
    else if (va && vb) { out[i] = 1 - dom; valid[i] = 1; }
  }
  return { type: a.type, length: n, isConst: false, valid, bool: out };
}

function logicalKernel(isAnd: boolean) {
  return (args: Vec[], ctx: KernelContext): Vec => {
    const n = ctx.n;
    const asBool = (v: Vec): Vec => (v.type.kind === 'NULL' ? { ...v, bool: new Uint8Array(v.length) } : v);
    let acc = asBool(args[0]);
    for (let k = 1; k < args.length; k++) acc = combine(acc, asBool(args[k]), n, isAnd);
    return { ...acc, type: ctx.node.type };
  };
}

registerFunction({ names: ['AND'], signatures: ['BOOLEAN AND BOOLEAN [AND ...]'], infer: inferBooleans(2, Infinity), kernel: logicalKernel(true), operator: { symbol: 'AND', form: 'infix' } });
registerFunction({ names: ['OR'], signatures: ['BOOLEAN OR BOOLEAN [OR ...]'], infer: inferBooleans(2, Infinity), kernel: logicalKernel(false), operator: { symbol: 'OR', form: 'infix' } });

registerFunction({
  names: ['NOT'], signatures: ['NOT BOOLEAN'], infer: inferBooleans(1, 1),
  kernel: (args, ctx) => {
    const a = args[0];
    const out = new Uint8Array(ctx.n);
    const b = a.bool ?? new Uint8Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) out[i] = b[i] ^ 1;
    return { type: ctx.node.type, length: ctx.n, isConst: false, valid: a.valid, bool: out };
  },
  operator: { symbol: 'NOT', form: 'prefix' },
});

/** IS NULL-style predicates: a function of (valid, value) that is never NULL. */
function registerIs(name: string, booleanOnly: boolean, test: (valid: number, value: number) => number): void {
  registerFunction({
    names: [name],
    signatures: [booleanOnly ? `BOOLEAN ${name}` : `ANY ${name}`],
    infer: (args) => {
      if (args.length !== 1 || (booleanOnly && !isBoolish(args[0]))) return undefined;
      return { args: [booleanOnly ? withNullable(DataTypes.BOOLEAN(), args[0].type.nullable) : args[0].type], result: notNull(DataTypes.BOOLEAN()) };
    },
    kernel: (args, ctx) => {
      const a = broadcast(args[0], ctx.n);
      const out = new Uint8Array(ctx.n);
      const valid = a.type.kind === 'NULL' ? new Uint8Array(ctx.n) : a.valid;
      const b = a.bool;
      for (let i = 0; i < ctx.n; i++) out[i] = test(valid ? valid[i] : 1, b ? b[i] : 0);
      return { type: ctx.node.type, length: ctx.n, isConst: false, valid: null, bool: out };
    },
    operator: { symbol: name, form: 'postfix' },
  });
}

registerIs('IS NULL', false, (v) => v ^ 1);
registerIs('IS NOT NULL', false, (v) => v);
registerIs('IS TRUE', true, (v, x) => v & x);
registerIs('IS FALSE', true, (v, x) => v & (x ^ 1));
registerIs('IS NOT TRUE', true, (v, x) => (v & x) ^ 1);
registerIs('IS NOT FALSE', true, (v, x) => (v & (x ^ 1)) ^ 1);
