import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRecord, Scenario } from './bench-record.ts';
import { pandasScalar } from './scenarios/pandas-scalar.ts';

/** Every scenario, by name. A new scenario is one file and one entry here. */
const SCENARIOS: readonly Scenario[] = [pandasScalar];

/**
 * `npm run bench -- --scenario pandas-scalar --rows 10000000 --json out.json`: runs the chosen scenarios, each with
 * its baselines in the same run, prints a table and optionally writes the JSON records.
 */
export async function runBenchmarks(argv: string[]): Promise<number> {
  const program = new Command('weir bench')
    .option('-s, --scenario <names>', `comma-separated scenarios (${SCENARIOS.map((s) => s.name).join(', ')}), or all`, 'all')
    .option('-n, --rows <n>', 'rows per run (default: each scenario\'s own)')
    .option('--json <file>', 'write the records as a JSON array')
    .option('--list', 'list the scenarios and exit')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const opts = program.opts<{ scenario: string; rows?: string; json?: string; list?: boolean }>();
  if (opts.list) {
    for (const s of SCENARIOS) process.stdout.write(`${s.name.padEnd(24)} ${s.description}\n`);
    return 0;
  }
  const wanted = opts.scenario === 'all' ? SCENARIOS : opts.scenario.split(',').map((n) => {
    const s = SCENARIOS.find((x) => x.name === n.trim());
    if (!s) throw new Error(`Unknown scenario '${n}'. Known: ${SCENARIOS.map((x) => x.name).join(', ')}`);
    return s;
  });
  const records: BenchRecord[] = [];
  for (const scenario of wanted) {
    const rows = opts.rows ? Number(opts.rows) : scenario.defaultRows;
    process.stderr.write(`running ${scenario.name} with ${rows.toLocaleString('en-US')} rows...\n`);
    records.push(...await scenario.run({ rows, udfDir: join(import.meta.dirname, 'udfs') }));
  }
  process.stdout.write(`${formatRecords(records)}\n`);
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify(records, null, 2)}\n`);
  return 0;
}

export function formatRecords(records: readonly BenchRecord[]): string {
  const header = ['scenario', 'engine', 'rows', 'seconds', 'rows/s', 'p50 ms', 'p99 ms'];
  const rows = records.map((r) => [
    r.scenario, r.engine, r.rows.toLocaleString('en-US'), r.seconds.toFixed(2), Math.round(r.rows_per_s).toLocaleString('en-US'),
    r.p50_ms === null ? '-' : r.p50_ms.toFixed(1), r.p99_ms === null ? '-' : r.p99_ms.toFixed(1),
  ]);
  const widths = header.map((_, i) => Math.max(header[i].length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runBenchmarks(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
