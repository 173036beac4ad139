/**
 * OVER aggregation vs DuckDB: the same window queries over the same seeded rows, Weir streaming (event time, a
 * watermark after every small batch, so partitions fire many times and carry their frames across firings) and DuckDB
 * in batch. Timestamps are out of order by less than the watermark delay, so no row is late and both engines see
 * every row. ROWS queries run over unique timestamps (ties would make the row order within a frame engine-specific);
 * RANGE queries over timestamps with ties (peers share a frame in both engines).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { TableEnvironment } from '../../../src/index.ts';
import { materialize } from '../corpus/runner.ts';
import { compareResults, rng } from './harness.ts';

const SEEDS = process.env.WEIR_DIFF_SEEDS ? process.env.WEIR_DIFF_SEEDS.split(',').map(Number) : [11, 2024];
const BASE = Date.UTC(2024, 0, 1);

type Row = [id: number, k: number | null, ts: number, v: number | null, d: number];

/**
 * Rows in id order; `ts` = 10 ms steps permuted within blocks of 5 ids (disorder at most 40 ms, under the 100 ms
 * watermark delay). With `ties`, two consecutive steps share a time.
 */
function generate(seed: number, ties: boolean): Row[] {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const n = int(120, 260);
  const steps = Array.from({ length: n }, (_, i) => i);
  for (let b = 0; b < n; b += 5) {
    for (let i = Math.min(n, b + 5) - 1; i > b; i--) { const j = int(b, i); [steps[i], steps[j]] = [steps[j], steps[i]]; }
  }
  return steps.map((s, i): Row => [
    i + 1, r() < 0.05 ? null : int(0, 5), BASE + 10 * (ties ? Math.floor(s / 2) : s), r() < 0.15 ? null : int(-50, 50), int(-400, 400) / 4,
  ]);
}

const stamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const csv = (rows: readonly Row[]): string => rows.map((r) => r.map((v, c) => (v === null ? '' : c === 2 ? stamp(v as number) : String(v))).join(',')).join('\n') + '\n';

const COLUMNS = 'id INT, k INT, ts TIMESTAMP(3), v INT, d DOUBLE';

/** Queries over `u` (unique times) and `t` (times with ties). */
const QUERIES: { name: string; sql: string }[] = [
  { name: 'ROWS 3 PRECEDING: SUM/COUNT/MIN/MAX/AVG', sql: 'SELECT id, SUM(v) OVER w, COUNT(*) OVER w, COUNT(v) OVER w, MIN(v) OVER w, MAX(v) OVER w, AVG(d) OVER w, MAX(d) OVER w FROM u WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)' },
  { name: 'ROWS UNBOUNDED: FIRST_VALUE/LAST_VALUE/SUM/MIN', sql: 'SELECT id, FIRST_VALUE(v) OVER w, LAST_VALUE(v) OVER w, SUM(d) OVER w, MIN(v) OVER w FROM u WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)' },
  { name: 'ROWS 2 without PARTITION BY: FIRST/LAST_VALUE retract', sql: 'SELECT id, SUM(v) OVER w, MIN(d) OVER w, FIRST_VALUE(v) OVER w, LAST_VALUE(d) OVER w FROM u WINDOW w AS (ORDER BY ts ROWS 2 PRECEDING)' },
  { name: 'ROWS 5: DISTINCT and FILTER', sql: 'SELECT id, COUNT(DISTINCT v) OVER w, SUM(v) FILTER (WHERE d > 0) OVER w, MAX(v) FILTER (WHERE d < 0) OVER w FROM u WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)' },
  { name: 'RANGE 50 ms with ties', sql: "SELECT id, SUM(v) OVER w, COUNT(*) OVER w, MIN(v) OVER w, MAX(d) OVER w, AVG(d) OVER w FROM t WINDOW w AS (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '0.05' SECOND PRECEDING AND CURRENT ROW)" },
  { name: 'RANGE UNBOUNDED (default frame) with ties', sql: 'SELECT id, SUM(d) OVER (PARTITION BY k ORDER BY ts), COUNT(v) OVER (PARTITION BY k ORDER BY ts), MAX(v) OVER (PARTITION BY k ORDER BY ts) FROM t' },
  { name: 'RANGE CURRENT ROW (peers only), no PARTITION BY', sql: 'SELECT id, SUM(v) OVER w, COUNT(*) OVER w, MIN(d) OVER w FROM t WINDOW w AS (ORDER BY ts RANGE BETWEEN CURRENT ROW AND CURRENT ROW)' },
];

/** DuckDB respects NULLs in FIRST_VALUE/LAST_VALUE by default; Flink (and Weir) skip them. */
const toDuckDb = (sql: string): string => sql.replace(/\b(FIRST_VALUE|LAST_VALUE)\((\w+)\)/g, '$1($2 IGNORE NULLS)');

for (const seed of SEEDS) {
  describe(`OVER aggregation vs DuckDB, seed ${seed}`, () => {
    let dir: string;
    let duck: DuckDBConnection;
    const data = { u: generate(seed, false), t: generate(seed + 1, true) };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'weir-over-diff-'));
      const instance = await DuckDBInstance.create(':memory:');
      duck = await instance.connect();
      for (const [name, rows] of Object.entries(data)) {
        mkdirSync(join(dir, name));
        writeFileSync(join(dir, name, 'data.csv'), csv(rows));
        await duck.run(`CREATE TABLE ${name} (id INTEGER, k INTEGER, ts TIMESTAMP, v INTEGER, d DOUBLE)`);
        await duck.run(`INSERT INTO ${name} SELECT * FROM read_csv('${join(dir, name, 'data.csv')}', header = false, columns = {'id': 'INTEGER', 'k': 'INTEGER', 'ts': 'TIMESTAMP', 'v': 'INTEGER', 'd': 'DOUBLE'})`);
      }
    });
    after(() => {
      duck?.closeSync?.();
      rmSync(dir, { recursive: true, force: true });
    });

    for (const q of QUERIES) {
      for (const parallelism of [1, 2]) {
        it(`${q.name} (p${parallelism})`, async () => {
          const env = TableEnvironment.create({ parallelism, config: { 'pipeline.auto-watermark-interval': '0', 'table.exec.batch-size': '16' } });
          for (const name of Object.keys(data)) {
            await env.executeSql(`CREATE TABLE ${name} (${COLUMNS}, WATERMARK FOR ts AS ts - INTERVAL '0.1' SECOND) `
              + `WITH ('connector' = 'filesystem', 'path' = '${join(dir, name)}', 'format' = 'csv')`);
          }
          const result = await env.sqlQuery(q.sql).execute().collect();
          assert.ok(result.every((r) => r.kind === '+I'), 'OVER aggregation is append-only');
          const expected = (await duck.runAndReadAll(toDuckDb(q.sql))).getRows() as unknown[][];
          const diff = compareResults(materialize(result).map((r) => r.values), expected, false);
          if (diff) assert.fail(`seed ${seed}, parallelism ${parallelism}:\n  ${q.sql}\n${diff}`);
        });
      }
    }
  });
}
