import { ErrorCodes } from '../../errors/weir-error.ts';
import type { FromItem, SqlExpr, TableAlias, TableRef } from '../ast.ts';
import { catalogTablePlan } from './catalog-tables.ts';
import { at, type PlannerContext } from './context.ts';
import { fail, unsupported } from './errors.ts';
import { planJoin } from './join-planner.ts';
import { planStandaloneTable } from './lateral-planner.ts';
import { planQueryRel } from './query-planner.ts';
import { aliasRank } from './rank-planner.ts';
import { fieldsOf, suggest, type RelPlan } from './scope.ts';
import { planValues } from './values-planner.ts';
import { planWindowTvf } from './window-tvf-planner.ts';

/**
 * Plans one FROM item. `pending` holds WHERE conjuncts that inner joins below may take over as join conditions
 * (the comma join `FROM a, b WHERE a.id = b.id` becomes an equi-join rather than a filtered cross product).
 */
export function planFrom(ctx: PlannerContext, item: FromItem, pending?: SqlExpr[]): RelPlan {
  switch (item.kind) {
    case 'tableRef': return applyAlias(ctx, planTableRef(ctx, item), item.alias);
    case 'subqueryRef':
      if (item.lateral) unsupported(ctx.sql, item.pos, 'LATERAL subqueries');
      return applyAlias(ctx, planQueryRel(ctx, item.query), item.alias);
    case 'valuesRef': return applyAlias(ctx, planValues(ctx, item.values), item.alias);
    case 'join': return planJoin(ctx, item, pending);
    case 'lateralTable': return planStandaloneTable(ctx, item);
    case 'windowTvf': return planWindowTvf(ctx, item);
  }
}

/** A CTE (inlined: planned afresh at each reference) or a catalog table or view. */
function planTableRef(ctx: PlannerContext, ref: TableRef): RelPlan {
  if (ref.forSystemTimeAsOf) unsupported(ctx.sql, ref.forSystemTimeAsOf.pos, 'FOR SYSTEM_TIME AS OF (temporal joins)');
  const parts = ref.name.parts;
  const last = parts[parts.length - 1];
  const cte = parts.length === 1 ? ctx.ctes.get(last) : undefined;
  if (cte) {
    const rel = planQueryRel({ ...ctx, ctes: cte.scope }, cte.cte.query);
    const renamed = cte.cte.columns ? { name: cte.cte.name, columns: cte.cte.columns } : { name: cte.cte.name };
    return applyAlias(ctx, rel, renamed);
  }
  const name = catalogName(ctx, parts);
  if (name === undefined) {
    const known = [...ctx.env.catalog.tableNames(), ...ctx.ctes.keys()].sort();
    fail(ctx.sql, ref.name.pos, `Table '${parts.join('.')}' not found; known tables: ${known.join(', ') || '(none)'}`, ErrorCodes.COLUMN_NOT_FOUND,
      suggest(last, known) ?? 'Create it with CREATE TABLE or CREATE VIEW first.');
  }
  const entry = ctx.env.catalog.table(name);
  const node = at(ctx.sql, ref.name.pos, () => catalogTablePlan(ctx.env, name, entry));
  return { node, fields: fieldsOf(node, last) };
}

/**
 * The catalog key of a possibly qualified name. The catalog is flat (one in-memory database), so
 * `default_catalog.default_database.t` and `t` name the same table.
 */
export function catalogName(ctx: PlannerContext, parts: readonly string[]): string | undefined {
  const full = parts.join('.');
  if (ctx.env.catalog.hasTable(full)) return full;
  const last = parts[parts.length - 1];
  return ctx.env.catalog.hasTable(last) ? last : undefined;
}

/** `AS t` requalifies the columns; `AS t(a, b)` also renames them (scope only: plan names stay). */
export function applyAlias(ctx: PlannerContext, rel: RelPlan, alias: TableAlias | undefined): RelPlan {
  if (!alias) return rel;
  if (rel.rank) {
    const rank = aliasRank(ctx, rel.rank, alias);
    return { ...rank.build(1, Number.MAX_SAFE_INTEGER, true), rank };
  }
  const visible = rel.fields.filter((f) => !f.hidden);
  let names = visible.map((f) => f.name);
  if (alias.columns) {
    if (alias.columns.length !== visible.length) {
      fail(ctx.sql, alias.name.pos, `Alias '${alias.name.name}' names ${alias.columns.length} columns, but the relation has ${visible.length} (${names.join(', ')})`);
    }
    names = alias.columns.map((c) => c.name);
  }
  return { node: rel.node, fields: visible.map((f, i) => ({ qualifier: alias.name.name, name: names[i], index: f.index })) };
}
