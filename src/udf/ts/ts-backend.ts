import type * as arrow from 'apache-arrow';
import { randomUUID } from 'node:crypto';
import { ErrorCodes, WeirError } from '../../errors/weir-error.ts';
import { ExecutionError, PlanError, UdfError, WorkerCrashError } from '../../errors/errors.ts';
import { deserializeError } from '../../errors/serialize.ts';
import { TsUdfOptions } from '../../config/options.ts';
import type { TsFunctionDefinition, UdfProgram } from '../function-definition.ts';
import type { UdfBackend, UdfBackendContext, UdfBackendFactory, UdfEvalResult } from '../udf-backend.ts';
import { decodeData, encodeColumns } from './transferable-data.ts';
import { ThreadMetricMerger } from './user-metrics.ts';
import { acquirePool, type PoolLease } from './worker-pool.ts';
import type { EvalTask, WorkerProgram, WorkerReply } from './worker-protocol.ts';

/**
 * The 'typescript' UDF backend: runs an operator's UDF program in a piscina pool of worker threads
 * (see worker-pool.ts for sharing and sizing). Argument columns are copied once into fresh buffers that are moved
 * to the worker (the operator keeps its own batch); results are moved back without copying.
 *
 * Failures: user errors and bad results reject with UdfError (row relative to the request when known); a worker
 * thread that dies (process.exit, an uncaught error, terminate()) rejects every request it held with
 * WorkerCrashError (UDF_WORKER_CRASHED) as soon as piscina sees the exit, and piscina starts a replacement.
 */
export const tsUdfBackendFactory: UdfBackendFactory = {
  language: 'typescript',
  async open(program: UdfProgram, ctx: UdfBackendContext): Promise<UdfBackend> {
    const workerProgram = toWorkerProgram(program);
    const poolSize = ctx.config.get(TsUdfOptions.POOL_SIZE);
    const maxInFlight = ctx.config.get(TsUdfOptions.MAX_IN_FLIGHT);
    if (poolSize < 1 || maxInFlight < 1) {
      throw new PlanError(`ts.worker.pool-size (${poolSize}) and ts.fn-execution.max-in-flight (${maxInFlight}) must be at least 1`, {}, ErrorCodes.CONFIG_INVALID);
    }
    const threads = Math.max(1, Math.ceil(poolSize / Math.max(1, ctx.parallelism)));
    const lease = acquirePool({ threads, maxThreads: poolSize, maxInFlight });
    const backend = new TsUdfBackend(lease, workerProgram, threads * maxInFlight, ctx);
    try {
      await backend.load();
    } catch (e) {
      await backend.close();
      throw e;
    }
    return backend;
  },
};

class TsUdfBackend implements UdfBackend {
  private readonly clientId = randomUUID();
  private readonly merger = new ThreadMetricMerger();
  private closed = false;

  constructor(
    private readonly lease: PoolLease,
    private readonly program: WorkerProgram,
    readonly capacity: number,
    private readonly ctx: UdfBackendContext,
  ) {
    ctx.metrics.gauge('tsUdfIdleWorkerErrors', () => lease.idleErrors());
  }

  /** Imports every function once in a worker, so load errors surface at open() with their codes. */
  async load(): Promise<void> {
    const reply = await this.run({ kind: 'load', program: this.program }, []);
    if (!reply.ok) throw this.located(deserializeError(reply.error));
  }

  async eval(args: readonly arrow.Data[], rows: number): Promise<UdfEvalResult> {
    if (this.closed) throw new ExecutionError(`TypeScript UDF backend of ${this.ctx.operatorName} is closed`, { location: this.location() }, ErrorCodes.INTERNAL);
    const started = performance.now();
    const sent = encodeColumns(args, 'copy');
    const task: EvalTask = { kind: 'eval', clientId: this.clientId, program: this.program, rows, columns: sent.columns };
    const reply = await this.run(task, sent.transferList);
    if (!reply.ok) throw this.located(deserializeError(reply.error));
    const columns = reply.columns.map(decodeData);
    this.ctx.metrics.histogram('tsUdfRoundTripMs').record(performance.now() - started);
    return {
      columns,
      timings: reply.timings,
      bytesSent: sent.bytes,
      bytesReceived: reply.bytes,
      userMetrics: reply.metrics.length ? this.merger.merge(reply.threadId, reply.metrics) : [],
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.lease.release();
  }

  private async run(task: EvalTask | { kind: 'load'; program: WorkerProgram }, transferList: ArrayBuffer[]): Promise<WorkerReply> {
    try {
      return (await this.lease.pool.run(task, { transferList })) as WorkerReply;
    } catch (e) {
      throw this.crash(e);
    }
  }

  /** Piscina rejects a request only when its worker died (the task itself never throws): a crash. */
  private crash(e: unknown): WeirError {
    if (e instanceof WeirError) return e;
    const err = e as Error;
    const exit = /worker exited with code: (-?\d+)/.exec(err?.message ?? '');
    this.ctx.metrics.counter('tsUdfWorkerCrashes').inc();
    const what = exit ? `exited with code ${exit[1]}` : `failed: ${err?.message ?? String(e)}`;
    return new WorkerCrashError(`A TypeScript UDF worker thread ${what} while running ${this.functionNames()}`,
      { workerId: -1, exitCode: exit ? Number(exit[1]) : null },
      {
        cause: e,
        location: this.location(),
        hint: exit ? 'Something in the UDF ended its thread (process.exit, or the thread was terminated); later requests run on a fresh thread.'
          : 'An error escaped the UDF outside a call (e.g. thrown from a timer); later requests run on a fresh thread.',
      });
  }

  /** Adds the operator and subtask to a worker error, which only knew the function. */
  private located(error: WeirError): WeirError {
    Object.assign(error.location, { operator: this.ctx.operatorName, subtask: this.ctx.subtaskIndex });
    return error;
  }

  private location() {
    return { operator: this.ctx.operatorName, subtask: this.ctx.subtaskIndex };
  }

  private functionNames(): string {
    return [...new Set(this.program.steps.map((s) => s.name))].join(', ');
  }
}

function toWorkerProgram(program: UdfProgram): WorkerProgram {
  if (program.language !== 'typescript') {
    throw new PlanError(`The TypeScript UDF backend cannot run a ${program.language} program`, {}, ErrorCodes.PLAN_INVALID);
  }
  return {
    steps: program.steps.map((s, i) => {
      if (s.fn.language !== 'typescript') {
        throw new UdfError(ErrorCodes.UDF_OPEN_FAILED, `Step ${i} of a TypeScript UDF program calls ${s.fn.language} function '${s.fn.name}'`, { udf: s.fn.name });
      }
      const fn = s.fn as TsFunctionDefinition;
      return { name: fn.name, modulePath: fn.modulePath, exportName: fn.exportName, resultType: fn.resultType, args: s.args };
    }),
    outputs: [...program.outputs],
  };
}
