/**
 * Generated element-wise loops for the hot numeric kernels. Each (operation, element type, operand shape) gets its
 * own function object so V8 keeps every loop monomorphic and inlines the operator: a shared loop taking a callback
 * would be megamorphic across Int32Array/Float64Array/BigInt64Array and several times slower.
 */

type AnyArray = { [i: number]: unknown; length: number };
export type BinaryLoop = (a: AnyArray, b: AnyArray, out: AnyArray, n: number) => void;
export type UnaryLoop = (a: AnyArray, out: AnyArray, n: number) => void;

const binaryCache = new Map<string, BinaryLoop>();
const unaryCache = new Map<string, UnaryLoop>();

/** Operand shapes: vector-vector, vector-scalar (b is constant), scalar-vector (a is constant). */
export type Shape = 'vv' | 'vs' | 'sv';

/**
 * A loop computing `out[i] = <body>` with `x` and `y` bound to the operands. `key` identifies the element types,
 * so the same body on different typed arrays gets separate, monomorphic code.
 */
export function binaryLoop(key: string, body: string, shape: Shape): BinaryLoop {
  const id = `${key}|${body}|${shape}`;
  let fn = binaryCache.get(id);
  if (!fn) {
    const x = shape === 'sv' ? 'xs' : 'a[i]';
    const y = shape === 'vs' ? 'ys' : 'b[i]';
    const src = `"use strict"; const xs = a[0]; const ys = b[0];
      for (let i = 0; i < n; i++) { const x = ${x}; const y = ${y}; out[i] = ${body}; }`;
    fn = new Function('a', 'b', 'out', 'n', src) as BinaryLoop;
    binaryCache.set(id, fn);
  }
  return fn;
}

/** A loop computing `out[i] = <body>` with `x` bound to a[i]. */
export function unaryLoop(key: string, body: string): UnaryLoop {
  const id = `${key}|${body}`;
  let fn = unaryCache.get(id);
  if (!fn) {
    fn = new Function('a', 'out', 'n', `"use strict"; for (let i = 0; i < n; i++) { const x = a[i]; out[i] = ${body}; }`) as UnaryLoop;
    unaryCache.set(id, fn);
  }
  return fn;
}

/** The shape of two operands given their constness. */
export const shapeOf = (aConst: boolean, bConst: boolean): Shape => (aConst && !bConst ? 'sv' : !aConst && bConst ? 'vs' : 'vv');
