import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';

/**
 * The piscina pools that run TS UDFs, shared by the backends opened in the same host thread (module state is
 * per thread) and reference-counted: the last release destroys the pool.
 *
 * Sizing: a subtask's share is `max(1, ceil(ts.worker.pool-size / parallelism))` threads, like the Python pool.
 * Subtasks that share a host thread share one pool whose `minThreads` is that share and whose `maxThreads` is the
 * configured pool size: a single subtask never keeps more than `share × max-in-flight` requests in flight, which
 * the least-busy balancer fits into `share` threads, and when several subtasks queue work the pool grows up to
 * the configured total instead of starving them (idle extra threads retire after {@link IDLE_TIMEOUT_MS}).
 */

const WORKER_FILE = fileURLToPath(new URL('./ts-udf-worker.ts', import.meta.url));
const IDLE_TIMEOUT_MS = 30_000;

export interface PoolSpec {
  /** This subtask's thread share. */
  readonly threads: number;
  /** `ts.worker.pool-size`: the most threads the shared pool may grow to. */
  readonly maxThreads: number;
  /** `ts.fn-execution.max-in-flight`: requests queued per thread. */
  readonly maxInFlight: number;
}

/** A reference to a shared pool; `release()` exactly once. */
export interface PoolLease {
  readonly pool: Piscina;
  /** Worker errors that happened while no request was in flight (those are otherwise reported per request). */
  readonly idleErrors: () => number;
  release(): Promise<void>;
}

interface Entry { pool: Piscina; refs: number; idleErrors: number }
const pools = new Map<string, Entry>();

/** Leases the shared pool for this spec, creating it on first use. */
export function acquirePool(spec: PoolSpec): PoolLease {
  const key = `${spec.threads}/${spec.maxThreads}/${spec.maxInFlight}`;
  let entry = pools.get(key);
  if (!entry) {
    const pool = new Piscina({
      filename: WORKER_FILE,
      minThreads: spec.threads,
      maxThreads: Math.max(spec.threads, spec.maxThreads),
      concurrentTasksPerWorker: spec.maxInFlight,
      idleTimeout: IDLE_TIMEOUT_MS,
      execArgv: workerExecArgv(),
      // Plain message passing: the worker's event loop stays free between tasks, so timers and async work in user
      // modules behave as in the main thread.
      atomics: 'disabled',
    });
    const created: Entry = { pool, refs: 0, idleErrors: 0 };
    // Piscina emits 'error' for a worker that fails with nothing in flight; unhandled it would kill the host.
    // Requests in flight on a dying worker are rejected by piscina itself and become WorkerCrashErrors.
    pool.on('error', () => { created.idleErrors++; });
    entry = created;
    pools.set(key, entry);
  }
  entry.refs++;
  const held = entry;
  let released = false;
  return {
    pool: held.pool,
    idleErrors: () => held.idleErrors,
    async release() {
      if (released) return;
      released = true;
      if (--held.refs > 0) return;
      if (pools.get(key) === held) pools.delete(key);
      await held.pool.destroy();
    },
  };
}

/**
 * Node flags for the worker threads. Workers inherit `process.execArgv`, which already loads tsx when the host
 * runs under `node --import tsx`; otherwise (a compiled host, tsx registered programmatically) tsx is added by
 * absolute URL so it resolves no matter the working directory. Workers need it: the task file and user UDF
 * modules are TypeScript.
 */
export function workerExecArgv(): string[] | undefined {
  if (process.execArgv.some((a) => a.includes('tsx'))) return undefined;
  return [...process.execArgv, '--import', import.meta.resolve('tsx')];
}

/** Pools alive in this thread (for tests and diagnostics). */
export function livePools(): number {
  return pools.size;
}

/** The worker threads of every live pool in this thread (for tests and diagnostics). */
export function livePoolThreads(): Worker[] {
  return [...pools.values()].flatMap((e) => e.pool.threads);
}
