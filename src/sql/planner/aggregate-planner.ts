import { resolveAggregate } from '../../aggregate/aggregate-functions.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import type { BoundExpression, Expression } from '../../expr/expression.ts';
import type { AggregateCall } from '../../plan/aggregate-call.ts';
import { udafArgumentCasts, udafResultType } from '../../plan/udaf-calls.ts';
import type { FunctionDefinition } from '../../udf/function-definition.ts';
import type { LogicalNode } from '../../plan/logical/logical-node.ts';
import { DataTypes, formatDataType, notNull, type DataType } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { CallExpr, SelectQuery, SqlExpr } from '../ast.ts';
import type { SourcePos } from '../tokens.ts';
import { at, bindCondition, bindExpr, projectNode, scopeHooks, type PlannerContext } from './context.ts';
import { fail } from './errors.ts';
import type { ConvertHooks } from './expr-converter.ts';
import { aggregateCalls, exprKey, isAggregateCall, userAggregate } from './expr-key.ts';
import { resolveName, uniqueNames, type RelPlan, type ScopeField } from './scope.ts';
import { groupingFunction, groupingOf, groupingSetPositions } from './grouping-planner.ts';
import { planGroupedAggregate } from '../../plan/grouping-sets.ts';
import type { Projector, SelectEntry } from './select-planner.ts';

/**
 * Plans GROUP BY / HAVING / aggregates as Calcite does: a projection computes the group keys, then every aggregate
 * argument and FILTER condition as columns; the aggregate node reads only column indexes; HAVING filters its output;
 * the returned projector maps select expressions onto group-key and aggregate columns, rejecting columns that are
 * neither grouped nor aggregated.
 */
export function planAggregation(ctx: PlannerContext, rel: RelPlan, q: SelectQuery, entries: readonly SelectEntry[]): Projector {
  const grouping = groupingOf(ctx, rel, q.groupBy ?? []);
  const keyExprs = grouping.keys;
  const pre = new PreProjection(ctx, rel);
  const groupIndex = new Map<string, number>();
  for (const e of keyExprs) {
    const noAgg = aggregateCalls(ctx, e);
    if (noAgg.length) fail(ctx.sql, noAgg[0].pos, `Aggregate function ${noAgg[0].canonical}() is not allowed in GROUP BY`);
    const key = exprKey(ctx, rel, e);
    if (!groupIndex.has(key)) groupIndex.set(key, pre.add(e, key, groupKeyName(ctx, rel, e)));
  }
  const keyCount = pre.size;

  // Aggregate calls of the select list and HAVING, each planned once however often it is written.
  const calls: CallExpr[] = [];
  for (const e of entries) if (e.kind === 'expr') aggregateCalls(ctx, e.expr, calls);
  if (q.having) aggregateCalls(ctx, q.having, calls);
  const aggIndex = new Map<string, number>();
  const specs: { call: CallExpr; args: number[]; filter: number | null }[] = [];
  for (const call of calls) {
    const key = exprKey(ctx, rel, call);
    if (aggIndex.has(key)) continue;
    aggIndex.set(key, specs.length);
    const udf = userAggregate(ctx, call);
    let args = call.args.length === 1 && call.args[0].kind === 'star' ? [] : call.args.map((a) => {
      if (a.kind === 'star') fail(ctx.sql, a.pos, `${call.canonical}(*) is not valid; only COUNT(*) takes *`);
      return pre.add(a, exprKey(ctx, rel, a), groupKeyName(ctx, rel, a));
    });
    if (udf) args = castUdafArguments(ctx, rel, pre, call, udf, args);
    else if (args.length === 0 && call.canonical !== 'COUNT') fail(ctx.sql, call.pos, `${call.canonical}() needs an argument`);
    const filter = call.filter ? pre.add(call.filter, exprKey(ctx, rel, call.filter)) : null;
    if (filter !== null && pre.types()[filter].kind !== 'BOOLEAN') {
      fail(ctx.sql, call.filter!.pos, `FILTER (WHERE …) needs a BOOLEAN condition, got ${formatDataType(pre.types()[filter])}`, ErrorCodes.TYPE_MISMATCH);
    }
    specs.push({ call, args, filter });
  }

  const input = pre.node();
  const keyNames = input.schema.names.slice(0, keyCount);
  const aggNames = uniqueNames([...keyNames, ...specs.map((_, j) => `EXPR$${j}`)]).slice(keyCount);
  const aggregates: AggregateCall[] = specs.map((s, j) => {
    const argTypes = s.args.map((i) => input.schema.columns[i].type);
    const udf = userAggregate(ctx, s.call);
    if (udf) return { fn: udf.name, args: s.args, distinct: false, filter: s.filter, type: udafResultType(udf), name: aggNames[j], udf };
    const { fn, type } = at(ctx.sql, s.call.pos, () => resolveAggregate(s.call.canonical, argTypes, s.call.distinct));
    return { fn, args: s.args, distinct: s.call.distinct, filter: s.filter, type, name: aggNames[j] };
  });
  const schema = new Schema([
    ...input.schema.columns.slice(0, keyCount),
    ...aggregates.map((a) => ({ name: a.name, type: a.type })),
  ]);
  const groupKeys = Array.from({ length: keyCount }, (_, i) => i);
  // Grouping sets (an Expand) and windows (a window aggregation over a window table function) are planned here.
  const grouped = at(ctx.sql, q.groupBy?.[0]?.pos ?? q.pos, () => planGroupedAggregate({ kind: 'aggregate', schema, input, groupKeys, aggregates }, groupingSetPositions(grouping, groupIndex)));
  let node: LogicalNode = grouped.node;
  const idColumn = node.schema.length > schema.length ? node.schema.names[schema.length] : null;
  const fields: ScopeField[] = schema.names.map((name, index) => ({ name, index }));
  const colRef = (i: number): Expression => ({ kind: 'column', name: schema.names[i] });

  const hooks: ConvertHooks = {
    replace: (e) => {
      const groupingCall = groupingFunction(ctx, rel, e, groupIndex, grouped.layout, idColumn);
      if (groupingCall) return groupingCall;
      if (isAggregateCall(e, ctx)) return colRef(keyCount + aggIndex.get(exprKey(ctx, rel, e))!);
      if (e.kind === 'literal') return undefined;
      const g = groupIndex.get(exprKey(ctx, rel, e));
      return g === undefined ? undefined : colRef(g);
    },
    column: (names, pos) => {
      resolveName(ctx.sql, rel, names, pos); // unknown names get the column-not-found error first
      return notGrouped(ctx, names.join('.'), pos);
    },
  };
  let after: RelPlan = { node, fields };
  if (q.having) {
    const condition = bindCondition(ctx, after, q.having, 'HAVING', hooks);
    node = { kind: 'filter', schema: node.schema, input: node, condition };
    after = { node, fields };
  }
  const done = after;
  return {
    rel: done,
    expr: (e) => bindExpr(ctx, done, e, hooks),
    field: (f, pos) => {
      const g = groupIndex.get(`#${f.index}`);
      if (g === undefined) return notGrouped(ctx, f.qualifier ? `${f.qualifier}.${f.name}` : f.name, pos);
      return { kind: 'input', index: g, type: done.node.schema.columns[g].type };
    },
  };
}

/**
 * The argument columns of a UDAF call after implicit casts to its declared input types (a cast is one more
 * pre-projected column); argument count and castability are checked here, at the call's position.
 */
function castUdafArguments(ctx: PlannerContext, rel: RelPlan, pre: PreProjection, call: CallExpr, udf: FunctionDefinition, args: number[]): number[] {
  const types = pre.types();
  const casts = at(ctx.sql, call.pos, () => udafArgumentCasts(udf, args.map((i) => types[i]), call.distinct));
  return args.map((col, i) => {
    const type = casts[i];
    if (type === null) return col;
    const cast: SqlExpr = { kind: 'cast', expr: call.args[i], type, tryCast: false, pos: call.args[i].pos };
    return pre.add(cast, exprKey(ctx, rel, cast));
  });
}

function notGrouped(ctx: PlannerContext, what: string, pos: SourcePos): never {
  return fail(ctx.sql, pos, `Expression '${what}' is not being grouped`, ErrorCodes.PLAN_INVALID,
    `Add '${what}' to GROUP BY, or aggregate it, e.g. MAX(${what}).`);
}

/** A plain column keeps its name as a group key column; expressions get `$f<n>`. */
function groupKeyName(ctx: PlannerContext, rel: RelPlan, e: SqlExpr): string | undefined {
  if (e.kind !== 'identifier') return undefined;
  const { field, rest } = resolveName(ctx.sql, rel, e.names, e.pos);
  return rest.length === 0 ? field.name : undefined;
}

/** The projection below an aggregate: distinct expressions by key, each one column. */
class PreProjection {
  private readonly exprs: BoundExpression[] = [];
  private readonly names: (string | undefined)[] = [];
  private readonly byKey = new Map<string, number>();

  constructor(private readonly ctx: PlannerContext, private readonly rel: RelPlan) {}

  get size(): number { return this.exprs.length; }

  add(e: SqlExpr, key: string, name?: string): number {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    this.exprs.push(bindExpr(this.ctx, this.rel, e, scopeHooks(this.ctx, this.rel, 'aggregate arguments')));
    this.names.push(name);
    this.byKey.set(key, this.exprs.length - 1);
    return this.exprs.length - 1;
  }

  types(): DataType[] { return this.exprs.map((x) => x.type); }

  node(): LogicalNode {
    // Like Calcite, never project zero columns (COUNT(*) alone): a row needs at least one column to be carried.
    if (this.exprs.length === 0) return projectNode(this.rel.node, [{ kind: 'literal', value: 0, type: notNull(DataTypes.INT()) }], ['$f0']);
    const names = uniqueNames(this.names.map((n, i) => n ?? `$f${i}`));
    return projectNode(this.rel.node, this.exprs, names);
  }
}
