import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableEnvironment } from '../../src/index.ts';
import type { BenchRecord, LegacyScenario, ScenarioOptions } from '../bench-record.ts';
import { NEXMARK_DIR, NEXMARK_QUERIES, nexmarkScript, setUpNexmark, writeSideInput } from '../lib/nexmark.ts';

/**
 * Events per measured run: about a second per query and parallelism here, so the whole set (21 queries × p1, p2 ×
 * one warm-up run of a tenth and 3 measured runs) takes a few minutes on 2 cores.
 */
const DEFAULT_EVENTS = 100_000;
const PARALLELISMS = [1, 2] as const;

/**
 * `nexmark-qN`: benchmarks/nexmark/qN.sql as it is (nexmark source → query → blackhole) with `events.num` set to the
 * run's row count, at parallelism 1 and 2 (engines `weir-p1`, `weir-p2`). `rows` are source events and `rows_per_s`
 * events per second, from submitting the INSERT job to its end. Latency is not measured (p50/p99 null).
 */
function nexmarkScenario(query: number): LegacyScenario {
  return {
    name: `nexmark-q${query}`,
    description: `Nexmark q${query} (benchmarks/nexmark/q${query}.sql) into blackhole, events/s at parallelism 1 and 2`,
    defaultRows: DEFAULT_EVENTS,
    async run({ rows }: ScenarioOptions): Promise<BenchRecord[]> {
      const out: BenchRecord[] = [];
      for (const p of PARALLELISMS) out.push(await runQuery(query, rows, p));
      return out;
    },
  };
}

async function runQuery(query: number, events: number, parallelism: number): Promise<BenchRecord> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-nexmark-bench-'));
  const record: BenchRecord = {
    scenario: `nexmark-q${query}`, engine: `weir-p${parallelism}`, rows: events, seconds: 0, rows_per_s: 0,
    p50_ms: null, p99_ms: null, parallelism,
  };
  try {
    const script = nexmarkScript(query, { 'events.num': String(events) }, writeSideInput(dir));
    const env = TableEnvironment.create({ parallelism, baseDir: NEXMARK_DIR, name: `bench-nexmark-q${query}-p${parallelism}` });
    await setUpNexmark(env, script);
    const started = process.hrtime.bigint();
    const result = await env.executeSql(script.insert);
    if (result.kind !== 'insert') throw new Error(`q${query}: the last statement is not an INSERT`);
    await result.job.done();
    record.seconds = Number(process.hrtime.bigint() - started) / 1e9;
    record.rows_per_s = events / record.seconds;
  } catch (e) {
    record.error = e instanceof Error ? `${(e as { code?: string }).code ?? 'ERROR'}: ${e.message.split('\n')[0]}` : String(e);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return record;
}

/** Every `nexmark-qN` scenario, in query order; not part of the default UDF suite (run them with --scenario). */
export const NEXMARK_SCENARIOS: readonly LegacyScenario[] = NEXMARK_QUERIES.map(nexmarkScenario);
