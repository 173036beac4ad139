/**
 * Every Nexmark query of the suite (benchmarks/nexmark/qN.sql) runs to completion on a small bounded input at
 * parallelism 1 and 2, and where its result is deterministic it equals DuckDB's result over the same events
 * (compared as multisets, after applying the query's changelog). The file's own INSERT into its blackhole table
 * (what the benchmark runs) is planned too.
 *
 * Input: 3000 events at 100 events/s of event time (30 s: several 10 s windows; one event per 10 ms, so no two
 * events share a timestamp and ORDER BY dateTime has no ties).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DuckDBConnection } from '@duckdb/node-api';
import { TableEnvironment } from '../../../src/index.ts';
import { NEXMARK_DIR, NEXMARK_QUERIES, nexmarkScript, setUpNexmark, writeSideInput } from '../../../benchmarks/lib/nexmark.ts';
import { materialize } from '../../sql/corpus/runner.ts';
import { duckDbRows, duckDbWithEvents, HAND_WRITTEN, multisetDiff, Q6_TIES, plain, toDuckDb } from './duckdb.ts';

const EVENTS = 3000;
const SOURCE = { 'events.num': String(EVENTS), 'first-event.rate': '100', 'next-event.rate': '100' };
const BIDS = (EVENTS / 50) * 46;
/**
 * The window queries again on out-of-order events, in small batches with a watermark after each, so the watermark
 * really advances while the disorder plays out: 3 s of disorder stays within the 4 s watermark delay, so no row is
 * late and the result is still the batch result.
 */
const OUT_OF_ORDER = { ...SOURCE, 'out-of-orderness': '3 s' };
const SMALL_BATCHES = { 'table.exec.batch-size': 500, 'pipeline.auto-watermark-interval': '0' };
const WINDOW_QUERIES = [5, 7, 8, 11];

/**
 * How each query is checked. `duck`: the DuckDB query (default: the query's own SQL through toDuckDb); `columns`:
 * compare only these result columns (q19: which of two equal-priced bids gets which rank is not determined, but the
 * ranked prices are). `check`: a property instead of a reference result, for queries whose rows depend on timing.
 */
interface QueryCheck {
  readonly duck?: string;
  readonly columns?: readonly number[];
  readonly check?: (rows: readonly unknown[][]) => void;
  /** A DuckDB query that must count 0 ties over the input, or the reference result would not be determined. */
  readonly noTies?: string;
}

const CHECKS: Readonly<Record<number, QueryCheck>> = {
  5: { duck: HAND_WRITTEN[5] },
  // OVER over the Top-1 changelog: the materialized result equals the OVER query over the final Top-1 rows, as long
  // as no ties make the Top-1 or the OVER order depend on arrival (checked against DuckDB first: Q6_TIES).
  6: { duck: HAND_WRITTEN[6], noTies: Q6_TIES },
  7: { duck: HAND_WRITTEN[7] },
  8: { duck: HAND_WRITTEN[8] },
  11: { duck: HAND_WRITTEN[11] },
  // Processing-time windows: which window a bid falls in depends on when it is processed; every bid is counted once.
  12: { check: (rows) => assert.equal(rows.reduce((n, r) => n + (r[1] as number), 0), BIDS) },
  19: { columns: [0, 2, 7] },
};

/** Queries that cannot run yet, and the Weir feature each one needs (reported as skipped). */
const NEEDS: Readonly<Record<number, string>> = {};

describe('Nexmark queries vs DuckDB', () => {
  let duck: DuckDBConnection;
  let dir: string;
  let sideInput: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'weir-nexmark-'));
    sideInput = writeSideInput(dir);
    duck = await duckDbWithEvents(SOURCE);
  });
  after(() => {
    duck?.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  async function check(q: number, p: number, source: Readonly<Record<string, string>>, reference: DuckDBConnection, config = {}): Promise<void> {
    const script = nexmarkScript(q, source, sideInput);
    const env = TableEnvironment.create({ parallelism: p, baseDir: NEXMARK_DIR, name: `nexmark-q${q}-p${p}`, config });
    await setUpNexmark(env, script);
    const table = env.sqlQuery(script.select);
    const decimal = table.schema.columns.map((c) => c.type.kind === 'DECIMAL');
    const rows = materialize(await table.execute().collect()).map((r) => r.values.map((v, i) => plain(v, decimal[i])));
    const spec = CHECKS[q] ?? {};
    if (spec.check) { spec.check(rows); return; }
    const pick = (r: readonly unknown[]): unknown[] => (spec.columns ? spec.columns.map((c) => r[c]) : [...r]);
    if (spec.noTies) assert.equal(Number((await duckDbRows(reference, spec.noTies))[0][0]), 0, `q${q}: the input has ties, so the result is not determined`);
    const expected = await duckDbRows(reference, spec.duck ?? toDuckDb(script.select));
    assert.ok(expected.length > 0, `q${q}: the reference result is empty, so the check would prove nothing`);
    const diff = multisetDiff(rows.map(pick), expected.map(pick));
    if (diff) assert.fail(`q${q} at parallelism ${p}:\n${diff}`);
  }

  for (const q of NEXMARK_QUERIES) {
    // The benchmark runs the file's INSERT into its blackhole table: the sink's declared types must accept the query.
    it(`q${q}: the INSERT into nexmark_q${q} plans`, { skip: NEEDS[q] ? `needs ${NEEDS[q]}` : false }, async () => {
      const script = nexmarkScript(q, SOURCE, sideInput);
      const env = TableEnvironment.create({ parallelism: 2, baseDir: NEXMARK_DIR, name: `nexmark-q${q}-insert` });
      await setUpNexmark(env, script);
      const plan = await env.executeSql(`EXPLAIN ${script.insert}`);
      assert.equal(plan.kind, 'rows');
      assert.match(String(plan.rows[0][0]), new RegExp(`nexmark_q${q}`));
    });
    for (const p of [1, 2]) {
      it(`q${q} (p${p})`, { skip: NEEDS[q] ? `needs ${NEEDS[q]}` : false }, () => check(q, p, SOURCE, duck));
    }
  }

  describe('on out-of-order events', () => {
    let disordered: DuckDBConnection;
    before(async () => { disordered = await duckDbWithEvents(OUT_OF_ORDER); });
    after(() => disordered?.closeSync());
    for (const q of WINDOW_QUERIES) it(`q${q} (p2)`, () => check(q, 2, OUT_OF_ORDER, disordered, SMALL_BATCHES));
  });
});
