import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableEnvironment, type JobResult } from '../../src/index.ts';
import type { BenchRecord, LegacyScenario, ScenarioOptions } from '../bench-record.ts';
import { mulAddPipeline } from '../lib/mul-add-pipeline.ts';
import { NEXMARK_DIR, nexmarkScript, setUpNexmark, writeSideInput } from '../lib/nexmark.ts';

/**
 * Checkpointing overhead (docs/checkpoints.md): the same job without checkpoints (engine `weir`) and with a
 * checkpoint every second (`weir-checkpoint-1s`), alternately, so that a noisy machine affects both alike. The
 * ratio of their `rows_per_s` is the overhead; the checkpointed records also carry the checkpoints' count, last
 * duration, size and alignment. Runs should last several seconds (a few checkpoints each): raise `--rows` on a fast
 * machine.
 */
const CHECKPOINTED = 'weir-checkpoint-1s';

function overheadScenario(name: string, description: string, defaultRows: number, runJob: (rows: number, config: Record<string, string>) => Promise<JobResult>): LegacyScenario {
  let calls = 0;
  return {
    name,
    description,
    defaultRows,
    async run({ rows }: ScenarioOptions): Promise<BenchRecord[]> {
      const order = calls++ % 2 === 0 ? ['weir', CHECKPOINTED] : [CHECKPOINTED, 'weir'];
      const out: BenchRecord[] = [];
      for (const engine of order) out.push(await measure(name, engine, rows, runJob));
      return out.sort((a, b) => (a.engine < b.engine ? -1 : 1));
    },
  };
}

async function measure(scenario: string, engine: string, rows: number, runJob: (rows: number, config: Record<string, string>) => Promise<JobResult>): Promise<BenchRecord> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-checkpoint-bench-'));
  const config: Record<string, string> = engine === CHECKPOINTED ? { 'execution.checkpointing.interval': '1 s', 'state.checkpoints.dir': dir } : {};
  try {
    const started = process.hrtime.bigint();
    const result = await runJob(rows, config);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const c = result.metrics.checkpoints;
    return {
      scenario, engine, rows, seconds, rows_per_s: rows / seconds, p50_ms: null, p99_ms: null,
      ...(c ? { checkpoints: c.completed, checkpoint_failed: c.failed, checkpoint_last_ms: c.lastDurationMs, checkpoint_last_bytes: c.lastSizeBytes, checkpoint_alignment_ms: c.lastAlignmentMs } : {}),
    };
  } catch (e) {
    return { scenario, engine, rows, seconds: 0, rows_per_s: 0, p50_ms: null, p99_ms: null, error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const udfDir = join(import.meta.dirname, '..', 'udfs');

/** pandas-scalar's pipeline: datagen → pandas UDF a * b + 1 → blackhole. */
export const checkpointPandasScalar = overheadScenario('checkpoint-pandas-scalar',
  'pandas-scalar with and without a checkpoint every second (checkpointing overhead)', 100_000_000,
  async (rows, config) => {
    const env = TableEnvironment.create({ baseDir: udfDir, config: { 'table.exec.batch-size': '10000', ...config } });
    await env.createPythonFunction('mul_add', 'bench_udfs.py:mul_add');
    return mulAddPipeline(env, rows, 'mul_add').executeInsert('sink').done();
  });

/** Nexmark qN (benchmarks/nexmark) at parallelism 2, `rows` events. */
function nexmark(query: number, defaultEvents: number): LegacyScenario {
  return overheadScenario(`checkpoint-nexmark-q${query}`,
    `Nexmark q${query} at parallelism 2 with and without a checkpoint every second (checkpointing overhead)`, defaultEvents,
    async (events, config) => {
      const dir = mkdtempSync(join(tmpdir(), 'weir-checkpoint-nexmark-'));
      try {
        const script = nexmarkScript(query, { 'events.num': String(events) }, writeSideInput(dir));
        const env = TableEnvironment.create({ parallelism: 2, baseDir: NEXMARK_DIR, config });
        await setUpNexmark(env, script);
        const result = await env.executeSql(script.insert);
        if (result.kind !== 'insert') throw new Error(`q${query}: the last statement is not an INSERT`);
        return await result.job.done();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
}

export const checkpointNexmarkQ5 = nexmark(5, 1_500_000);
export const checkpointNexmarkQ7 = nexmark(7, 1_000_000);
