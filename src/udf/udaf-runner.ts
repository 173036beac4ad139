/**
 * The language-neutral contract stateful operators (group, window and OVER aggregation) use to run user-defined
 * aggregate functions: one call per batch or window firing serves **every group** at once (a group-id column),
 * never one call per group. Python runs it through `aggregate` requests (docs/protocol.md, "Aggregate and table
 * functions"), TypeScript in the piscina pool with the same columnar contract.
 *
 * Groups are numbered `0..groups-1` by the caller, per call. Accumulators travel as one Arrow column (`groups`
 * long, of the function's accumulator type, NULL = a new group); the operator keeps them in keyed state between
 * calls (see {@link AccumulatorColumn}).
 */
import type * as arrow from 'apache-arrow';
import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import { globalMap } from '../util/global-map.ts';
import type { FunctionDefinition } from './function-definition.ts';
import type { UdfBackendContext, UdfTimings, UserMetricUpdate } from './udf-backend.ts';

/** The input rows of one call: a group id, a row kind and the argument values per row. */
export interface UdafRows {
  /** Number of rows; every column below has this length. */
  readonly rows: number;
  /** Group of each row, `0 ≤ g < groups`. */
  readonly groupIds: Int32Array;
  /** Row kinds (RowKind: +I 0, -U 1, +U 2, -D 3); null = all +I. Rows apply in this order. */
  readonly kinds: Uint8Array | null;
  /** Argument columns of the function, in call order. */
  readonly args: readonly arrow.Data[];
}

/** What to compute besides the updated accumulators. */
export interface UdafAccumulateOptions {
  /** The result per group after the update (`r0`); default true. */
  readonly results?: boolean;
  /** The result per group before the update (`p0`, NULL for new groups), for -U emission; default false. */
  readonly previous?: boolean;
}

/** Transport and user-code figures of one call, for metrics. */
export interface UdafCallStats {
  readonly timings: UdfTimings;
  readonly userMetrics: readonly UserMetricUpdate[];
  readonly bytesSent: number;
  readonly bytesReceived: number;
}

/** Reply of `accumulate` and `merge`: columns with one row per group, in group-id order. */
export interface UdafStateResult extends UdafCallStats {
  /** Results after the update, of the function's result type; null when not asked for. */
  readonly results: arrow.Data | null;
  /** Results before the update; null when not asked for. */
  readonly previous: arrow.Data | null;
  /** The updated accumulators, of the function's accumulator type. */
  readonly accumulators: arrow.Data;
}

/** Reply of `complete`: one result per group, in group-id order. */
export interface UdafCompleteResult extends UdafCallStats {
  readonly results: arrow.Data;
}

/**
 * Runs the aggregate functions an operator instance calls; `fn` is the index into the functions the runner was
 * opened with. Calls may be issued concurrently (e.g. one per function of a firing) and resolve independently.
 * Failures reject with a UdfError (with the user's traceback, `row` relative to the call's rows when one is at
 * fault) or a WorkerCrashError; never hang.
 */
export interface UdafRunner {
  /**
   * General UDAFs: applies `rows` to the groups' accumulators (+I/+U accumulate, -U/-D retract) and returns the
   * updated accumulators, with results and previous results as asked. `accumulators` null = all groups new.
   */
  accumulate(fn: number, groups: number, rows: UdafRows, accumulators: arrow.Data | null, options?: UdafAccumulateOptions): Promise<UdafStateResult>;
  /**
   * General UDAFs with merge(): merges `sources` (accumulators, each tagged with its target group) into the groups'
   * accumulators (session windows, two-phase aggregation).
   */
  merge(fn: number, groups: number, sources: { readonly groupIds: Int32Array; readonly accumulators: arrow.Data }, accumulators: arrow.Data | null,
    options?: UdafAccumulateOptions): Promise<UdafStateResult>;
  /**
   * Stateless evaluation over the complete rows of every group (pandas UDAFs; general UDAFs over a window's rows):
   * one result per group. A group without rows gets the function's result for no rows.
   */
  complete(fn: number, groups: number, rows: UdafRows): Promise<UdafCompleteResult>;
  close(): Promise<void>;
}

/** Opens runners of one language. */
export interface UdafRunnerFactory {
  readonly language: FunctionDefinition['language'];
  open(functions: readonly FunctionDefinition[], ctx: UdfBackendContext): Promise<UdafRunner>;
}

const registry = globalMap<string, UdafRunnerFactory>('weir.udf.udaf-runners');

/** Registers (or replaces) the runner factory of a language. */
export function registerUdafRunner(factory: UdafRunnerFactory): void {
  registry.set(factory.language, factory);
}

/**
 * Opens a runner for `functions` (all aggregate functions of one language; their index is the `fn` of each call).
 * Loading failures (module gone, function changed kind) reject with the loader's UdfError.
 */
export async function openUdafRunner(functions: readonly FunctionDefinition[], ctx: UdfBackendContext): Promise<UdafRunner> {
  if (functions.length === 0) throw new PlanError('openUdafRunner needs at least one function', {}, ErrorCodes.INTERNAL);
  const language = functions[0].language;
  const mixed = functions.find((f) => f.language !== language);
  if (mixed) {
    throw new PlanError(`One UDAF runner cannot run ${language} and ${mixed.language} functions together`, {
      hint: 'Open one runner per language (see openUdafRunners).',
    }, ErrorCodes.INTERNAL);
  }
  const notAggregate = functions.find((f) => f.kind !== 'aggregate');
  if (notAggregate) {
    throw new PlanError(`Function '${notAggregate.name}' is a ${notAggregate.kind} function, not an aggregate function`, {}, ErrorCodes.FUNCTION_SIGNATURE);
  }
  const factory = registry.get(language) ?? await lazyFactory(language);
  return factory.open(functions, ctx);
}

/** The built-in factories load on first use, so a job pays only for the languages it uses (as udf-backends.ts). */
async function lazyFactory(language: FunctionDefinition['language']): Promise<UdafRunnerFactory> {
  const factory = language === 'python'
    ? (await import('./python/aggregate-client.ts')).pythonUdafRunnerFactory
    : (await import('./ts/ts-udaf-runner.ts')).tsUdafRunnerFactory;
  registerUdafRunner(factory);
  return factory;
}

/**
 * Runners for UDAF calls of any languages: one runner per language, and a map from each call's position to
 * (runner, fn index). Operators use this when a GROUP BY mixes Python and TypeScript aggregate functions.
 */
export class UdafRunners {
  private constructor(
    private readonly runners: readonly UdafRunner[],
    private readonly slots: readonly { readonly runner: number; readonly fn: number }[],
  ) {}

  /** Opens one runner per language for `functions` (call order is kept: call i is `runnerOf(i)`). */
  static async open(functions: readonly FunctionDefinition[], ctx: UdfBackendContext): Promise<UdafRunners> {
    const languages = [...new Set(functions.map((f) => f.language))];
    const seen = new Map<string, number>();
    const slots = functions.map((f) => {
      const fn = seen.get(f.language) ?? 0;
      seen.set(f.language, fn + 1);
      return { runner: languages.indexOf(f.language), fn };
    });
    const runners: UdafRunner[] = [];
    try {
      for (const language of languages) runners.push(await openUdafRunner(functions.filter((f) => f.language === language), ctx));
    } catch (e) {
      await Promise.all(runners.map((r) => r.close()));
      throw e;
    }
    return new UdafRunners(runners, slots);
  }

  /** The runner and function index of call `i`. */
  runnerOf(i: number): { readonly runner: UdafRunner; readonly fn: number } {
    const slot = this.slots[i];
    return { runner: this.runners[slot.runner], fn: slot.fn };
  }

  async close(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.close()));
  }
}
