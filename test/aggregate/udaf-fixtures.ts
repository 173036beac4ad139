import { join } from 'node:path';
import { Configuration } from '../../src/config/configuration.ts';
import type { AggregateCall } from '../../src/plan/aggregate-call.ts';
import type { FunctionDefinition } from '../../src/udf/function-definition.ts';
import { inspectPythonFunction } from '../../src/udf/python/inspect.ts';
import { inspectTsFunction } from '../../src/udf/ts/inspect.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/**
 * The definitions of the Python UDAFs `python` of test/fixtures/udfs/udafs.py plus the TypeScript `tsWeightedAvg`
 * of test/fixtures/ts-udfs/aggregates.ts, by name (call closeInspectors() after the tests).
 */
export async function inspectUdafFixtures(python: readonly string[]): Promise<Record<string, FunctionDefinition>> {
  const config = new Configuration({});
  const entries = await Promise.all(python.map(async (n) => [n, await inspectPythonFunction(n, `${FIXTURES}/udfs/udafs.py:${n}`, { config, baseDir: FIXTURES })] as const));
  const ts = await inspectTsFunction('tsWeightedAvg', join(FIXTURES, 'ts-udfs', 'aggregates.ts'), 'tsWeightedAvg');
  return Object.fromEntries([...entries, ['tsWeightedAvg', ts]]);
}

/** A call of UDAF `fn` over columns `args`, as the planner builds it. */
export function udafCall(fn: FunctionDefinition, args: number[], opts: { name?: string; filter?: number } = {}): AggregateCall {
  return { fn: fn.name, args, distinct: false, filter: opts.filter ?? null, type: { ...fn.resultType, nullable: true }, name: opts.name ?? fn.name, udf: fn };
}
