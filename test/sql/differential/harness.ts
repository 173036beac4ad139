/**
 * Randomized differential checks of Weir's SQL against DuckDB (`@duckdb/node-api`, a devDependency; tests only).
 *
 * - `generateTables(seed)`: small random tables from a seeded PRNG (deterministic, CI-stable): INT columns with
 *   NULLs, strings from a 4-letter alphabet with NULLs, DOUBLEs that are multiples of 0.25 (exact in binary, so sums
 *   do not depend on the order of addition), 20–300 rows. `id` is a unique row number = file order.
 * - Weir reads them as CSV through the filesystem connector; DuckDB gets the same rows by INSERT.
 * - `toDuckDb(sql)` is the one place where the dialects differ (documented there).
 * - Results are compared as multisets (or in order for ORDER BY ... LIMIT); doubles with a relative tolerance.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mulberry32 } from '../../support/seeded-random.ts';

export type Value = number | string | null;
export interface Column { readonly name: string; readonly type: 'INT' | 'STRING' | 'DOUBLE' }
export interface GenTable { readonly name: string; readonly columns: readonly Column[]; readonly rows: Value[][] }

/** mulberry32: a tiny seeded PRNG. */
export const rng = mulberry32;

const ALPHABET = ['a', 'b', 'c', 'd'];

/** t1(id, k, a, s, d) and t2(id, k, b, s, e): k is a join / group key 0..11 (NULL ~5%). */
export function generateTables(seed: number): GenTable[] {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const maybe = <T>(v: T, pNull: number): T | null => (r() < pNull ? null : v);
  const make = (name: string, other: string, dbl: string): GenTable => {
    const n = int(20, 300);
    const rows: Value[][] = [];
    for (let i = 1; i <= n; i++) {
      rows.push([i, maybe(int(0, 11), 0.05), maybe(int(-50, 50), 0.15), maybe(ALPHABET[int(0, 3)], 0.1), int(-400, 400) / 4]);
    }
    return {
      name,
      columns: [{ name: 'id', type: 'INT' }, { name: 'k', type: 'INT' }, { name: other, type: 'INT' }, { name: 's', type: 'STRING' }, { name: dbl, type: 'DOUBLE' }],
      rows,
    };
  };
  return [make('t1', 'a', 'd'), make('t2', 'b', 'e')];
}

/** Writes each table as `<dir>/<name>/data.csv` (empty unquoted field = NULL) and returns Weir DDL for them. */
export function writeWeirTables(dir: string, tables: readonly GenTable[]): string[] {
  return tables.map((t) => {
    const path = join(dir, t.name);
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'data.csv'), t.rows.map((row) => row.map((v) => (v === null ? '' : String(v))).join(',')).join('\n') + '\n');
    const cols = t.columns.map((c) => `${c.name} ${c.type}`).join(', ');
    // pt: processing time, for deduplication (keep first / last in arrival order = file order).
    return `CREATE TABLE ${t.name} (${cols}, pt AS PROCTIME()) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'csv')`;
  });
}

export async function duckDbWith(tables: readonly GenTable[]): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  for (const t of tables) {
    const types = { INT: 'INTEGER', STRING: 'VARCHAR', DOUBLE: 'DOUBLE' } as const;
    await conn.run(`CREATE TABLE ${t.name} (${t.columns.map((c) => `${c.name} ${types[c.type]}`).join(', ')})`);
    const lit = (v: Value): string => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : String(v));
    await conn.run(`INSERT INTO ${t.name} VALUES ${t.rows.map((row) => `(${row.map(lit).join(', ')})`).join(', ')}`);
  }
  return conn;
}

/**
 * The dialect differences, in one place:
 * - `pt` (Weir's PROCTIME() column) becomes `id` in DuckDB: ordering by processing time = arrival order = file
 *   order = id, so dedup "keep first / last" is ROW_NUMBER() ordered by id.
 * Everything else is the same SQL text: the queries avoid INT / INT division and AVG of integers (Flink truncates,
 * DuckDB does not), and NULL-sensitive ORDER BY columns.
 */
export function toDuckDb(sql: string): string {
  return sql.replace(/\bpt\b/g, 'id');
}

export async function duckRows(conn: DuckDBConnection, sql: string): Promise<unknown[][]> {
  const r = await conn.runAndReadAll(toDuckDb(sql));
  return r.getRows() as unknown[][];
}

/** A canonical value: numbers (bigint → number), strings, null; booleans as strings. */
function canon(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v;
  // DuckDB DECIMAL / HUGEINT values and Weir DECIMAL strings
  const n = Number(String(v));
  return Number.isNaN(n) ? String(v) : n;
}

function close(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return true;
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  return a === b;
}

/** Sort key: numbers rounded to 6 significant digits so that nearly-equal doubles sort together. */
function key(row: readonly Value[]): string {
  return JSON.stringify(row.map((v) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v)));
}

/** Compares two results; undefined when equal, else a description of the first differences. */
export function compareResults(weir: readonly (readonly unknown[])[], duck: readonly (readonly unknown[])[], ordered: boolean): string | undefined {
  const w = weir.map((r) => r.map(canon));
  const d = duck.map((r) => r.map(canon));
  if (!ordered) { w.sort((x, y) => cmp(key(x), key(y))); d.sort((x, y) => cmp(key(x), key(y))); }
  const show = (rows: Value[][]): string => rows.slice(0, 12).map((r) => JSON.stringify(r)).join('\n    ') + (rows.length > 12 ? `\n    ... (${rows.length} rows)` : '');
  const diffs: string[] = [];
  for (let i = 0; i < Math.max(w.length, d.length) && diffs.length < 5; i++) {
    const a = w[i];
    const b = d[i];
    if (!a || !b || a.length !== b.length || a.some((v, j) => !close(v, b[j]))) diffs.push(`row ${i}: weir ${JSON.stringify(a)} vs duckdb ${JSON.stringify(b)}`);
  }
  if (w.length === d.length && diffs.length === 0) return undefined;
  return `weir ${w.length} rows, duckdb ${d.length} rows\n  ${diffs.join('\n  ')}\n  weir:\n    ${show(w)}\n  duckdb:\n    ${show(d)}`;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
