import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BenchRecord } from '../../benchmarks/bench-record.ts';
import { formatNexmark, formatRecords, renderSvg, udfSplit } from '../../benchmarks/lib/report.ts';
import { aggregateRuns } from '../../benchmarks/lib/stats.ts';

const rec = (scenario: string, engine: string, rows_per_s: number, extra: Partial<BenchRecord> = {}): BenchRecord =>
  ({ scenario, engine, rows: 100_000, seconds: 100_000 / rows_per_s, rows_per_s, p50_ms: null, p99_ms: null, ...extra });

const records: BenchRecord[] = [
  rec('pandas-udaf-window', 'weir', 100_000, { udf_user_ms: 130, udf_serialization_ms: 18, udf_transport_ms: 20 }),
  rec('pandas-udaf-window', 'pyflink-process', 15_000),
  rec('nexmark-q1', 'weir-p1', 80_000, { runs: 3, rows_per_s_min: 70_000, rows_per_s_max: 90_000 }),
  rec('nexmark-q1', 'weir-p2', 120_000, { runs: 3, rows_per_s_min: 110_000, rows_per_s_max: 130_000 }),
  { ...rec('nexmark-q6', 'weir-p1', 0), error: 'NOT_SUPPORTED: OVER aggregation needs an insert-only input' },
  { ...rec('nexmark-q6', 'weir-p2', 0), error: 'NOT_SUPPORTED: OVER aggregation needs an insert-only input' },
];

test('the Nexmark table has events/s per parallelism, the p2 / p1 speed-up and the failures', () => {
  const lines = formatNexmark(records).split('\n');
  assert.match(lines[0], /query +events +weir-p1 events\/s .* weir-p2 events\/s .* p2 ÷ p1/);
  const q1 = lines.find((l) => l.startsWith('nexmark-q1'))!;
  assert.match(q1, /80,000 \(70k \.\. 90k\) +120,000 \(110k \.\. 130k\) +1\.50x/);
  assert.match(lines.find((l) => l.startsWith('nexmark-q6'))!, /error: NOT_SUPPORTED/);
  assert.equal(formatNexmark(records.filter((r) => !r.scenario.startsWith('nexmark'))), '');
});

test('the plot has a bar for every measured engine, Nexmark parallelisms included, and none for failures', () => {
  const svg = renderSvg(records, 'test');
  for (const label of ['pandas-udaf-window / weir:', 'pandas-udaf-window / pyflink-process:', 'nexmark-q1 / weir-p1: 80,000', 'nexmark-q1 / weir-p2: 120,000']) {
    assert.ok(svg.includes(label), label);
  }
  assert.ok(!svg.includes('nexmark-q6'));
  assert.match(svg, />weir-p2<\/text>/); // in the legend
});

test('the UDF split table reports user code, serialization and transport in seconds', () => {
  assert.match(udfSplit(records), /pandas-udaf-window +1\.00 +0\.13 +0\.02 +0\.02/);
  assert.match(formatRecords(records.slice(0, 2)), /pandas-udaf-window +pyflink-process/);
});

test('latency percentiles are medians over the runs; the other run fields come from the median run', () => {
  const r = aggregateRuns('latency', 'pyflink-process', [
    { rows: 50_000, seconds: 6, p50_ms: 12, p99_ms: 20, p99_all_ms: 38 },
    { rows: 50_000, seconds: 5, p50_ms: 10, p99_ms: 30, p99_all_ms: 40 },
    { rows: 50_000, seconds: 7, p50_ms: 14, p99_ms: 25, p99_all_ms: 45 },
  ]);
  assert.equal(r.p50_ms, 12);
  assert.equal(r.p99_ms, 25);
  assert.equal(r.p99_all_ms, 38); // the median run's
});
