import { DataTypes, withNullable, type DataType } from '../../types/data-type.ts';
import { divHalfUp, fits, pow10, rescale } from '../decimal.ts';
import { allocNum, storageOf, type Vec } from '../eval/vec.ts';
import { arithmeticType, asDecimal, isExactNumeric } from '../types/coercion.ts';
import { strictValidity } from './helpers.ts';
import { binaryLoop, shapeOf, unaryLoop } from './loops.ts';
import { registerFunction, type ArgInfo, type Inferred, type KernelContext } from './registry.ts';

/**
 * + - * / % and NEGATE with Flink semantics: integer results wrap like Java (the typed-array store does the
 * two's-complement narrowing), integer division truncates and fails on a zero divisor (ARITHMETIC_ERROR),
 * floating division follows IEEE (Infinity/NaN), and DECIMAL is exact with Calcite's result precision/scale;
 * a DECIMAL result that does not fit its precision is NULL, as in Flink.
 */

type Op = '+' | '-' | '*' | '/' | '%';

function inferArithmetic(op: Op) {
  return (args: readonly ArgInfo[]): Inferred | undefined => {
    if (args.length !== 2) return undefined;
    let [a, b] = args.map((x) => x.type);
    // An untyped NULL adopts the other operand's type.
    if (a.kind === 'NULL') a = withNullable(b.kind === 'NULL' ? DataTypes.INT() : b, true);
    if (b.kind === 'NULL') b = withNullable(a, true);
    const result = arithmeticType(op, a, b);
    if (!result) return undefined;
    if (result.kind === 'DECIMAL') {
      // Integers join decimal arithmetic as DECIMAL(p, 0); the kernel then sees two decimals.
      const toDec = (t: DataType): DataType => (isExactNumeric(t) ? withNullable({ kind: 'DECIMAL', nullable: t.nullable, ...asDecimal(t) }, t.nullable) : t);
      return { args: [toDec(a), toDec(b)], result };
    }
    return { args: [withNullable(result, a.nullable), withNullable(result, b.nullable)], result };
  };
}

/** Body of the generated loop for one operator and storage. Division by zero is checked before the loop. */
function loopBody(op: Op, t: DataType): string {
  const big = t.kind === 'BIGINT';
  switch (op) {
    case '+': return 'x + y';
    case '-': return 'x - y';
    // Math.imul gives Java's wrapped 32-bit product; x * y in doubles would lose the low bits beyond 2^53.
    case '*': return t.kind === 'INT' ? 'Math.imul(x, y)' : 'x * y';
    // Zero divisors in NULL rows are skipped by the guard (BigInt division by zero throws).
    case '/': return big ? '(y === 0n ? 0n : x / y)' : t.kind === 'FLOAT' || t.kind === 'DOUBLE' ? 'x / y' : '(y === 0 ? 0 : Math.trunc(x / y))';
    case '%': return big ? '(y === 0n ? 0n : x % y)' : t.kind === 'FLOAT' || t.kind === 'DOUBLE' ? 'x % y' : '(y === 0 ? 0 : x % y)';
  }
}

/** Fails on the first row whose divisor is zero and whose operands are both non-NULL (NULL / 0 is NULL). */
function checkZeroDivisor(b: Vec, valid: Uint8Array | null, n: number, ctx: KernelContext): void {
  const zero = b.type.kind === 'BIGINT' ? 0n : 0;
  const values = (b.big ?? b.num) as ArrayLike<number | bigint>;
  if (b.isConst) {
    if (values[0] !== zero) return;
    const row = valid ? valid.indexOf(1) : 0;
    if (row >= 0 && n > 0) ctx.fail('ARITHMETIC_ERROR', 'Division by zero', row);
    return;
  }
  for (let i = 0; i < n; i++) {
    if (values[i] === zero && (valid === null || valid[i] === 1)) ctx.fail('ARITHMETIC_ERROR', 'Division by zero', i);
  }
}

function arithmeticKernel(op: Op) {
  return (args: Vec[], ctx: KernelContext): Vec => {
    const [a, b] = args;
    const n = ctx.n;
    const type = ctx.node.type;
    const valid = strictValidity(args, n);
    if (type.kind === 'DECIMAL') return decimalArithmetic(op, a, b, type, valid, ctx);
    const integral = type.kind !== 'FLOAT' && type.kind !== 'DOUBLE';
    if (integral && (op === '/' || op === '%')) checkZeroDivisor(b, valid, n, ctx);
    const big = storageOf(type) === 'big';
    // Reuse a temporary operand's buffer (element i is read before it is written), saving an allocation per node.
    const reuse = a.owned && !a.isConst && a.type.kind === type.kind ? a : b.owned && !b.isConst && b.type.kind === type.kind ? b : undefined;
    const out = reuse ? (reuse.big ?? reuse.num)! : big ? new BigInt64Array(n) : allocNum(type, n);
    const loop = binaryLoop(type.kind, loopBody(op, type), shapeOf(a.isConst, b.isConst));
    loop((a.big ?? a.num)!, (b.big ?? b.num)!, out, n);
    return big
      ? { type, length: n, isConst: false, valid, big: out as BigInt64Array, owned: true }
      : { type, length: n, isConst: false, valid, num: out as Int32Array, owned: true };
  };
}

function decimalArithmetic(op: Op, a: Vec, b: Vec, type: Extract<DataType, { kind: 'DECIMAL' }>, valid: Uint8Array | null, ctx: KernelContext): Vec {
  const n = ctx.n;
  const sa = (a.type as { scale: number }).scale;
  const sb = (b.type as { scale: number }).scale;
  const rs = type.scale;
  const out = new Array<bigint | undefined>(n);
  const outValid = new Uint8Array(n);
  const av = a.dec!;
  const bv = b.dec!;
  for (let i = 0; i < n; i++) {
    if (valid && valid[i] === 0) continue;
    const x = av[a.isConst ? 0 : i]!;
    const y = bv[b.isConst ? 0 : i]!;
    let r: bigint;
    switch (op) {
      case '+': r = rescale(x, sa, rs) + rescale(y, sb, rs); break;
      case '-': r = rescale(x, sa, rs) - rescale(y, sb, rs); break;
      case '*': r = rescale(x * y, sa + sb, rs); break;
      case '/': {
        if (y === 0n) ctx.fail('ARITHMETIC_ERROR', 'Division by zero', i);
        // x/10^sa ÷ y/10^sb at scale rs = x·10^(rs − sa + sb) ÷ y, rounded HALF_UP.
        const e = rs - sa + sb;
        r = e >= 0 ? divHalfUp(x * pow10(e), y) : divHalfUp(x, y * pow10(-e));
        break;
      }
      case '%': {
        if (y === 0n) ctx.fail('ARITHMETIC_ERROR', 'Division by zero', i);
        const s = Math.max(sa, sb);
        r = rescale(rescale(x, sa, s) % rescale(y, sb, s), s, rs);
        break;
      }
    }
    if (!fits(r, type.precision)) continue;
    out[i] = r;
    outValid[i] = 1;
  }
  return { type, length: n, isConst: false, valid: outValid, dec: out };
}

const SYMBOLS: Record<Op, string[]> = { '+': ['+', 'PLUS'], '-': ['-', 'MINUS'], '*': ['*', 'TIMES'], '/': ['/', 'DIVIDE'], '%': ['%', 'MOD'] };

for (const op of ['+', '-', '*', '/', '%'] as Op[]) {
  registerFunction({
    names: SYMBOLS[op],
    signatures: [`NUMERIC ${op} NUMERIC`],
    infer: inferArithmetic(op),
    kernel: arithmeticKernel(op),
    handlesConst: true,
    operator: { symbol: op, form: 'infix' },
  });
}

registerFunction({
  names: ['NEGATE', 'UNARY_MINUS'],
  signatures: ['-NUMERIC'],
  infer: (args) => (args.length === 1 && arithmeticType('+', args[0].type, args[0].type) ? { args: [args[0].type], result: args[0].type } : undefined),
  kernel: (args, ctx) => {
    const [a] = args;
    const type = ctx.node.type;
    const n = ctx.n;
    if (type.kind === 'DECIMAL') return { ...a, type, dec: a.dec!.map((v) => (v === undefined ? v : -v)) };
    const big = storageOf(type) === 'big';
    const out = big ? new BigInt64Array(n) : allocNum(type, n);
    unaryLoop(type.kind, '-x')((a.big ?? a.num)!, out, n);
    return big ? { type, length: n, isConst: false, valid: a.valid, big: out as BigInt64Array } : { type, length: n, isConst: false, valid: a.valid, num: out as Int32Array };
  },
  operator: { symbol: '-', form: 'prefix' },
});
