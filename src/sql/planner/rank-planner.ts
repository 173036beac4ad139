import { ErrorCodes } from '../../errors/weir-error.ts';
import type { BoundExpression } from '../../expr/expression.ts';
import type { SortKey } from '../../plan/aggregate-call.ts';
import type { LogicalNode } from '../../plan/logical/logical-node.ts';
import { DataTypes, notNull } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { CallExpr, OrderItem, SelectQuery, SqlExpr, TableAlias } from '../ast.ts';
import type { SourcePos } from '../tokens.ts';
import { findExprs } from '../walk.ts';
import { bindExpr, inputRef, projectNode, scopeHooks, type PlannerContext } from './context.ts';
import { fail, unsupported } from './errors.ts';
import { aggregateCalls, exprKey } from './expr-key.ts';
import { fieldsOf, resolveName, uniqueNames, type RelPlan, type ScopeField } from './scope.ts';
import type { SelectEntry } from './select-planner.ts';
import { windowRankOrRank } from './window-rank-planner.ts';

/**
 * A `SELECT …, ROW_NUMBER() OVER (PARTITION BY … ORDER BY …) AS rn FROM …` whose rank range is still unknown: the
 * enclosing SELECT's `WHERE rn <= N` supplies it, and whether `rn` is selected decides `outputRankNumber`.
 */
export interface PendingRank {
  /** Where ROW_NUMBER() is written, for errors. */
  readonly pos: SourcePos;
  /** The scope name of the row-number column. */
  readonly rnName: string;
  build(rankStart: number, rankEnd: number, outputRankNumber: boolean): RelPlan;
}

const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/** Default NULL order as in Flink (Calcite's NullCollation.LOW): NULLS FIRST ascending, NULLS LAST descending. */
export function sortKey(index: number, item: OrderItem): SortKey {
  const ascending = !item.descending;
  return { index, ascending, nullsFirst: item.nulls === undefined ? ascending : item.nulls === 'FIRST' };
}

/** Plans a select list holding `ROW_NUMBER() OVER (…)` as a pending Top-N (see {@link PendingRank}). */
export function planRankSelect(ctx: PlannerContext, rel: RelPlan, q: SelectQuery, entries: readonly SelectEntry[], windows: readonly CallExpr[]): RelPlan {
  const call = windows[0];
  if (windows.length > 1) unsupported(ctx.sql, windows[1].pos, 'More than one OVER window in a SELECT');
  if (call.canonical !== 'ROW_NUMBER') unsupported(ctx.sql, call.pos, `${call.canonical}() OVER (…)`, 'Use ROW_NUMBER() for Top-N and deduplication.');
  if (q.groupBy?.length || q.having || q.items.some((i) => aggregateCalls(ctx, i.expr).length > 0)) {
    unsupported(ctx.sql, call.pos, 'ROW_NUMBER() in a SELECT with GROUP BY or aggregates', 'Aggregate in a subquery and rank its result.');
  }
  if (q.distinct) unsupported(ctx.sql, q.pos, 'SELECT DISTINCT with ROW_NUMBER()');
  const rnEntry = entries.findIndex((e) => e.kind === 'expr' && e.expr === call);
  if (rnEntry < 0) unsupported(ctx.sql, call.pos, 'ROW_NUMBER() inside an expression', 'Select it as a column of its own: ROW_NUMBER() OVER (…) AS rn.');
  const spec = call.over!;
  if (spec.ref) unsupported(ctx.sql, spec.pos, 'Named windows (OVER w) with ROW_NUMBER()');
  if (spec.frame) fail(ctx.sql, spec.pos, 'ROW_NUMBER() does not take a window frame (ROWS/RANGE)');
  if (spec.orderBy.length === 0) fail(ctx.sql, spec.pos, 'ROW_NUMBER() needs ORDER BY in its OVER clause', ErrorCodes.PLAN_INVALID, 'e.g. ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts DESC).');

  // Rank input: the visible select columns, then PARTITION BY / ORDER BY expressions that are not among them.
  const hooks = scopeHooks(ctx, rel, 'OVER');
  const exprs: BoundExpression[] = [];
  const names: string[] = [];
  const byKey = new Map<string, number>();
  const visible = entries.filter((_, i) => i !== rnEntry);
  for (const e of visible) {
    byKey.set(e.kind === 'field' ? `#${e.field.index}` : exprKey(ctx, rel, e.expr), exprs.length);
    exprs.push(e.kind === 'field' ? inputRef(rel.node, e.field.index) : bindExpr(ctx, rel, e.expr, hooks));
    names.push(e.name);
  }
  const column = (e: SqlExpr): number => {
    const key = exprKey(ctx, rel, e);
    const known = byKey.get(key);
    if (known !== undefined) return known;
    byKey.set(key, exprs.length);
    exprs.push(bindExpr(ctx, rel, e, hooks));
    names.push(`$f${exprs.length - 1}`);
    return exprs.length - 1;
  };
  const partitionKeys = spec.partitionBy.map(column);
  const orderKeys = spec.orderBy.map((item) => sortKey(column(item.expr), item));
  const input = projectNode(rel.node, exprs, uniqueNames(names));
  const rnName = entries[rnEntry].name;

  const build = (rankStart: number, rankEnd: number, outputRankNumber: boolean): RelPlan => {
    const rnColumn = uniqueNames([...input.schema.names, rnName])[input.schema.length];
    const schema = new Schema([...input.schema.columns, ...(outputRankNumber ? [{ name: rnColumn, type: notNull(DataTypes.BIGINT()) }] : [])]);
    const rank = windowRankOrRank(ctx, call.pos, { kind: 'rank', schema, input, partitionKeys, orderKeys, rankStart, rankEnd, outputRankNumber });
    // Back to the select list's order, without the helper key columns.
    const picks = entries.flatMap((_, i) => (i === rnEntry ? (outputRankNumber ? [input.schema.length] : []) : [i < rnEntry ? i : i - 1]));
    const outNames = uniqueNames(entries.filter((_, i) => i !== rnEntry || outputRankNumber).map((e) => e.name));
    const identity = picks.length === schema.length && picks.every((p, i) => p === i) && outNames.every((n, i) => n === schema.names[i]);
    const node = identity ? rank : projectNode(rank, picks.map((p) => inputRef(rank, p)), outNames);
    return { node, fields: fieldsOf(node) };
  };
  return { ...build(1, UNBOUNDED, true), rank: { pos: call.pos, rnName, build } };
}

/** The pending Top-N seen through `AS t(a, b, …)`. */
export function aliasRank(ctx: PlannerContext, rank: PendingRank, alias: TableAlias): PendingRank {
  const full = rank.build(1, UNBOUNDED, true).fields.map((f) => f.name);
  if (alias.columns && alias.columns.length !== full.length) {
    fail(ctx.sql, alias.name.pos, `Alias '${alias.name.name}' names ${alias.columns.length} columns, but the subquery has ${full.length} (${full.join(', ')})`);
  }
  const rename = new Map(full.map((n, i) => [n, alias.columns?.[i].name ?? n]));
  return {
    pos: rank.pos,
    rnName: rename.get(rank.rnName) ?? rank.rnName,
    build: (s, e, o) => {
      const r = rank.build(s, e, o);
      return { node: r.node, fields: r.fields.map((f) => ({ qualifier: alias.name.name, name: rename.get(f.name) ?? f.name, index: f.index })) };
    },
  };
}

/**
 * Completes a pending Top-N from the enclosing WHERE: conjuncts bounding the row number (`rn <= N`, `rn < N`,
 * `rn = N`, `rn >= M`, `rn BETWEEN a AND b`) become the rank range and leave `where`; the row number is output only
 * when the query still refers to it.
 */
export function applyTopN(ctx: PlannerContext, rel: RelPlan, where: SqlExpr[], q: SelectQuery): RelPlan {
  const rank = rel.rank!;
  const rn = rel.fields.find((f) => f.name === rank.rnName)!;
  let lo = 1;
  let hi: number | undefined;
  for (let i = where.length - 1; i >= 0; i--) {
    const b = rankBound(ctx, rel, rn, where[i]);
    if (!b) continue;
    lo = Math.max(lo, b.lo ?? 1);
    if (b.hi !== undefined) hi = hi === undefined ? b.hi : Math.min(hi, b.hi);
    where.splice(i, 1);
  }
  if (hi === undefined) {
    fail(ctx.sql, rank.pos, `ROW_NUMBER() needs an upper bound on '${rank.rnName}' in the outer WHERE`, ErrorCodes.NOT_SUPPORTED,
      `Filter the subquery with ${rank.rnName} <= N (Top-N) or ${rank.rnName} = 1 (deduplication): streaming ROW_NUMBER() is only planned as Top-N.`);
  }
  if (hi < lo) fail(ctx.sql, q.where!.pos, `The filter on '${rank.rnName}' selects no rows (${lo} > ${hi})`);
  return rank.build(lo, hi, mentions(q, where, rank.rnName));
}

function rankBound(ctx: PlannerContext, rel: RelPlan, rn: ScopeField, c: SqlExpr): { lo?: number; hi?: number } | undefined {
  if (c.kind !== 'operator') return undefined;
  const isRn = (e: SqlExpr): boolean => {
    if (e.kind !== 'identifier') return false;
    try { return resolveName(ctx.sql, rel, e.names, e.pos).field.index === rn.index; } catch { return false; }
  };
  const int = (e: SqlExpr): number | undefined => (e.kind === 'literal' && (typeof e.value === 'number' || typeof e.value === 'bigint') && Number.isInteger(Number(e.value)) ? Number(e.value) : undefined);
  if (c.op === 'BETWEEN' && c.args.length === 3 && isRn(c.args[0])) {
    const [a, b] = [int(c.args[1]), int(c.args[2])];
    return a !== undefined && b !== undefined ? { lo: a, hi: b } : undefined;
  }
  if (c.args.length !== 2) return undefined;
  const flip: Record<string, string> = { '<=': '>=', '<': '>', '=': '=', '>=': '<=', '>': '<' };
  if (!(c.op in flip)) return undefined;
  let op = c.op;
  let n = isRn(c.args[0]) ? int(c.args[1]) : undefined;
  if (n === undefined && isRn(c.args[1])) { n = int(c.args[0]); op = flip[op]; }
  if (n === undefined) return undefined;
  switch (op) {
    case '<=': return { hi: n };
    case '<': return { hi: n - 1 };
    case '=': return { lo: n, hi: n };
    case '>=': return { lo: n };
    default: return { lo: n + 1 };
  }
}

/** Whether the rest of the query refers to `name` (or selects `*`), so the row number must be kept. */
function mentions(q: SelectQuery, where: readonly SqlExpr[], name: string): boolean {
  const nodes = [...q.items.map((i) => i.expr), ...where, ...(q.groupBy ?? []), ...(q.having ? [q.having] : [])];
  return nodes.some((n) => findExprs(n, (e) => e.kind === 'star' || (e.kind === 'identifier' && (e.names[0] === name || e.names[1] === name))).length > 0);
}
