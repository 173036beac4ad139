import type { Schema } from '../../types/schema.ts';
import type { UdfProgram } from '../../udf/function-definition.ts';
import type { LogicalNode } from './logical-node.ts';

/** Inner: input rows without function rows disappear (CROSS JOIN LATERAL); left: they get one NULL-padded row. */
export type CorrelateJoinType = 'inner' | 'left';

/**
 * A lateral join with a table function (Flink's Correlate): each input row is joined with the rows the function
 * yields for it. Output = input columns then the function's result columns (nullable for `left`); row kinds of
 * the input carry over to every output row of that input row, so changelog input stays a changelog.
 * `program` has exactly one step, the table function, whose arguments are input columns (`argColumns`) or
 * constants; argument expressions are projected below the correlate by the planners.
 */
export interface LogicalCorrelate {
  readonly kind: 'correlate';
  readonly schema: Schema;
  /** See LogicalBase.uid in logical-node.ts. */
  readonly uid?: string;
  readonly input: LogicalNode;
  readonly program: UdfProgram;
  readonly joinType: CorrelateJoinType;
}

/** `split(line)`-style text of the call, for explain and operator names. */
export function describeInvocation(program: UdfProgram, inputNames: readonly string[]): string {
  const step = program.steps[0];
  const args = step.args.map((a) => ('col' in a ? inputNames[program.argColumns[a.col]] : 'lit' in a ? JSON.stringify(a.lit) : `#${a.step}`));
  return `${step.fn.name}(${args.join(', ')})`;
}

/** Flink's operator label: `PythonCorrelate(invocation=[split(line)], select=[..], joinType=[INNER])`. */
export function describeCorrelate(node: LogicalCorrelate): string {
  const label = node.program.language === 'python' ? 'PythonCorrelate' : 'TypeScriptCorrelate';
  return `${label}(invocation=[${describeInvocation(node.program, node.input.schema.names)}], select=[${node.schema.names.join(', ')}], joinType=[${node.joinType.toUpperCase()}])`;
}
