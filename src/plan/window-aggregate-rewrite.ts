/**
 * Turns a GROUP BY over a window table function into a window aggregation, as Flink's planner does
 * (StreamPhysicalWindowAggregateRule): `aggregate(groupBy=[window_start, window_end, k]) ← [expand ←] project ←
 * filter* ← window-tvf ← input` becomes `project ← window-aggregate(groupBy=[k]) ← [expand ←] project' ← filter* ←
 * input`, where the window columns are no longer computed row by row but are the window-aggregate's own output.
 * The result has the aggregate's column layout, and window_time stays the rowtime attribute. Shared by SQL and the
 * Table API: both build the plain aggregate first.
 */
import type { BoundExpression } from '../expr/expression.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import { Schema } from '../types/schema.ts';
import type { AggregateCall } from './aggregate-call.ts';
import type { LogicalAggregate, LogicalExpand, LogicalFilter, LogicalNode, LogicalWindowTableFunction } from './logical/logical-node.ts';
import { projectedColumns } from './time-attributes.ts';
import { expandSchema } from './grouping-sets.ts';
import { windowAggregateSchema } from './window-schema.ts';
import type { WindowSpec } from './window-spec.ts';

type Role = 'start' | 'end' | 'time';
const ROLES: readonly Role[] = ['start', 'end', 'time'];

/**
 * The window aggregation equivalent of `agg`, or null when `agg` does not group by a window table function's
 * window (it then stays a plain aggregate over the function's rows). Throws PlanError when it groups by only one of
 * window_start / window_end, uses window columns elsewhere, or groups a SESSION window other than by its partition.
 */
export function toWindowAggregate(agg: LogicalAggregate): LogicalNode | null {
  const expand = agg.input.kind === 'expand' ? agg.input : null;
  const pre = (expand ?? agg).input;
  if (pre.kind !== 'project') return null;
  const filters: LogicalFilter[] = [];
  let below = pre.input;
  while (below.kind === 'filter') { filters.push(below); below = below.input; }
  if (below.kind !== 'window-tvf') return null;
  const tvf = below;
  const n = tvf.input.schema.length;
  const roleOf = (col: number): Role | null => {
    const p = pre.projections[col];
    return p !== undefined && p.kind === 'input' && p.index >= n ? ROLES[p.index - n] : null;
  };
  const keyRoles = agg.groupKeys.map(roleOf);
  const grouped = new Set(keyRoles.filter((r): r is Role => r !== null));
  if (!grouped.has('start') && !grouped.has('end')) {
    if (tvf.window.kind === 'session') throw sessionWithoutWindowKeys();
    return null;
  }
  if (!grouped.has('start') || !grouped.has('end')) {
    throw new PlanError(`A GROUP BY over a window table function must group by both window_start and window_end; it groups by ${grouped.has('start') ? 'window_start' : 'window_end'} only`, {
      hint: 'Add the other one to GROUP BY, e.g. GROUP BY window_start, window_end, k.',
    }, ErrorCodes.PLAN_INVALID);
  }
  if (expand && expand.keys.some((k) => roleOf(k) !== null)) {
    throw new PlanError('window_start and window_end must be in every grouping set of a window aggregation', {
      hint: 'Group by them outside the grouping sets: GROUP BY window_start, window_end, GROUPING SETS ((a), ()).',
    }, ErrorCodes.PLAN_INVALID);
  }

  // project': the pre-projection without the window columns, over the filters moved below the window, plus the time.
  const mapping = new Int32Array(pre.projections.length).fill(-1);
  const kept: BoundExpression[] = [];
  const keptNames: string[] = [];
  pre.projections.forEach((p, i) => {
    if (roleOf(i) !== null) return;
    if (referencesAtLeast(p, n)) throw windowColumnMisused();
    mapping[i] = kept.length;
    kept.push(p);
    keptNames.push(pre.schema.names[i]);
  });
  let input: LogicalNode = tvf.input;
  for (const f of [...filters].reverse()) {
    if (referencesAtLeast(f.condition, n)) throw windowColumnMisused();
    input = { kind: 'filter', schema: input.schema, input, condition: f.condition };
  }
  const time = tvf.window.timeIndex;
  const timePos = kept.length;
  kept.push({ kind: 'input', index: time, type: tvf.input.schema.columns[time].type });
  keptNames.push(uniqueName(tvf.input.schema.names[time], keptNames));
  let windowInput: LogicalNode = { kind: 'project', schema: new Schema(projectedColumns(input.schema, kept, keptNames)), input, projections: kept };
  const remap = (i: number): number => {
    const to = expand !== null && i === pre.projections.length ? kept.length : mapping[i];
    if (to < 0) throw windowColumnMisused();
    return to;
  };
  if (expand) {
    const keys = expand.keys.map((k) => mapping[k]);
    const sets = expand.sets.map((s) => s.map((k) => mapping[k]));
    windowInput = { kind: 'expand', schema: expandSchema(windowInput.schema, keys), input: windowInput, keys, sets };
  }

  const groupKeys = agg.groupKeys.filter((_, i) => keyRoles[i] === null).map(remap);
  const window = windowOver(tvf, timePos, groupKeys, windowInput, expand);
  const aggregates: AggregateCall[] = agg.aggregates.map((a) => ({ ...a, args: a.args.map(remap), filter: a.filter === null ? null : remap(a.filter) }));
  const schema = windowAggregateSchema(windowInput.schema, groupKeys, window, tvf.timeDomain, aggregates);
  const windowAgg: LogicalNode = { kind: 'window-aggregate', schema, input: windowInput, groupKeys, window, timeDomain: tvf.timeDomain, aggregates };

  // The aggregate's layout: each group key (window keys from the window columns), then the aggregates.
  const keyCount = groupKeys.length;
  let plainKey = 0;
  const refs: BoundExpression[] = agg.groupKeys.map((_, i) => {
    const role = keyRoles[i];
    const col = role === null ? plainKey++ : keyCount + ROLES.indexOf(role);
    return { kind: 'input', index: col, type: schema.columns[col].type };
  });
  agg.aggregates.forEach((_, a) => refs.push({ kind: 'input', index: keyCount + 3 + a, type: schema.columns[keyCount + 3 + a].type }));
  return { kind: 'project', schema: new Schema(projectedColumns(schema, refs, agg.schema.names)), input: windowAgg, projections: refs };
}

/** The table function's window over the new input: time column moved, SESSION partition keys = the group keys. */
function windowOver(tvf: LogicalWindowTableFunction, timePos: number, groupKeys: readonly number[], input: LogicalNode, expand: LogicalExpand | null): WindowSpec {
  const w = tvf.window;
  if (w.kind !== 'session') return { ...w, timeIndex: timePos };
  if (expand) {
    throw new PlanError('GROUPING SETS, ROLLUP and CUBE are not supported over SESSION windows', {
      hint: 'Aggregate each grouping separately and UNION ALL the results.',
    }, ErrorCodes.NOT_SUPPORTED);
  }
  // Sessions are computed per group key, which is the SESSION function's partition only when the two are the same.
  const pre = input as Extract<LogicalNode, { kind: 'project' }>;
  const keySources = groupKeys.map((k) => { const p = pre.projections[k]; return p.kind === 'input' ? p.index : -1; });
  const samePartition = keySources.length === w.partitionKeys.length
    && keySources.every((s) => w.partitionKeys.includes(s)) && w.partitionKeys.every((s) => keySources.includes(s));
  if (!samePartition) {
    const names = w.partitionKeys.map((k) => tvf.input.schema.names[k]);
    throw new PlanError(`A SESSION window aggregation must group by exactly the SESSION partition keys (${names.join(', ') || 'none'}) besides window_start and window_end`, {
      hint: names.length
        ? `GROUP BY ${names.join(', ')}, window_start, window_end; to group by other keys, partition the sessions by them: SESSION(TABLE t PARTITION BY k, ...).`
        : 'Partition the sessions by the grouping keys: SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), gap) with GROUP BY k, window_start, window_end.',
    }, ErrorCodes.NOT_SUPPORTED);
  }
  return { ...w, timeIndex: timePos, partitionKeys: groupKeys };
}

function sessionWithoutWindowKeys(): PlanError {
  return new PlanError('A SESSION window table function can only be aggregated by its window: GROUP BY window_start, window_end', {
    hint: 'Group by window_start and window_end (and the PARTITION BY keys); SESSION windows alone are not supported.',
  }, ErrorCodes.NOT_SUPPORTED);
}

function windowColumnMisused(): PlanError {
  return new PlanError('In a window aggregation, window_start, window_end and window_time can only be grouping keys', {
    hint: 'Use them in the SELECT list or HAVING after grouping by them, or compute on them in an outer query.',
  }, ErrorCodes.NOT_SUPPORTED);
}

/** Whether `e` reads any input column at or after `first`. */
function referencesAtLeast(e: BoundExpression, first: number): boolean {
  switch (e.kind) {
    case 'input': return e.index >= first;
    case 'call': case 'udf': return e.args.some((a) => referencesAtLeast(a, first));
    case 'cast': return referencesAtLeast(e.arg, first);
    default: return false;
  }
}

function uniqueName(name: string, used: readonly string[]): string {
  let out = name;
  for (let i = 0; used.includes(out); i++) out = `${name}${i}`;
  return out;
}
