import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildManifest, type CheckpointManifest } from '../../src/checkpoint/manifest.ts';
import { planRestore, planTaskRestores } from '../../src/checkpoint/restore-plan.ts';
import type { AggregateCall } from '../../src/plan/aggregate-call.ts';
import type { JobGraph } from '../../src/plan/physical/job-graph.ts';
import type { GroupAggregateNode, PhysicalNode } from '../../src/plan/physical/physical-node.ts';
import { DataTypes } from '../../src/types/data-type.ts';

const COUNT: AggregateCall = { fn: 'COUNT', args: [], distinct: false, filter: null, type: DataTypes.BIGINT(), name: 'c' };
const SUM: AggregateCall = { fn: 'SUM', args: [1], distinct: false, filter: null, type: DataTypes.DOUBLE(), name: 's' };

interface AggOptions { name?: string; id?: string; uid?: string; aggregates?: AggregateCall[]; keyType?: 'BIGINT' | 'STRING' }

function aggregate(o: AggOptions = {}): GroupAggregateNode {
  const keyType = o.keyType === 'STRING' ? DataTypes.STRING() : DataTypes.BIGINT();
  return {
    kind: 'group-aggregate', id: o.id ?? 'n2', name: o.name ?? 'GroupAggregate(groupBy=[k])', outputSchema: [], ...(o.uid ? { uid: o.uid } : {}),
    inputSchema: [{ name: 'k', type: keyType }, { name: 'v', type: DataTypes.DOUBLE() }], groupKeys: [0], aggregates: o.aggregates ?? [COUNT, SUM], inputUpdates: false,
  };
}

function source(uid?: string, id = 'n1'): PhysicalNode {
  return { kind: 'source', id, name: 'Source(t)', outputSchema: [], connector: 'filesystem', options: {}, ...(uid ? { uid } : {}) };
}

function graph(parallelism: number, agg: GroupAggregateNode | null = aggregate(), src: PhysicalNode = source(), extra: PhysicalNode[] = []): JobGraph {
  return {
    bounded: true,
    vertices: [
      { id: 'v0', name: 'src', parallelism, chain: [src] },
      ...(agg ? [{ id: 'v1', name: 'agg', parallelism, chain: [agg, ...extra] }] : []),
    ],
    edges: agg ? [{ source: 'v0', target: 'v1', targetInput: 0, partitioning: { kind: 'hash', keys: [0], maxParallelism: 128 } }] : [],
  };
}

/** A checkpoint of `g` at parallelism 2: positions of both sources, keyed state and timers of both aggregates. */
function checkpointOf(g: JobGraph): { dir: string; manifest: CheckpointManifest } {
  const [src, agg] = [g.vertices[0].chain[0].id, g.vertices[1].chain[0].id];
  return {
    dir: '/ck/chk-3',
    manifest: buildManifest({
      checkpointId: 3, jobId: 'j', jobName: 'j', graph: g, maxParallelism: 128, final: false, triggeredAt: 0, completedAt: 1,
      acks: [0, 1].flatMap((s) => [
        { checkpointId: 3, taskId: `v0[${s}]`, vertexId: 'v0', subtaskIndex: s, alignmentMs: 0, syncMs: 0, asyncMs: 0, bytes: 0, operators: [{ operatorId: src, sourcePosition: { at: s } }] },
        {
          checkpointId: 3, taskId: `v1[${s}]`, vertexId: 'v1', subtaskIndex: s, alignmentMs: 0, syncMs: 0, asyncMs: 0, bytes: 10,
          operators: [{
            operatorId: agg,
            keyedState: { file: `op-${agg}-${s}.keyed`, bytes: 10, keyGroupRange: s === 0 ? { start: 0, end: 63 } : { start: 64, end: 127 } },
            timers: { file: `op-${agg}-${s}.timers`, bytes: 1 },
            operatorState: { file: `op-${agg}-${s}.opstate`, bytes: 1 },
          }],
        },
      ]),
    }),
  };
}

/** Written before operator uids: nodes without uid, so the manifest has `uid: null` and matching is by id and signature. */
const checkpoint = checkpointOf(graph(2));
/** Written with uids. */
const withUids = checkpointOf(graph(2, aggregate({ uid: 'agg-uid' }), source('src-uid')));

describe('restore plan', () => {
  it('gives each subtask the state files of the key groups it owns, at the same parallelism', () => {
    const plan = planTaskRestores(checkpoint, graph(2), 128, false);
    const opState = ['/ck/chk-3/op-n2-0.opstate', '/ck/chk-3/op-n2-1.opstate'];
    assert.deepEqual(plan.get('v1[0]')!.operators, { n2: { keyedState: ['/ck/chk-3/op-n2-0.keyed'], timers: ['/ck/chk-3/op-n2-0.timers'], operatorState: opState } });
    assert.deepEqual(plan.get('v1[1]')!.operators, { n2: { keyedState: ['/ck/chk-3/op-n2-1.keyed'], timers: ['/ck/chk-3/op-n2-1.timers'], operatorState: opState } });
    assert.deepEqual(plan.get('v0[1]')!.sourcePositions, [{ at: 0 }, { at: 1 }]);
    assert.equal(plan.get('v0[1]')!.checkpointId, 3);
  });

  it('rescales through key groups: at parallelism 1 one subtask reads both files, at 4 each reads the one it overlaps', () => {
    const one = planTaskRestores(checkpoint, graph(1), 128, false);
    assert.deepEqual(one.get('v1[0]')!.operators.n2.keyedState, ['/ck/chk-3/op-n2-0.keyed', '/ck/chk-3/op-n2-1.keyed']);
    const four = planTaskRestores(checkpoint, graph(4), 128, false);
    assert.deepEqual([0, 1, 2, 3].map((s) => four.get(`v1[${s}]`)!.operators.n2.keyedState), [
      ['/ck/chk-3/op-n2-0.keyed'], ['/ck/chk-3/op-n2-0.keyed'], ['/ck/chk-3/op-n2-1.keyed'], ['/ck/chk-3/op-n2-1.keyed'],
    ]);
    assert.deepEqual(four.get('v0[3]')!.sourcePositions, [{ at: 0 }, { at: 1 }]);
    // Operator state is not keyed: every new subtask gets every old subtask's.
    assert.deepEqual(four.get('v1[3]')!.operators.n2.operatorState, ['/ck/chk-3/op-n2-0.opstate', '/ck/chk-3/op-n2-1.opstate']);
  });

  it('records uids and state schemas in the manifest', () => {
    const agg = withUids.manifest.operators.find((o) => o.kind === 'group-aggregate')!;
    assert.equal(agg.uid, 'agg-uid');
    assert.deepEqual(agg.stateSchema, ['key: (BIGINT)', 'acc: (COUNT(*), SUM(DOUBLE))']);
    assert.deepEqual(withUids.manifest.operators.find((o) => o.kind === 'source')!.stateSchema, ['position: (filesystem)']);
  });

  it('matches operators by uid when their plan node ids and names changed', () => {
    const moved = graph(2, aggregate({ uid: 'agg-uid', id: 'n7', name: 'GroupAggregate(groupBy=[key])' }), source('src-uid', 'n5'));
    const plan = planRestore(withUids, moved, 128, false);
    assert.deepEqual(plan.tasks.get('v1[0]')!.operators.n7.keyedState, ['/ck/chk-3/op-n2-0.keyed']);
    assert.deepEqual(plan.tasks.get('v0[0]')!.sourcePositions, [{ at: 0 }, { at: 1 }]);
    assert.deepEqual(plan.startedEmpty, []);
  });

  it('fails when state belongs to no operator of the job, listing every such operator, unless unclaimed state may be dropped', () => {
    const other = graph(2, aggregate({ uid: 'other-uid' }), source('other-src'));
    assert.throws(() => planTaskRestores(withUids, other, 128, false), (e: { code?: string; message: string }) =>
      e.code === 'RESTORE_FAILED' && /holds state of 2 operators that no operator of this job claims/.test(e.message)
      && /- Source\(t\) \(uid 'src-uid', source\)/.test(e.message) && /- GroupAggregate\(groupBy=\[k\]\) \(uid 'agg-uid', group-aggregate\)/.test(e.message)
      && /execution.savepoint.ignore-unclaimed-state/.test(e.message) && /--allow-non-restored-state/.test(e.message));
    const plan = planRestore(withUids, other, 128, true);
    assert.equal(plan.tasks.size, 0);
    assert.deepEqual(plan.startedEmpty.map((o) => o.uid), ['other-src', 'other-uid']);
    // A checkpoint written before uids is matched by id and signature, also by a job whose operators have uids.
    const uids = planTaskRestores(checkpoint, graph(2, aggregate({ uid: 'agg-uid' }), source('src-uid')), 128, false);
    assert.deepEqual(uids.get('v1[1]')!.operators.n2.keyedState, ['/ck/chk-3/op-n2-1.keyed']);
    // Without uids (an old checkpoint), a changed name is another operator.
    assert.throws(() => planTaskRestores(checkpoint, graph(2, aggregate({ name: 'GroupAggregate(groupBy=[other])' })), 128, false),
      /state of 1 operator that no operator of this job claims\n {2}- GroupAggregate\(groupBy=\[k\]\) \(id n2, group-aggregate\)/);
  });

  it('fails when the state under a uid no longer fits its operator, naming it and the difference, even when unclaimed state may be dropped', () => {
    const changed = graph(2, aggregate({ uid: 'agg-uid', aggregates: [COUNT], name: 'GroupAggregate(groupBy=[k], select=[COUNT(*)])' }), source('src-uid'));
    for (const ignoreUnclaimed of [false, true]) {
      assert.throws(() => planRestore(withUids, changed, 128, ignoreUnclaimed), (e: { code?: string; message: string }) =>
        e.code === 'RESTORE_FAILED'
        && e.message.includes("operator GroupAggregate(groupBy=[k]) (uid 'agg-uid', group-aggregate), now GroupAggregate(groupBy=[k], select=[COUNT(*)]): state [acc: (COUNT(*), SUM(DOUBLE))] in the checkpoint vs [acc: (COUNT(*))] now")
        && /new uid/.test(e.message) && /does not skip state that an operator claims/.test(e.message));
    }
    const rekeyed = graph(2, aggregate({ uid: 'agg-uid', keyType: 'STRING' }), source('src-uid'));
    assert.throws(() => planRestore(withUids, rekeyed, 128, false), /state \[key: \(BIGINT\)\] in the checkpoint vs \[key: \(STRING\)\] now/);
    const otherKind: PhysicalNode = { kind: 'distinct', id: 'n2', name: 'Distinct(k)', outputSchema: [], uid: 'agg-uid' };
    assert.throws(() => planRestore(withUids, { ...graph(2), vertices: [graph(2).vertices[0], { id: 'v1', name: 'd', parallelism: 2, chain: [otherKind] }] }, 128, false),
      /the uid was given to a group-aggregate operator, it is now a distinct operator/);
  });

  it('reports the operators that keep state but found none: they start empty', () => {
    const limit: PhysicalNode = { kind: 'limit', id: 'n9', name: 'Limit(offset=0, fetch=5)', outputSchema: [], offset: 0, fetch: 5, uid: 'limit-uid' };
    const calc: PhysicalNode = { kind: 'calc', id: 'n8', name: 'Calc(select=[k])', outputSchema: [], inputSchema: [], condition: null, projections: [], uid: 'calc-uid' };
    const plan = planRestore(withUids, graph(2, aggregate({ uid: 'agg-uid' }), source('src-uid'), [calc, limit]), 128, false);
    assert.deepEqual(plan.startedEmpty, [{ uid: 'limit-uid', name: 'Limit(offset=0, fetch=5)', kind: 'limit' }]);
  });

  it('fails when the number of key groups changed', () => {
    assert.throws(() => planTaskRestores(checkpoint, graph(2), 256, false), /max-parallelism 128, but the job has 256/);
  });
});
