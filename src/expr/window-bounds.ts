/**
 * Interval and bound literals of the Table API's window definitions (Flink's `lit(10).minutes()`, `rowInterval(10)`,
 * `UNBOUNDED_RANGE`, `CURRENT_ROW`). Weir has no INTERVAL data type: these are marker calls that window definitions
 * (Over, and the group windows) read with {@link windowBoundOf}; evaluated as a value they are unknown functions.
 */
import type { Expression } from './expression.ts';

/** A parsed bound: a time span in ms, a row count, or one of the four constants. */
export type WindowBound =
  | { readonly kind: 'time'; readonly ms: number }
  | { readonly kind: 'rows'; readonly count: number }
  | { readonly kind: 'unbounded-range' | 'unbounded-row' | 'current-range' | 'current-row' };

const TIME = '$INTERVAL_MS';
const ROWS = '$INTERVAL_ROWS';
const CONSTANTS: Record<string, WindowBound['kind']> = {
  $UNBOUNDED_RANGE: 'unbounded-range', $UNBOUNDED_ROW: 'unbounded-row', $CURRENT_RANGE: 'current-range', $CURRENT_ROW: 'current-row',
};

/** `amount` × `unitMs` as an interval expression (`amount` a literal number or expression node). */
export function timeInterval(amount: Expression, unitMs: number): Expression {
  return { kind: 'call', name: TIME, args: [amount, { kind: 'literal', value: unitMs }] };
}

/** A row-count interval. */
export function rowCountInterval(count: Expression): Expression {
  return { kind: 'call', name: ROWS, args: [count] };
}

/** One of the constant bounds, by its Flink name (`UNBOUNDED_RANGE`, `UNBOUNDED_ROW`, `CURRENT_RANGE`, `CURRENT_ROW`). */
export function boundConstant(name: 'UNBOUNDED_RANGE' | 'UNBOUNDED_ROW' | 'CURRENT_RANGE' | 'CURRENT_ROW'): Expression {
  return { kind: 'call', name: `$${name}`, args: [] };
}

/** The bound an expression denotes, or undefined when it is not one (or its amount is not a literal number). */
export function windowBoundOf(e: Expression): WindowBound | undefined {
  if (e.kind !== 'call') return undefined;
  const constant = CONSTANTS[e.name];
  if (constant) return { kind: constant } as WindowBound;
  const amount = e.args[0]?.kind === 'literal' ? Number(e.args[0].value) : NaN;
  if (!Number.isFinite(amount)) return undefined;
  if (e.name === TIME) return { kind: 'time', ms: amount * Number((e.args[1] as { value: unknown }).value) };
  if (e.name === ROWS) return { kind: 'rows', count: amount };
  return undefined;
}
