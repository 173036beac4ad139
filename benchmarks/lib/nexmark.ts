import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TableEnvironment } from '../../src/index.ts';
import { formatSql, parseStatements } from '../../src/sql/index.ts';
import type { CreateTableStatement, InsertStatement, Statement } from '../../src/sql/ast.ts';

/** The folder of the query files q0.sql ... q22.sql (nexmark-flink's queries with its DDL and views). */
export const NEXMARK_DIR = join(import.meta.dirname, '..', 'nexmark');

/** The queries of the Weir Nexmark suite: nexmark-flink's q0-q22 without q10 (a partitioned file sink) and q20. */
export const NEXMARK_QUERIES: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22];

/** Rows of q13's side input (nexmark-flink's side_input_gen.sh writes "i,i" for i = 0 .. n-1). */
export const SIDE_INPUT_ROWS = 10_000;

/** One query file, split for running: the setup statements and the final INSERT's query. */
export interface NexmarkScript {
  /** CREATE TABLE / VIEW / FUNCTION statements, as SQL text, in file order. */
  readonly setup: readonly string[];
  /** The INSERT INTO nexmark_qN statement, as SQL text. */
  readonly insert: string;
  /** The query the INSERT writes, as SQL text: run it with `env.sqlQuery(select)` to collect the result. */
  readonly select: string;
}

/**
 * Reads `q<N>.sql` and overrides options of its `datagen` (nexmark) table, e.g. `{ 'events.num': '10000' }`; with
 * `sideInputPath`, q13's side input table reads that file instead of the one named in the query.
 */
export function nexmarkScript(query: number, sourceOptions: Readonly<Record<string, string>> = {}, sideInputPath?: string): NexmarkScript {
  const statements = parseStatements(readFileSync(join(NEXMARK_DIR, `q${query}.sql`), 'utf8'));
  const last = statements.at(-1);
  if (last?.kind !== 'insert') throw new Error(`q${query}.sql must end with INSERT INTO, found ${last?.kind}`);
  const setup = statements.slice(0, -1).map((s) => formatSql(withOptions(s, 'datagen', sourceOptions, sideInputPath)));
  return { setup, insert: formatSql(last), select: formatSql((last as InsertStatement).query) };
}

/** Runs the setup statements of a script in `env` (its baseDir must be NEXMARK_DIR for q14's UDF path). */
export async function setUpNexmark(env: TableEnvironment, script: NexmarkScript): Promise<void> {
  for (const statement of script.setup) await env.executeSql(statement);
}

/** Writes q13's side input file ("i,i" lines) into `dir` and returns its path. */
export function writeSideInput(dir: string, rows = SIDE_INPUT_ROWS): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'side_input.txt');
  writeFileSync(path, Array.from({ length: rows }, (_, i) => `${i},${i}`).join('\n') + '\n');
  return path;
}

function withOptions(s: Statement, sourceTable: string, overrides: Readonly<Record<string, string>>, sideInputPath?: string): Statement {
  if (s.kind !== 'createTable') return s;
  const table = s.name.parts.at(-1);
  if (table === sourceTable) return setOptions(s, overrides);
  if (table === 'side_input' && sideInputPath !== undefined) return setOptions(s, { path: sideInputPath });
  return s;
}

/** The statement with `overrides` replacing (or added to) its WITH options. */
function setOptions(s: CreateTableStatement, overrides: Readonly<Record<string, string>>): CreateTableStatement {
  const pos = s.pos;
  const kept = s.options.filter((o) => !(o.key in overrides));
  const added = Object.entries(overrides).map(([key, value]) => ({ key, value, pos }));
  return { ...s, options: [...kept, ...added] };
}
