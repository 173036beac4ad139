import { Schema } from '../types/schema.ts';
import type { AggregateCall } from './aggregate-call.ts';
import { producesUpdates } from './changelog-mode.ts';
import type { LogicalNode, LogicalOverAggregate } from './logical/logical-node.ts';

/**
 * The frame of an OVER window as Flink's streaming OverAggregate supports it: from a bound PRECEDING to CURRENT ROW,
 * ordered by one time attribute (ascending). Plain data, shared by the logical and physical nodes and the Table API.
 *
 * - `rows`: the current row and the `preceding` rows before it (in time order, ties in arrival order);
 *   `preceding: null` is UNBOUNDED PRECEDING.
 * - `range`: every row whose time is in `[t - precedingMs, t]`, `t` the current row's time, so rows of equal time
 *   (peers) share one frame and one result; `precedingMs: null` is UNBOUNDED PRECEDING.
 */
export type OverFrame =
  | { readonly unit: 'rows'; readonly preceding: number | null }
  | { readonly unit: 'range'; readonly precedingMs: number | null };

/** The SQL default frame when ORDER BY is given without one: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW. */
export const DEFAULT_OVER_FRAME: OverFrame = { unit: 'range', precedingMs: null };

/** Whether rows ever leave the frame (then the aggregates must retract, and the operator keeps the frame's rows). */
export function isBoundedFrame(frame: OverFrame): boolean {
  return frame.unit === 'rows' ? frame.preceding !== null : frame.precedingMs !== null;
}

/** Explain text of a frame, e.g. `ROWS BETWEEN 2 PRECEDING AND CURRENT ROW`, `RANGE BETWEEN 3600000 ms PRECEDING …`. */
export function describeOverFrame(frame: OverFrame): string {
  if (frame.unit === 'rows') {
    return `ROWS BETWEEN ${frame.preceding === null ? 'UNBOUNDED' : frame.preceding} PRECEDING AND CURRENT ROW`;
  }
  const ms = frame.precedingMs;
  return `RANGE BETWEEN ${ms === null ? 'UNBOUNDED' : `${ms} ms`} PRECEDING AND CURRENT ROW`;
}

/** What {@link describeOverAggregate} reads of a logical or physical OVER aggregation node. */
export interface OverAggregateShape {
  readonly partitionKeys: readonly number[];
  readonly orderKey: number;
  readonly frame: OverFrame;
  readonly aggregates: readonly AggregateCall[];
}

/**
 * Explain text in Flink's form, e.g. `OverAggregate(partitionBy=[k], orderBy=[ts ASC], window=[ROWS BETWEEN 2
 * PRECEDING AND CURRENT ROW], select=[k, ts, v, SUM(v) AS s])`; `names` are the input column names.
 */
export function describeOverAggregate(node: OverAggregateShape, names: readonly string[]): string {
  const partition = node.partitionKeys.length ? `partitionBy=[${node.partitionKeys.map((i) => names[i]).join(', ')}], ` : '';
  const aggs = node.aggregates.map((a) => {
    const args = a.args.map((i) => names[i]).join(', ') || '*';
    return `${a.fn}(${a.distinct ? 'DISTINCT ' : ''}${args})${a.filter !== null ? ` FILTER ${names[a.filter]}` : ''} AS ${a.name}`;
  });
  return `OverAggregate(${partition}orderBy=[${names[node.orderKey]} ASC], window=[${describeOverFrame(node.frame)}], select=[${[...names, ...aggs].join(', ')}])`;
}

/**
 * The logical OVER aggregation node over `input` (shared by SQL and the Table API): output = input columns (time
 * attributes kept) then one column per aggregate; the time domain follows the ORDER BY column's time attribute.
 */
export function overAggregateNode(input: LogicalNode, partitionKeys: readonly number[], orderKey: number, frame: OverFrame, aggregates: readonly AggregateCall[]): LogicalOverAggregate {
  const attribute = input.schema.columns[orderKey].timeAttribute;
  // Over an updating input any TIMESTAMP column orders the rows by value (event time, no watermark needed).
  if (attribute === undefined && !producesUpdates(input)) throw new Error(`internal: OVER aggregation ordered by ${input.schema.names[orderKey]}, which is not a time attribute`);
  return {
    kind: 'over-aggregate',
    schema: new Schema([...input.schema.columns, ...aggregates.map((a) => ({ name: a.name, type: a.type }))]),
    input, partitionKeys, orderKey, frame, aggregates,
    timeDomain: attribute === 'proctime' ? 'processing' : 'event',
  };
}
