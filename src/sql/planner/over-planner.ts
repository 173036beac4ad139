import { isAggregateFunction, resolveAggregate } from '../../aggregate/aggregate-functions.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import type { BoundExpression, Expression } from '../../expr/expression.ts';
import type { AggregateCall } from '../../plan/aggregate-call.ts';
import { producesUpdates } from '../../plan/changelog-mode.ts';
import type { LogicalNode } from '../../plan/logical/logical-node.ts';
import { overAggregateNode } from '../../plan/over-frame.ts';
import { udafArgumentCasts, udafResultType } from '../../plan/udaf-calls.ts';
import { formatDataType } from '../../types/data-type.ts';
import type { CallExpr, SelectQuery, SqlExpr } from '../ast.ts';
import { stripPositions } from '../walk.ts';
import { at, bindExpr, inputRef, projectNode, scopeHooks, type PlannerContext } from './context.ts';
import { fail, unsupported } from './errors.ts';
import { aggregateCalls, exprKey, userAggregate, windowCalls } from './expr-key.ts';
import { checkNamedWindows, orderItem, overFrame, resolveWindow, type ResolvedWindow } from './over-window-spec.ts';
import { fieldsOf, resolveName, uniqueNames, type RelPlan } from './scope.ts';
import type { SelectEntry } from './select-planner.ts';
import { distinctNode } from './set-planner.ts';

/**
 * Whether a window call is an OVER aggregate (`SUM(x) OVER …`, or a user-defined aggregate function of the catalog)
 * rather than a ranking function (ROW_NUMBER).
 */
export const isOverAggregate = (call: CallExpr, ctx?: PlannerContext): boolean =>
  isAggregateFunction(call.canonical) || (ctx !== undefined && userAggregate(ctx, call) !== undefined);

/**
 * Plans a SELECT whose select list holds aggregates with OVER windows, as Flink's streaming OverAggregate: all on one
 * window (after resolving WINDOW-clause names), ordered by one time attribute ascending, framed from a bound
 * PRECEDING to CURRENT ROW. A projection below computes argument, FILTER and PARTITION BY expressions as columns
 * (the input's columns pass first, unchanged, so the scope's names stay valid); the over node appends one column per
 * aggregate; the select list is then evaluated over its output with each OVER call read from its column.
 */
export function planOverSelect(ctx: PlannerContext, rel: RelPlan, q: SelectQuery, entries: readonly SelectEntry[], calls: readonly CallExpr[]): RelPlan {
  const ranking = calls.find((c) => !isOverAggregate(c, ctx));
  if (ranking) {
    unsupported(ctx.sql, ranking.pos, `${ranking.canonical}() OVER (…) together with OVER aggregates in one SELECT`,
      'Compute the OVER aggregates in a subquery and rank its result (or the other way round).');
  }
  if (q.groupBy?.length || q.having || q.items.some((i) => aggregateCalls(ctx, i.expr).length > 0)) {
    unsupported(ctx.sql, calls[0].pos, 'OVER aggregates in a SELECT with GROUP BY or plain aggregates', 'Aggregate in a subquery and apply the OVER window to its result.');
  }
  for (const c of calls) {
    const nested = [...c.args, ...(c.filter ? [c.filter] : [])].flatMap((a) => windowCalls(a));
    if (nested.length) fail(ctx.sql, nested[0].pos, 'OVER aggregates cannot be nested');
  }
  checkNamedWindows(ctx, q.windows ?? []);
  const window = sameWindow(ctx, rel, calls.map((c) => ({ call: c, window: resolveWindow(ctx, c.over!, q.windows ?? []) })));

  // Below the over node: the relation's columns as they are, then computed columns.
  const hooks = scopeHooks(ctx, rel, 'OVER arguments');
  const exprs: BoundExpression[] = rel.node.schema.columns.map((_, i) => inputRef(rel.node, i));
  const names: string[] = [...rel.node.schema.names];
  const byKey = new Map<string, number>();
  const column = (e: SqlExpr): number => {
    if (e.kind === 'identifier') {
      const { field, rest } = resolveName(ctx.sql, rel, e.names, e.pos);
      if (rest.length === 0) return field.index;
    }
    const key = exprKey(ctx, rel, e);
    let i = byKey.get(key);
    if (i === undefined) {
      i = exprs.length;
      byKey.set(key, i);
      exprs.push(bindExpr(ctx, rel, e, hooks));
      names.push(`$f${i}`);
    }
    return i;
  };
  const partitionKeys = window.partitionBy.map(column);
  const order = orderItem(ctx, window);
  const orderKey = producesUpdates(rel.node) ? changelogOrderColumn(ctx, rel, order.expr) : timeAttributeColumn(ctx, rel, order.expr);
  const frame = overFrame(ctx, window);

  const callIndex = new Map<string, number>();
  const specs: { call: CallExpr; args: number[]; filter: number | null }[] = [];
  for (const call of calls) {
    const key = exprKey(ctx, rel, { ...call, over: undefined });
    if (callIndex.has(key)) continue;
    callIndex.set(key, specs.length);
    const udf = userAggregate(ctx, call);
    let args = call.args.length === 1 && call.args[0].kind === 'star' ? [] : call.args.map((a) => {
      if (a.kind === 'star') fail(ctx.sql, a.pos, `${call.canonical}(*) is not valid; only COUNT(*) takes *`);
      return column(a);
    });
    if (udf) {
      // Arguments cast to the function's declared input types become computed columns too.
      const casts = at(ctx.sql, call.pos, () => udafArgumentCasts(udf, args.map((i) => exprs[i].type), call.distinct));
      args = args.map((i, k) => (casts[k] === null ? i : column({ kind: 'cast', expr: call.args[k], type: casts[k]!, tryCast: false, pos: call.args[k].pos })));
    } else if (args.length === 0 && call.canonical !== 'COUNT') fail(ctx.sql, call.pos, `${call.canonical}() needs an argument`);
    const filter = call.filter ? column(call.filter) : null;
    if (filter !== null && exprs[filter].type.kind !== 'BOOLEAN') {
      fail(ctx.sql, call.filter!.pos, `FILTER (WHERE …) needs a BOOLEAN condition, got ${formatDataType(exprs[filter].type)}`, ErrorCodes.TYPE_MISMATCH);
    }
    specs.push({ call, args, filter });
  }

  const input = exprs.length === rel.node.schema.length ? rel.node : projectNode(rel.node, exprs, uniqueNames(names));
  const aggNames = uniqueNames([...input.schema.names, ...specs.map((_, j) => `w0$o${j}`)]).slice(input.schema.length);
  const aggregates: AggregateCall[] = specs.map((s, j) => {
    const udf = userAggregate(ctx, s.call);
    if (udf) return { fn: udf.name, args: s.args, distinct: false, filter: s.filter, type: udafResultType(udf), name: aggNames[j], udf };
    const { fn, type } = at(ctx.sql, s.call.pos, () => resolveAggregate(s.call.canonical, s.args.map((i) => input.schema.columns[i].type), s.call.distinct));
    return { fn, args: s.args, distinct: s.call.distinct, filter: s.filter, type, name: aggNames[j] };
  });
  const over = overAggregateNode(input, partitionKeys, orderKey, frame, aggregates);

  // The select list over the over node: the relation's fields keep their indexes; OVER calls read their columns.
  const overRel: RelPlan = { node: over, fields: rel.fields };
  const replace = (e: SqlExpr): Expression | undefined => {
    if (e.kind !== 'call' || !e.over) return undefined;
    return { kind: 'column', name: aggregates[callIndex.get(exprKey(ctx, rel, { ...e, over: undefined }))!].name };
  };
  const selectHooks = { ...scopeHooks(ctx, overRel, 'SELECT without GROUP BY'), replace };
  const outExprs = entries.map((e) => (e.kind === 'field' ? inputRef(over, e.field.index) : bindExpr(ctx, overRel, e.expr, selectHooks)));
  let node: LogicalNode = projectNode(over, outExprs, uniqueNames(entries.map((e) => e.name)));
  if (q.distinct) node = distinctNode(node);
  return { node, fields: fieldsOf(node) };
}

/** The one window all calls use (Flink computes one window per OverAggregate). */
function sameWindow(ctx: PlannerContext, rel: RelPlan, uses: readonly { call: CallExpr; window: ResolvedWindow }[]): ResolvedWindow {
  const keyOf = (w: ResolvedWindow): string => JSON.stringify({
    p: w.partitionBy.map((e) => exprKey(ctx, rel, e)),
    o: w.orderBy.map((o) => [exprKey(ctx, rel, o.expr), o.descending, o.nulls ?? null]),
    f: w.frame ? stripPositions(w.frame) : null,
  }, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
  const first = keyOf(uses[0].window);
  const other = uses.find((u) => keyOf(u.window) !== first);
  if (other) {
    unsupported(ctx.sql, other.call.pos, 'OVER aggregates over different windows in one SELECT (all aggregates must be computed on the same window)',
      'Use one window for all of them (a WINDOW w AS (…) clause helps), or compute each window in its own subquery and join the results.');
  }
  return uses[0].window;
}

/**
 * The ORDER BY column over an updating input, which Weir runs beyond Flink (over-aggregate-changelog.ts): rows are
 * ordered by the column's values, so it is any TIMESTAMP column (a rowtime attribute, or one a regular join or a
 * Top-N turned into a plain timestamp), never processing time, which is no value of the row (a retraction could not
 * find its row's place again).
 */
function changelogOrderColumn(ctx: PlannerContext, rel: RelPlan, e: SqlExpr): number {
  if (e.kind === 'identifier') {
    const { field, rest } = resolveName(ctx.sql, rel, e.names, e.pos);
    const column = rel.node.schema.columns[field.index];
    if (rest.length === 0 && column.timeAttribute !== 'proctime' && (column.type.kind === 'TIMESTAMP' || column.type.kind === 'TIMESTAMP_LTZ')) return field.index;
  }
  return fail(ctx.sql, e.pos, 'OVER aggregation over an updating input (e.g. a GROUP BY, an outer join or a Top-N) must be ordered by a TIMESTAMP column of the input, not processing time', ErrorCodes.NOT_SUPPORTED,
    'Order the window by an event-time column, or apply it to an append-only table.');
}

/** The ORDER BY column: a time attribute of the relation (rowtime or proctime), as Flink requires in streaming mode. */
function timeAttributeColumn(ctx: PlannerContext, rel: RelPlan, e: SqlExpr): number {
  const attributes = rel.fields.filter((f) => rel.node.schema.columns[f.index].timeAttribute).map((f) => f.name);
  const hint = attributes.length
    ? `Time attributes in scope: ${attributes.join(', ')}.`
    : 'Declare one with WATERMARK FOR ts AS ts - INTERVAL \'5\' SECOND (event time) or a column pt AS PROCTIME() (processing time).';
  if (e.kind === 'identifier') {
    const { field, rest } = resolveName(ctx.sql, rel, e.names, e.pos);
    if (rest.length === 0 && rel.node.schema.columns[field.index].timeAttribute) return field.index;
  }
  return fail(ctx.sql, e.pos, "OVER windows' ordering in stream mode must be defined on a time attribute", ErrorCodes.PLAN_INVALID, hint);
}
