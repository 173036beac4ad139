import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineScenario, RunResult } from '../bench-record.ts';
import { percentileSorted } from '../lib/stats.ts';
import { baseSeed, describePlan, FAULT_KINDS, planFaults, type FaultKind } from '../../test/checkpoint/fault-injection/faults.ts';
import { diffOutputs, referenceRun, runWithFaults, tsUdfRows, type JobSize } from '../../test/checkpoint/fault-injection/harness.ts';

/** The job of every run: a few seconds of input, so that faults land at every stage of it. */
const SIZE: JobSize = { rows: 6000, rate: 2000 };

/**
 * Issue #5, the long version of test/checkpoint/fault-injection.test.ts: `--rows N` is the number of fault runs.
 * Each run draws a fault plan from seed `base + i` (WEIR_FAULT_SEED sets the base) — Python worker SIGKILL, TS
 * worker thread death, whole-process SIGKILL then `weir run --restore`, or several of them — runs the job
 * (test/checkpoint/fault-injection/job.ts) under it and compares the committed output with a fault-free run's. The
 * record holds the runs, the faults injected and survived per kind, the restarts, the recovery times (fault → first
 * checkpoint triggered after it completed, or the job's end); a mismatch, a failed or a hung run fails the scenario
 * with the seed and a diff summary. `--repeat` is ignored (one pass of N runs).
 */
export const faultInjection: EngineScenario = {
  name: 'fault-injection',
  description: 'randomized fault injection (worker and process kills) with an exactly-once output check; --rows = runs',
  defaultRows: 50,
  warmupRows: () => 0,
  engines: {
    async weir({ rows: runs }) {
      const dir = mkdtempSync(join(tmpdir(), 'weir-fault-bench-'));
      try {
        return await faultRuns(dir, runs);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
};

async function faultRuns(dir: string, runs: number): Promise<{ runs: RunResult[]; extra: Record<string, unknown> }> {
  const started = performance.now();
  // Two fault-free runs: their outputs must agree (the expected output is well defined), and the faster start-up
  // of the two (the first is cold) sets the scale of start-up kill points.
  const first = await referenceRun(join(dir, 'reference-1'), SIZE);
  const second = await referenceRun(join(dir, 'reference-2'), SIZE);
  const nondeterministic = diffOutputs(first.output, second.output, { seed: 0, pythonKills: [], tsDieAtRow: null, processKills: [] });
  if (nondeterministic) throw new Error(`two fault-free runs differ: ${nondeterministic}`);
  const reference = { output: first.output, profile: { ...first.profile, startupMs: Math.min(first.profile.startupMs, second.profile.startupMs) } };
  log(`  fault-free runs: ${(first.durationMs / 1000).toFixed(1)} s and ${(second.durationMs / 1000).toFixed(1)} s (first output after ${(reference.profile.startupMs / 1000).toFixed(1)} s), ${reference.output.rows.length} rows, ${reference.output.windows.length} windows, ${reference.output.groups.length} groups (folded from ${reference.output.groupChanges} Debezium changes)`);
  const seed = baseSeed();
  const injected = zero(), survived = zero(), afterFinish = zero();
  const recovery: number[] = [];
  const failures: string[] = [];
  let processRestarts = 0, fromScratch = 0, jobRestarts = 0;
  for (let i = 0; i < runs; i++) {
    const plan = planFaults(seed + i, tsUdfRows(SIZE));
    try {
      const report = await runWithFaults(join(dir, `run-${i}`), SIZE, plan, reference.profile);
      const diff = diffOutputs(reference.output, report.output, plan);
      for (const k of FAULT_KINDS) {
        injected[k] += report.injected[k];
        afterFinish[k] += report.afterFinish[k];
        if (!diff) survived[k] += report.injected[k];
      }
      processRestarts += report.processRestarts;
      fromScratch += report.restartsFromScratch;
      jobRestarts += report.jobRestarts;
      recovery.push(...report.recoveryMs);
      if (diff) failures.push(diff);
      log(`  run ${i + 1}/${runs} ${describePlan(plan)} → injected ${format(report.injected)}; ${diff ? 'MISMATCH' : 'exact output'} (${report.output.groupChanges} group changes; ${(report.durationMs / 1000).toFixed(1)} s)${diff ? `\n${diff}` : ''}`);
    } catch (e) {
      failures.push(e instanceof Error ? e.message : String(e));
      log(`  run ${i + 1}/${runs} FAILED: ${failures.at(-1)}`);
    } finally {
      rmSync(join(dir, `run-${i}`), { recursive: true, force: true });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  recovery.sort((a, b) => a - b);
  const extra = {
    base_seed: seed, fault_runs: runs, faults_injected: injected, faults_survived: survived, faults_after_finish: afterFinish,
    process_restarts: processRestarts, restarts_from_scratch: fromScratch, job_restarts: jobRestarts,
    recovery_p50_ms: percentileSorted(recovery, 50), recovery_p90_ms: percentileSorted(recovery, 90), recovery_max_ms: recovery.at(-1) ?? null,
    mismatches: failures.length,
  };
  log(`  ${runs} runs in ${(seconds / 60).toFixed(1)} min (base seed ${seed}): injected ${format(injected)}, survived ${format(survived)}, after the end ${format(afterFinish)}; `
    + `${processRestarts} process restarts (${fromScratch} from scratch), ${jobRestarts} in-process restarts; recovery p50 ${extra.recovery_p50_ms} ms, p90 ${extra.recovery_p90_ms} ms, max ${extra.recovery_max_ms} ms; ${failures.length} failed runs`);
  if (failures.length > 0) {
    process.exitCode = 1;
    throw new Error(`${failures.length} of ${runs} fault runs failed:\n${failures.join('\n')}`);
  }
  return { runs: [{ rows: runs, seconds }], extra };
}

function zero(): Record<FaultKind, number> {
  return { 'python-worker': 0, 'ts-worker': 0, process: 0 };
}

function format(counts: Record<FaultKind, number>): string {
  return FAULT_KINDS.map((k) => `${k} ${counts[k]}`).join(', ');
}

function log(line: string): void { process.stderr.write(`${line}\n`); }
