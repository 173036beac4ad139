import type { SqlResult } from '../../api/sql-result.ts';
import { Table } from '../../api/table.ts';
import type { TableEnvironment } from '../../api/table-environment.ts';
import { explainPlans } from '../../plan/explain.ts';
import type { LogicalNode } from '../../plan/logical/logical-node.ts';
import { optimize } from '../../plan/optimizer/optimize.ts';
import { planJob } from '../../plan/physical/physical-planner.ts';
import type { ExplainStatement, ResetStatement, SetStatement, Statement } from '../ast.ts';
import { parseQuery } from '../parse.ts';
import { at, type PlannerContext } from './context.ts';
import { createTable, createView, dropTableOrView } from './ddl.ts';
import { fail, unsupported } from './errors.ts';
import { createFunction, dropFunction } from './function-ddl.ts';
import { planInsert } from './insert-planner.ts';
import { planQuery } from './query-planner.ts';
import { describe, show } from './show.ts';

const OK: SqlResult = { kind: 'ok' };

const context = (env: TableEnvironment, sql: string): PlannerContext => ({ sql, env, ctes: new Map() });

/** Plans a SQL query text (SELECT, VALUES, WITH, UNION, ORDER BY …) to a logical plan, for `env.sqlQuery`. */
export function planSqlQuery(env: TableEnvironment, sql: string): LogicalNode {
  return planQuery(context(env, sql), parseQuery(sql));
}

/**
 * Executes one parsed statement. `sql` is the text the statement's positions point into (the whole script for
 * executeSqlScript), so errors quote the right line.
 */
export async function executeStatement(env: TableEnvironment, s: Statement, sql: string): Promise<SqlResult> {
  const ctx = context(env, sql);
  initialConfig(env);
  switch (s.kind) {
    case 'createTable': createTable(ctx, s); return OK;
    case 'createView': createView(ctx, s); return OK;
    case 'createFunction': await createFunction(ctx, s); return OK;
    case 'drop':
      if (s.objectType === 'FUNCTION') dropFunction(ctx, s); else dropTableOrView(ctx, s);
      return OK;
    case 'show': return show(ctx, s);
    case 'describe': return describe(ctx, s);
    case 'explain': return explain(ctx, s);
    case 'set': return set(env, s);
    case 'reset': return reset(env, s);
    case 'insert': return { kind: 'insert', job: env.executeInsertPlans([planInsert(ctx, s)]) };
    case 'statementSet': {
      if (s.inserts.length === 0) return OK;
      // Planned together, submitted as one job with one sink per INSERT.
      return { kind: 'insert', job: env.executeInsertPlans(s.inserts.map((i) => planInsert(ctx, i))) };
    }
    case 'query': {
      const node = planQuery(ctx, s.query);
      return { kind: 'query', result: at(sql, s.pos, () => new Table(env, node).execute()) };
    }
  }
}

/** EXPLAIN [PLAN FOR] a query, INSERT or statement set: the logical plans and the physical job graph. */
function explain(ctx: PlannerContext, s: ExplainStatement): SqlResult {
  const inner = s.statement;
  let roots: LogicalNode[];
  let target: Parameters<typeof planJob>[2] = { kind: 'sink-in-plan' };
  if (inner.kind === 'query') {
    roots = [planQuery(ctx, inner.query)];
    target = { kind: 'collect' };
  } else if (inner.kind === 'insert') {
    roots = [planInsert(ctx, inner)];
  } else if (inner.kind === 'statementSet') {
    roots = inner.inserts.map((i) => planInsert(ctx, i));
    if (roots.length === 0) fail(ctx.sql, inner.pos, 'EXPLAIN of an empty statement set');
  } else {
    return unsupported(ctx.sql, inner.pos, `EXPLAIN of ${inner.kind} statements`, 'EXPLAIN a query, an INSERT or a statement set.');
  }
  const optimized = roots.map((r) => optimize(r));
  const graph = at(ctx.sql, inner.pos, () => planJob(optimized, ctx.env.config, target));
  return { kind: 'rows', columns: ['result'], rows: [[explainPlans(roots, optimized, graph)]] };
}

/** The configuration when SQL first touched the environment: what RESET goes back to. */
const initial = new WeakMap<TableEnvironment, Record<string, string>>();

function initialConfig(env: TableEnvironment): Record<string, string> {
  let snapshot = initial.get(env);
  if (!snapshot) initial.set(env, snapshot = env.config.toJSON());
  return snapshot;
}

/** `SET 'k' = 'v'` changes the configuration for later statements; bare `SET` lists it as (key, value) rows. */
function set(env: TableEnvironment, s: SetStatement): SqlResult {
  if (s.key === undefined) {
    const entries = Object.entries(env.config.toJSON()).sort(([a], [b]) => a.localeCompare(b));
    return { kind: 'rows', columns: ['key', 'value'], rows: entries };
  }
  env.config.set(s.key, s.value ?? '');
  return OK;
}

/** `RESET 'k'` restores one key to its value before any SET (or its default); bare `RESET` restores every key. */
function reset(env: TableEnvironment, s: ResetStatement): SqlResult {
  const before = initialConfig(env);
  const keys = s.key !== undefined ? [s.key] : Object.keys(env.config.toJSON());
  for (const k of keys) {
    if (k in before) env.config.set(k, before[k]); else env.config.remove(k);
  }
  return OK;
}
