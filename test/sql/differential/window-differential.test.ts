/**
 * Differential checks of windowed queries: Weir reads a seeded random table with out-of-order event times (a
 * watermark one day behind, so nothing is late and every window fires at the final MAX watermark) and must produce
 * the same multiset of rows as DuckDB's batch computation of the same windows (window-queries.ts), at parallelism 1
 * and 2.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { TableEnvironment } from '../../../src/index.ts';
import { materialize } from '../corpus/runner.ts';
import { compareResults, type Value } from './harness.ts';
import { generateWindowTable, windowQueriesFor, type WindowTable } from './window-queries.ts';

const SEEDS = process.env.WEIR_DIFF_SEEDS ? process.env.WEIR_DIFF_SEEDS.split(',').map(Number) : [5, 77];
const PARALLELISM = [1, 2];

const lit = (v: Value): string => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : String(v));
const text = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

function writeWeirTable(dir: string, table: WindowTable): string {
  const path = join(dir, 'w');
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'data.csv'), table.rows.map(([id, k, v, s, t]) => [id, k ?? '', v ?? '', s ?? '', text(t)].join(',')).join('\n') + '\n');
  return `CREATE TABLE w (id INT, k INT, v INT, s STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' DAY) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'csv')`;
}

async function duckWith(table: WindowTable): Promise<DuckDBConnection> {
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  await conn.run('CREATE TABLE w (id INTEGER, k INTEGER, v INTEGER, s VARCHAR, t BIGINT)');
  await conn.run(`INSERT INTO w VALUES ${table.rows.map((r) => `(${r.map(lit).join(', ')})`).join(', ')}`);
  return conn;
}

/** Timestamps become epoch milliseconds, as DuckDB computes the window bounds. */
const millis = (v: unknown): unknown => (v instanceof Date ? v.getTime() : v);

/**
 * Rows sorted by an exact key (every value here is an integer, a string or NULL; epoch milliseconds must not be
 * rounded as the shared harness's approximate key does for doubles), for an in-order comparison.
 */
function sorted(rows: readonly (readonly unknown[])[]): unknown[][] {
  const key = (r: readonly unknown[]): string => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? Number(v) : v));
  return rows.map((r) => [...r]).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

for (const seed of SEEDS) {
  describe(`window differential vs DuckDB, seed ${seed}`, () => {
    let dir: string;
    let duck: DuckDBConnection;
    const envs = new Map<number, TableEnvironment>();
    const table = generateWindowTable(seed);

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'weir-window-diff-'));
      const ddl = writeWeirTable(dir, table);
      duck = await duckWith(table);
      for (const p of PARALLELISM) {
        const env = TableEnvironment.create({ parallelism: p, name: `window-diff-${seed}-p${p}` });
        await env.executeSql(ddl);
        envs.set(p, env);
      }
    });
    after(() => {
      duck?.closeSync?.();
      rmSync(dir, { recursive: true, force: true });
    });

    for (const q of windowQueriesFor(seed)) {
      for (const p of PARALLELISM) {
        it(`${q.kind} (p${p})`, async () => {
          const changelog = await envs.get(p)!.sqlQuery(q.weir).execute().collect();
          assert.ok(changelog.every((r) => r.kind === '+I') || q.kind === 'grouping-sets', 'window results are append-only');
          const weir = materialize(changelog).map((r) => r.values.map(millis));
          const expected = (await duck.runAndReadAll(q.duck)).getRows() as unknown[][];
          const diff = compareResults(sorted(weir), sorted(expected), true);
          if (diff) assert.fail(`seed ${seed}, parallelism ${p}, ${q.kind}:\n  weir: ${q.weir}\n  duckdb: ${q.duck}\n${diff}`);
        });
      }
    }
  });
}
