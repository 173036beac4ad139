import { ENGINES, type BenchRecord } from '../bench-record.ts';
import type { MachineInfo } from './machine.ts';

const fmtInt = (x: number) => Math.round(x).toLocaleString('en-US');
const fmtMs = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(1) : '-');
const measured = (r: BenchRecord) => !r.skipped && !r.error && r.rows_per_s > 0;
/** Nexmark records (`nexmark-qN`, engines `weir-p1` / `weir-p2`) get a table of their own: events/s per parallelism. */
export const isNexmark = (r: BenchRecord) => r.scenario.startsWith('nexmark-');

/** Fixed-width text table (also valid Markdown when `md`). */
function table(header: string[], rows: string[][], rightFrom: number, md = false): string {
  if (md) {
    const sep = header.map((_, i) => (i >= rightFrom ? '---:' : '---'));
    return [header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  }
  const widths = header.map((_, i) => Math.max(header[i].length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < rightFrom ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The results table: median rows/s, spread over the runs, latency percentiles, and why a record has no number. */
export function formatRecords(records: readonly BenchRecord[], md = false): string {
  const header = ['scenario', 'engine', 'rows', 'seconds', 'rows/s (median)', 'min .. max', 'runs', 'p50 ms', 'p99 ms', 'note'];
  const rows = records.map((r) => measured(r) ? [
    r.scenario, r.engine, fmtInt(r.rows), r.seconds.toFixed(2), fmtInt(r.rows_per_s),
    r.rows_per_s_min !== undefined ? `${fmtInt(r.rows_per_s_min as number)} .. ${fmtInt(r.rows_per_s_max as number)}` : '-',
    String(r.runs ?? 1), fmtMs(r.p50_ms), fmtMs(r.p99_ms), typeof r.startup_s === 'number' && r.engine.startsWith('py') ? `JVM start ${r.startup_s.toFixed(1)} s (excluded)` : '',
  ] : [r.scenario, r.engine, fmtInt(r.rows), '-', '-', '-', '-', '-', '-', `${r.skipped ? 'skipped' : 'error'}: ${String(r.skipped ?? r.error)}`]);
  return table(header, rows, 2, md).replace(/ +$/gm, '');
}

export interface Ratio { scenario: string; versus: string; ratio: number }

/**
 * Nexmark queries, one line each: events/s (median) at every parallelism measured, the p2 ÷ p1 speed-up, and the
 * error of a query that does not run.
 */
export function formatNexmark(records: readonly BenchRecord[], md = false): string {
  const rs = records.filter(isNexmark);
  if (rs.length === 0) return '';
  const engines = [...new Set(rs.map((r) => r.engine))].sort();
  const queries = [...new Set(rs.map((r) => r.scenario))];
  const rows = queries.map((q) => {
    const byEngine = engines.map((e) => rs.find((r) => r.scenario === q && r.engine === e));
    const rate = (r: BenchRecord | undefined) => (r && measured(r) ? r.rows_per_s : undefined);
    const [p1, p2] = [rate(byEngine[engines.indexOf('weir-p1')]), rate(byEngine[engines.indexOf('weir-p2')])];
    const failed = byEngine.find((r) => r && !measured(r));
    return [q, fmtInt(byEngine.find((r) => r)?.rows ?? 0), ...byEngine.map((r) => {
      const x = rate(r);
      return x === undefined ? '-' : `${fmtInt(x)}${r!.rows_per_s_min !== undefined && r!.runs !== 1 ? ` (${si(Number(r!.rows_per_s_min))} .. ${si(Number(r!.rows_per_s_max))})` : ''}`;
    }), p1 && p2 ? `${(p2 / p1).toFixed(2)}x` : '-', failed ? `${failed.skipped ? 'skipped' : 'error'}: ${String(failed.skipped ?? failed.error)}` : ''];
  });
  const header = ['query', 'events', ...engines.map((e) => `${e} events/s (min .. max)`), 'p2 ÷ p1', 'note'];
  return table(header, rows, 1, md).replace(/ +$/gm, '');
}

/** Weir's median rows/s divided by each other engine's, per scenario (> 1: Weir is faster). */
export function ratios(records: readonly BenchRecord[]): Ratio[] {
  const out: Ratio[] = [];
  const byScenario = new Map<string, BenchRecord[]>();
  for (const r of records) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  for (const [scenario, rs] of byScenario) {
    const weir = rs.find((r) => r.engine === 'weir' && measured(r));
    if (!weir || scenario === 'latency') continue;
    for (const r of rs) if (r !== weir && measured(r)) out.push({ scenario, versus: r.engine, ratio: weir.rows_per_s / r.rows_per_s });
  }
  const ts = records.find((r) => r.scenario === 'ts-worker' && r.engine === 'weir' && measured(r));
  const py = records.find((r) => r.scenario === 'pandas-scalar' && r.engine === 'weir' && measured(r));
  if (ts && py) out.push({ scenario: 'ts-worker', versus: 'weir pandas-scalar (Python UDF)', ratio: ts.rows_per_s / py.rows_per_s });
  return out;
}

export function formatRatios(records: readonly BenchRecord[], md = false): string {
  const rs = ratios(records);
  if (rs.length === 0) return '';
  const label = (v: string) => (v === 'transport-limit' ? 'transport limit (ceiling: < 1 expected)' : v);
  return table(['scenario', 'Weir vs', 'ratio (Weir rows/s ÷ its rows/s)'],
    rs.map((r) => [r.scenario, label(r.versus), `${r.ratio.toFixed(2)}x`]), 2, md);
}

/** Adds `ratio_vs_<engine>` fields to the Weir records (kept in the JSON output). */
export function annotateRatios(records: BenchRecord[]): void {
  for (const r of ratios(records)) {
    const weir = records.find((x) => x.scenario === r.scenario && x.engine === 'weir');
    if (weir) weir[`ratio_vs_${r.versus.replace(/[^a-z0-9]+/gi, '_')}`] = Math.round(r.ratio * 1000) / 1000;
  }
}

const COLORS: Record<string, string> = {
  weir: '#1f77b4', 'transport-limit': '#7f7f7f', 'pyflink-process': '#d62728', 'pyflink-thread': '#ff7f0e', pyspark: '#2ca02c',
  'weir-p1': '#08519c', 'weir-p2': '#6baed6',
};
/** Colours of engines without one of their own (scenarios registered elsewhere, e.g. weir-tumble). */
const SPARE_COLORS = ['#9467bd', '#8c564b', '#e377c2', '#bcbd22', '#17becf', '#c5b0d5'];

/** The suite's engines in their table order, then any other engine (Nexmark's weir-p1/p2, ...) as first seen. */
function engineOrder(records: readonly BenchRecord[]): string[] {
  const others = [...new Set(records.map((r) => r.engine))].filter((e) => !(ENGINES as readonly string[]).includes(e));
  return [...ENGINES, ...others];
}
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const si = (x: number) => (x >= 1e6 ? `${+(x / 1e6).toPrecision(3)}M` : x >= 1e3 ? `${+(x / 1e3).toPrecision(3)}k` : `${+x.toPrecision(3)}`);

/**
 * Horizontal grouped bars, one group per scenario and one bar per engine, on a log10 rows/s axis (Nexmark:
 * events/s at each parallelism); a thin line marks each bar's min..max over the runs. Latency (fixed input rate) is
 * left out; skipped and failed engines have no bar.
 */
export function renderSvg(records: readonly BenchRecord[], title: string): string {
  const order = engineOrder(records);
  const spare = order.filter((e) => !COLORS[e]);
  const color = (e: string) => COLORS[e] ?? SPARE_COLORS[spare.indexOf(e) % SPARE_COLORS.length];
  const groups = [...new Set(records.map((r) => r.scenario))].filter((s) => s !== 'latency')
    .map((s) => ({ s, bars: order.flatMap((e) => records.filter((r) => r.scenario === s && r.engine === e && measured(r))) }))
    .filter((g) => g.bars.length > 0);
  const all = groups.flatMap((g) => g.bars.flatMap((b) => [b.rows_per_s, Number(b.rows_per_s_min ?? b.rows_per_s), Number(b.rows_per_s_max ?? b.rows_per_s)]));
  const lo = Math.floor(Math.log10(Math.max(1, Math.min(...all, 1e3))));
  const hi = Math.ceil(Math.log10(Math.max(...all, 10)));
  const engines = order.filter((e) => groups.some((g) => g.bars.some((b) => b.engine === e)));
  const W = 1000, left = 190, right = 90, barH = 14, gap = 3, groupGap = 18, legendW = 130;
  const perLine = Math.floor((W - left) / legendW);
  const top = 68 + 16 * Math.ceil(engines.length / perLine);
  const plotW = W - left - right;
  const x = (v: number) => left + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * plotW;
  let y = top;
  const parts: string[] = [];
  for (const g of groups) {
    const h = g.bars.length * (barH + gap) - gap;
    parts.push(`<text x="${left - 8}" y="${y + h / 2 + 4}" text-anchor="end" class="lab">${esc(g.s)}</text>`);
    for (const b of g.bars) {
      const w = x(b.rows_per_s) - left;
      parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${color(b.engine)}"><title>${esc(`${b.scenario} / ${b.engine}: ${fmtInt(b.rows_per_s)} rows/s`)}</title></rect>`);
      if (b.rows_per_s_min !== undefined) {
        const x0 = x(Number(b.rows_per_s_min)), x1 = x(Number(b.rows_per_s_max));
        parts.push(`<line x1="${x0.toFixed(1)}" x2="${x1.toFixed(1)}" y1="${y + barH / 2}" y2="${y + barH / 2}" stroke="#000" stroke-width="1.2"/>`);
      }
      const labelX = Math.max(left + w, x(Number(b.rows_per_s_max ?? b.rows_per_s))) + 4;
      parts.push(`<text x="${labelX.toFixed(1)}" y="${y + barH - 3}" class="val">${si(b.rows_per_s)}</text>`);
      y += barH + gap;
    }
    y += groupGap - gap;
  }
  const bottom = y + 4;
  const ticks: string[] = [];
  for (let p = lo; p <= hi; p++) {
    const tx = x(10 ** p);
    ticks.push(`<line x1="${tx}" x2="${tx}" y1="${top - 6}" y2="${bottom}" stroke="#ddd"/>`);
    ticks.push(`<text x="${tx}" y="${bottom + 16}" text-anchor="middle" class="tick">${si(10 ** p)}</text>`);
  }
  const legend = engines.map((e, i) => {
    const lx = left + (i % perLine) * legendW, ly = 36 + Math.floor(i / perLine) * 16;
    return `<rect x="${lx}" y="${ly}" width="12" height="12" fill="${color(e)}"/><text x="${lx + 17}" y="${ly + 10}" class="lab">${esc(e)}</text>`;
  });
  const H = bottom + 44;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">
<style>.lab{font-size:12px;fill:#222}.val{font-size:10px;fill:#333}.tick{font-size:11px;fill:#444}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="${W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>
${legend.join('\n')}
${ticks.join('\n')}
<line x1="${left}" x2="${left}" y1="${top - 6}" y2="${bottom}" stroke="#333"/>
${parts.join('\n')}
<text x="${left + plotW / 2}" y="${bottom + 34}" text-anchor="middle" class="lab">rows per second, Nexmark: events per second (median of the runs; log scale; black line: min .. max)</text>
</svg>
`;
}

export interface ReportInput {
  records: BenchRecord[];
  machine: MachineInfo;
  command: string;
  startedAt: Date;
  totalSeconds: number;
  loadavgEnd: number[];
  notes: string[];
}

export function renderResultsMd(r: ReportInput): string {
  const m = r.machine;
  const lat = r.records.find((x) => x.scenario === 'latency' && x.engine === 'weir' && measured(x));
  const flinkLat = r.records.find((x) => x.scenario === 'latency' && x.engine === 'pyflink-process' && measured(x));
  const udfRecords = r.records.filter((x) => !isNexmark(x));
  const nexmark = formatNexmark(r.records, true);
  const pkgs = Object.entries(m.packages).map(([k, v]) => `${k} ${v}`).join(', ');
  return `# Weir benchmark results

Generated by \`npm run bench -- --report\` on ${r.startedAt.toISOString().slice(0, 10)} (${r.startedAt.toISOString()}); the whole run took
${(r.totalSeconds / 60).toFixed(1)} minutes. What each scenario measures and how the peers are installed: [README.md](README.md).
Raw records: [results.json](results.json). Plot: [results.svg](results.svg).

![rows per second per scenario and engine](results.svg)

## Throughput

\`rows/s\` is the median of the measured runs (each after one warm-up job in the same engine process), \`min .. max\`
their spread. Times run from job submission to the job's end; a peer's JVM start (\`startup_s\`) is excluded and
reported apart. Weir's p50/p99 on throughput rows are its Python bundle latency (buffer → results emitted); the
\`latency\` rows are true end-to-end latency (see below).${nexmark ? ' Nexmark queries: [their own table](#nexmark).' : ''}

${formatRecords(udfRecords, true)}

## Ratios

${formatRatios(r.records, true) || '(no Weir record with a peer in this run)'}

## Where Weir's time goes

From the UDF operator's active span: start-up = job submitted → first request to the UDF (slot threads, Python
workers or TS worker threads starting), steady = first request → last result. Caution: some steady rates below
exceed the transport limit measured in the same run, which is impossible for a real steady state; the span
(\`udf.<name>.activeSpan\`, merged over subtasks/workers) likely places the first request too late, so read
start-up as an upper bound and steady rows/s as optimistic until that metric is checked.

${weirPhases(r.records, true) || '(no Weir phase metrics in this run)'}

The Python functions' own split, summed over the run's requests (worker-reported): user code, serialization
(Arrow ↔ pandas/Python in the worker, plus the host's Arrow IPC codec for scalar UDFs) and transport (round trip
minus both: ZeroMQ, queueing; for UDAFs also the host's Arrow codec). What remains of the run's time is Weir's own
work (sources, operators, state), start-up and teardown; UDF requests overlap it, so the parts need not add up.

${udfSplit(r.records, true) || '(no Weir UDF metrics in this run)'}

## Latency

${lat ? `At a fixed ${fmtInt(Number(lat.input_rows_per_s))} rows/s input with default bundle settings, per-row end-to-end latency source →
pandas UDF → client: **p50 ${fmtMs(lat.p50_ms)} ms, p99 ${fmtMs(lat.p99_ms)} ms** (rows stamped after the first second; p99
including start-up ${fmtMs(lat.p99_all_ms)} ms, max ${fmtMs(lat.max_ms)} ms). Method: the Calc chained behind the rate-limited datagen
source stamps each row with CURRENT_TIMESTAMP, the stamp goes through a pass-through pandas UDF, and the reading
process subtracts it from its clock per row. Weir sends a partial bundle at once while fewer than
\`python.fn-execution.bundle.eager-in-flight\` (2) requests are in flight, so at this rate rows do not wait for
the bundle timer (\`python.fn-execution.bundle.time\`, 1 s).` : 'Weir: not measured in this run.'}
${flinkLat ? `
PyFlink (process mode, its defaults: bundle time 1 s, bundle size 100,000, Arrow batch 1,000 rows): **p50
${fmtMs(flinkLat.p50_ms)} ms, p99 ${fmtMs(flinkLat.p99_ms)} ms** (p99 including start-up ${fmtMs(flinkLat.p99_all_ms)} ms, max ${fmtMs(flinkLat.max_ms)} ms), from
CURRENT_TIMESTAMP in the Calc before the pandas UDF to CURRENT_TIMESTAMP in the Calc chained to the sink (the
JVM's print sink writes both per row); unlike Weir's figure it leaves out the sink's own write.` : ''}

${nexmark ? `## Nexmark

The [Nexmark](README.md#nexmark) queries (benchmarks/nexmark/qN.sql: nexmark source → query → blackhole) at
parallelism 1 and 2; events/s from submitting the INSERT job to its end (start-up included), median of the runs.

${nexmark}

` : ''}## Machine

| | |
|---|---|
| OS | ${m.os} |
| CPU | ${m.cpu}, ${m.cores} cores |
| memory | ${m.memory_gib} GiB |
| Node | ${m.node} |
| Java | ${m.java} |
| Python | ${m.python_weir} |
| packages | ${pkgs} |
| load average (1/5/15 min) at start / end | ${m.loadavg_start.join(' / ')} — ${r.loadavgEnd.join(' / ')} |

${r.notes.map((n) => `> ${n}`).join('\n>\n')}

## Reproduce

\`\`\`sh
npm install && npm run setup          # Weir and its Python environment
npm run bench:setup-peers             # PyFlink and PySpark in benchmarks/.peers/venv (once; ~1.5 GB)
${r.command}
\`\`\`
`;
}

/** Weir's Python UDF time per scenario: user code, serialization and transport, in seconds, beside the run's time. */
export function udfSplit(records: readonly BenchRecord[], md = false): string {
  const rs = records.filter((r) => r.engine === 'weir' && measured(r) && typeof r.udf_user_ms === 'number');
  if (rs.length === 0) return '';
  const s = (ms: unknown) => (Number(ms) / 1000).toFixed(2);
  return table(['scenario', 'seconds', 'UDF user code s', 'UDF serialization s', 'UDF transport s'],
    rs.map((r) => [r.scenario, r.seconds.toFixed(2), s(r.udf_user_ms), s(r.udf_serialization_ms), s(r.udf_transport_ms)]), 1, md);
}

/** Weir's end-to-end time split into start-up and steady state, per scenario. */
export function weirPhases(records: readonly BenchRecord[], md = false): string {
  const rs = records.filter((r) => r.engine === 'weir' && measured(r) && typeof r.startup_s === 'number');
  if (rs.length === 0) return '';
  return table(['scenario', 'seconds', 'start-up s', 'steady s', 'rows/s end to end', 'rows/s steady'],
    rs.map((r) => [r.scenario, r.seconds.toFixed(2), Number(r.startup_s).toFixed(2), Number(r.steady_s).toFixed(2),
      fmtInt(r.rows_per_s), fmtInt(Number(r.steady_rows_per_s))]), 1, md);
}
