/**
 * The SQL corpus runner: parses `test/fixtures/sql/corpus/<area>.sql` into records and runs them against a
 * TableEnvironment through `env.executeSql` / `env.executeSqlScript`.
 *
 * File format (records separated by a line `----`; blank lines and `--` comments before the directive are ignored):
 *
 *   -- statement ok                one or more statements (DDL, SET, INSERT, EXECUTE STATEMENT SET ...); INSERT jobs are awaited
 *   -- query [ordered]             a SELECT, then `-- expect` and the materialised rows, one per line, values as Flink
 *                                  prints them (`1, abc, 2.50, null`); compared as multisets unless `ordered`
 *   -- query contains              a statement (SHOW / DESCRIBE / EXPLAIN), then `-- expect` and lines that must each
 *                                  occur as a substring of the rendered output (rows joined by newlines)
 *   -- changelog                   a SELECT, then `-- expect` and the changelog rows in order (`+I[1, a]`, `-U[...]`);
 *                                  always run at parallelism 1
 *   -- error <CODE>                a statement, then `-- expect` and a message substring, optionally ` at L:C` (1-based
 *                                  line and column inside the statement text)
 *
 * Modifier lines right after the directive: `-- parallelism 1|2|both` (default both: the query runs at parallelism 1
 * and 2 and both must give the expected rows) and `-- skip <reason>` (reported as a skipped test: a known Weir bug,
 * kept as the spec). A line `-- default parallelism 1` before the first record sets the file's default (scalar-only
 * files: parallelism cannot change their result, and every job costs ~0.5 s). Any other `--` line right after the directive is a comment. `${TMP}` in statement text is a
 * fresh temporary directory per file (for filesystem sinks).
 */
import { readFileSync } from 'node:fs';
import type { Row } from '../../../src/api/row.ts';
import type { TableEnvironment } from '../../../src/api/table-environment.ts';
import type { TableResult } from '../../../src/api/table-result.ts';
import { formatValue } from '../../../src/batch/values/index.ts';
import type { DataType } from '../../../src/types/data-type.ts';

export type Directive = 'statement' | 'query' | 'query-ordered' | 'query-contains' | 'changelog' | 'error';

export interface CorpusRecord {
  readonly file: string;
  /** 1-based line of the directive in the file. */
  readonly line: number;
  readonly directive: Directive;
  readonly sql: string;
  readonly expect: readonly string[];
  readonly parallelism: readonly number[];
  readonly skip?: string;
  readonly errorCode?: string;
  readonly errorAt?: { line: number; column: number };
}

export function parseCorpus(file: string, text: string): CorpusRecord[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const records: CorpusRecord[] = [];
  // `-- default parallelism 1|2|both` anywhere outside a record's body sets the file's default.
  const dm = lines.map((l) => /^--\s*default parallelism\s+(1|2|both)\s*$/.exec(l.trim())).find((m) => m);
  const fileDefault = dm ? (dm[1] === 'both' ? [1, 2] : [Number(dm[1])]) : [1, 2];
  let start = 0;
  const flush = (from: number, to: number): void => {
    let i = from;
    while (i < to && (lines[i].trim() === '' || (/^--/.test(lines[i].trim()) && !isDirective(lines[i])))) i++;
    if (i >= to) return;
    if (!isDirective(lines[i])) throw new Error(`${file}:${i + 1}: a record must start with a directive, found: ${lines[i]}`);
    const line = i + 1;
    const head = lines[i].trim().replace(/^--\s*/, '');
    let directive: Directive;
    let errorCode: string | undefined;
    if (head === 'statement ok') directive = 'statement';
    else if (head === 'query') directive = 'query';
    else if (head === 'query ordered') directive = 'query-ordered';
    else if (head === 'query contains') directive = 'query-contains';
    else if (head === 'changelog') directive = 'changelog';
    else if (head.startsWith('error')) { directive = 'error'; errorCode = head.split(/\s+/)[1]; }
    else throw new Error(`${file}:${line}: unknown directive '${head}'`);
    i++;
    let parallelism: number[] = directive === 'changelog' ? [1] : fileDefault;
    let skip: string | undefined;
    while (i < to && /^--/.test(lines[i].trim()) && !/^--\s*expect\s*$/.test(lines[i].trim())) {
      const m = /^--\s*(parallelism|skip)\b\s*(.*)$/.exec(lines[i].trim());
      if (m?.[1] === 'parallelism') parallelism = m[2] === 'both' ? [1, 2] : [Number(m[2])];
      else if (m?.[1] === 'skip') skip = m[2] || 'skipped';
      i++;
    }
    const body: string[] = [];
    while (i < to && !/^--\s*expect\s*$/.test(lines[i].trim())) body.push(lines[i++]);
    const expect: string[] = [];
    if (i < to) {
      i++;
      for (; i < to; i++) if (lines[i].trim() !== '') expect.push(lines[i].trim());
    }
    if (directive !== 'statement' && i === to && expect.length === 0 && !lines.slice(from, to).some((l) => /^--\s*expect\s*$/.test(l.trim()))) {
      throw new Error(`${file}:${line}: a '${head}' record needs an '-- expect' line`);
    }
    let errorAt: CorpusRecord['errorAt'];
    if (directive === 'error' && expect.length > 0) {
      const m = / at (\d+):(\d+)$/.exec(expect[0]);
      if (m) { errorAt = { line: Number(m[1]), column: Number(m[2]) }; expect[0] = expect[0].slice(0, m.index); }
    }
    // Drop leading blank lines of the SQL so `at L:C` counts from its first line; keep the SQL otherwise verbatim.
    while (body.length && body[0].trim() === '') body.shift();
    while (body.length && body[body.length - 1].trim() === '') body.pop();
    records.push({ file, line, directive, sql: body.join('\n'), expect, parallelism, skip, errorCode, errorAt });
  };
  for (let i = 0; i <= lines.length; i++) {
    if (i === lines.length || lines[i].trim() === '----') { flush(start, i); start = i + 1; }
  }
  return records;
}

function isDirective(line: string): boolean {
  return /^--\s*(statement ok|query( ordered| contains)?|changelog|error\b.*)\s*$/.test(line.trim());
}

export function loadCorpus(path: string, name: string): CorpusRecord[] {
  return parseCorpus(name, readFileSync(path, 'utf8'));
}

// ---- running ---------------------------------------------------------------------------------------------------------

/** What `env.executeSql` returns (the SQL planner's contract). */
type SqlResultLike =
  | { kind: 'ok' }
  | { kind: 'rows'; rows?: readonly unknown[]; schema?: { names: readonly string[]; types: readonly DataType[] }; result?: TableResult }
  | { kind: 'query'; result: TableResult }
  | { kind: 'insert'; job: { done(): Promise<unknown> } };

interface SqlEnv {
  executeSql(sql: string): Promise<SqlResultLike>;
  executeSqlScript?(sql: string): Promise<unknown>;
}

export function sqlEnv(env: TableEnvironment): SqlEnv | undefined {
  const e = env as unknown as Partial<SqlEnv>;
  return typeof e.executeSql === 'function' ? (e as SqlEnv) : undefined;
}

export function setParallelism(env: TableEnvironment, p: number): void {
  env.config.set('parallelism.default', p);
}

/** Renders one value as Flink prints it; without a type (SHOW / DESCRIBE rows) falls back to plain text. */
function render(v: unknown, type?: DataType): string {
  if (type) return formatValue(v, type);
  if (v === null || v === undefined) return 'null';
  return String(v);
}

function rowText(values: readonly unknown[], types?: readonly DataType[]): string {
  return values.map((v, i) => render(v, types?.[i])).join(', ');
}

/** Runs a script of statements; awaits every INSERT job it started. */
export async function runStatements(env: TableEnvironment, sql: string): Promise<void> {
  const s = sqlEnv(env)!;
  const results = s.executeSqlScript ? await s.executeSqlScript(sql) : [await s.executeSql(sql)];
  const list = (Array.isArray(results) ? results : [results]) as SqlResultLike[];
  for (const r of list) await settle(r);
}

async function settle(r: SqlResultLike | undefined): Promise<string[] | undefined> {
  if (!r || typeof r !== 'object') return undefined;
  if (r.kind === 'insert') { await r.job.done(); return undefined; }
  if (r.kind === 'query') return (await r.result.collect()).map((row) => rowText(row.values, r.result.schema.types));
  if (r.kind === 'rows') return rowsOf(r);
  return undefined;
}

async function rowsOf(r: Extract<SqlResultLike, { kind: 'rows' }>): Promise<string[]> {
  if (r.result) return (await r.result.collect()).map((row) => rowText(row.values, r.result!.schema.types));
  return (r.rows ?? []).map((row) => {
    const values = Array.isArray(row) ? row : (row as Row).values ?? Object.values(row as object);
    return rowText(values as unknown[], r.schema?.types);
  });
}

/**
 * The materialised rows of a query, rendered, in changelog order. `insertOnly` tells whether the changelog had
 * only +I rows: then the order is the order the query produced (what `-- query ordered` checks); with updates the
 * final rows have no defined order.
 */
export async function queryRows(env: TableEnvironment, sql: string): Promise<string[]> {
  return (await queryResult(env, sql)).rows;
}

export async function queryResult(env: TableEnvironment, sql: string): Promise<{ rows: string[]; insertOnly: boolean }> {
  const r = await sqlEnv(env)!.executeSql(sql);
  if (r.kind === 'query') {
    const rows = await r.result.collect();
    return { rows: materialize(rows).map((row) => rowText(row.values, r.result.schema.types)), insertOnly: rows.every((x) => x.kind === '+I') };
  }
  if (r.kind === 'rows') return { rows: await rowsOf(r), insertOnly: true };
  throw new Error(`expected a query result, got kind '${r.kind}'`);
}

/** Applies a changelog (as TableResult.materialize does), keeping the order rows were first added. */
export function materialize(rows: readonly Row[]): Row[] {
  const live: (Row | undefined)[] = [];
  const byKey = new Map<string, number[]>();
  for (const row of rows) {
    const key = JSON.stringify(row.values, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
    if (row.kind === '+I' || row.kind === '+U') {
      (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(live.length);
      live.push(row);
    } else {
      const idx = byKey.get(key);
      if (!idx || idx.length === 0) throw new Error(`Changelog retracts a row that was never added: ${row.toString()}`);
      live[idx.pop()!] = undefined;
    }
  }
  return live.filter((r): r is Row => r !== undefined);
}

/** The changelog of a query, rendered as `+I[...]`. */
export async function changelogRows(env: TableEnvironment, sql: string): Promise<string[]> {
  const r = await sqlEnv(env)!.executeSql(sql);
  if (r.kind !== 'query') throw new Error(`expected a query result, got kind '${r.kind}'`);
  return (await r.result.collect()).map((row) => `${row.kind}[${rowText(row.values, r.result.schema.types)}]`);
}

/** Runs a statement that must fail; returns the error (or throws if it succeeded). */
export async function runExpectingError(env: TableEnvironment, sql: string): Promise<unknown> {
  try {
    // A script, so that a record can set something up and fail in a later statement (positions are the same).
    const s = sqlEnv(env)!;
    const results = s.executeSqlScript ? await s.executeSqlScript(sql) : [await s.executeSql(sql)];
    for (const r of (Array.isArray(results) ? results : [results]) as SqlResultLike[]) await settle(r);
  } catch (e) {
    return e;
  }
  throw new Error('the statement succeeded, but an error was expected');
}

export function normalizeLine(l: string): string {
  return l.replace(/\s+$/, '');
}

/** A readable diff of expected and actual rows: rows missing from and unexpected in the actual result. */
export function multisetDiff(expected: readonly string[], actual: readonly string[]): string | undefined {
  const count = new Map<string, number>();
  for (const e of expected.map(normalizeLine)) count.set(e, (count.get(e) ?? 0) + 1);
  const extra: string[] = [];
  for (const a of actual.map(normalizeLine)) {
    const n = count.get(a) ?? 0;
    if (n > 0) count.set(a, n - 1); else extra.push(a);
  }
  const missing = [...count].flatMap(([k, n]) => Array<string>(n).fill(k));
  if (missing.length === 0 && extra.length === 0) return undefined;
  return `missing rows:\n  ${missing.join('\n  ') || '(none)'}\nunexpected rows:\n  ${extra.join('\n  ') || '(none)'}\nactual (sorted):\n  ${[...actual].sort().join('\n  ')}`;
}
