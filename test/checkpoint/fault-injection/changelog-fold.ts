/**
 * Folds the committed Debezium JSON changelog of a filesystem sink (`format = 'debezium-json'`) into the table it
 * describes: each `after` row added, each `before` row removed, as a multiset. The fault-injection harness compares
 * the folded table of a run with the fault-free run's, and checks that the fold never removes a row that is not
 * there: a change committed twice or lost shows either as a wrong final table or as such a removal.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface FoldedChangelog {
  /** The final table: one entry per row (its JSON text), sorted. */
  readonly rows: string[];
  /** Change lines folded. */
  readonly changes: number;
  /** Problems, in order: a removal of a row not in the table, or a line that is not a Debezium change. */
  readonly errors: string[];
}

/**
 * The committed lines of `dir`, in the order they were written per subtask: the sink is forward-connected to the
 * keyed aggregation, so all changes of a key are in the files of one subtask; those are ordered by modification
 * time (a restored writer writes after the killed one), then by the part counter of their name.
 */
export function committedChangelog(dir: string): string[] {
  let names: string[];
  try { names = readdirSync(dir).filter((f) => !f.startsWith('.')); } catch { return []; }
  const files = names.map((name) => ({ name, mtime: statSync(join(dir, name), { bigint: true }).mtimeNs, n: partCounter(name) }));
  files.sort((a, b) => (a.mtime < b.mtime ? -1 : a.mtime > b.mtime ? 1 : a.n - b.n));
  return files.flatMap((f) => readFileSync(join(dir, f.name), 'utf8').split('\n').filter(Boolean));
}

/** `part-<writer>-<subtask>-<n>.json` → n. */
function partCounter(name: string): number {
  return Number(/-(\d+)\.[a-z]+$/.exec(name)?.[1] ?? 0);
}

/** Folds Debezium change lines (`c`: after added; `d`: before removed) in order. */
export function foldChangelog(lines: readonly string[]): FoldedChangelog {
  const counts = new Map<string, number>();
  const errors: string[] = [];
  lines.forEach((line, i) => {
    let change: { before?: unknown; after?: unknown; op?: unknown };
    try { change = JSON.parse(line) as typeof change; } catch { errors.push(`line ${i + 1} is not JSON: ${line}`); return; }
    if (change.op === 'c' && change.before === null && change.after !== null && typeof change.after === 'object') {
      const row = JSON.stringify(change.after);
      counts.set(row, (counts.get(row) ?? 0) + 1);
    } else if (change.op === 'd' && change.after === null && change.before !== null && typeof change.before === 'object') {
      const row = JSON.stringify(change.before);
      const n = counts.get(row) ?? 0;
      if (n === 0) errors.push(`line ${i + 1} removes a row not in the table: ${row}`);
      else if (n === 1) counts.delete(row);
      else counts.set(row, n - 1);
    } else {
      errors.push(`line ${i + 1} is not a Debezium c/d change: ${line}`);
    }
  });
  const rows = [...counts].flatMap(([row, n]) => Array<string>(n).fill(row)).sort();
  return { rows, changes: lines.length, errors };
}
