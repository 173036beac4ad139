import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TableEnvironment, type JobResult } from '../../src/index.ts';
import { FIXTURES } from '../e2e/helpers.ts';
import { committedRows, failOnceDir, recoverOnceConfig } from './helpers.ts';

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
    await env.executeSql(`CREATE TABLE src (k BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${ROWS}',
      'rows-per-second' = '1e12', 'seed' = '11', 'fields.k.min' = '0', 'fields.k.max' = '100000')`);
    await env.executeSql(`CREATE TABLE raw (k BIGINT, v BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(work, 'raw')}', 'format' = 'csv')`);
    await env.executeSql(`CREATE TABLE uniq (g BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(work, 'uniq')}', 'format' = 'csv')`);
    const result = await env.executeSql(`EXECUTE STATEMENT SET BEGIN
      INSERT INTO raw SELECT ${key}, v FROM src;
      INSERT INTO uniq SELECT g FROM (SELECT ${key} % 2000 AS g FROM src) GROUP BY g;
    END`);
    assert.equal(result.kind, 'insert');
    return (result as { job: { done(): Promise<JobResult> } }).job.done();
  }
});
