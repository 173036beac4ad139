/**
 * GROUPING SETS, ROLLUP and CUBE as Calcite and Flink plan them: an Expand repeats each row once per grouping set
 * (keys outside the set NULL, the set's id in `$e`), and one aggregate groups by all keys plus `$e`. Keys present in
 * every set stay out of the Expand (they are never NULL and have no bit in `$e`), which is also why window_start and
 * window_end, always grouped, never reach it.
 */
import { withNullable } from '../types/data-type.ts';
import { Schema, type Column } from '../types/schema.ts';
import type { BoundExpression } from '../expr/expression.ts';
import type { LogicalAggregate, LogicalExpand, LogicalNode } from './logical/logical-node.ts';
import { projectedColumns } from './time-attributes.ts';
import { toWindowAggregate } from './window-aggregate-rewrite.ts';
import { plainColumn } from './window-schema.ts';

/** Name of the grouping-set id column that a grouped aggregate with several sets appends after its aggregates. */
export const GROUPING_ID_COLUMN = '$e';

/** The Expand output: input columns (the `keys` made nullable) followed by `$e` BIGINT NOT NULL. */
export function expandSchema(input: Schema, keys: readonly number[]): Schema {
  const columns: Column[] = input.columns.map((c, i) => (keys.includes(i) ? { ...plainColumn(c), type: withNullable(c.type, true) } : c));
  return new Schema([...columns, { name: uniqueName(GROUPING_ID_COLUMN, input.names), type: { kind: 'BIGINT', nullable: false } }]);
}

/** How the grouping sets of a GROUP BY are laid out: which group keys vary between sets (the bits of `$e`). */
export interface GroupingLayout {
  /** Positions (in the aggregate's group keys) of the keys some set leaves out, in key order. */
  readonly varying: readonly number[];
}

/**
 * Plans `agg` for the grouping `sets` (each a list of positions in `agg.groupKeys`; null = one set of all keys),
 * then turns it into a window aggregation when it groups a window table function's window. Output: `agg`'s columns
 * (key columns nullable when a set leaves them out), then `$e` when some key varies. Duplicate sets count once.
 */
export function planGroupedAggregate(agg: LogicalAggregate, sets: readonly (readonly number[])[] | null): { node: LogicalNode; layout: GroupingLayout } {
  const all = agg.groupKeys.map((_, p) => p);
  const unique = dedupe(sets ?? [all]);
  const varying = all.filter((p) => unique.some((s) => !s.includes(p)));
  if (varying.length === 0) return { node: toWindowAggregate(agg) ?? agg, layout: { varying } };
  const keys = varying.map((p) => agg.groupKeys[p]);
  const expandSets = unique.map((s) => varying.filter((p) => s.includes(p)).map((p) => agg.groupKeys[p]));
  const expand: LogicalExpand = { kind: 'expand', schema: expandSchema(agg.input.schema, keys), input: agg.input, keys, sets: expandSets };
  const groupKeys = [...agg.groupKeys, agg.input.schema.length];
  const schema = new Schema([
    ...groupKeys.map((k) => plainColumn(expand.schema.columns[k])),
    ...agg.aggregates.map((a) => ({ name: a.name, type: a.type })),
  ]);
  const inner: LogicalAggregate = { kind: 'aggregate', schema, input: expand, groupKeys, aggregates: agg.aggregates };
  const node = toWindowAggregate(inner) ?? inner;
  // Move `$e` after the aggregates, so the keys and aggregates keep the positions of `agg`.
  const k = agg.groupKeys.length;
  const order = [...all, ...agg.aggregates.map((_, a) => k + 1 + a), k];
  const refs: BoundExpression[] = order.map((i) => ({ kind: 'input', index: i, type: node.schema.columns[i].type }));
  const names = [...agg.schema.names, uniqueName(GROUPING_ID_COLUMN, agg.schema.names)];
  return { node: { kind: 'project', schema: new Schema(projectedColumns(node.schema, refs, names)), input: node, projections: refs }, layout: { varying } };
}

function dedupe(sets: readonly (readonly number[])[]): number[][] {
  const seen = new Set<string>();
  const out: number[][] = [];
  for (const s of sets) {
    const sorted = [...new Set(s)].sort((a, b) => a - b);
    const id = sorted.join(',');
    if (!seen.has(id)) { seen.add(id); out.push(sorted); }
  }
  return out;
}

function uniqueName(name: string, used: readonly string[]): string {
  let out = name;
  for (let i = 0; used.includes(out); i++) out = `${name}${i}`;
  return out;
}
