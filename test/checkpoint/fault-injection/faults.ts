/**
 * Fault plans of the fault-injection suite: which faults a run injects and where, drawn from a seeded PRNG so that a
 * failing run can be repeated (WEIR_FAULT_SEED).
 */
import { mulberry32 } from '../../support/seeded-random.ts';

/** A Python UDF worker process SIGKILLed, a TS UDF worker thread that ends itself, the whole `weir run` SIGKILLed. */
export type FaultKind = 'python-worker' | 'ts-worker' | 'process';
export const FAULT_KINDS: readonly FaultKind[] = ['python-worker', 'ts-worker', 'process'];

/**
 * Where a fault lands, as a point in the job's progress, so that it does not depend on the machine's speed:
 * - `p < 0`: during start-up, (−p / 0.2) of the fault-free run's start-up time (to its first committed output)
 *   after the current `weir run` started — before the first checkpoint, so the job restarts from scratch (or from
 *   the checkpoint the process was restored from);
 * - `0 <= p < 1`: once the fraction p of the output rows is committed (mid-stream, mid-window, during a checkpoint);
 * - `p >= 1`: once all of it is committed: while the job ends, or after it finished (then counted as not injected).
 */
export type FaultPoint = number;
/** The range points are drawn from. */
export const FIRST_POINT = -0.2;
export const LAST_POINT = 1.1;

export interface FaultPlan {
  readonly seed: number;
  /** Points at which a running Python worker of the job is SIGKILLed, in order. */
  readonly pythonKills: readonly FaultPoint[];
  /** The count of rows passed through the TS UDF (all threads) after which the thread passing it dies, or null. */
  readonly tsDieAtRow: number | null;
  /** Points at which the whole process is SIGKILLed and started again with --restore, in order. */
  readonly processKills: readonly FaultPoint[];
}

/** mulberry32 (test/support/seeded-random.ts): the same seed gives the same sequence. Returns floats in [0, 1). */
export const prng = mulberry32;

/**
 * The base seed: WEIR_FAULT_SEED when set, otherwise `fallback` (the test command's fixed seed, so that its runs
 * draw the same fault plans every time), otherwise random (the benchmark scenario explores). Run i uses `base + i`.
 */
export function baseSeed(fallback?: number): number {
  const fixed = process.env.WEIR_FAULT_SEED;
  if (fixed !== undefined && fixed !== '') {
    const n = Number(fixed);
    if (!Number.isInteger(n)) throw new Error(`WEIR_FAULT_SEED must be an integer, got '${fixed}'`);
    return n;
  }
  return fallback ?? Math.floor(Math.random() * 2 ** 31);
}

/**
 * Draws a plan: points uniform over [{@link FIRST_POINT}, {@link LAST_POINT}); the TS death row uniform over
 * [0, udfRows), the rows the TS UDF passes in a fault-free run (so it always fires: its count goes on across
 * restarts). `kinds` limits which kinds may occur: each occurs with probability 0.6 (at least one of them does), or
 * each of them with `every`; a process kill once or twice.
 */
export function planFaults(seed: number, udfRows: number, kinds: readonly FaultKind[] = FAULT_KINDS, every = false): FaultPlan {
  const random = prng(seed);
  const point = (): FaultPoint => Math.round((FIRST_POINT + random() * (LAST_POINT - FIRST_POINT)) * 1000) / 1000;
  const chosen = new Set(kinds.filter(() => random() < 0.6 || every));
  if (chosen.size === 0) chosen.add(kinds[Math.floor(random() * kinds.length)]);
  return {
    seed,
    pythonKills: chosen.has('python-worker') ? [point()] : [],
    tsDieAtRow: chosen.has('ts-worker') ? Math.floor(random() * udfRows) : null,
    processKills: chosen.has('process') ? ordered(Array.from({ length: random() < 0.5 ? 1 : 2 }, point)) : [],
  };
}

/**
 * Kill points in the order they should fire: points in the output ascending (a later point that is already passed
 * would fire the moment the restored process starts); a start-up point keeps its place, so that a kill may also fall
 * in the start-up of the restored process.
 */
function ordered(points: FaultPoint[]): FaultPoint[] {
  return points.every((p) => p >= 0) ? points.sort((a, b) => a - b) : points;
}

export function describePlan(plan: FaultPlan): string {
  const parts = [
    ...plan.pythonKills.map((p) => `python worker SIGKILL ${describePoint(p)}`),
    ...(plan.tsDieAtRow === null ? [] : [`TS worker thread death after row ${plan.tsDieAtRow}`]),
    ...plan.processKills.map((p) => `process SIGKILL ${describePoint(p)}`),
  ];
  return `seed ${plan.seed}: ${parts.join(', ') || 'no faults'}`;
}

function describePoint(p: FaultPoint): string {
  return p < 0 ? `in start-up (${Math.round((-p / -FIRST_POINT) * 100)} % of it)` : `at ${Math.round(p * 100)} % committed`;
}
