import * as arrow from 'apache-arrow';
import { fileURLToPath } from 'node:url';
import { Configuration } from '../../../src/config/configuration.ts';
import { MetricGroup } from '../../../src/metrics/metric-group.ts';
import type { TsFunctionDefinition, UdfArg, UdfProgram } from '../../../src/udf/function-definition.ts';
import type { UdfBackend, UdfBackendContext } from '../../../src/udf/udf-backend.ts';
import { inspectTsFunction } from '../../../src/udf/ts/inspect.ts';
import { tsUdfBackendFactory } from '../../../src/udf/ts/ts-backend.ts';

/** Shared test plumbing for the TS UDF backend tests. */
export const FIXTURES = fileURLToPath(new URL('../../fixtures/ts-udfs/', import.meta.url));
export const MATH = `${FIXTURES}math.ts`;

export function context(options: Record<string, string> = {}, parallelism = 1): UdfBackendContext {
  return {
    config: new Configuration({ 'ts.worker.pool-size': '2', ...options }),
    baseDir: FIXTURES,
    signal: new AbortController().signal,
    metrics: new MetricGroup('Calc'),
    operatorName: 'Calc[1]',
    subtaskIndex: 0,
    parallelism,
  };
}

export function fn(exportName: string): Promise<TsFunctionDefinition> {
  return inspectTsFunction(exportName, MATH, exportName);
}

/** A program of steps `[export, args]`, returning the listed steps (default: the last). */
export async function program(steps: [string, UdfArg[]][], outputs?: number[], argColumns = 2): Promise<UdfProgram> {
  return {
    language: 'typescript',
    argColumns: Array.from({ length: argColumns }, (_, i) => i),
    steps: await Promise.all(steps.map(async ([name, args]) => ({ fn: await fn(name), args }))),
    outputs: outputs ?? [steps.length - 1],
  };
}

export async function open(steps: [string, UdfArg[]][], outputs?: number[], ctx = context()): Promise<UdfBackend> {
  return tsUdfBackendFactory.open(await program(steps, outputs), ctx);
}

export function column(values: unknown[], type: arrow.DataType): arrow.Data {
  return arrow.vectorFromArray(values, type).data[0];
}

export function read(data: arrow.Data): unknown[] {
  return [...arrow.makeVector(data)];
}
