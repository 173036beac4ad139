import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { baseSeed, describePlan, FIRST_POINT, planFaults, prng, type FaultKind } from './fault-injection/faults.ts';
import { diffOutputs, referenceRun, runWithFaults, tsUdfRows, type JobOutput, type JobProfile } from './fault-injection/harness.ts';

const SIZE = { rows: 3000, rate: 1500 };

/**
 * Issue #5, the short version (the long one: `npm run bench -- --scenario fault-injection`): a job with a pandas UDF,
 * a TS UDF, a Python UDAF in a TUMBLE window, a keyed GROUP BY (COUNT, SUM; written as a Debezium JSON changelog) and filesystem sinks runs under `weir run` while a
 * Python worker is SIGKILLed, a TS worker thread dies and the whole process is SIGKILLed (then `weir run --restore`),
 * at points drawn from a seeded PRNG; the committed output must equal a fault-free run's exactly, wherever the faults
 * land. The seed is fixed here (the suite stays repeatable; set WEIR_FAULT_SEED to try others); the benchmark scenario
 * draws a random one per invocation.
 */
describe('fault injection: worker and process kills at random points', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-fault-injection-'));
  const seed = baseSeed(20261121);
  let expected: JobOutput;
  let profile: JobProfile;
  before(async () => {
    const reference = await referenceRun(join(dir, 'reference'), SIZE);
    expected = reference.output;
    profile = reference.profile;
    assert.equal(expected.rows.length, SIZE.rows);
    assert.equal(expected.windows.length, (SIZE.rows / 100) * 4 + 1); // 100 ms windows of 4 keys; the last holds one row
    // The GROUP BY's changelog folds into one row per key whose counts add up to the input, and it really updates.
    const counted = expected.groups.map((row) => JSON.parse(row) as { k: number; n: number; s: number });
    assert.equal(new Set(counted.map((r) => r.k)).size, expected.groups.length);
    assert.equal(counted.reduce((sum, r) => sum + r.n, 0), SIZE.rows);
    assert.ok(expected.groups.length > 450 && expected.groupChanges > 2 * expected.groups.length, `${expected.groups.length} groups, ${expected.groupChanges} changes`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // Each run injects every kind it names, at points drawn from the seed (the benchmark scenario draws the kinds too).
  // The process run kills in the first half of start-up first (before any checkpoint on most machines: a restart
  // from scratch), then at a drawn point.
  const runs: { name: string; kinds: FaultKind[] }[] = [
    { name: 'a Python worker SIGKILL and a TS worker thread death', kinds: ['python-worker', 'ts-worker'] },
    { name: 'process SIGKILLs in start-up and later, each followed by weir run --restore', kinds: ['process'] },
  ];
  runs.forEach(({ name, kinds }, i) => {
    it(`${name}: the committed output equals the fault-free run's`, async (t) => {
      const drawn = planFaults(seed + i, tsUdfRows(SIZE), kinds, true);
      const plan = kinds.includes('process') ? { ...drawn, processKills: [FIRST_POINT * (0.1 + 0.4 * prng(seed + i)()), Math.abs(drawn.processKills[0])] } : drawn;
      const report = await runWithFaults(join(dir, `run-${i}`), SIZE, plan, profile);
      t.diagnostic(`${describePlan(plan)}; injected ${JSON.stringify(report.injected)}, after the end ${JSON.stringify(report.afterFinish)}, process restarts ${report.processRestarts} (${report.restartsFromScratch} from scratch), job restarts ${report.jobRestarts}; groups: ${report.output.groupChanges} changes fold into ${report.output.groups.length} rows`);
      const diff = diffOutputs(expected, report.output, plan);
      assert.equal(diff, null, diff ?? '');
      // The TS UDF's death row is below the rows it passes, so it always fires (whatever the timing).
      if (plan.tsDieAtRow !== null) assert.equal(report.injected['ts-worker'], 1, describePlan(plan));
    });
  });
});
