/** Shared by the event-time end-to-end tests: scripted tables and polling a running job's watermark metrics. */
import type { JobClient } from '../../src/exec/job/job-client.ts';

/** Milliseconds of 2024-01-01 00:00:00 UTC plus `seconds`. */
export const at = (seconds: number): number => Date.UTC(2024, 0, 1) + seconds * 1000;

/** `'2024-01-01 00:00:SS'` for a scripted row. */
export const ts = (seconds: number): string => new Date(at(seconds)).toISOString().replace('T', ' ').replace('Z', '');

/** A `script` option value: one list of steps per subtask. */
export const script = (...subtasks: unknown[][]): string => JSON.stringify(subtasks);

/** Rows `[k, ts(s)]` as a rows step. */
export const rowsAt = (k: string, ...seconds: number[]): unknown => ({ rows: seconds.map((s) => [k, ts(s)]) });

/** The current watermark gauge of the first operator whose name starts with `prefix` (merged: min over subtasks). */
export async function watermarkOf(job: JobClient, prefix: string): Promise<number | undefined> {
  const m = await job.metrics();
  const op = m.operators.find((o) => o.name.startsWith(prefix));
  if (!op) throw new Error(`no operator named ${prefix}…; operators: ${m.operators.map((o) => o.name).join(' | ')}`);
  const v = m.raw[`operator.${op.id}.currentWatermark`];
  return typeof v === 'number' ? v : undefined;
}

/**
 * Polls the watermark of operator `prefix` until `expected` (a generous time limit guards against a hang, not a
 * timing assertion: the value is the only thing checked).
 */
export async function awaitWatermark(job: JobClient, prefix: string, expected: number, limitMs = 20_000): Promise<number | undefined> {
  const deadline = Date.now() + limitMs;
  let last: number | undefined;
  while (Date.now() < deadline) {
    last = await watermarkOf(job, prefix);
    if (last === expected) return last;
    await new Promise((r) => setTimeout(r, 20));
  }
  return last;
}
