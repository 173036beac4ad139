import { isAggregateFunction } from '../../aggregate/aggregate-functions.ts';
import { formatDataType } from '../../types/data-type.ts';
import type { FunctionDefinition } from '../../udf/function-definition.ts';
import type { CallExpr, SqlExpr } from '../ast.ts';
import { stripPositions } from '../walk.ts';
import type { PlannerContext } from './context.ts';
import { childExprs } from './expr-converter.ts';
import { fail } from './errors.ts';
import { resolveName, type RelPlan } from './scope.ts';

/**
 * A canonical text of `e` with column names resolved to input indexes, so `t.a + 1` and `a + 1` over the same
 * relation get the same key. Used to match select expressions against GROUP BY keys and to share projected columns.
 */
export function exprKey(ctx: PlannerContext, rel: RelPlan, e: SqlExpr): string {
  const k = (x: SqlExpr): string => exprKey(ctx, rel, x);
  switch (e.kind) {
    case 'identifier': {
      const { field, rest } = resolveName(ctx.sql, rel, e.names, e.pos);
      return `#${field.index}${rest.map((r) => `.${r}`).join('')}`;
    }
    case 'literal': return `lit(${formatDataType(e.type)}:${typeof e.value === 'bigint' ? `${e.value}n` : JSON.stringify(e.value)})`;
    case 'operator': return `${e.op}(${e.args.map(k).join(',')})`;
    case 'call':
      return `${e.canonical}${e.distinct ? '[D]' : ''}(${e.args.map(k).join(',')})${e.filter ? `[F ${k(e.filter)}]` : ''}${e.over ? JSON.stringify(stripPositions(e.over)) : ''}`;
    case 'case': return `case(${childExprs(e).map(k).join(',')}${e.else ? '' : ',noelse'})`;
    case 'cast': return `${e.tryCast ? 'try_cast' : 'cast'}(${k(e.expr)}:${formatDataType(e.type)})`;
    default: return JSON.stringify(stripPositions(e), (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
  }
}

/** Whether `e` is a (non-windowed) aggregate call: a built-in aggregate, or a user-defined one in the catalog. */
export const isAggregateCall = (e: SqlExpr, ctx?: PlannerContext): e is CallExpr =>
  e.kind === 'call' && !e.over && (isAggregateFunction(e.canonical) || (ctx !== undefined && userAggregate(ctx, e) !== undefined));

/** The user-defined aggregate function a call names (catalog functions win over built-ins of the same name). */
export function userAggregate(ctx: PlannerContext, e: CallExpr): FunctionDefinition | undefined {
  const fn = ctx.env.catalog.lookupFunction(e.name) ?? ctx.env.catalog.lookupFunction(e.canonical);
  return fn?.kind === 'aggregate' ? fn : undefined;
}

/**
 * The aggregate calls in `e`, outermost only, in source order. An aggregate nested in another's arguments is an
 * error, as in Flink.
 */
export function aggregateCalls(ctx: PlannerContext, e: SqlExpr, out: CallExpr[] = []): CallExpr[] {
  if (isAggregateCall(e, ctx)) {
    for (const inner of childExprs(e)) {
      const nested = aggregateCalls(ctx, inner);
      if (nested.length) fail(ctx.sql, nested[0].pos, `Aggregate function ${nested[0].canonical}() cannot be nested in ${e.canonical}()`);
    }
    out.push(e);
    return out;
  }
  for (const c of childExprs(e)) aggregateCalls(ctx, c, out);
  return out;
}

/** The window (OVER) calls in `e`. */
export function windowCalls(e: SqlExpr, out: CallExpr[] = []): CallExpr[] {
  if (e.kind === 'call' && e.over) out.push(e);
  for (const c of childExprs(e)) windowCalls(c, out);
  return out;
}
