import type { DataType } from '../types/data-type.ts';

/** Scalar (one value per row), aggregate (one value per group) or table (zero or more rows per row) function. */
export type FunctionKind = 'scalar' | 'aggregate' | 'table';

/** What an aggregate function declares besides its result type. */
export interface AggregateFunctionInfo {
  /** Type of the accumulator kept in Weir's keyed state; null for stateless (pandas) aggregate functions. */
  readonly accumulatorType: DataType | null;
  /** Whether it implements retract(): needed to consume updating input (-U/-D rows). */
  readonly hasRetract: boolean;
  /** Whether it implements merge(): needed by session windows and two-phase aggregation. */
  readonly hasMerge: boolean;
}

/** What a table function declares: the columns of the rows it yields. */
export interface TableFunctionInfo {
  readonly resultNames: readonly string[];
  readonly resultTypes: readonly DataType[];
}

/**
 * A user-defined function as the catalog knows it, resolved at registration: plain data, so plans that call it
 * can be sent to worker threads. Functions are loaded by module path in the worker, never shipped as code.
 */
export interface PythonFunctionDefinition {
  readonly language: 'python';
  /** Name used in expressions and SQL. */
  readonly name: string;
  /** `path/to/file.py:attr` (relative to the job's base dir) or `package.module:attr`. */
  readonly path: string;
  readonly kind: FunctionKind;
  readonly funcType: 'general' | 'pandas';
  /** Declared input types, or null when the function accepts what it is given. */
  readonly inputTypes: readonly DataType[] | null;
  /** Scalar and aggregate: the result type; table: ROW of the result columns. */
  readonly resultType: DataType;
  readonly deterministic: boolean;
  /** Present when kind is 'aggregate'. */
  readonly aggregate?: AggregateFunctionInfo;
  /** Present when kind is 'table'. */
  readonly table?: TableFunctionInfo;
}

export interface TsFunctionDefinition {
  readonly language: 'typescript';
  readonly name: string;
  /** Absolute path of the module that exports the function (a .ts or .js file). */
  readonly modulePath: string;
  /** Name of the export; `default` for a default export. */
  readonly exportName: string;
  readonly kind: FunctionKind;
  readonly inputTypes: readonly DataType[] | null;
  /** Scalar and aggregate: the result type; table: ROW of the result columns. */
  readonly resultType: DataType;
  readonly deterministic: boolean;
  /** Present when kind is 'aggregate'. */
  readonly aggregate?: AggregateFunctionInfo;
  /** Present when kind is 'table'. */
  readonly table?: TableFunctionInfo;
}

export type FunctionDefinition = PythonFunctionDefinition | TsFunctionDefinition;

/** An argument of one UDF call step: an input column, an earlier step's result, or a constant. */
export type UdfArg =
  | { readonly col: number }
  | { readonly step: number }
  | { readonly lit: string | number | boolean | null; readonly type: DataType };

/** One call in a UDF program. Steps run in order; later steps may consume earlier results (chained UDFs). */
export interface UdfStep {
  readonly fn: FunctionDefinition;
  readonly args: readonly UdfArg[];
}

/**
 * The UDF work of one operator: the argument columns it ships (indices into the operator's input) and the steps.
 * Every step is of the same language: an operator runs either Python or TypeScript functions.
 */
export interface UdfProgram {
  readonly language: 'python' | 'typescript';
  /** Input column indices shipped as `a0, a1, ...`; only these leave the TypeScript process. */
  readonly argColumns: readonly number[];
  readonly steps: readonly UdfStep[];
  /** Step indices whose results the operator appends to its output, in order. */
  readonly outputs: readonly number[];
}
