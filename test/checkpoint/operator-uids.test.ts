import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { col, TableEnvironment, type Table } from '../../src/index.ts';
import { optimize } from '../../src/plan/optimizer/optimize.ts';
import type { PhysicalNode } from '../../src/plan/physical/physical-node.ts';
import { planJob } from '../../src/plan/physical/physical-planner.ts';
import { operatorStateSchema } from '../../src/checkpoint/state-schema.ts';

/**
 * Operator uids (src/plan/physical/operator-uids.ts): generated ones are stable when the query is planned again and
 * do not shift when an unrelated part of it changes; user ones (Table API `uid()`, SQL `/*+ UID('…') *\/`) go to
 * the operator a user means and must be unique. End-to-end restores: operator-uids-restore.test.ts.
 */
describe('operator uids', () => {
  let env: TableEnvironment;
  before(async () => {
    env = TableEnvironment.create();
    await env.executeSql("CREATE TABLE src (k BIGINT, v DOUBLE, s STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '10')");
    await env.executeSql("CREATE TABLE other (k BIGINT, v DOUBLE, s STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '10')");
    await env.executeSql("CREATE TABLE out (k BIGINT, c BIGINT, t DOUBLE) WITH ('connector' = 'blackhole')");
    await env.executeSql("CREATE TABLE out2 (k BIGINT, c BIGINT) WITH ('connector' = 'blackhole')");
    await env.executeSql("CREATE TABLE pairs (a BIGINT, b BIGINT) WITH ('connector' = 'blackhole')");
    await env.executeSql("CREATE TABLE top2 (k BIGINT, v DOUBLE) WITH ('connector' = 'blackhole')");
  });

  /** The physical nodes of a job of the given INSERTs (query, sink table) or table plans, in planning order. */
  function plan(inserts: readonly (readonly [string | Table, string])[]): PhysicalNode[] {
    const roots = inserts.map(([q, target]) => optimize(env.insertPlan(typeof q === 'string' ? env.sqlQuery(q) : q, target)));
    return planJob(roots, env.getConfig(), { kind: 'sink-in-plan' }).vertices.flatMap((v) => v.chain);
  }
  const uidOf = (nodes: readonly PhysicalNode[], kind: PhysicalNode['kind'], nth = 0): string => nodes.filter((n) => n.kind === kind)[nth].uid!;
  /** Uids of the operators that keep state, by kind. */
  const stateful = (nodes: readonly PhysicalNode[]): string[] => nodes.filter((n) => operatorStateSchema(n) !== null || n.kind === 'sink').map((n) => `${n.kind} ${n.uid}`);

  const GROUP_BY = 'SELECT k, COUNT(*), SUM(v) FROM src GROUP BY k';

  it('gives every operator a uid, the same when the query is planned again', () => {
    const first = plan([[GROUP_BY, 'out']]);
    const again = plan([[GROUP_BY, 'out']]);
    assert.ok(first.every((n) => typeof n.uid === 'string' && n.uid.startsWith(`${n.kind}-`)), JSON.stringify(first.map((n) => n.uid)));
    assert.equal(new Set(first.map((n) => n.uid)).size, first.length);
    assert.deepEqual(again.map((n) => n.uid), first.map((n) => n.uid));
  });

  it('keeps the uids of the source, the aggregation and the sink when a filter or projection is added upstream or downstream', () => {
    const before = stateful(plan([[GROUP_BY, 'out']]));
    assert.deepEqual(stateful(plan([["SELECT k, COUNT(*), SUM(v) FROM src WHERE v > 0 AND s <> 'x' GROUP BY k", 'out']])), before);
    assert.deepEqual(stateful(plan([['SELECT k, COUNT(*), SUM(v * 2) FROM (SELECT k + 1 AS k, v FROM src) GROUP BY k', 'out']])), before);
    assert.deepEqual(stateful(plan([[`SELECT * FROM (${GROUP_BY}) AS t (k, c, t) WHERE c > 1`, 'out']])), before);
  });

  it('keeps the uids of an INSERT when another INSERT is added to the statement set, before or after it', () => {
    const alone = stateful(plan([[GROUP_BY, 'out']]));
    const second = 'SELECT k, COUNT(*) FROM src GROUP BY k';
    const after = plan([[GROUP_BY, 'out'], [second, 'out2']]);
    const first = plan([[second, 'out2'], [GROUP_BY, 'out']]);
    assert.deepEqual(stateful(after).slice(0, alone.length), alone);
    assert.deepEqual(stateful(first).slice(-alone.length), alone);
    assert.equal(new Set(after.map((n) => n.uid)).size, after.length, 'the two pipelines have different uids');
  });

  it('tells apart operators of the same kind over the same table, and follows structural changes upstream', () => {
    const self = plan([['SELECT a.k, b.k FROM src AS a JOIN src AS b ON a.k = b.k', 'pairs']]);
    assert.notEqual(uidOf(self, 'source', 0), uidOf(self, 'source', 1));
    const union = plan([['SELECT k, COUNT(*), SUM(v) FROM src GROUP BY k UNION ALL SELECT k, COUNT(*), MAX(v) FROM src GROUP BY k', 'out']]);
    assert.notEqual(uidOf(union, 'group-aggregate', 0), uidOf(union, 'group-aggregate', 1));
    const base = uidOf(plan([[GROUP_BY, 'out']]), 'group-aggregate');
    const otherTable = uidOf(plan([['SELECT k, COUNT(*), SUM(v) FROM other GROUP BY k', 'out']]), 'group-aggregate');
    assert.notEqual(otherTable, base, 'an aggregation of another table is another operator');
    // The aggregate list is not part of the uid: a changed one is caught by the restore's state check instead.
    assert.equal(uidOf(plan([['SELECT k, COUNT(*), MAX(v) FROM src GROUP BY k', 'out']]), 'group-aggregate'), base);
  });

  it('gives a Table API uid to the operator producing the table, looking through projections and filters', () => {
    const counts = env.from('src').filter(col('v').isNotNull()).groupBy('k').select(col('k'), col('k').count().as('c'), col('v').sum().as('t')).uid('counts');
    const nodes = plan([[counts, 'out']]);
    assert.equal(uidOf(nodes, 'group-aggregate'), 'counts');
    // A structural change upstream (another source table) keeps a user uid.
    const moved = env.from('other').groupBy('k').select(col('k'), col('k').count().as('c'), col('v').sum().as('t')).uid('counts');
    assert.equal(uidOf(plan([[moved, 'out']]), 'group-aggregate'), 'counts');
    // On a plain scan the uid names the source.
    assert.equal(uidOf(plan([[env.from('src').select(col('k'), col('k').as('c'), col('v')).uid('raw'), 'out']]), 'source'), 'raw');
  });

  it("gives a SQL /*+ UID('…') */ hint after SELECT to the operator the SELECT produces, and ignores other hints", () => {
    const hinted = plan([["SELECT /*+ UID('counts') */ k, COUNT(*), SUM(v) FROM src WHERE v > 0 GROUP BY k HAVING COUNT(*) > 1", 'out']]);
    assert.equal(uidOf(hinted, 'group-aggregate'), 'counts');
    const both = plan([["SELECT /*+ STATE_TTL('src' = '1d'), UID('counts') */ k, COUNT(*), SUM(v) FROM src GROUP BY k", 'out']]);
    assert.equal(uidOf(both, 'group-aggregate'), 'counts');
    const join = plan([["SELECT /*+ UID('pairs') */ a.k, b.k FROM src AS a JOIN other AS b ON a.k = b.k", 'pairs']]);
    assert.equal(uidOf(join, 'join'), 'pairs');
    const topN = plan([["SELECT /*+ UID('top') */ k, v FROM (SELECT k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM src) WHERE rn <= 2", 'top2']]);
    assert.equal(uidOf(topN, 'rank'), 'top');
    // A plain comment is not a hint.
    assert.notEqual(uidOf(plan([["SELECT /* UID('counts') */ k, COUNT(*), SUM(v) FROM src GROUP BY k", 'out']]), 'group-aggregate'), 'counts');
  });

  it('rejects a malformed UID hint with the position in the statement', () => {
    assert.throws(() => env.sqlQuery('SELECT /*+ UID(counts) */ k FROM src'), (e: { code?: string; message: string }) =>
      e.code === 'PLAN_INVALID' && /Expected the operator uid, a string literal .* but found 'counts' \(line 1, column 16\)/.test(e.message));
    assert.throws(() => env.sqlQuery("SELECT /*+ UID('a' */ k FROM src"), /Expected '\)' to close the UID hint/);
    assert.throws(() => env.sqlQuery("SELECT\n  /*+ UID('a'), UID('b') */ k FROM src"), /A SELECT takes one UID hint[\s\S]*line 2/);
  });

  it('fails at plan time when a uid is given to two operators, naming both', () => {
    const a = env.from('src').groupBy('k').select(col('k'), col('k').count().as('c'), col('v').sum().as('t')).uid('agg');
    const b = env.from('src').groupBy('k').select(col('k'), col('k').count().as('c')).uid('agg');
    assert.throws(() => plan([[a, 'out'], [b, 'out2']]), (e: { code?: string; message: string }) =>
      e.code === 'PLAN_INVALID' && /Operator uid 'agg' is given to two operators of the job: GroupAggregate\(.*\) and GroupAggregate\(/.test(e.message));
    assert.throws(() => env.from('src').uid('  '), (e: { code?: string }) => e.code === 'PLAN_INVALID');
  });
});
