import type { ChangeBatch } from '../../batch/change-batch.ts';
import { ROW_KIND_SHORT } from '../../batch/row-kind.ts';
import { batchFromRows, parseTimestamp } from '../../batch/values/index.ts';
import { WeirError } from '../../errors/weir-error.ts';
import type { Schema } from '../../types/schema.ts';
import type { ConnectorOptions, SourceEvent } from '../connector.ts';
import { optionError } from '../options.ts';

export const IDENTIFIER = 'scripted';

/** One step of a subtask's script, parsed and with its rows already built into a batch. */
export type ScriptStep =
  | { readonly kind: 'rows'; readonly batch: ChangeBatch; readonly split: string }
  | SourceEvent
  | { readonly kind: 'sleep'; readonly ms: number }
  | { readonly kind: 'hold' };

/** The parsed `script` option: one list of steps per subtask (subtasks beyond the list have none). */
export interface Script {
  readonly subtasks: readonly (readonly ScriptStep[])[];
  /** False when a step holds the source open (`{"hold": true}`): the table is then unbounded. */
  readonly bounded: boolean;
}

const HINT = `'script' is JSON: a list of steps for subtask 0, or a list with one list of steps per subtask. Steps: `
  + `{"rows": [[v1, v2, ...], ...], "kinds"?: ["+I", "-D", ...], "split"?: "name"}, {"watermark": millis | "YYYY-MM-DD HH:MM:SS[.fff]"}, `
  + `{"idle": true | false}, {"split-finished": "name"}, {"sleep": millis}, {"hold": true}. See docs/event-time.md.`;

/** Parses and checks the `script` option against the table schema (rows are converted now, so bad values fail here). */
export function parseScript(options: ConnectorOptions, schema: Schema): Script {
  const raw = options.script;
  if (raw === undefined) throw optionError(IDENTIFIER, 'script', 'is required', HINT);
  let json: unknown;
  try { json = JSON.parse(raw); } catch (e) { throw optionError(IDENTIFIER, 'script', `is not valid JSON: ${(e as Error).message}`, HINT); }
  if (!Array.isArray(json)) throw optionError(IDENTIFIER, 'script', 'must be a JSON list', HINT);
  const perSubtask = json.length > 0 && json.every(Array.isArray);
  const lists = (perSubtask ? json : [json]) as unknown[][];
  const subtasks = lists.map((steps, s) => steps.map((step, i) => parseStep(step, schema, `subtask ${s}, step ${i}`)));
  return { subtasks, bounded: !subtasks.some((steps) => steps.some((st) => st.kind === 'hold')) };
}

/** Whether the script ends on every subtask (no `hold` step); a script that does not parse counts as bounded. */
export function scriptIsBounded(raw: string | undefined): boolean {
  let json: unknown;
  try { json = JSON.parse(raw ?? '[]'); } catch { return true; }
  const steps = Array.isArray(json) ? json.flat() : [];
  return !steps.some((st) => st !== null && typeof st === 'object' && (st as Record<string, unknown>).hold === true);
}

function parseStep(step: unknown, schema: Schema, where: string): ScriptStep {
  const bad = (why: string): never => { throw optionError(IDENTIFIER, 'script', `${where}: ${why}`, HINT); };
  if (step === null || typeof step !== 'object' || Array.isArray(step)) return bad(`expected a step object, got ${JSON.stringify(step)}`);
  const s = step as Record<string, unknown>;
  if ('rows' in s) return rowsStep(s, schema, bad);
  const keys = Object.keys(s);
  if (keys.length !== 1) return bad(`a step has exactly one of rows, watermark, idle, split-finished, sleep, hold; got ${keys.join(', ') || 'none'}`);
  const v = s[keys[0]];
  switch (keys[0]) {
    case 'watermark': return { kind: 'watermark', timestamp: timestampMillis(v, bad) };
    case 'idle': return typeof v === 'boolean' ? { kind: 'idle', idle: v } : bad('idle must be true or false');
    case 'split-finished': return typeof v === 'string' ? { kind: 'split-finished', split: v } : bad('split-finished names a split (a string)');
    case 'sleep': return typeof v === 'number' && v >= 0 ? { kind: 'sleep', ms: v } : bad('sleep is a number of milliseconds');
    case 'hold': return v === true ? { kind: 'hold' } : bad('hold must be true');
    default: return bad(`unknown step '${keys[0]}'`);
  }
}

function rowsStep(s: Record<string, unknown>, schema: Schema, bad: (why: string) => never): ScriptStep {
  const extra = Object.keys(s).filter((k) => k !== 'rows' && k !== 'kinds' && k !== 'split');
  if (extra.length) bad(`a rows step takes rows, kinds and split, not ${extra.join(', ')}`);
  if (!Array.isArray(s.rows)) bad('rows must be a list of rows');
  const rows = (s.rows as unknown[]).map((r, i) => {
    if (Array.isArray(r)) {
      if (r.length !== schema.length) bad(`row ${i} has ${r.length} values for ${schema.length} columns ${schema}`);
      return r;
    }
    if (r !== null && typeof r === 'object') return schema.names.map((n) => (r as Record<string, unknown>)[n] ?? null);
    return bad(`row ${i} must be a list of values or an object by column name`);
  });
  let kinds: Uint8Array | null = null;
  if (s.kinds !== undefined) {
    const k = s.kinds;
    if (!Array.isArray(k) || k.length !== rows.length) bad('kinds must list one of +I, -U, +U, -D per row');
    kinds = Uint8Array.from(k as unknown[], (x) => {
      const i = ROW_KIND_SHORT.indexOf(x as (typeof ROW_KIND_SHORT)[number]);
      return i >= 0 ? i : bad(`unknown row kind ${JSON.stringify(x)}; use +I, -U, +U or -D`);
    });
  }
  if (s.split !== undefined && typeof s.split !== 'string') bad('split must be a string');
  try {
    return { kind: 'rows', batch: batchFromRows(schema, rows, kinds), split: (s.split as string | undefined) ?? '' };
  } catch (e) {
    if (e instanceof WeirError) bad(e.message);
    throw e;
  }
}

/** A watermark as epoch milliseconds: a number, or a timestamp text read as UTC. */
function timestampMillis(v: unknown, bad: (why: string) => never): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const nanos = parseTimestamp(v, true);
    if (nanos !== undefined) return Number(nanos / 1_000_000n);
  }
  return bad(`watermark must be epoch milliseconds or 'YYYY-MM-DD HH:MM:SS[.fff]', got ${JSON.stringify(v)}`);
}
