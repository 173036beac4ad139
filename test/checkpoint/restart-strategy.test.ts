import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RestartDecision } from '../../src/checkpoint/job-checkpointing.ts';
import { restartStrategyFrom } from '../../src/checkpoint/restart-strategy.ts';
import { Configuration } from '../../src/config/configuration.ts';
import { describeRestart } from '../../src/exec/job/restart-message.ts';
import { TableEnvironment, type JobClient } from '../../src/index.ts';
import { FIXTURES } from '../e2e/helpers.ts';
import { waitFor } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');

const strategy = (config: Record<string, string>, random = () => 0.5) => restartStrategyFrom(new Configuration(config), random);

describe('restart strategies', () => {
  it('none by default without checkpointing: the first failure fails the job', () => {
    const s = strategy({});
    assert.equal(s.kind, 'none');
    assert.equal(s.onFailure(0), null);
  });

  it("exponential-delay by default with checkpointing on, with Flink's defaults (1 s, ×1.5, up to 1 min, unlimited)", () => {
    const s = strategy({ 'execution.checkpointing.interval': '1 s', 'restart-strategy.exponential-delay.jitter-factor': '0' });
    assert.equal(s.kind, 'exponential-delay');
    const delays = Array.from({ length: 12 }, (_, i) => s.onFailure(i));
    assert.deepEqual(delays.slice(0, 4), [1000, 1500, 2250, 3375]);
    assert.equal(delays.at(-1), 60_000);
    for (let i = 0; i < 1000; i++) assert.equal(s.onFailure(100 + i), 60_000, 'restarts forever');
    assert.equal(s.describe(), 'exponential-delay (1000 ms to 60000 ms, ×1.5, unlimited attempts)');
    // The default jitter is ±10 %.
    const jittered = strategy({ 'execution.checkpointing.interval': '1 s' }, () => 0);
    assert.equal(jittered.onFailure(0), 900);
  });

  it('an explicit restart-strategy.type wins over the default, with or without checkpointing', () => {
    assert.equal(strategy({ 'execution.checkpointing.interval': '1 s', 'restart-strategy.type': 'none' }).onFailure(0), null);
    assert.equal(strategy({ 'restart-strategy.type': 'fixed-delay' }).onFailure(0), 1000);
  });

  it('fixed-delay restarts a fixed number of times after a fixed delay', () => {
    const s = strategy({ 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': '2', 'restart-strategy.fixed-delay.delay': '2 s' });
    assert.deepEqual([s.onFailure(0), s.onFailure(10), s.onFailure(20)], [2000, 2000, null]);
    assert.equal(s.describe(), 'fixed-delay (2 attempts, 2000 ms)');
  });

  it('failure-rate fails the job when too many failures fall within the interval', () => {
    const s = strategy({
      'restart-strategy.type': 'failure-rate',
      'restart-strategy.failure-rate.max-failures-per-interval': '2',
      'restart-strategy.failure-rate.failure-rate-interval': '1 min',
      'restart-strategy.failure-rate.delay': '100 ms',
    });
    assert.deepEqual([s.onFailure(0), s.onFailure(30_000), s.onFailure(70_000), s.onFailure(80_000)], [100, 100, 100, null]);
  });

  it('exponential-delay grows the backoff up to the maximum and resets after a quiet spell', () => {
    const s = strategy({
      'restart-strategy.type': 'exponential-delay',
      'restart-strategy.exponential-delay.initial-backoff': '100 ms',
      'restart-strategy.exponential-delay.max-backoff': '1 s',
      'restart-strategy.exponential-delay.backoff-multiplier': '3',
      'restart-strategy.exponential-delay.reset-backoff-threshold': '1 min',
      'restart-strategy.exponential-delay.jitter-factor': '0',
    });
    assert.deepEqual([s.onFailure(0), s.onFailure(1), s.onFailure(2), s.onFailure(3)], [100, 300, 900, 1000]);
    assert.equal(s.onFailure(3 + 60_000), 100);
  });

  it('exponential-delay applies jitter and gives up after its attempts', () => {
    const s = strategy({
      'restart-strategy.type': 'exponential-delay',
      'restart-strategy.exponential-delay.initial-backoff': '1 s',
      'restart-strategy.exponential-delay.jitter-factor': '0.1',
      'restart-strategy.exponential-delay.attempts-before-reset-backoff': '1',
    }, () => 1);
    assert.equal(s.onFailure(0), 1100); // 1 s + 10% jitter (random() = 1)
    assert.equal(s.onFailure(1), null);
  });

  it('rejects an unknown strategy with the accepted names', () => {
    assert.throws(() => strategy({ 'restart-strategy.type': 'sometimes' }), /'restart-strategy.type' = 'sometimes' is not one of: none, fixed-delay, exponential-delay, failure-rate/);
  });
});

/** A job whose TS aggregate function throws on every row (13): a deterministic failure, on every attempt. */
async function alwaysFailing(config: Record<string, string>): Promise<JobClient> {
  const env = TableEnvironment.create({ baseDir: FIXTURES, config });
  for (const statement of ALWAYS_FAILING) {
    const result = await env.executeSql(statement);
    if (result.kind === 'insert') return result.job;
  }
  throw new Error('no INSERT');
}

const ALWAYS_FAILING = [
  "CREATE FUNCTION fail13 AS 'ts-udfs/aggregates.ts:tsFailOn13' LANGUAGE TYPESCRIPT",
  "CREATE TABLE src (v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '100', 'fields.v.min' = '13', 'fields.v.max' = '13')",
  "CREATE TABLE sink (s BIGINT) WITH ('connector' = 'blackhole')",
  'INSERT INTO sink SELECT fail13(v) FROM src',
];

describe('restarts of a failing job', () => {
  it('reports each restart (cause, number, delay) and a cancel during the wait before a restart ends the job at once', async () => {
    const job = await alwaysFailing({
      'execution.checkpointing.interval': '100 ms', 'ts.worker.pool-size': '1',
      'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': '5', 'restart-strategy.fixed-delay.delay': '10 min',
    });
    // Cancelled as soon as the restart is decided, while the failed tasks are still closing: the job must not then
    // wait out the 10 minutes before the restart.
    const decision = await new Promise<RestartDecision>((resolve) => job.onRestart((d) => { resolve(d); void job.cancel(); }));
    assert.equal((await job.done()).status, 'CANCELED');
    assert.equal(decision.restart, 1);
    assert.equal(decision.delayMs, 600_000);
    assert.equal(decision.cause.code, 'UDF_ERROR');
    assert.match(describeRestart(decision), /^failed \(UDF_ERROR: .*unlucky value 13.*\); restart 1 in 600\.0 s from (the start|chk-\d+) \(restart-strategy fixed-delay \(5 attempts, 600000 ms\)\)$/);
    const metrics = (await job.metrics()).checkpoints!;
    assert.equal(metrics.restarts, 1);
    assert.match(metrics.lastRestartCause ?? '', /^UDF_ERROR: .*unlucky value 13/);
  });

  it('weir sql: with only checkpointing set, a deterministic failure restarts again and again (said on stderr) until Ctrl-C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-restart-forever-'));
    try {
      const file = join(dir, 'fail.sql');
      writeFileSync(file, ALWAYS_FAILING.map((s) => `${s.replace("'ts-udfs/", `'${FIXTURES}/ts-udfs/`)};\n`).join(''));
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'weir.mjs'), 'sql', file, '-D', 'execution.checkpointing.interval=100 ms', '-D', 'ts.worker.pool-size=1'], { cwd: ROOT });
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += d; });
      child.stdout.resume();
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
      await waitFor(() => /restart 2 in/.test(stderr), 120_000);
      child.kill('SIGINT');
      const { signal } = await exited;
      assert.equal(signal, 'SIGINT', stderr);
      assert.match(stderr, /\[WARN\] Job failed \(UDF_ERROR: [^\n]*unlucky value 13[^\n]*\); restart 1 in (0\.9|1\.[01]) s from [^\n]*restart-strategy exponential-delay \(1000 ms to 60000 ms, ×1\.5, unlimited attempts\)/);
      assert.match(stderr, /restart 2 in 1\.\d s[^\n]*\n {2}the same failure 2 times in a row: it may be deterministic/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
