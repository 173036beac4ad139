import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Configuration } from '../../../src/config/configuration.ts';
import { prestartPythonWorkers } from '../../../src/exec/task/python-prestart.ts';
import type { JobSettings, TaskSpec } from '../../../src/exec/task/task-spec.ts';
import { poolOptionsFrom } from '../../../src/udf/python/worker-pool.ts';
import { discardWarmPools, takeWarmPool } from '../../../src/udf/python/warm-pools.ts';

// An interpreter that cannot start: the warm pool's start fails at once, so no Python process runs in this test.
const job: JobSettings = { jobId: 'j', jobName: 'prestart', baseDir: '/tmp', config: { 'python.executable': '/nonexistent/python', 'python.worker.pool-size': '1' } };
const options = poolOptionsFrom(new Configuration(job.config), job.baseDir, 1);

function task(chain: readonly Record<string, unknown>[]): TaskSpec {
  return { taskId: 't', subtaskIndex: 0, inputs: [], outputs: [], vertex: { parallelism: 1, chain } } as unknown as TaskSpec;
}

async function warmPools(): Promise<number> {
  let n = 0;
  for (let pool = takeWarmPool(options); pool; pool = takeWarmPool(options)) {
    n++;
    await pool.catch(() => undefined);
  }
  return n;
}

test('a warm pool is started for an aggregation with a Python UDAF, as for a Python UDF call', async () => {
  prestartPythonWorkers([task([
    { kind: 'window-aggregate', aggregates: [{ fn: 'COUNT' }, { fn: 'mean_udaf', udf: { language: 'python' } }] },
    { kind: 'udf-call', program: { language: 'python' } },
  ])], job);
  assert.equal(await warmPools(), 2);
  await discardWarmPools();
});

test('no warm pool for aggregations without Python UDAFs or with TypeScript ones', async () => {
  prestartPythonWorkers([task([
    { kind: 'group-aggregate', aggregates: [{ fn: 'SUM' }] },
    { kind: 'over-aggregate', aggregates: [{ fn: 'wavg', udf: { language: 'typescript' } }] },
    { kind: 'udf-call', program: { language: 'typescript' } },
    { kind: 'calc' },
  ])], job);
  assert.equal(await warmPools(), 0);
  await discardWarmPools();
});
