import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TableEnvironment, type JobResult } from '../../src/index.ts';
import { FIXTURES } from '../e2e/helpers.ts';
import { committedRows, failOnceDir, rawAndUniqJob, recoverOnceConfig, submitStatements } from './helpers.ts';

const ROWS = 8_000;
type Language = 'python' | 'typescript';

/**
 * A UDF worker dies after a checkpoint with output completed — a Python worker process (SIGKILL, by its own hand) or
 * a TypeScript worker thread (it exits): the job restarts from that checkpoint with new workers, and the committed
 * output equals a fault-free run's exactly.
 */
describe('recovery after a UDF worker crash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-worker-crash-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  /** The fault-free output, from the same pipeline without the (identity) UDF. */
  let expected: { raw: string[]; uniq: string[] };
  before(async () => {
    const reference = await run(join(dir, 'reference'), 'reference', 'python');
    assert.equal(reference.status, 'FINISHED');
    expected = { raw: committedRows(join(dir, 'reference', 'raw')), uniq: committedRows(join(dir, 'reference', 'uniq')) };
    assert.equal(expected.raw.length, ROWS);
  });

  for (const language of ['python', 'typescript'] as const) {
    it(`a ${language} worker crash: restarts from the latest checkpoint with exactly the fault-free output`, async () => {
      await crashAndCompare(language);
    });
  }

  async function crashAndCompare(language: Language): Promise<void> {
    const work = join(dir, language, 'crash');
    const result = await run(work, 'crash', language);
    assert.equal(result.status, 'FINISHED');
    assert.ok(existsSync(join(work, 'udf', 'fired')), 'the worker crashed');
    const cp = result.metrics.checkpoints!;
    assert.equal(cp.restarts, 1);
    assert.match(cp.lastRestartCause ?? '', /^UDF_WORKER_CRASHED/);
    assert.ok(cp.lastRestore !== null);
    assert.deepEqual({ raw: committedRows(join(work, 'raw')), uniq: committedRows(join(work, 'uniq')) }, expected);
  }

  /** `reference`: the pipeline without the UDF; `crash`: with it, armed, checkpointing and one restart. */
  async function run(work: string, mode: 'reference' | 'crash', language: Language): Promise<JobResult> {
    const udf = failOnceDir(work, mode === 'crash');
    const env = TableEnvironment.create({
      baseDir: FIXTURES,
      config: {
        'parallelism.default': '2', 'table.exec.batch-size': '200', 'taskmanager.network.buffers-per-channel': '2',
        'python.worker.pool-size': '1', 'python.fn-execution.bundle.time': '20 ms', 'python.fn-execution.arrow.batch.size': '200',
        'python.fn-execution.max-in-flight': '1', 'ts.worker.pool-size': '1', 'ts.fn-execution.max-in-flight': '1',
        ...(mode === 'crash' ? recoverOnceConfig(udf) : {}),
      },
    });
    if (mode === 'crash' && language === 'python') await env.createPythonFunction('crash_once', 'udfs/crash_once.py:crash_once');
    if (mode === 'crash' && language === 'typescript') await env.createTypeScriptFunction('crash_once', 'ts-udfs/fail-once.ts', 'crashOnce');
    const key = mode === 'reference' ? 'k' : `crash_once(k, '${udf}')`;
    const job = await submitStatements(env, rawAndUniqJob({ out: work, rows: ROWS, seed: 11, kMax: 100_000, key, groups: 2000 }));
    return job.done();
  }
});
