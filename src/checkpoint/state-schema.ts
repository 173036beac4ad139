/**
 * What an operator's checkpointed state looks like, derived from its plan node, so that a restore can tell before
 * any task starts whether the state saved under an operator's uid still fits the operator that now has that uid
 * (Flink checks state serializer compatibility for the same purpose). The manifest records it per operator.
 *
 * A schema is a list of parts, `role: (types)`: `key` is the key the state is partitioned by, the others are the
 * operator's state tables by role (`acc` accumulators, `rows` buffered input rows, `left`/`right` join sides,
 * `window`, `position`). Types are spelled as in SQL without nullability (a filter that makes a column NOT NULL does
 * not change how it is stored); column names and positions are left out (renaming or reordering columns upstream
 * does not change the state). Operators without checkpointed state have none.
 */
import { formatDataType, type DataType } from '../types/data-type.ts';
import type { Column } from '../types/schema.ts';
import type { AggregateCall, SortKey } from '../plan/aggregate-call.ts';
import type { PhysicalNode } from '../plan/physical/physical-node.ts';
import type { WindowSpec } from '../plan/window-spec.ts';

export type StateSchema = readonly string[];

/** The schema of `node`'s checkpointed state, or null when it keeps none (Calc, UDF calls, Union, sinks, …). */
export function operatorStateSchema(node: PhysicalNode): StateSchema | null {
  switch (node.kind) {
    case 'source': return [`position: (${node.connector})`];
    case 'values': return ['position: (values)'];
    case 'limit': return ['count: (BIGINT)'];
    case 'distinct': return [`rows: ${types(node.outputSchema.map((c) => c.type))}`];
    case 'group-aggregate':
      return [key(node.inputSchema, node.groupKeys), acc(node.aggregates, node.inputSchema, node.inputUpdates)];
    case 'window-aggregate':
      return [key(node.inputSchema, node.groupKeys), `window: (${describeWindow(node.window)}, ${node.timeDomain} time)`, acc(node.aggregates, node.inputSchema, node.inputUpdates)];
    case 'over-aggregate':
      return [key(node.inputSchema, node.partitionKeys), rows(node.inputSchema), acc(node.aggregates, node.inputSchema, node.inputUpdates ?? false)];
    case 'rank':
      return [key(node.inputSchema, node.partitionKeys), rows(node.inputSchema), order(node.inputSchema, node.orderKeys)];
    case 'window-rank':
      return [key(node.inputSchema, node.partitionKeys), rows(node.inputSchema), order(node.inputSchema, node.orderKeys)];
    case 'join': case 'window-join': case 'interval-join':
      return [key(node.leftSchema, node.leftKeys), `left: ${types(node.leftSchema.map((c) => c.type))}`, `right: ${types(node.rightSchema.map((c) => c.type))}`];
    case 'calc': case 'udf-call': case 'correlate': case 'union': case 'sink': case 'collect': case 'sort':
    case 'watermark-assigner': case 'window-tvf': case 'expand':
      return null;
  }
}

/** Whether two schemas describe the same state; the parts that differ, as `saved` / `now` pairs. */
export function stateSchemaDifferences(saved: StateSchema, now: StateSchema): { readonly saved: string[]; readonly now: string[] } {
  const savedOnly = saved.filter((p) => !now.includes(p));
  const nowOnly = now.filter((p) => !saved.includes(p));
  return { saved: savedOnly, now: nowOnly };
}

function key(schema: readonly Column[], keys: readonly number[]): string {
  return `key: ${types(keys.map((k) => schema[k].type))}`;
}

function rows(schema: readonly Column[]): string {
  return `rows: ${types(schema.map((c) => c.type))}`;
}

function order(schema: readonly Column[], keys: readonly SortKey[]): string {
  return `order: (${keys.map((k) => `${formatDataType(schema[k.index].type, true)} ${k.ascending ? 'ASC' : 'DESC'}`).join(', ')})`;
}

/** Accumulators follow from the function, its argument types and whether it retracts (MAX then keeps a multiset). */
function acc(calls: readonly AggregateCall[], schema: readonly Column[], retracting: boolean): string {
  const each = calls.map((c) => {
    const args = c.args.length ? c.args.map((i) => formatDataType(schema[i].type, true)).join(', ') : '*';
    return `${c.fn}(${c.distinct ? 'DISTINCT ' : ''}${args})${c.filter !== null ? ' FILTER' : ''}`;
  });
  return `acc${retracting ? ' (retracting)' : ''}: (${each.join(', ')})`;
}

function types(list: readonly DataType[]): string {
  return `(${list.map((t) => formatDataType(t, true)).join(', ')})`;
}

function describeWindow(w: WindowSpec): string {
  switch (w.kind) {
    case 'tumble': return `TUMBLE size ${w.sizeMs} ms offset ${w.offsetMs} ms`;
    case 'hop': return `HOP size ${w.sizeMs} ms slide ${w.slideMs} ms offset ${w.offsetMs} ms`;
    case 'cumulate': return `CUMULATE max size ${w.maxSizeMs} ms step ${w.stepMs} ms offset ${w.offsetMs} ms`;
    case 'session': return `SESSION gap ${w.gapMs} ms`;
  }
}
