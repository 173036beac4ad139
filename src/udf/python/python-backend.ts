import type * as arrow from 'apache-arrow';
import { PythonOptions } from '../../config/options.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { PlanError } from '../../errors/errors.ts';
import type { PythonFunctionDefinition, UdfProgram } from '../function-definition.ts';
import type { UdfBackend, UdfBackendContext, UdfBackendFactory, UdfEvalResult } from '../udf-backend.ts';
import { encodeColumns } from './codec.ts';
import { errorFromReply, evalMessage, loadSpecOf, parseResult, wireProgram, type WireStep } from './protocol.ts';
import { DEFAULT_LIVENESS_TIMEOUT_MS, WorkerClient } from './worker-client.ts';
import { takeWarmPool } from './warm-pools.ts';
import { poolOptionsFrom, WorkerPool, type WorkerPoolOptions } from './worker-pool.ts';

/**
 * Configuration key of the liveness timeout (not in PythonOptions because it is an operational escape hatch):
 * a worker that sends nothing for this long while requests are pending fails the job with UDF_WORKER_TIMEOUT.
 */
export const LIVENESS_TIMEOUT_KEY = 'python.worker.liveness-timeout';

/**
 * Host-side codec time of one request, reported next to the UdfEvalResult fields by the Python backend so the
 * operator can split serialization from transport time. Other backends may omit it.
 */
export interface HostCodecTimings {
  /** Nanoseconds this process spent encoding arguments to Arrow IPC and decoding results. */
  readonly hostCodecNs: number;
}

/** A UdfEvalResult of the Python backend. */
export type PythonEvalResult = UdfEvalResult & HostCodecTimings;

/**
 * Runs one operator instance's UDF program on its own Python worker processes, one DEALER per worker, requests
 * pipelined up to `python.fn-execution.max-in-flight` per worker and sent to the least-loaded worker.
 */
export class PythonBackend implements UdfBackend {
  readonly capacity: number;
  private readonly steps: WireStep[];
  private next = 0;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly program: UdfProgram,
    private readonly pool: WorkerPool,
    private readonly clients: readonly WorkerClient[],
    maxInFlight: number,
  ) {
    this.capacity = clients.length * Math.max(1, maxInFlight);
    this.steps = wireProgram(program);
  }

  /** Starts workers for a subtask, connects, authenticates and loads the program's functions on each. */
  static async open(program: UdfProgram, ctx: UdfBackendContext, poolOverrides: Partial<WorkerPoolOptions> = {}): Promise<PythonBackend> {
    if (program.language !== 'python') {
      throw new PlanError(`The Python UDF backend cannot run a ${program.language} program`, {}, ErrorCodes.INTERNAL);
    }
    const poolOptions = { ...poolOptionsFrom(ctx.config, ctx.baseDir, ctx.parallelism), ...poolOverrides };
    // A pool the slot thread started while it was loading (warm-pools.ts), else a cold start.
    const pool = await (takeWarmPool(poolOptions) ?? WorkerPool.start(poolOptions));
    const liveness = Number(ctx.config.getString(LIVENESS_TIMEOUT_KEY) ?? DEFAULT_LIVENESS_TIMEOUT_MS);
    const clients: WorkerClient[] = [];
    try {
      const specs = program.steps.map((s, id) => loadSpecOf(s.fn as PythonFunctionDefinition, id));
      for (const worker of pool.workers) {
        clients.push(await WorkerClient.connect(worker, { clientName: `weir-ts ${ctx.operatorName}[${ctx.subtaskIndex}]`, livenessTimeoutMs: liveness }));
      }
      await Promise.all(clients.map((c) => c.load(specs)));
    } catch (error) {
      await Promise.all(clients.map((c) => c.close(false)));
      await pool.stop(0);
      throw error;
    }
    const backend = new PythonBackend(program, pool, clients, ctx.config.get(PythonOptions.MAX_IN_FLIGHT));
    ctx.signal.addEventListener('abort', () => void backend.close(), { once: true });
    return backend;
  }

  /** Worker processes of this backend (tests use it to kill one). */
  get workers(): WorkerPool['workers'] { return this.pool.workers; }

  async eval(args: readonly arrow.Data[], rows: number): Promise<PythonEvalResult> {
    const client = this.pick();
    const t0 = process.hrtime.bigint();
    const body = encodeColumns(args, rows, 'a');
    const encodeNs = Number(process.hrtime.bigint() - t0);
    const reply = await client.request((seq) => evalMessage(seq, rows, this.steps, this.program.outputs as number[]), body);
    if (reply.header.type !== 'result') throw errorFromReply(reply.header, this.program.steps[0]?.fn.name ?? '');
    const t1 = process.hrtime.bigint();
    const parsed = parseResult(reply.header, reply.body, this.program, rows);
    const decodeNs = Number(process.hrtime.bigint() - t1);
    return {
      columns: parsed.columns,
      timings: parsed.timings,
      bytesSent: reply.sentBytes,
      bytesReceived: reply.bytes,
      userMetrics: parsed.userMetrics,
      hostCodecNs: encodeNs + decodeNs,
    };
  }

  /** Closes connections (`close` → functions' close()) and stops the workers. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all(this.clients.map((c) => c.close(true)));
      await this.pool.stop();
    })();
    return this.closing;
  }

  /** The least-loaded live worker; ties rotate so equal load spreads evenly. */
  private pick(): WorkerClient {
    let best: WorkerClient | null = null;
    const n = this.clients.length;
    for (let k = 0; k < n; k++) {
      const c = this.clients[(this.next + k) % n];
      if (!best || c.inFlight < best.inFlight || (best.error && !c.error)) best = c;
    }
    this.next = (this.next + 1) % n;
    return best!;
  }
}

/** The factory registered for language 'python' in src/udf/udf-backends.ts. */
export const pythonBackendFactory: UdfBackendFactory = {
  language: 'python',
  open: (program, ctx) => PythonBackend.open(program, ctx),
};
