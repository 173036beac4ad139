import type { Configuration } from '../../config/configuration.ts';
import { PythonOptions } from '../../config/options.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { UdfError, WeirError } from '../../errors/index.ts';
import { formatDataType, type DataType } from '../../types/data-type.ts';
import { rowOf } from '../table-function.ts';
import { parseDataType } from '../../types/parse-data-type.ts';
import type { PythonFunctionDefinition, TableFunctionInfo } from '../function-definition.ts';
import { resolvePythonExecutable } from './interpreter.ts';
import type { LoadedFunction } from './protocol.ts';
import { DEFAULT_LIVENESS_TIMEOUT_MS, WorkerClient } from './worker-client.ts';
import { WorkerProcess } from './worker-process.ts';

export interface InspectOptions {
  readonly config: Configuration;
  /** Directory `file.py:attr` paths resolve against. */
  readonly baseDir: string;
  /** Values given at registration; they win over the decorator's (sent as `load` overrides). */
  readonly overrides?: {
    readonly resultType?: DataType;
    readonly inputTypes?: readonly DataType[];
    readonly funcType?: 'general' | 'pandas';
  };
}

/**
 * One inspector worker per (interpreter, base dir), started on first use and reused: registering ten functions
 * costs one interpreter start. Its process is unref'd and killed at Node exit (worker-process.ts), so it never
 * keeps a script alive; each inspection opens its own short session so nothing accumulates in the worker.
 */
const inspectors = new Map<string, Promise<WorkerProcess>>();

function inspector(python: string, baseDir: string, startTimeoutMs: number): Promise<WorkerProcess> {
  const key = `${python}\0${baseDir}`;
  let worker = inspectors.get(key);
  if (!worker) {
    worker = WorkerProcess.start({ python, baseDir, startTimeoutMs, workerId: -1 - inspectors.size, transport: 'ipc' });
    worker.then((w) => w.onExit(() => inspectors.delete(key)), () => inspectors.delete(key));
    inspectors.set(key, worker);
  }
  return worker;
}

/**
 * Validates a Python UDF at registration (`env.createPythonFunction('normalize', 'udfs/text.py:normalize')`): the
 * module imports, the attribute exists and is a UDF, its types parse. Returns the resolved definition (func_type,
 * input/result types, determinism). Failures are UdfErrors with codes UDF_MODULE_NOT_FOUND, UDF_FUNCTION_NOT_FOUND,
 * UDF_NOT_A_FUNCTION, UDF_OPEN_FAILED or TYPE_UNKNOWN and a hint, or WorkerCrashError UDF_WORKER_START_FAILED when
 * no usable Python is available.
 */
export async function inspectPythonFunction(name: string, path: string, opts: InspectOptions): Promise<PythonFunctionDefinition> {
  const python = resolvePythonExecutable(opts.config);
  const worker = await inspector(python, opts.baseDir, opts.config.get(PythonOptions.WORKER_START_TIMEOUT));
  const client = await WorkerClient.connect(worker, { clientName: `weir-ts inspect ${name}`, livenessTimeoutMs: DEFAULT_LIVENESS_TIMEOUT_MS });
  let loaded: LoadedFunction;
  try {
    const o = opts.overrides ?? {};
    [loaded] = await client.load([{
      id: 0, path, name, kind: 'auto',
      result_type: o.resultType ? formatDataType(o.resultType) : undefined,
      input_types: o.inputTypes?.map((t) => formatDataType(t)),
      func_type: o.funcType,
    }]);
  } catch (error) {
    throw error instanceof UdfError ? withName(error, name, path) : error;
  } finally {
    await client.close();
  }
  return definitionOf(loaded, name, path);
}

/** The catalog definition of a `loaded` entry, whatever its kind. */
function definitionOf(loaded: LoadedFunction, name: string, path: string): PythonFunctionDefinition {
  const common = {
    language: 'python' as const, name, path,
    funcType: loaded.func_type,
    inputTypes: loaded.input_types ? loaded.input_types.map((t) => parseType(t, name, 'input')) : null,
    deterministic: loaded.deterministic,
  };
  if (loaded.kind === 'table') {
    const table = tableInfo(loaded, name);
    return { ...common, kind: 'table', resultType: rowOf(table), table };
  }
  const resultType = parseType(loaded.result_type, name, 'result');
  if (loaded.kind === 'aggregate') {
    return {
      ...common, kind: 'aggregate', resultType,
      aggregate: {
        accumulatorType: loaded.accumulator_type ? parseType(loaded.accumulator_type, name, 'accumulator') : null,
        hasRetract: loaded.has_retract === true,
        hasMerge: loaded.has_merge === true,
      },
    };
  }
  return { ...common, kind: 'scalar', resultType };
}

function tableInfo(loaded: LoadedFunction, udf: string): TableFunctionInfo {
  const types = (loaded.result_types ?? []).map((t) => parseType(t, udf, 'result'));
  const names = loaded.result_names ?? types.map((_, i) => `f${i}`);
  return { resultNames: names, resultTypes: types };
}

/** Stops the cached inspector workers (tests; normal scripts rely on the exit hook). */
export async function closeInspectors(): Promise<void> {
  const all = [...inspectors.values()];
  inspectors.clear();
  await Promise.all(all.map(async (w) => (await w.catch(() => null))?.stop(500)));
}

function parseType(text: string, udf: string, what: string): DataType {
  try {
    return parseDataType(text);
  } catch (cause) {
    throw new UdfError(ErrorCodes.TYPE_UNKNOWN, `Python UDF '${udf}' declares ${what} type '${text}', which Weir cannot parse`, { udf }, {
      cause, hint: (cause as WeirError).hint,
    });
  }
}

/** The worker names the function by its Python name; the user registered it under `name` from `path`. */
function withName(error: UdfError, name: string, path: string): UdfError {
  if (error.udf === name && error.message.includes(path)) return error;
  const first = error.message.split('\n')[0].replace(/ \(UDF [^)]*\)$/, '');
  return new UdfError(error.code, `${first} [registering '${name}' from '${path}']`, { udf: name, traceback: error.traceback }, { cause: error, hint: error.hint });
}
