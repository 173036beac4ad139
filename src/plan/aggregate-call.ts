import type { DataType } from '../types/data-type.ts';
import type { FunctionDefinition } from '../udf/function-definition.ts';

/**
 * One aggregate in a GROUP BY (or OVER / window aggregation later). Arguments are input column indexes: the planner
 * projects argument expressions (and FILTER conditions) into columns first, as Calcite does, so aggregate operators
 * only read columns.
 */
export interface AggregateCall {
  /** Canonical upper-case name: COUNT, SUM, MIN, MAX, AVG, FIRST_VALUE, LAST_VALUE, LISTAGG, or a UDAF's name. */
  readonly fn: string;
  /** Input column indexes of the arguments; empty for COUNT(*). */
  readonly args: readonly number[];
  readonly distinct: boolean;
  /** Input column index of a BOOLEAN column: only rows where it is TRUE are aggregated (`FILTER (WHERE ...)`). */
  readonly filter: number | null;
  /** Result type. */
  readonly type: DataType;
  /** Output column name. */
  readonly name: string;
  /**
   * The user-defined aggregate function (Python or TypeScript, kind 'aggregate') this call runs; absent for
   * built-ins. Operators run UDAF calls through the UDAF runner (src/udf/udaf-runner.ts), all groups per request.
   */
  readonly udf?: FunctionDefinition;
}

/** A sort key: input column, direction and NULL placement (SQL default: NULLS LAST for ASC, NULLS FIRST for DESC? Flink: NULLS FIRST for ASC). */
export interface SortKey {
  readonly index: number;
  readonly ascending: boolean;
  readonly nullsFirst: boolean;
}
