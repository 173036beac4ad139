import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Scenario } from '../bench-record.ts';
import { latency } from './latency.ts';
import { NEXMARK_SCENARIOS } from './nexmark.ts';
import { pandasScalar } from './pandas-scalar.ts';
import { rowScalarJson100b, rowScalarJson10kb, rowScalarJson1kb } from './row-scalar-json.ts';
import { tsWorker } from './ts-worker.ts';
import { generalUdafGroupby, pandasUdafWindow } from './udaf.ts';
import { udfChain } from './udf-chain.ts';

/** Every scenario, in run order. A new scenario is one file and one entry here. */
const BUILTIN: readonly Scenario[] = [
  pandasScalar, rowScalarJson100b, rowScalarJson1kb, rowScalarJson10kb, udfChain, tsWorker, latency,
  pandasUdafWindow, generalUdafGroupby,
];

/** The UDF scenarios, every engine (about 9 minutes on an idle 2-core machine with the peers installed). */
export const UDF_SUITE: readonly string[] = BUILTIN.map((s) => s.name);

/**
 * What `npm run bench` runs by default: the UDF scenarios, then every Nexmark query at parallelism 1 and 2 (100k
 * events each, about 3 minutes): under 20 minutes on an idle 2-core machine.
 */
export const SUITE: readonly string[] = [...UDF_SUITE, ...NEXMARK_SCENARIOS.map((s) => s.name)];

/**
 * Named sets of scenarios for `--scenario`: `suite` (the default), `udf` (the UDF scenarios) and `nexmark` (every
 * nexmark-qN).
 */
export const SCENARIO_GROUPS: Readonly<Record<string, readonly string[]>> = {
  suite: SUITE,
  udf: UDF_SUITE,
  nexmark: NEXMARK_SCENARIOS.map((s) => s.name),
};

/** Scenario files owned elsewhere, registered when present (any exported Scenario object in them). */
const OPTIONAL_FILES = ['groupby-state.ts', 'window-aggregate.ts', 'checkpoint-overhead.ts', 'fault-injection.ts'];

export async function loadScenarios(): Promise<Scenario[]> {
  const all = [...BUILTIN, ...NEXMARK_SCENARIOS];
  for (const file of OPTIONAL_FILES) {
    const path = join(import.meta.dirname, file);
    if (!existsSync(path)) continue;
    const mod = await import(pathToFileURL(path).href) as Record<string, unknown>;
    for (const v of Object.values(mod)) {
      if (v && typeof v === 'object' && 'name' in v && 'defaultRows' in v && ('run' in v || 'engines' in v)) all.push(v as Scenario);
    }
  }
  return all;
}
