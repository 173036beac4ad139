/**
 * Window Top-N, window deduplication, window joins and interval joins vs DuckDB (windowed-queries.ts): Weir streams
 * two seeded tables in small batches with a watermark after each (so windows fire and interval-join state expires
 * while rows still arrive), rows out of time order by less than the watermark delay (nothing is late), at
 * parallelism 1 and 2; DuckDB computes the same result in batch. Results must be equal as multisets, and append-only.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { TableEnvironment } from '../../../src/index.ts';
import { materialize } from '../corpus/runner.ts';
import { compareResults } from './harness.ts';
import { generateTimedTable, timedQueriesFor, WATERMARK_DELAY, type TimedRow } from './windowed-queries.ts';

const SEEDS = process.env.WEIR_DIFF_SEEDS ? process.env.WEIR_DIFF_SEEDS.split(',').map(Number) : [3, 41];

const stamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const csv = (rows: readonly TimedRow[]): string => rows.map(([id, k, v, t]) => [id, k ?? '', v ?? '', stamp(t)].join(',')).join('\n') + '\n';

/** Timestamps compare as epoch milliseconds (DuckDB computes window bounds as BIGINT ms). */
const millis = (v: unknown): unknown => (v instanceof Date ? v.getTime() : typeof v === 'bigint' ? Number(v) : v);

/** Rows sorted by an exact key (epoch milliseconds must not be rounded as the shared harness's key does for doubles). */
function sorted(rows: readonly (readonly unknown[])[]): unknown[][] {
  const key = (r: readonly unknown[]): string => JSON.stringify(r.map(millis));
  return rows.map((r) => r.map(millis)).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

for (const seed of SEEDS) {
  describe(`window Top-N / dedup / window and interval joins vs DuckDB, seed ${seed}`, () => {
    let dir: string;
    let duck: DuckDBConnection;
    const data = { a: generateTimedTable(seed, 0), b: generateTimedTable(seed + 1000, 37) };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'weir-windowed-diff-'));
      duck = await (await DuckDBInstance.create(':memory:')).connect();
      for (const [name, rows] of Object.entries(data)) {
        mkdirSync(join(dir, name));
        writeFileSync(join(dir, name, 'data.csv'), csv(rows));
        await duck.run(`CREATE TABLE ${name} (id INTEGER, k INTEGER, v INTEGER, t BIGINT)`);
        await duck.run(`INSERT INTO ${name} VALUES ${rows.map((r) => `(${r.map((x) => (x === null ? 'NULL' : String(x))).join(', ')})`).join(', ')}`);
      }
    });
    after(() => {
      duck?.closeSync?.();
      rmSync(dir, { recursive: true, force: true });
    });

    for (const q of timedQueriesFor(seed)) {
      for (const parallelism of [1, 2]) {
        it(`${q.kind} (p${parallelism})`, async () => {
          const env = TableEnvironment.create({ parallelism, config: { 'pipeline.auto-watermark-interval': '0', 'table.exec.batch-size': '16' } });
          for (const name of Object.keys(data)) {
            await env.executeSql(`CREATE TABLE ${name} (id INT, k INT, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - ${WATERMARK_DELAY}) `
              + `WITH ('connector' = 'filesystem', 'path' = '${join(dir, name)}', 'format' = 'csv')`);
          }
          const result = await env.sqlQuery(q.weir).execute().collect();
          assert.ok(result.every((r) => r.kind === '+I'), 'windowed results are append-only');
          const expected = (await duck.runAndReadAll(q.duck)).getRows() as unknown[][];
          const diff = compareResults(sorted(materialize(result).map((r) => r.values)), sorted(expected), true);
          if (diff) assert.fail(`seed ${seed}, parallelism ${parallelism}, ${q.kind}:\n  weir: ${q.weir}\n  duckdb: ${q.duck}\n${diff}`);
        });
      }
    }
  });
}
