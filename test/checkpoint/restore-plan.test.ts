import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildManifest } from '../../src/checkpoint/manifest.ts';
import { planTaskRestores } from '../../src/checkpoint/restore-plan.ts';
import type { JobGraph } from '../../src/plan/physical/job-graph.ts';

function graph(parallelism: number, aggName = 'GroupAggregate(groupBy=[k])'): JobGraph {
  return {
    bounded: true,
    vertices: [
      { id: 'v0', name: 'src', parallelism, chain: [{ kind: 'source', id: 'n1', name: 'Source(t)', outputSchema: [], connector: 'filesystem', options: {} }] },
      { id: 'v1', name: 'agg', parallelism, chain: [{ kind: 'group-aggregate', id: 'n2', name: aggName, outputSchema: [] } as never] },
    ],
    edges: [{ source: 'v0', target: 'v1', targetInput: 0, partitioning: { kind: 'hash', keys: [0], maxParallelism: 128 } }],
  };
}

/** A checkpoint of the job at parallelism 2: positions of both sources, keyed state and timers of both aggregates. */
const checkpoint = {
  dir: '/ck/chk-3',
  manifest: buildManifest({
    checkpointId: 3, jobId: 'j', jobName: 'j', graph: graph(2), maxParallelism: 128, final: false, triggeredAt: 0, completedAt: 1,
    acks: [0, 1].flatMap((s) => [
      { checkpointId: 3, taskId: `v0[${s}]`, vertexId: 'v0', subtaskIndex: s, alignmentMs: 0, syncMs: 0, asyncMs: 0, bytes: 0, operators: [{ operatorId: 'n1', sourcePosition: { at: s } }] },
      {
        checkpointId: 3, taskId: `v1[${s}]`, vertexId: 'v1', subtaskIndex: s, alignmentMs: 0, syncMs: 0, asyncMs: 0, bytes: 10,
        operators: [{
          operatorId: 'n2',
          keyedState: { file: `op-n2-${s}.keyed`, bytes: 10, keyGroupRange: s === 0 ? { start: 0, end: 63 } : { start: 64, end: 127 } },
          timers: { file: `op-n2-${s}.timers`, bytes: 1 },
          operatorState: { file: `op-n2-${s}.opstate`, bytes: 1 },
        }],
      },
    ]),
  }),
};

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

  it('fails when state belongs to no operator of the job, unless unclaimed state may be dropped', () => {
    assert.throws(() => planTaskRestores(checkpoint, graph(2, 'GroupAggregate(groupBy=[other])'), 128, false), (e: { code?: string; message: string }) =>
      e.code === 'RESTORE_FAILED' && /state of operator GroupAggregate\(groupBy=\[k\]\) \(id n2\) that no operator of this job claims/.test(e.message)
      && /execution.savepoint.ignore-unclaimed-state/.test(e.message));
    const plan = planTaskRestores(checkpoint, graph(2, 'GroupAggregate(groupBy=[other])'), 128, true);
    assert.equal(plan.get('v1[0]'), undefined);
    assert.deepEqual(plan.get('v0[0]')!.sourcePositions, [{ at: 0 }, { at: 1 }]);
  });

  it('fails when the number of key groups changed', () => {
    assert.throws(() => planTaskRestores(checkpoint, graph(2), 256, false), /max-parallelism 128, but the job has 256/);
  });
});
