/**
 * The piscina task of the TypeScript UDF pool: runs one request's program (steps in order, chained results, literal
 * arguments) over columns moved in from the host, and moves the result columns back. Functions are loaded by
 * module path and export name and cached per thread; nothing executable crosses the thread boundary.
 *
 * Errors never leave as thrown exceptions (structured clone would strip their class and fields): they are returned
 * as serialized WeirErrors that the host rehydrates.
 */
import * as arrow from 'apache-arrow';
import { threadId } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { ErrorCodes, WeirError } from '../../errors/weir-error.ts';
import { UdfError } from '../../errors/errors.ts';
import { serializeError } from '../../errors/serialize.ts';
import type { UdfContext } from './define.ts';
import { runAggregateTask } from './aggregate-task.ts';
import { literalColumn } from './literal-column.ts';
import { loadScalarFunction } from './module-loader.ts';
import { toResultColumn } from './result-column.ts';
import { decodeData, encodeColumns } from './transferable-data.ts';
import { UdfMetricRegistry } from './user-metrics.ts';
import type { EvalTask, WorkerMetricRecord, WorkerReply, WorkerStep, WorkerTask } from './worker-protocol.ts';

/** Metric registries per client (backend instance) and step. Bounded: a closed client's entry ages out. */
const registries = new Map<string, UdfMetricRegistry[]>();
const MAX_CLIENTS = 1024;

const now = process.hrtime.bigint;

export default async function run(task: WorkerTask): Promise<unknown> {
  if (task.kind === 'aggregate') return runAggregateTask(task);
  try {
    if (task.kind === 'load') {
      await Promise.all(task.program.steps.map((s) => loadScalarFunction(s.modulePath, s.exportName, s.name)));
      return { ok: true, threadId, columns: [], timings: { userNs: 0, deserNs: 0, serNs: 0 }, bytes: 0, metrics: [] } satisfies WorkerReply;
    }
    return await evaluate(task);
  } catch (e) {
    return { ok: false, threadId, error: serializeError(asWeirError(e)) } satisfies WorkerReply;
  }
}

async function evaluate(task: EvalTask): Promise<unknown> {
  const { program, rows } = task;
  const specs = await Promise.all(program.steps.map((s) => loadScalarFunction(s.modulePath, s.exportName, s.name)));
  const metrics = registriesFor(task.clientId, program.steps.length);

  let deserNs = 0n, userNs = 0n, serNs = 0n;
  let t = now();
  // Vectors over the moved-in buffers: no copy. Built once, shared by every step that reads the column.
  const inputs = task.columns.map((c) => arrow.makeVector(decodeData(c)));
  deserNs += now() - t;

  const results: arrow.Data[] = [];
  for (let i = 0; i < program.steps.length; i++) {
    const step = program.steps[i];
    t = now();
    const args = step.args.map((a) => argument(a, inputs, results, rows, step));
    deserNs += now() - t;

    const ctx: UdfContext = { rows, name: step.name, metrics: metrics[i].root };
    t = now();
    let out: unknown;
    try {
      out = specs[i].kernel(...args, ctx);
      if (isThenable(out)) out = await out;
    } catch (e) {
      throw userError(e, step, args, rows);
    }
    userNs += now() - t;

    t = now();
    results.push(toResultColumn(out, step.resultType, rows, step.name));
    serNs += now() - t;
  }

  t = now();
  // The worker owns its results (fresh buffers or the moved-in arguments it is done with), so they are moved.
  const encoded = encodeColumns(program.outputs.map((o) => results[o]), 'move');
  serNs += now() - t;

  const records: WorkerMetricRecord[] = [];
  metrics.forEach((registry, i) => {
    for (const r of registry.collectChanges()) records.push({ ...r, udf: program.steps[i].name });
  });
  const reply: WorkerReply = {
    ok: true,
    threadId,
    columns: encoded.columns,
    timings: { userNs: Number(userNs), deserNs: Number(deserNs), serNs: Number(serNs) },
    bytes: encoded.bytes,
    metrics: records,
  };
  return move({ [transferableSymbol]: encoded.transferList, [valueSymbol]: reply } as never);
}

function argument(a: WorkerStep['args'][number], inputs: arrow.Vector[], results: arrow.Data[], rows: number, step: WorkerStep): arrow.Vector {
  if ('col' in a) {
    const v = inputs[a.col];
    if (!v) throw protocolError(`step '${step.name}' reads argument column ${a.col}, but the request has ${inputs.length}`, step);
    return v;
  }
  if ('step' in a) {
    const d = results[a.step];
    if (!d) throw protocolError(`step '${step.name}' reads the result of step ${a.step}, which has not run yet`, step);
    return arrow.makeVector(d);
  }
  return arrow.makeVector(literalColumn(a.lit, a.type, rows));
}

export function registriesFor(clientId: string, steps: number): UdfMetricRegistry[] {
  let list = registries.get(clientId);
  if (!list) {
    if (registries.size >= MAX_CLIENTS) registries.delete(registries.keys().next().value!);
    list = Array.from({ length: steps }, () => new UdfMetricRegistry());
    registries.set(clientId, list);
  }
  return list;
}

/**
 * A kernel threw. Vectorized code has no "current row", so the row is reported only when the error says which one
 * (a `row` property, e.g. `throw Object.assign(new Error('bad value'), { row: i })`), with that row's arguments.
 */
function userError(e: unknown, step: WorkerStep, args: arrow.Vector[], rows: number): UdfError {
  const err = e instanceof Error ? e : new Error(String(e));
  const row = (e as { row?: unknown })?.row;
  const known = typeof row === 'number' && Number.isInteger(row) && row >= 0 && row < rows ? row : undefined;
  return new UdfError(ErrorCodes.UDF_ERROR, `TypeScript UDF '${step.name}' threw ${err.name}: ${err.message}`, {
    udf: step.name,
    traceback: err.stack,
    row: known,
    values: known === undefined ? undefined : args.map((v) => plain(v.get(known))),
  }, { cause: e });
}

/** A structured-clone- and JSON-friendly rendering of one Arrow value (struct rows and lists become JSON). */
export function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date || ArrayBuffer.isView(value)) return value;
  const json = (value as { toJSON?: () => unknown }).toJSON?.();
  return json === undefined ? String(value) : JSON.parse(JSON.stringify(json, (_k, v) => (typeof v === 'bigint' ? `${v}` : v)));
}

function protocolError(message: string, step: WorkerStep): UdfError {
  return new UdfError(ErrorCodes.UDF_PROTOCOL, message, { udf: step.name });
}

export function asWeirError(e: unknown): WeirError {
  if (e instanceof WeirError) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  return new WeirError(ErrorCodes.INTERNAL, `TypeScript UDF worker failed: ${err.message}`, { cause: e });
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

