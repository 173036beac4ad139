import type { JobClient } from '../exec/job/job-client.ts';
import type { TableResult } from './table-result.ts';

/**
 * What `env.executeSql()` returns, by statement:
 * - `ok`: DDL (CREATE / DROP), SET 'k' = 'v', RESET;
 * - `rows`: SHOW, DESCRIBE, EXPLAIN and bare SET (a small table, printable with {@link formatRowsTable});
 * - `query`: a SELECT, already running: read its rows from `result` (`collect()`, `materialize()`, `print()`);
 * - `insert`: an INSERT or a statement set, submitted as one job: `await job.done()`.
 */
export type SqlResult =
  | { readonly kind: 'ok' }
  | { readonly kind: 'rows'; readonly columns: readonly string[]; readonly rows: readonly (readonly unknown[])[] }
  | { readonly kind: 'query'; readonly result: TableResult }
  | { readonly kind: 'insert'; readonly job: JobClient };

/**
 * A boxed table as Flink's SQL client prints it (`+------+` borders, values right-aligned, `<NULL>` for null), ending
 * with the row count. Multi-line values (EXPLAIN) are printed as they are, without a box.
 */
export function formatRowsTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const text = rows.map((r) => r.map(cell));
  if (text.some((r) => r.some((c) => c.includes('\n')))) return text.map((r) => r.join('\n')).join('\n\n');
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => r[i].length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: readonly string[], align: 'left' | 'right') =>
    `|${cells.map((c, i) => ` ${align === 'right' ? c.padStart(widths[i]) : c.padEnd(widths[i])} `).join('|')}|`;
  const count = rows.length === 0 ? 'Empty set' : `${rows.length} row${rows.length === 1 ? '' : 's'} in set`;
  return [rule, line(columns, 'left'), rule, ...text.map((r) => line(r, 'right')), rule, count].join('\n');
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '<NULL>';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return String(v);
}
