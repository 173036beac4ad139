import { randomUUID } from 'node:crypto';
import { TsUdfOptions } from '../../config/options.ts';
import { ExecutionError, PlanError, WorkerCrashError } from '../../errors/errors.ts';
import { deserializeError } from '../../errors/serialize.ts';
import { ErrorCodes, WeirError, type SerializedWeirError } from '../../errors/weir-error.ts';
import type { UdfBackendContext, UserMetricUpdate } from '../udf-backend.ts';
import { ThreadMetricMerger } from './user-metrics.ts';
import { acquirePool, type PoolLease } from './worker-pool.ts';
import type { WorkerMetricRecord } from './worker-protocol.ts';

/** What every task of the TS worker pool replies: its result, or the worker-side error (a task never throws). */
type PoolReply = { readonly ok: true; readonly threadId: number } | { readonly ok: false; readonly error: SerializedWeirError };

/**
 * One operator instance's use of the shared piscina pool of TS UDF threads (worker-pool.ts), as scalar UDFs, table
 * functions and UDAFs all need it: the pool leased with the `ts.*` sizing, tasks run with worker errors located at the
 * operator and a dead thread turned into WorkerCrashError, user metrics merged across threads, the lease released once.
 */
export class TsPoolClient {
  /** Identifies this operator instance to the workers (per-client user metric registries). */
  readonly clientId = randomUUID();
  /** Requests this instance may have in flight: its threads times `ts.fn-execution.max-in-flight`. */
  readonly capacity: number;
  readonly lease: PoolLease;
  private readonly merger = new ThreadMetricMerger();
  private closed = false;

  /** Leases the pool for `ctx`'s operator instance; a pool size or in-flight limit below 1 is CONFIG_INVALID. */
  constructor(private readonly ctx: UdfBackendContext) {
    const poolSize = ctx.config.get(TsUdfOptions.POOL_SIZE);
    const maxInFlight = ctx.config.get(TsUdfOptions.MAX_IN_FLIGHT);
    if (poolSize < 1 || maxInFlight < 1) {
      throw new PlanError(`ts.worker.pool-size (${poolSize}) and ts.fn-execution.max-in-flight (${maxInFlight}) must be at least 1`, {}, ErrorCodes.CONFIG_INVALID);
    }
    // The pool is shared by the job's subtasks: each one's share of threads, at least one.
    const threads = Math.max(1, Math.ceil(poolSize / Math.max(1, ctx.parallelism)));
    this.lease = acquirePool({ threads, maxThreads: poolSize, maxInFlight });
    this.capacity = threads * maxInFlight;
  }

  /**
   * Runs `task` (moving `transferList`) and returns its successful reply. A failed reply throws its error located at
   * this operator; a rejection (the thread died) throws WorkerCrashError naming `running` (e.g. "table function 'f'").
   */
  async run<R extends PoolReply>(task: unknown, transferList: ArrayBuffer[], running: string, filename?: string): Promise<Extract<R, { ok: true }>> {
    let reply: R;
    try {
      reply = (await this.lease.pool.run(task, filename ? { transferList, filename } : { transferList })) as R;
    } catch (e) {
      throw this.crash(e, running);
    }
    if (!reply.ok) throw this.located(deserializeError(reply.error));
    return reply as Extract<R, { ok: true }>;
  }

  /** Throws INTERNAL when a request comes after close (`what` names the backend). */
  checkOpen(what: string): void {
    if (this.closed) throw new ExecutionError(`${what} of ${this.ctx.operatorName} is closed`, { location: this.location() }, ErrorCodes.INTERNAL);
  }

  /** The user metric updates of one reply, merged with what the other threads reported. */
  userMetrics(threadId: number, metrics: readonly WorkerMetricRecord[]): UserMetricUpdate[] {
    return metrics.length ? this.merger.merge(threadId, metrics) : [];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.lease.release();
  }

  /** Piscina rejects a task only when its thread died (the task itself never throws): a crash. */
  private crash(e: unknown, running: string): WeirError {
    if (e instanceof WeirError) return e;
    const err = e as Error;
    const exit = /worker exited with code: (-?\d+)/.exec(err?.message ?? '');
    this.ctx.metrics.counter('tsUdfWorkerCrashes').inc();
    const what = exit ? `exited with code ${exit[1]}` : `failed: ${err?.message ?? String(e)}`;
    return new WorkerCrashError(`A TypeScript UDF worker thread ${what} while running ${running}`,
      { workerId: -1, exitCode: exit ? Number(exit[1]) : null },
      {
        cause: e,
        location: this.location(),
        hint: exit ? 'Something in the function ended its thread (process.exit, or the thread was terminated); later requests run on a fresh thread.'
          : 'An error escaped the function outside a call (e.g. thrown from a timer); later requests run on a fresh thread.',
      });
  }

  /** Adds the operator and subtask to a worker error, which only knew the function. */
  private located(error: WeirError): WeirError {
    Object.assign(error.location, this.location());
    return error;
  }

  private location() {
    return { operator: this.ctx.operatorName, subtask: this.ctx.subtaskIndex };
  }
}

/** Runs `load` on a freshly opened `backend`, closing it if that fails (so a failed open leaks no pool lease). */
export async function loadedOrClosed<T extends { close(): Promise<void> }>(backend: T, load: (backend: T) => Promise<unknown>): Promise<T> {
  try {
    await load(backend);
  } catch (e) {
    await backend.close();
    throw e;
  }
  return backend;
}
