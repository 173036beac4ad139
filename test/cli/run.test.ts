import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '..', '..');

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'weir.mjs'), ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

describe('weir run', () => {
  it('prints the per-UDF metrics table at the end of a bounded job', async () => {
    const job = join(root, 'test', '.cli-metrics-job.ts');
    writeFileSync(job, `
      import { TableEnvironment, TableDescriptor, col, call } from 'weir';
      const env = TableEnvironment.create({ baseDir: ${JSON.stringify(join(root, 'test', 'fixtures'))}, config: { 'python.worker.pool-size': 1 } });
      await env.createPythonFunction('counting', 'udfs/arith.py:counting');
      const src = TableDescriptor.forConnector('datagen').schema({ x: 'BIGINT' }).option('number-of-rows', 5000).option('rows-per-second', 1e9).build();
      await env.from(src).select(call('counting', col('x'))).executeInsert(TableDescriptor.forConnector('blackhole').schema({ y: 'BIGINT' }).build()).done();
    `);
    try {
      const { code, stderr } = await runCli(['run', job]);
      assert.equal(code, 0, stderr);
      assert.match(stderr, /FINISHED in [\d.]+ s/);
      assert.match(stderr, /UDF\s+rows in\s+rows out\s+batches\s+MB sent\s+MB recv\s+errors\s+user ms\s+serde ms\s+transport ms\s+p50 ms\s+p99 ms\s+max ms/);
      assert.match(stderr, /counting\s+5,000\s+5,000\s/);
      assert.match(stderr, /counting user metrics: stats\.calls=5000/);
    } finally {
      rmSync(job, { force: true });
    }
  });

  it('fails with the error code and a non-zero exit when the job fails', async () => {
    const job = join(root, 'test', '.cli-failing-job.ts');
    writeFileSync(job, `
      import { TableEnvironment, col } from 'weir';
      const env = TableEnvironment.create();
      await env.fromValues([[1, 0]], { a: 'INT', b: 'INT' }).select(col('a').dividedBy(col('b'))).execute().collect();
    `);
    try {
      const { code, stderr } = await runCli(['run', job, '--quiet']);
      assert.equal(code, 1);
      assert.match(stderr, /Error \[ARITHMETIC_ERROR\]/);
    } finally {
      rmSync(job, { force: true });
    }
  });
});
