import { ErrorCodes } from '../../errors/weir-error.ts';
import { sameType } from '../../expr/types/coercion.ts';
import type { JoinType, LogicalJoin, LogicalNode } from '../../plan/logical/logical-node.ts';
import { formatDataType, withNullable } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { Ident, JoinRef, SqlExpr } from '../ast.ts';
import type { SourcePos } from '../tokens.ts';
import { andAll, bindCondition, bindExpr, conjuncts, inputRef, projectNode, scopeHooks, type PlannerContext } from './context.ts';
import { fail } from './errors.ts';
import { planFrom } from './from-planner.ts';
import { planLateralJoin } from './lateral-planner.ts';
import { complete } from './query-planner.ts';
import { qualifiers, resolveName, uniqueNames, type RelPlan, type ScopeField } from './scope.ts';
import { planTimedJoin } from './windowed-join-planner.ts';

/**
 * Plans a join: output = left columns then right columns (the side(s) that can be missing become nullable). The ON
 * condition's conjuncts `l.x = r.y` (one column from each side, same type) become the equi-join keys that drive
 * hashing and state; the rest stays as `condition` over left ++ right. USING columns are keys too and appear once.
 * CROSS and comma joins are inner joins that take over the WHERE conjuncts they can evaluate from `pending`.
 */
export function planJoin(ctx: PlannerContext, j: JoinRef, pending?: SqlExpr[]): RelPlan {
  if (j.right.kind === 'lateralTable') return planLateralJoin(ctx, j, j.right, pending);
  const inner = j.type === 'INNER' || j.type === 'CROSS';
  // WHERE conjuncts may move into inner joins only: below an outer join they would change which rows are padded.
  const down = inner ? pending : undefined;
  const left = complete(ctx, planFrom(ctx, j.left, down));
  const right = complete(ctx, planFrom(ctx, j.right, down));
  const dup = qualifiers(left).find((q) => qualifiers(right).includes(q));
  if (dup !== undefined) fail(ctx.sql, j.right.pos, `Duplicate table name or alias '${dup}' in FROM`, ErrorCodes.PLAN_INVALID, 'Give one of them another alias: … JOIN t AS t2 ….');

  const joinType: JoinType = j.type === 'CROSS' ? 'inner' : (j.type.toLowerCase() as JoinType);
  const nL = left.node.schema.length;
  const leftNullable = joinType === 'right' || joinType === 'full';
  const rightNullable = joinType === 'left' || joinType === 'full';
  const schema = new Schema([
    ...left.node.schema.columns.map((c) => ({ name: c.name, type: leftNullable ? withNullable(c.type, true) : c.type })),
    ...right.node.schema.columns.map((c) => ({ name: c.name, type: rightNullable ? withNullable(c.type, true) : c.type })),
  ].map((c, i, all) => ({ ...c, name: uniqueNames(all.map((x) => x.name))[i] })));
  let fields: ScopeField[] = [...left.fields, ...right.fields.map((f) => ({ ...f, index: f.index + nL }))];
  const base: LogicalJoin = { kind: 'join', schema, left: left.node, right: right.node, joinType, leftKeys: [], rightKeys: [], condition: null };
  const keys: [number, number][] = [];
  const keyPos: SourcePos[] = [];
  let using: { name: string; l: ScopeField; r: ScopeField }[] = [];
  if (j.using) {
    using = j.using.map((u) => ({ name: u.name, l: usingField(ctx, left, u, 'left'), r: usingField(ctx, right, u, 'right') }));
    for (const u of using) {
      const [lt, rt] = [left.node.schema.columns[u.l.index].type, right.node.schema.columns[u.r.index].type];
      if (!sameType(lt, rt)) {
        fail(ctx.sql, j.using.find((x) => x.name === u.name)!.pos, `USING column '${u.name}' has different types on the two sides: ${formatDataType(lt)} vs ${formatDataType(rt)}`,
          ErrorCodes.TYPE_MISMATCH, 'Join with ON and CAST one side.');
      }
      keys.push([u.l.index, u.r.index + nL]);
      keyPos.push(j.using.find((x) => x.name === u.name)!.pos);
    }
    fields = usingFields(fields, using, nL, joinType);
  }

  const rel: RelPlan = { node: base, fields };
  const conds = j.on ? conjuncts(j.on) : [];
  if (pending && inner) {
    const claimed: SqlExpr[] = [];
    for (let i = 0; i < pending.length; i++) {
      if (!evaluable(ctx, rel, pending[i])) continue;
      claimed.push(pending[i]);
      pending.splice(i--, 1);
    }
    conds.push(...claimed);
  }
  const rest: SqlExpr[] = [];
  for (const c of conds) {
    const k = equiKey(ctx, rel, nL, c);
    if (k) { keys.push(k); keyPos.push(c.pos); } else rest.push(c);
  }
  const condition = rest.length > 0 ? bindCondition(ctx, rel, andAll(rest), 'ON', scopeHooks(ctx, rel, 'ON')) : null;
  const regular: LogicalJoin = { ...base, leftKeys: keys.map((k) => k[0]), rightKeys: keys.map((k) => k[1] - nL), condition };
  // Window joins and interval joins are recognised from the keys and conditions of the regular join.
  const node: LogicalNode = planTimedJoin(ctx, j, { join: regular, rel, keyPos, rest }) ?? regular;
  if (joinType === 'full' && using.length > 0) return coalesceUsing(node, fields, using);
  return { node, fields };
}

/** Whether a WHERE conjunct only needs this join's columns (and no aggregates). */
function evaluable(ctx: PlannerContext, rel: RelPlan, e: SqlExpr): boolean {
  try {
    bindExpr(ctx, rel, e, scopeHooks(ctx, rel, 'WHERE'));
    return true;
  } catch {
    return false;
  }
}

/** `l.x = r.y` with one column of each side and equal types → [left index, combined right index]. */
function equiKey(ctx: PlannerContext, rel: RelPlan, nL: number, c: SqlExpr): [number, number] | undefined {
  if (c.kind !== 'operator' || c.op !== '=' || c.args.length !== 2) return undefined;
  const [a, b] = c.args.map((x) => {
    if (x.kind !== 'identifier') return undefined;
    const { field, rest } = resolveName(ctx.sql, rel, x.names, x.pos);
    return rest.length === 0 ? field.index : undefined;
  });
  if (a === undefined || b === undefined) return undefined;
  const [l, r] = a < nL ? [a, b] : [b, a];
  if (l >= nL || r < nL) return undefined;
  const types = rel.node.schema.columns;
  return sameType(types[l].type, types[r].type) ? [l, r] : undefined;
}

function usingField(ctx: PlannerContext, side: RelPlan, u: Ident, which: string): ScopeField {
  const found = side.fields.filter((f) => f.name === u.name && !f.hidden);
  if (found.length !== 1) {
    fail(ctx.sql, u.pos, found.length === 0 ? `USING column '${u.name}' is not in the ${which} table` : `USING column '${u.name}' is ambiguous in the ${which} table`, ErrorCodes.COLUMN_NOT_FOUND);
  }
  return found[0];
}

/**
 * USING columns appear once, first (as in Flink's `SELECT *`): from the left for inner and left joins, the right
 * for right joins; the other copy stays reachable by qualified name only.
 */
function usingFields(fields: ScopeField[], using: { l: ScopeField; r: ScopeField }[], nL: number, joinType: JoinType): ScopeField[] {
  const keepLeft = joinType === 'inner' || joinType === 'left';
  const keepRight = joinType === 'right';
  const slot = (f: ScopeField): number => using.findIndex((u) => f.index === u.l.index || f.index === u.r.index + nL);
  const shown: ScopeField[] = [];
  const hidden: ScopeField[] = [];
  const others: ScopeField[] = [];
  for (const f of fields) {
    if (slot(f) < 0) others.push(f);
    else if (f.index < nL ? keepLeft : keepRight) shown.push(f);
    else hidden.push({ ...f, hidden: true });
  }
  shown.sort((a, b) => slot(a) - slot(b));
  return [...shown, ...others, ...hidden];
}

/** FULL JOIN … USING (k): k is COALESCE(l.k, r.k), added by a projection over the join. */
function coalesceUsing(join: LogicalNode, fields: ScopeField[], using: { name: string; l: ScopeField; r: ScopeField }[]): RelPlan {
  const n = join.schema.length;
  const nL = 'left' in join ? join.left.schema.length : 0;
  const exprs = [
    ...join.schema.columns.map((_, i) => inputRef(join, i)),
    ...using.map((u) => {
      const [l, r] = [inputRef(join, u.l.index), inputRef(join, u.r.index + nL)];
      return { kind: 'call' as const, name: 'COALESCE', args: [l, r], type: withNullable(l.type, l.type.nullable && r.type.nullable) };
    }),
  ];
  const node = projectNode(join, exprs, uniqueNames([...join.schema.names, ...using.map((u) => u.name)]));
  const coalesced: ScopeField[] = using.map((u, i) => ({ name: u.name, index: n + i }));
  return { node, fields: [...coalesced, ...fields] };
}
