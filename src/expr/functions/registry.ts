import type { DataType } from '../../types/data-type.ts';
import type { BoundExpression } from '../expression.ts';
import type { Vec } from '../eval/vec.ts';

/** What the type-inference rule of a built-in sees of one argument. */
export interface ArgInfo {
  readonly type: DataType;
  /** Present when the argument is a literal: its internal value (see eval/values.ts). Unit names, digits, field names. */
  readonly literal?: { readonly value: unknown };
}

/** The outcome of type inference: the type each argument is implicitly cast to, and the result type. */
export interface Inferred {
  readonly args: readonly DataType[];
  readonly result: DataType;
}

/** Per-call information a kernel may need. */
export interface KernelContext {
  /** Rows to produce: the batch length, or 1 when every argument is a constant. */
  readonly n: number;
  /** The bound call (argument and result types). */
  readonly node: Extract<BoundExpression, { kind: 'call' }>;
  /** Epoch millis of the batch start, for CURRENT_TIMESTAMP and friends (same value for the whole batch). */
  readonly now: number;
  /** Session time zone (`table.local-time-zone`), used by TIMESTAMP_LTZ conversions. */
  readonly timeZone: string;
  /** Raises ExecutionError with the expression text and the row. */
  fail(code: 'ARITHMETIC_ERROR' | 'CAST_FAILED' | 'EXECUTION_FAILED', message: string, row: number): never;
}

export type Kernel = (args: Vec[], ctx: KernelContext) => Vec;

/** A built-in scalar function. */
export interface BuiltinFunction {
  /** Canonical upper-case name first, then aliases. */
  readonly names: readonly string[];
  /** Human-readable accepted signatures, quoted in FUNCTION_SIGNATURE errors. */
  readonly signatures: readonly string[];
  /** Argument coercions and result type, or undefined when the arguments do not match any signature. */
  readonly infer: (args: readonly ArgInfo[]) => Inferred | undefined;
  readonly kernel: Kernel;
  /** False for per-batch values such as CURRENT_TIMESTAMP, which must not be constant-folded at compile time. */
  readonly deterministic?: boolean;
  /** The kernel broadcasts constant arguments itself (hot numeric kernels); otherwise they are expanded first. */
  readonly handlesConst?: boolean;
  /** Operator symbol for the pretty printer (`+`, `AND`, `IS NULL`); functions print as NAME(args). */
  readonly operator?: { readonly symbol: string; readonly form: 'infix' | 'prefix' | 'postfix' };
}

const registry = new Map<string, BuiltinFunction>();

/** Adds a built-in under each of its names (upper case). Later registrations replace earlier ones. */
export function registerFunction(def: BuiltinFunction): void {
  for (const name of def.names) registry.set(name.toUpperCase(), def);
}

/** The built-in of that name (case-insensitive), if any. */
export function lookupBuiltin(name: string): BuiltinFunction | undefined {
  return registry.get(name.toUpperCase());
}

/** Every registered name, sorted (aliases included). */
export function registeredNames(): string[] {
  return [...registry.keys()].sort();
}
