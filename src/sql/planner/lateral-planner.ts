import { ErrorCodes } from '../../errors/weir-error.ts';
import { resolveTableFunctionCall } from '../../expr/resolve.ts';
import { planCorrelate } from '../../plan/logical/correlate-builder.ts';
import type { CorrelateJoinType } from '../../plan/logical/logical-correlate.ts';
import type { LogicalNode } from '../../plan/logical/logical-node.ts';
import { DataTypes } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { JoinRef, LateralTableRef, SqlExpr } from '../ast.ts';
import { at, bindCondition, scopeHooks, type PlannerContext } from './context.ts';
import { fail, unsupported } from './errors.ts';
import { convertExpr } from './expr-converter.ts';
import { planFrom } from './from-planner.ts';
import { complete } from './query-planner.ts';
import { qualifiers, type RelPlan, type ScopeField } from './scope.ts';

/**
 * `FROM t, LATERAL TABLE(f(x)) AS T(a, b)`, `t CROSS JOIN LATERAL TABLE(...)`, `t [INNER] JOIN LATERAL TABLE(...)
 * ON cond` and `t LEFT JOIN LATERAL TABLE(...) ON TRUE`: a correlate of the left side with the table function,
 * whose arguments may refer to the left side's columns. The function's columns are qualified by the alias (else
 * by the function name) and named by the alias's column list (else as the function declares them). An inner
 * join's ON condition filters the joined rows; a LEFT join takes ON TRUE only, as in Flink.
 */
export function planLateralJoin(ctx: PlannerContext, j: JoinRef, lateral: LateralTableRef, pending?: SqlExpr[]): RelPlan {
  if (j.type === 'RIGHT' || j.type === 'FULL') {
    fail(ctx.sql, j.right.pos, `${j.type} JOIN with a lateral table function is not supported`, ErrorCodes.NOT_SUPPORTED,
      'Use CROSS JOIN LATERAL TABLE(...) (or a comma), or LEFT JOIN LATERAL TABLE(...) ON TRUE.');
  }
  if (j.using) fail(ctx.sql, j.right.pos, 'A join with a lateral table function cannot have USING', ErrorCodes.PLAN_INVALID, 'Join with ON TRUE.');
  const joinType: CorrelateJoinType = j.type === 'LEFT' ? 'left' : 'inner';
  const on = j.on && !isTrue(j.on) ? j.on : undefined;
  if (on && joinType === 'left') {
    fail(ctx.sql, on.pos, 'LEFT JOIN with a lateral table function takes ON TRUE only', ErrorCodes.NOT_SUPPORTED,
      'Write ON TRUE and put the condition in WHERE (which also drops the NULL-padded rows), or use an inner join.');
  }
  // WHERE conjuncts may move into inner joins below an inner lateral join only (as in planJoin).
  const left = complete(ctx, planFrom(ctx, j.left, joinType === 'inner' ? pending : undefined));
  const rel = correlate(ctx, left, lateral, joinType);
  if (!on) return rel;
  const condition = bindCondition(ctx, rel, on, 'ON', scopeHooks(ctx, rel, 'ON'));
  const node: LogicalNode = { kind: 'filter', schema: rel.node.schema, input: rel.node, condition };
  return { node, fields: rel.fields };
}

/** `FROM TABLE(f('a b'))` / `FROM LATERAL TABLE(f(1))` on its own: the function over one row without columns. */
export function planStandaloneTable(ctx: PlannerContext, lateral: LateralTableRef): RelPlan {
  const one: LogicalNode = { kind: 'values', rows: [[0]], schema: new Schema([{ name: '$one', type: { ...DataTypes.INT(), nullable: false } }]) };
  const rel = correlate(ctx, { node: one, fields: [] }, lateral, 'inner');
  return { node: rel.node, fields: rel.fields };
}

function correlate(ctx: PlannerContext, left: RelPlan, lateral: LateralTableRef, joinType: CorrelateJoinType): RelPlan {
  const call = lateral.call;
  if (call.kind !== 'call') fail(ctx.sql, call.pos, 'TABLE(...) needs a table function call such as TABLE(split(line))');
  const name = call.name;
  if (call.canonical === 'UNNEST' && !ctx.env.catalog.lookupFunction(name)) {
    unsupported(ctx.sql, lateral.pos, 'UNNEST', 'Expand arrays with a table function: a udtf (Python) or tableFunction (TypeScript) that yields each element.');
  }
  const expr = convertExpr(ctx.sql, call, scopeHooks(ctx, left, `TABLE(${name}(...))`));
  const resolved = at(ctx.sql, call.pos, () => resolveTableFunctionCall(expr, left.node.schema, (n) => ctx.env.catalog.lookupFunction(n)));
  const alias = lateral.alias;
  const qualifier = alias?.name.name ?? resolved.fn.name;
  if (qualifiers(left).includes(qualifier)) {
    fail(ctx.sql, alias?.name.pos ?? lateral.pos, `Duplicate table name or alias '${qualifier}' in FROM`, ErrorCodes.PLAN_INVALID, 'Give the lateral table another alias: LATERAL TABLE(f(x)) AS T2(a, b).');
  }
  const names = alias?.columns?.map((c) => c.name);
  const planned = at(ctx.sql, alias?.columns?.[0]?.pos ?? alias?.name.pos ?? lateral.pos, () => planCorrelate(left.node, resolved, joinType, names));
  const visible = names ?? resolved.fn.table!.resultNames;
  const width = left.node.schema.length;
  const fields: ScopeField[] = [...left.fields, ...visible.map((n, k) => ({ qualifier, name: n, index: width + k }))];
  return { node: planned.node, fields };
}

function isTrue(e: SqlExpr): boolean {
  return e.kind === 'literal' && e.value === true;
}
