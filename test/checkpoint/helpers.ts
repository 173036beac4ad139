import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Committed (visible) rows of a filesystem sink directory, sorted; hidden in-progress files are not read. */
export function committedRows(dir: string): string[] {
  return (existsSync(dir) ? readdirSync(dir) : []).filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
    .sort();
}

/**
 * Whether a completed checkpoint under `root` (state.checkpoints.dir) holds output of every sink, or of the sink of
 * `table` when given.
 */
export function checkpointWithOutput(root: string, table?: string): boolean {
  try {
    return readdirSync(root).some((job) => readdirSync(join(root, job)).some((c) => {
      const path = join(root, job, c, '_metadata');
      if (!existsSync(path)) return false;
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as { operators: { kind: string; name: string; subtasks: { committables?: unknown[] }[] }[] };
      const sinks = manifest.operators.filter((o) => o.kind === 'sink' && (table === undefined || o.name.startsWith(`Sink(${table},`)));
      return sinks.length > 0 && sinks.every((o) => o.subtasks.some((s) => s.committables?.length));
    }));
  } catch {
    return false;
  }
}

/** Polls `condition` every few milliseconds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}
