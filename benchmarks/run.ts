import { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINES, isEngineScenario, isSkip, type BenchRecord, type EngineName, type EngineScenario, type LegacyScenario, type Scenario } from './bench-record.ts';
import { SkipError } from './lib/engines.ts';
import { currentLoad, describeMachine, type MachineInfo } from './lib/machine.ts';
import { annotateRatios, formatNexmark, formatRatios, formatRecords, isNexmark, renderResultsMd, renderSvg } from './lib/report.ts';
import { aggregateRuns, skippedRecord } from './lib/stats.ts';
import { SCENARIO_GROUPS, UDF_SUITE, loadScenarios } from './scenarios/index.ts';

export { formatRecords } from './lib/report.ts';

const UDF_DIR = join(import.meta.dirname, 'udfs');

interface Options {
  scenario: string; engines: string; rows?: string; repeat: string; warmupRows?: string; json?: string; report?: boolean; list?: boolean; rerender?: boolean;
}

/**
 * `npm run bench -- --scenario pandas-scalar,udf-chain --engines weir,pyflink-process --repeat 3 --json out.json`:
 * runs the chosen scenarios on the chosen engines in this one run (each engine: one warm-up job, then `--repeat`
 * measured jobs), prints the table and the Weir ratios, and optionally writes JSON records and the report.
 */
export async function runBenchmarks(argv: string[]): Promise<number> {
  const scenarios = await loadScenarios();
  const program = new Command('weir bench')
    .option('-s, --scenario <names>', `comma-separated scenarios (${scenarios.map((s) => s.name).join(', ')}); 'suite' = the UDF scenarios and the Nexmark queries; 'udf' = the UDF scenarios (${UDF_SUITE.join(', ')}); 'nexmark' = every nexmark-qN; 'all' = every registered scenario`, 'suite')
    .option('-e, --engines <names>', `comma-separated engines (${ENGINES.join(', ')}), or all`, 'all')
    .option('-n, --rows <n>', "rows per run (default: each scenario's own)")
    .option('-r, --repeat <n>', 'measured runs per engine, after one warm-up run', '3')
    .option('--warmup-rows <n>', "rows of the warm-up run (default: each scenario's own, a tenth of the rows)")
    .option('--json <file>', 'write the records as a JSON array')
    .option('--report', 'write benchmarks/RESULTS.md, benchmarks/results.svg and benchmarks/results.json')
    .option('--rerender', 'rewrite results.svg (and RESULTS.md) from benchmarks/results.json without running anything')
    .option('--list', 'list the scenarios and exit')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const opts = program.opts<Options>();
  if (opts.list) {
    for (const s of scenarios) process.stdout.write(`${s.name.padEnd(24)} ${String(s.defaultRows).padStart(10)} rows  ${s.description}\n`);
    return 0;
  }
  if (opts.rerender) return rerender();
  const wanted = opts.scenario === 'all' ? scenarios : opts.scenario.split(',').flatMap((n) => SCENARIO_GROUPS[n.trim()] ?? [n]).map((n) => {
    const s = scenarios.find((x) => x.name === n.trim());
    if (!s) throw new Error(`Unknown scenario '${n}'. Known: ${scenarios.map((x) => x.name).join(', ')}`);
    return s;
  });
  const engines = (opts.engines === 'all' ? [...ENGINES] : opts.engines.split(',').map((e) => e.trim())) as EngineName[];
  for (const e of engines) if (!ENGINES.includes(e)) throw new Error(`Unknown engine '${e}'. Known: ${ENGINES.join(', ')}`);
  const repeat = Math.max(1, Number(opts.repeat));

  const startedAt = new Date();
  const t0 = performance.now();
  const machine = opts.report ? describeMachine() : undefined;
  const loads: number[] = [];
  const sampler = setInterval(() => loads.push(currentLoad()[0]), 5_000);
  const records: BenchRecord[] = [];
  try {
    for (const scenario of wanted) {
      const rows = opts.rows ? Number(opts.rows) : scenario.defaultRows;
      const warmupRows = opts.warmupRows !== undefined ? Number(opts.warmupRows)
        : isEngineScenario(scenario) && scenario.warmupRows ? scenario.warmupRows(rows) : Math.max(1, Math.ceil(rows / 10));
      log(`${scenario.name}: ${rows.toLocaleString('en-US')} rows, warm-up ${warmupRows.toLocaleString('en-US')} rows, ${repeat} runs`);
      const got = isEngineScenario(scenario)
        ? await runEngineScenario(scenario, engines, rows, warmupRows, repeat)
        : await runLegacyScenario(scenario, engines, rows, repeat);
      for (const r of got) log(`  ${r.engine}: ${r.skipped ? `skipped (${String(r.skipped)})` : r.error ? `error: ${String(r.error)}` : `${Math.round(r.rows_per_s).toLocaleString('en-US')} rows/s`}`);
      records.push(...got);
    }
  } finally {
    clearInterval(sampler);
  }
  annotateRatios(records);
  const totalSeconds = (performance.now() - t0) / 1000;
  const ratioText = formatRatios(records);
  const nexmarkText = formatNexmark(records);
  const udfRecords = records.filter((r) => !isNexmark(r));
  process.stdout.write(`${udfRecords.length ? `${formatRecords(udfRecords)}\n` : ''}${ratioText ? `\n${ratioText}\n` : ''}`
    + `${nexmarkText ? `\n${nexmarkText}\n` : ''}\nsuite time: ${(totalSeconds / 60).toFixed(1)} min\n`);
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify(records, null, 2)}\n`);
  if (opts.report && machine) {
    const here = import.meta.dirname;
    const saved: SavedResults = {
      date: startedAt.toISOString(), machine, total_seconds: totalSeconds, command: `npm run bench -- ${argv.join(' ')}`.trim(),
      notes: loadNotes(machine.loadavg_start[0], loads, machine.cores), loadavg_end: currentLoad(), records,
    };
    writeFileSync(join(here, 'results.json'), `${JSON.stringify(saved, null, 2)}\n`);
    writeReport(saved);
    log('wrote benchmarks/RESULTS.md, benchmarks/results.svg, benchmarks/results.json');
  }
  return 0;
}

interface SavedResults {
  date: string; machine: MachineInfo; total_seconds: number; command?: string; notes?: string[]; loadavg_end?: number[]; records: BenchRecord[];
}

function writeReport(saved: SavedResults): void {
  const here = import.meta.dirname;
  const startedAt = new Date(saved.date);
  writeFileSync(join(here, 'results.svg'), renderSvg(saved.records, `Weir vs PyFlink vs PySpark: throughput (${saved.machine.cores} cores, ${saved.date.slice(0, 10)})`));
  writeFileSync(join(here, 'RESULTS.md'), renderResultsMd({
    records: saved.records, machine: saved.machine, startedAt, totalSeconds: saved.total_seconds,
    loadavgEnd: saved.loadavg_end ?? [], notes: saved.notes ?? [], command: saved.command ?? 'npm run bench -- --report',
  }));
}

function rerender(): number {
  const saved = JSON.parse(readFileSync(join(import.meta.dirname, 'results.json'), 'utf8')) as SavedResults;
  writeReport(saved);
  log('rewrote benchmarks/RESULTS.md and benchmarks/results.svg from benchmarks/results.json');
  return 0;
}

function log(line: string): void { process.stderr.write(`${line}\n`); }

function loadNotes(start: number, samples: number[], cores: number): string[] {
  if (samples.length === 0) return [];
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const peak = Math.max(...samples);
  const note = `1-minute load average sampled every 5 s during the run: mean ${mean.toFixed(1)}, peak ${peak.toFixed(1)} on ${cores} cores (the suite itself accounts for about ${cores}).`;
  return mean > cores + 1 || start > cores
    ? [`${note} Other processes (other engineers' test runs) loaded the machine during this run, so every engine's numbers are lower and noisier than on an idle machine; the engines shared the same conditions within the run, but not necessarily at the same moment.`]
    : [note];
}

async function runEngineScenario(s: EngineScenario, engines: EngineName[], rows: number, warmupRows: number, repeat: number): Promise<BenchRecord[]> {
  const chosen = engines.filter((e) => s.engines[e] !== undefined);
  if (s.prepare && chosen.some((e) => !isSkip(s.engines[e]!))) await s.prepare(warmupRows > 0 ? [warmupRows, rows] : [rows]);
  const out: BenchRecord[] = [];
  for (const engine of chosen) {
    const impl = s.engines[engine]!;
    if (isSkip(impl)) { out.push(skippedRecord(s.name, engine, rows, impl.skip)); continue; }
    try {
      const { runs, extra } = await impl({ scenario: s.name, rows, warmupRows, repeat, udfDir: UDF_DIR });
      out.push(aggregateRuns(s.name, engine, runs, extra));
    } catch (e) {
      if (e instanceof SkipError) out.push(skippedRecord(s.name, engine, rows, e.message));
      else out.push({ ...skippedRecord(s.name, engine, rows, ''), skipped: undefined, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out.map((r) => (r.skipped === undefined ? (({ skipped: _, ...rest }) => rest as BenchRecord)(r) : r));
}

async function runLegacyScenario(s: LegacyScenario, engines: EngineName[], rows: number, repeat: number): Promise<BenchRecord[]> {
  await s.run({ rows: Math.max(1, Math.ceil(rows / 10)), udfDir: UDF_DIR }); // warm-up
  const perEngine = new Map<string, BenchRecord[]>();
  for (let i = 0; i < repeat; i++) {
    for (const r of await s.run({ rows, udfDir: UDF_DIR })) perEngine.set(r.engine, [...(perEngine.get(r.engine) ?? []), r]);
  }
  return [...perEngine.entries()]
    .filter(([engine]) => !ENGINES.includes(engine as EngineName) || engines.includes(engine as EngineName))
    .map(([engine, rs]) => {
      const failed = rs.find((r) => r.error !== undefined || r.skipped !== undefined || !(r.rows_per_s > 0));
      if (failed) return { ...failed, runs: rs.length };
      return aggregateRuns(s.name, engine, rs.map(({ scenario: _s, engine: _e, rows_per_s: _r, ...rest }) => rest));
    });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runBenchmarks(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
