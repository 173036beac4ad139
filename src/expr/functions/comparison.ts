import { DataTypes, withNullable } from '../../types/data-type.ts';
import { storageOf, type Vec } from '../eval/vec.ts';
import { comparisonType, elementComparator, isOrderable } from './compare-util.ts';
import { strictValidity } from './helpers.ts';
import { binaryLoop, shapeOf } from './loops.ts';
import { registerFunction, type ArgInfo, type Inferred, type KernelContext } from './registry.ts';

/**
 * = <> < <= > >= (NULL if either side is NULL) and IS [NOT] DISTINCT FROM (never NULL). Numbers and int64 values
 * compare in generated typed-array loops; strings compare their UTF-8 bytes without decoding.
 */

type CmpOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
const JS_OP: Record<CmpOp, string> = { '=': '===', '<>': '!==', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const TEST: Record<CmpOp, (c: number) => boolean> = {
  '=': (c) => c === 0, '<>': (c) => c !== 0, '<': (c) => c < 0,
  '<=': (c) => c <= 0, '>': (c) => c > 0, '>=': (c) => c >= 0,
};

function inferComparison(op: CmpOp | 'DISTINCT') {
  return (args: readonly ArgInfo[]): Inferred | undefined => {
    if (args.length !== 2) return undefined;
    const common = comparisonType(args.map((a) => a.type));
    if (!common) return undefined;
    if (op !== '=' && op !== '<>' && op !== 'DISTINCT' && !isOrderable(common)) return undefined;
    const nullable = op !== 'DISTINCT' && args.some((a) => a.type.nullable);
    return {
      args: args.map((a) => withNullable(common, a.type.nullable)),
      result: withNullable(DataTypes.BOOLEAN(), nullable),
    };
  };
}

/** Raw comparison of every row (ignoring NULLs) into 0/1 bytes. */
export function compareRows(op: CmpOp, a: Vec, b: Vec, n: number, timeZone: string): Uint8Array {
  const out = new Uint8Array(n);
  const storage = storageOf(a.type);
  if (storage === 'num' || storage === 'big' || storage === 'bool') {
    const key = `${a.type.kind}`;
    const loop = binaryLoop(key, `(x ${JS_OP[op]} y) ? 1 : 0`, shapeOf(a.isConst, b.isConst));
    loop((a.num ?? a.big ?? a.bool)!, (b.num ?? b.big ?? b.bool)!, out, n);
    return out;
  }
  if (storage === 'null') return out;
  const cmp = elementComparator(a.type, timeZone);
  const test = TEST[op];
  const validA = a.valid;
  const validB = b.valid;
  for (let i = 0; i < n; i++) {
    // Decimal slots of NULL rows hold no value; skip them before comparing.
    if ((validA && validA[a.isConst ? 0 : i] === 0) || (validB && validB[b.isConst ? 0 : i] === 0)) continue;
    out[i] = test(cmp(a, i, b, i)) ? 1 : 0;
  }
  return out;
}

for (const op of ['=', '<>', '<', '<=', '>', '>='] as CmpOp[]) {
  const names = op === '=' ? ['=', 'EQUALS'] : op === '<>' ? ['<>', '!=', 'NOT_EQUALS'] : [op];
  registerFunction({
    names,
    signatures: [`COMPARABLE ${op} COMPARABLE`],
    infer: inferComparison(op),
    handlesConst: true,
    kernel: (args: Vec[], ctx: KernelContext): Vec => {
      const [a, b] = args;
      const n = ctx.n;
      return { type: ctx.node.type, length: n, isConst: false, valid: strictValidity(args, n), bool: compareRows(op, a, b, n, ctx.timeZone) };
    },
    operator: { symbol: op, form: 'infix' },
  });
}

function distinctKernel(negate: boolean) {
  return (args: Vec[], ctx: KernelContext): Vec => {
    const [a, b] = args;
    const n = ctx.n;
    const eq = compareRows('=', a, b, n, ctx.timeZone);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const na = a.valid !== null && a.valid[a.isConst ? 0 : i] === 0;
      const nb = b.valid !== null && b.valid[b.isConst ? 0 : i] === 0;
      // Two NULLs are not distinct; a NULL and a value are.
      const distinct = na || nb ? na !== nb : eq[i] === 0;
      out[i] = (distinct !== negate) ? 1 : 0;
    }
    return { type: ctx.node.type, length: n, isConst: false, valid: null, bool: out };
  };
}

registerFunction({
  names: ['IS DISTINCT FROM'], signatures: ['ANY IS DISTINCT FROM ANY'], infer: inferComparison('DISTINCT'),
  kernel: distinctKernel(false), handlesConst: true, operator: { symbol: 'IS DISTINCT FROM', form: 'infix' },
});
registerFunction({
  names: ['IS NOT DISTINCT FROM'], signatures: ['ANY IS NOT DISTINCT FROM ANY'], infer: inferComparison('DISTINCT'),
  kernel: distinctKernel(true), handlesConst: true, operator: { symbol: 'IS NOT DISTINCT FROM', form: 'infix' },
});
