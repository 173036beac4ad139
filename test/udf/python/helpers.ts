import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Configuration } from '../../../src/config/configuration.ts';
import { MetricGroup } from '../../../src/metrics/metric-group.ts';
import { parseDataType } from '../../../src/types/parse-data-type.ts';
import type { PythonFunctionDefinition, UdfArg, UdfProgram } from '../../../src/udf/function-definition.ts';
import type { UdfBackendContext } from '../../../src/udf/udf-backend.ts';

/** test/fixtures: the base dir of the test UDF modules (paths like 'udfs/arith.py:mul_add'). */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

/** A resolved Python function as registration would produce it. */
export function pyFn(name: string, path: string, resultType: string, funcType: 'general' | 'pandas' = 'general', inputTypes: string[] | null = null): PythonFunctionDefinition {
  return {
    language: 'python', name, path, kind: 'scalar', funcType,
    inputTypes: inputTypes ? inputTypes.map(parseDataType) : null,
    resultType: parseDataType(resultType), deterministic: true,
  };
}

/** A one-step program calling `fn` on argument columns 0..n-1 (plus extra args). */
export function singleStep(fn: PythonFunctionDefinition, argCount: number, extra: UdfArg[] = []): UdfProgram {
  const args: UdfArg[] = [...Array.from({ length: argCount }, (_, i) => ({ col: i })), ...extra];
  return { language: 'python', argColumns: Array.from({ length: argCount }, (_, i) => i), steps: [{ fn, args }], outputs: [0] };
}

/** A backend context with quiet worker logs. */
export function backendContext(config: Record<string, string> = {}, overrides: Partial<UdfBackendContext> = {}): UdfBackendContext {
  process.env.WEIR_PYTHON_LOG ??= 'quiet';
  return {
    config: new Configuration({ 'python.worker.pool-size': '1', ...config }),
    baseDir: FIXTURES,
    signal: new AbortController().signal,
    metrics: new MetricGroup('op'),
    operatorName: 'PythonUdf(test)',
    subtaskIndex: 0,
    parallelism: 1,
    ...overrides,
  };
}

/** PIDs of live `weir.worker` processes that are children of this test process. */
export function workerChildren(): number[] {
  try {
    const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
    return out.split('\n').filter((l) => l.includes('weir.worker')).map((l) => Number(l.trim().split(/\s+/)[0]));
  } catch {
    return []; // ps exits 1 when there are no children
  }
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}
