import type { Column } from '../../types/schema.ts';
import type { UdfProgram } from '../../udf/function-definition.ts';
import type { CorrelateJoinType } from '../logical/logical-correlate.ts';

/**
 * Joins each input row with the rows a table function (Python or TypeScript) yields for it; see LogicalCorrelate.
 * Forward-connected at the input's parallelism: it keeps no state, so any partitioning of the input works.
 */
export interface CorrelateNode {
  readonly kind: 'correlate';
  readonly id: string;
  /** See NodeBase.uid in physical-node.ts. */
  readonly uid?: string;
  /** `PythonCorrelate(invocation=[split(line)], joinType=[INNER])`. */
  readonly name: string;
  /** Input columns then the function's result columns. */
  readonly outputSchema: readonly Column[];
  readonly inputSchema: readonly Column[];
  /** One step: the table function; its `argColumns` are shipped as the request's `a0, a1, ...`. */
  readonly program: UdfProgram;
  readonly joinType: CorrelateJoinType;
}
