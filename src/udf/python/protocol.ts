import * as arrow from 'apache-arrow';
import { ErrorCodes, type ErrorCode } from '../../errors/weir-error.ts';
import { ExecutionError, UdfError } from '../../errors/errors.ts';
import { toArrowType } from '../../types/arrow-types.ts';
import { formatDataType, isIntegerType, type DataType } from '../../types/data-type.ts';
import type { PythonFunctionDefinition, UdfArg, UdfProgram } from '../function-definition.ts';
import type { UdfTimings, UserMetricUpdate } from '../udf-backend.ts';
import { decodeBody } from './codec.ts';

/** Protocol version spoken by this host (docs/protocol.md). */
export const PROTOCOL_VERSION = 1;

/** A function entry of a `load` request. */
export interface LoadFunctionSpec {
  id: number;
  path: string;
  name: string;
  /** 'auto' (registration): the worker loads the attribute as the kind it was declared as and reports it. */
  kind: 'scalar' | 'aggregate' | 'table' | 'auto';
  result_type?: string;
  input_types?: string[];
  func_type?: 'general' | 'pandas';
  job_parameters?: Record<string, string>;
  /** Aggregate functions: the accumulator's type string (its state schema version). */
  accumulator_type?: string;
  /** Table functions: the result column types. */
  result_types?: string[];
}

/** A function entry of a `loaded` reply. */
export interface LoadedFunction {
  id: number;
  name: string;
  kind: 'scalar' | 'aggregate' | 'table';
  func_type: 'general' | 'pandas';
  input_types: string[] | null;
  result_type: string;
  deterministic: boolean;
  /** Aggregate functions (docs/protocol.md "load of kind aggregate"). */
  accumulator_type?: string | null;
  has_retract?: boolean;
  has_merge?: boolean;
  /** Table functions. */
  result_types?: string[];
  result_names?: string[];
}

/** Wire form of one program step of an `eval` request. */
export type WireArg = { col: number } | { step: number } | { lit: string | number | bigint | boolean | null; type: string };
export interface WireStep { fn: number; args: WireArg[] }

export const helloMessage = (token: string, client: string) => ({ type: 'hello', protocol: PROTOCOL_VERSION, token, client });
export const loadMessage = (seq: number, functions: LoadFunctionSpec[]) => ({ type: 'load', seq, functions });
export const evalMessage = (seq: number, rows: number, program: WireStep[], outputs: number[]) =>
  ({ type: 'eval', seq, rows, program, outputs });
export const closeMessage = (seq: number) => ({ type: 'close', seq });

/**
 * The `load` entry of a resolved function: the catalog's types are sent as overrides so the worker converts exactly
 * as the plan expects, whatever the decorator says.
 */
export function loadSpecOf(fn: PythonFunctionDefinition, id: number, jobParameters?: Record<string, string>): LoadFunctionSpec {
  return {
    id,
    path: fn.path,
    name: fn.name,
    kind: fn.kind,
    result_type: formatDataType(fn.resultType),
    input_types: fn.inputTypes ? fn.inputTypes.map((t) => formatDataType(t)) : undefined,
    func_type: fn.funcType,
    job_parameters: jobParameters,
  };
}

/**
 * The wire program of a UdfProgram. Function ids are step indices: a function called twice is loaded twice, which
 * keeps per-step `open()` state separate, as two calls of a PyFlink UDF in one job would be.
 */
export function wireProgram(program: UdfProgram): WireStep[] {
  return program.steps.map((step, fn) => ({ fn, args: step.args.map(wireArg) }));
}

function wireArg(arg: UdfArg): WireArg {
  if ('col' in arg) return { col: arg.col };
  if ('step' in arg) return { step: arg.step };
  // msgpackr writes integers beyond 32 bits as float64; a BIGINT literal must stay an integer on the wire.
  const lit = typeof arg.lit === 'number' && isIntegerType(arg.type) && Number.isInteger(arg.lit) && Math.abs(arg.lit) > 0x7fffffff
    ? BigInt(arg.lit) : arg.lit;
  return { lit, type: formatDataType(arg.type) };
}

/** Maps a worker error code to a Weir code; unknown codes become UDF_PROTOCOL rather than being dropped. */
const WIRE_CODES: Record<string, ErrorCode> = {
  UDF_ERROR: ErrorCodes.UDF_ERROR,
  UDF_RESULT_LENGTH: ErrorCodes.UDF_RESULT_LENGTH,
  UDF_RESULT_TYPE: ErrorCodes.UDF_RESULT_TYPE,
  UDF_MODULE_NOT_FOUND: ErrorCodes.UDF_MODULE_NOT_FOUND,
  UDF_FUNCTION_NOT_FOUND: ErrorCodes.UDF_FUNCTION_NOT_FOUND,
  UDF_NOT_A_FUNCTION: ErrorCodes.UDF_NOT_A_FUNCTION,
  UDF_UNKNOWN_TYPE: ErrorCodes.TYPE_UNKNOWN,
  UDF_OPEN_FAILED: ErrorCodes.UDF_OPEN_FAILED,
  UDF_UNKNOWN_FUNCTION: ErrorCodes.UDF_PROTOCOL,
  PROTOCOL_ERROR: ErrorCodes.UDF_PROTOCOL,
  PROTOCOL_VERSION: ErrorCodes.UDF_PROTOCOL,
  AUTH_FAILED: ErrorCodes.UDF_PROTOCOL,
  AUTH_REQUIRED: ErrorCodes.UDF_PROTOCOL,
};

const HINTS: Partial<Record<ErrorCode, string>> = {
  UDF_MODULE_NOT_FOUND: "Check the path ('dir/file.py:func' relative to the job's base dir, or 'package.module:func') and that the module's dependencies are installed in the worker's Python (python.executable).",
  UDF_FUNCTION_NOT_FOUND: 'Check the attribute name after the colon; it must be a module-level name.',
  UDF_NOT_A_FUNCTION: 'Decorate the function with @udf(result_type=...) or subclass ScalarFunction.',
  TYPE_UNKNOWN: 'Use Flink type syntax such as BIGINT, DECIMAL(10, 2), TIMESTAMP(3) for result_type and input_types.',
  UDF_OPEN_FAILED: "The function's open() raised; see the Python traceback.",
  UDF_RESULT_LENGTH: 'A pandas UDF must return a Series as long as its input Series.',
  UDF_RESULT_TYPE: "Return values that fit the declared result_type, or change the declaration.",
};

/**
 * Turns an `error` reply into a typed error. UDF failures keep the Python traceback, the function name, the row
 * (relative to the request; the operator rebases it) and the offending argument values.
 */
export function errorFromReply(header: Record<string, unknown>, fallbackUdf: string): UdfError | ExecutionError {
  const wire = String(header.code ?? 'PROTOCOL_ERROR');
  const code = WIRE_CODES[wire] ?? ErrorCodes.UDF_PROTOCOL;
  const message = String(header.message ?? `Python worker reported ${wire}`);
  if (wire.startsWith('UDF_') && wire !== 'UDF_UNKNOWN_FUNCTION') {
    const udf = typeof header.function === 'string' && header.function ? header.function : fallbackUdf;
    const loading = code !== ErrorCodes.UDF_ERROR && code !== ErrorCodes.UDF_RESULT_LENGTH && code !== ErrorCodes.UDF_RESULT_TYPE;
    return new UdfError(code, loading ? `Cannot load Python UDF '${udf}': ${message}` : `Python UDF '${udf}' failed: ${message}`, {
      udf,
      traceback: typeof header.traceback === 'string' ? header.traceback : undefined,
      row: typeof header.row === 'number' ? header.row : undefined,
      values: Array.isArray(header.values) ? header.values : undefined,
    }, { hint: HINTS[code] });
  }
  return new ExecutionError(`Python worker protocol failure (${wire}): ${message}`, {
    hint: wire.startsWith('AUTH') ? 'The worker rejected the session token; is another process using this socket?' : undefined,
  }, code);
}

/** A validated `result` reply. */
export interface EvalReply {
  readonly columns: arrow.Data[];
  readonly timings: UdfTimings;
  readonly userMetrics: UserMetricUpdate[];
}

/**
 * Validates a `result` reply against the program: one column per output, each `rows` long and of the declared
 * result type (else UDF_RESULT_LENGTH / UDF_RESULT_TYPE naming the function, expected vs got).
 */
export function parseResult(header: Record<string, unknown>, body: Uint8Array | undefined, program: UdfProgram, rows: number): EvalReply {
  const names = program.steps.map((s) => s.fn.name);
  if (!body) throw new ExecutionError('Python worker sent a result without an Arrow body', {}, ErrorCodes.UDF_PROTOCOL);
  const decoded = decodeBody(body);
  if (decoded.columns.length !== program.outputs.length) {
    throw new ExecutionError(`Python worker returned ${decoded.columns.length} result columns, expected ${program.outputs.length}`, {}, ErrorCodes.UDF_PROTOCOL);
  }
  program.outputs.forEach((step, i) => {
    const fn = program.steps[step].fn;
    const got = decoded.columns[i];
    if (got.length !== rows || decoded.rows !== rows) {
      throw new UdfError(ErrorCodes.UDF_RESULT_LENGTH,
        `Python UDF '${fn.name}' returned ${got.length} rows for ${rows} input rows`, { udf: fn.name }, { hint: HINTS.UDF_RESULT_LENGTH });
    }
    checkType(fn.name, fn.resultType, got.type);
  });
  return { columns: decoded.columns, timings: parseTimings(header), userMetrics: parseUserMetrics(header, names) };
}

/** The worker-reported time split of a `result` reply (zeros when absent). */
export function parseTimings(header: Record<string, unknown>): UdfTimings {
  const t = (header.timings ?? {}) as Record<string, unknown>;
  return { userNs: num(t.user_ns), deserNs: num(t.deser_ns), serNs: num(t.ser_ns) };
}

/** The user metrics riding on a `result` reply; `names[fn]` names the function of each entry. */
export function parseUserMetrics(header: Record<string, unknown>, names: readonly string[]): UserMetricUpdate[] {
  return Array.isArray(header.metrics) ? header.metrics.map((m) => userMetric(m as Record<string, unknown>, names)) : [];
}

/** UDF_RESULT_TYPE naming the function, declared vs got, unless `got` is the Arrow type of `declared`. */
export function checkType(udf: string, declared: DataType, got: arrow.DataType): void {
  const expected = toArrowType(declared);
  // compareTypes is asymmetric in Arrow JS 21 (a decoded Float vs a constructed Float64), so try both orders.
  if (arrow.util.compareTypes(got, expected) || arrow.util.compareTypes(expected, got)) return;
  // A zone spelled differently ('Etc/UTC') is the same instant type; anything else is a mismatch.
  if (arrow.DataType.isTimestamp(expected) && arrow.DataType.isTimestamp(got)
    && (expected as arrow.Timestamp).unit === (got as arrow.Timestamp).unit
    && !(expected as arrow.Timestamp).timezone === !(got as arrow.Timestamp).timezone) return;
  throw new UdfError(ErrorCodes.UDF_RESULT_TYPE,
    `Python UDF '${udf}' returned Arrow type ${got} but its result type ${formatDataType(declared)} is ${expected}`,
    { udf }, { hint: HINTS.UDF_RESULT_TYPE });
}

function userMetric(m: Record<string, unknown>, names: readonly string[]): UserMetricUpdate {
  const fn = typeof m.fn === 'number' ? m.fn : -1;
  return {
    udf: names[fn] ?? `fn${fn}`,
    group: Array.isArray(m.group) ? m.group.map(String) : [],
    name: String(m.name),
    kind: (m.kind as UserMetricUpdate['kind']) ?? 'gauge',
    value: m.value,
  };
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : 0);
