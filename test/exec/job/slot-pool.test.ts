import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TableDescriptor, TableEnvironment, col, WeirError } from '../../../src/index.ts';
import { rewriteImportMeta, slotThreadBundleSettled } from '../../../src/exec/job/slot-bundle.ts';
import { drainSlotPool, idleSlotThreads, prewarmSlotThreads } from '../../../src/exec/job/slot-pool.ts';
import { slotThreadOptions } from '../../../src/exec/job/job-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'weir-slot-pool-'));
after(async () => { rmSync(dir, { recursive: true, force: true }); await drainSlotPool(); });
afterEach(() => drainSlotPool());

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('slot thread reuse', () => {
  it('a cleanly finished job hands its threads to the next job', async () => {
    const env = TableEnvironment.create({ parallelism: 2 });
    const rows = [[1, 'a'], [2, 'b'], [3, 'c']];
    const first = await env.fromValues(rows, { id: 'INT', name: 'STRING' }).select(col('id').times(2).as('x')).execute().toObjects();
    const slots = idleSlotThreads();
    assert.ok(slots >= 1, 'the threads went back to the pool');
    const second = await env.fromValues(rows, { id: 'INT', name: 'STRING' }).select(col('id').times(2).as('x')).execute().toObjects();
    assert.deepEqual(second.map((r) => r.x).sort(), first.map((r) => r.x).sort());
    assert.deepEqual(first.map((r) => r.x).sort(), [2, 4, 6]);
    assert.equal(idleSlotThreads(), slots, 'the same threads went back to the pool');
  });

  it('a failed job discards its threads, and the next job still runs', async () => {
    const input = join(dir, 'bad.csv');
    writeFileSync(input, '1,a,1.0\n2,b,not-a-number\n');
    const csv = TableDescriptor.forConnector('filesystem').schema({ id: 'INT', name: 'STRING', price: 'DOUBLE' })
      .option('path', input).format('csv').build();
    const env = TableEnvironment.create();
    await env.fromValues([[1]], { id: 'INT' }).execute().collect();
    assert.equal(idleSlotThreads(), 1);
    await assert.rejects(env.from(csv).execute().collect(), (e: WeirError) => e.code === 'BAD_RECORD');
    assert.equal(idleSlotThreads(), 0, 'the thread that saw the failure is not reused');
    const rows = await env.fromValues([[7]], { id: 'INT' }).execute().toObjects();
    assert.deepEqual(rows, [{ id: 7 }]);
  });

  it('a cancelled job discards its threads', async () => {
    const env = TableEnvironment.create();
    const src = TableDescriptor.forConnector('datagen').schema({ x: 'BIGINT' }).option('rows-per-second', 100).build();
    const result = env.from(src).execute();
    const it = result[Symbol.asyncIterator]();
    await it.next();
    await result.getJobClient().cancel();
    assert.equal(result.getJobClient().currentStatus, 'CANCELED');
    assert.equal(idleSlotThreads(), 0);
    await it.return?.();
  });

  it('prewarmed threads take the first job', async () => {
    if (process.env.WEIR_SLOT_BUNDLE === '0' || !(await slotThreadBundleSettled())) return;
    prewarmSlotThreads(slotThreadOptions({}), 1);
    assert.equal(idleSlotThreads(), 1);
    const env = TableEnvironment.create();
    assert.deepEqual(await env.fromValues([[5]], { id: 'INT' }).execute().toObjects(), [{ id: 5 }]);
    assert.equal(idleSlotThreads(), 1);
  });

  it('idle threads never keep the process alive (slot threads run from source here)', () => {
    const script = `
      import { TableEnvironment } from ${JSON.stringify(join(ROOT, 'src', 'index.ts'))};
      import { idleSlotThreads } from ${JSON.stringify(join(ROOT, 'src', 'exec', 'job', 'slot-pool.ts'))};
      const env = TableEnvironment.create();
      await env.fromValues([[1]], { id: 'INT' }).execute().collect();
      console.log('idle', idleSlotThreads());`;
    const file = join(dir, 'exit.mts');
    writeFileSync(file, script);
    const started = Date.now();
    const env = { ...process.env, WEIR_SLOT_BUNDLE: '0' };
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /idle [01]/);
    assert.ok(Date.now() - started < 20_000);
  });
});

describe('slot thread bundle', () => {
  it('import.meta values keep pointing at the original file', () => {
    const file = join(ROOT, 'src', 'udf', 'python', 'x.ts');
    const out = rewriteImportMeta('const a = new URL("./y.ts", import.meta.url); const b = import.meta.dirname; import.meta.resolve("tsx");', file);
    assert.match(out, /new URL\("\.\/y\.ts", "file:\/\/.*\/src\/udf\/python\/x\.ts"\)/);
    assert.ok(out.includes(JSON.stringify(join(ROOT, 'src', 'udf', 'python'))));
    assert.ok(out.includes('import.meta.resolve("tsx")'));
  });

  it('builds (or finds) an up-to-date bundle that jobs run from', async () => {
    if (process.env.WEIR_SLOT_BUNDLE === '0') return;
    const entry = await slotThreadBundleSettled();
    assert.ok(entry && entry.endsWith('.mjs'), `bundle entry: ${entry}`);
    const env = TableEnvironment.create();
    assert.deepEqual(await env.fromValues([[1, 'x']], { id: 'INT', s: 'STRING' }).execute().toObjects(), [{ id: 1, s: 'x' }]);
  });
});
