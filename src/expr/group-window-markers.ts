/**
 * Marker calls of the Table API's grouped aggregation: the properties of a group window (`col('w').start()`,
 * `end()`, `rowtime()`, `proctime()`) and DISTINCT aggregates (`col('v').count().distinct()`). Like the interval
 * markers of window-bounds.ts they are not functions: the aggregation planner (src/api/aggregate-select.ts) replaces
 * them; evaluated anywhere else they are unknown functions.
 */
import type { Expression } from './expression.ts';

/** A window property and the window column it reads. */
export type WindowPropertyName = 'start' | 'end' | 'rowtime' | 'proctime';

const PROPERTY_PREFIX = '$WINDOW_';
const DISTINCT = '$DISTINCT';

/** `window.start()` etc. as a marker call on the window's alias. */
export function windowProperty(window: Expression, property: WindowPropertyName): Expression {
  return { kind: 'call', name: `${PROPERTY_PREFIX}${property.toUpperCase()}`, args: [window] };
}

/** The property and window alias of a marker call; undefined for anything else. */
export function windowPropertyOf(e: Expression): { property: WindowPropertyName; window: Expression } | undefined {
  if (e.kind !== 'call' || !e.name.startsWith(PROPERTY_PREFIX) || e.args.length !== 1) return undefined;
  const property = e.name.slice(PROPERTY_PREFIX.length).toLowerCase();
  if (property !== 'start' && property !== 'end' && property !== 'rowtime' && property !== 'proctime') return undefined;
  return { property, window: e.args[0] };
}

/** `agg.distinct()`: the aggregate over distinct argument values. */
export function distinctAggregate(aggregate: Expression): Expression {
  return { kind: 'call', name: DISTINCT, args: [aggregate] };
}

/** The aggregate call inside a DISTINCT marker; undefined for anything else. */
export function distinctAggregateOf(e: Expression): Expression | undefined {
  return e.kind === 'call' && e.name === DISTINCT && e.args.length === 1 ? e.args[0] : undefined;
}
