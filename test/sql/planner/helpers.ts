import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TableEnvironment, WeirError, type EnvironmentSettings, type SqlResult } from '../../../src/index.ts';
import { renderTree } from '../../../src/plan/explain.ts';
import type { LogicalNode } from '../../../src/plan/logical/logical-node.ts';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/** An environment with two small bounded views: people(id, name, score, dept) and depts(dept, dname). */
export function sqlEnv(settings: EnvironmentSettings = {}): TableEnvironment {
  const env = TableEnvironment.create({ baseDir: FIXTURES, ...settings, config: { 'python.worker.pool-size': 1, ...settings.config } });
  env.createTemporaryView('people', env.fromValues(
    [[1, 'ann', 31.5, 10], [2, 'bob', null, 10], [3, null, 12.0, 20], [4, 'dan', 48.25, 20], [5, 'eve', 7.0, 30]],
    { id: 'INT', name: 'STRING', score: 'DOUBLE', dept: 'INT' },
  ));
  env.createTemporaryView('depts', env.fromValues([[10, 'eng'], [20, 'ops'], [40, 'hr']], { dept: 'INT', dname: 'STRING' }));
  return env;
}

/** The rows of a bounded query as `+I[...]` strings, changelog applied, sorted unless `ordered`. */
export async function rows(env: TableEnvironment, sql: string, ordered = false): Promise<string[]> {
  const out = (await env.sqlQuery(sql).execute().materialize()).map(String);
  return ordered ? out : out.sort();
}

/** The logical plan of a query, one node per line (explain's abstract syntax tree). */
export function plan(env: TableEnvironment, sql: string): string {
  return renderTree(env.sqlQuery(sql).plan);
}

/** The first node of `kind` in a plan, depth-first. */
export function findNode<K extends LogicalNode['kind']>(node: LogicalNode, kind: K): Extract<LogicalNode, { kind: K }> {
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.kind === kind) return n as Extract<LogicalNode, { kind: K }>;
    if (n.kind === 'join') stack.push(n.right, n.left);
    else if (n.kind === 'union') stack.push(...n.inputs);
    else if ('input' in n) stack.push(n.input);
  }
  throw new Error(`no ${kind} node in\n${renderTree(node)}`);
}

/** Asserts that `fn` throws a WeirError with this code at this line and column, and returns it. */
export function expectSqlError(fn: () => unknown, code: string, line: number, column: number, message?: RegExp): WeirError {
  let caught: unknown;
  try { fn(); } catch (e) { caught = e; }
  assert.ok(caught instanceof WeirError, `expected a WeirError, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.location.line, line, caught.message);
  assert.equal(caught.location.column, column, caught.message);
  if (message) assert.match(caught.message, message);
  return caught;
}

/** Same as {@link expectSqlError} for a promise. */
export async function expectSqlRejects(p: Promise<unknown>, code: string, line: number, column: number, message?: RegExp): Promise<WeirError> {
  try {
    await p;
  } catch (e) {
    return expectSqlError(() => { throw e; }, code, line, column, message);
  }
  assert.fail('expected the statement to fail');
}

/** The rows of a `rows` result. */
export function table(r: SqlResult): readonly (readonly unknown[])[] {
  assert.equal(r.kind, 'rows');
  return (r as Extract<SqlResult, { kind: 'rows' }>).rows;
}
