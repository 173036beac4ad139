import { PythonOptions } from '../../config/options.ts';
import type { UdfBackendContext } from '../udf-backend.ts';
import type { LoadedFunction, LoadFunctionSpec } from './protocol.ts';
import { DEFAULT_LIVENESS_TIMEOUT_MS, WorkerClient } from './worker-client.ts';
import { takeWarmPool } from './warm-pools.ts';
import { poolOptionsFrom, WorkerPool, type WorkerPoolOptions } from './worker-pool.ts';

/**
 * Configuration key of the liveness timeout (not in PythonOptions because it is an operational escape hatch):
 * a worker that sends nothing for this long while requests are pending fails the job with UDF_WORKER_TIMEOUT.
 */
export const LIVENESS_TIMEOUT_KEY = 'python.worker.liveness-timeout';

/**
 * The Python worker processes of one operator instance, one authenticated DEALER each, with `specs` loaded on
 * every worker. Requests go to the least-loaded live worker. Any request kind (eval, aggregate, table) can use it:
 * it only starts, connects, balances and stops.
 */
export class WorkerSet {
  /** Requests in flight the set accepts: workers × `python.fn-execution.max-in-flight`. */
  readonly capacity: number;
  private next = 0;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly pool: WorkerPool,
    readonly clients: readonly WorkerClient[],
    maxInFlight: number,
    /** The `loaded` reply of the first worker (every worker loads the same specs): what the functions declare. */
    readonly loaded: readonly LoadedFunction[] = [],
  ) {
    this.capacity = clients.length * Math.max(1, maxInFlight);
  }

  /** Starts (or takes warm) workers for a subtask, connects, and loads `specs` on each; closes with `ctx.signal`. */
  static async open(specs: LoadFunctionSpec[], ctx: UdfBackendContext, poolOverrides: Partial<WorkerPoolOptions> = {}): Promise<WorkerSet> {
    const poolOptions = { ...poolOptionsFrom(ctx.config, ctx.baseDir, ctx.parallelism), ...poolOverrides };
    const pool = await (takeWarmPool(poolOptions) ?? WorkerPool.start(poolOptions));
    const liveness = Number(ctx.config.getString(LIVENESS_TIMEOUT_KEY) ?? DEFAULT_LIVENESS_TIMEOUT_MS);
    const clients: WorkerClient[] = [];
    let loaded: LoadedFunction[][];
    try {
      for (const worker of pool.workers) {
        clients.push(await WorkerClient.connect(worker, { clientName: `weir-ts ${ctx.operatorName}[${ctx.subtaskIndex}]`, livenessTimeoutMs: liveness }));
      }
      loaded = await Promise.all(clients.map((c) => c.load(specs)));
    } catch (error) {
      await Promise.all(clients.map((c) => c.close(false)));
      await pool.stop(0);
      throw error;
    }
    const set = new WorkerSet(pool, clients, ctx.config.get(PythonOptions.MAX_IN_FLIGHT), loaded[0] ?? []);
    ctx.signal.addEventListener('abort', () => void set.close(), { once: true });
    return set;
  }

  /** Worker processes of this set (tests use it to kill one). */
  get workers(): WorkerPool['workers'] { return this.pool.workers; }

  /** The least-loaded live worker; ties rotate so equal load spreads evenly. */
  pick(): WorkerClient {
    let best: WorkerClient | null = null;
    const n = this.clients.length;
    for (let k = 0; k < n; k++) {
      const c = this.clients[(this.next + k) % n];
      if (!best || c.inFlight < best.inFlight || (best.error && !c.error)) best = c;
    }
    this.next = (this.next + 1) % n;
    return best!;
  }

  /** Closes connections (`close` → functions' close()) and stops the workers. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all(this.clients.map((c) => c.close(true)));
      await this.pool.stop();
    })();
    return this.closing;
  }
}
