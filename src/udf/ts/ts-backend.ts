import type * as arrow from 'apache-arrow';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { PlanError, UdfError } from '../../errors/errors.ts';
import type { TsFunctionDefinition, UdfProgram } from '../function-definition.ts';
import type { UdfBackend, UdfBackendContext, UdfBackendFactory, UdfEvalResult } from '../udf-backend.ts';
import { decodeData, encodeColumns } from './transferable-data.ts';
import { loadedOrClosed, TsPoolClient } from './pool-client.ts';
import type { EvalTask, WorkerProgram, WorkerReply } from './worker-protocol.ts';

/**
 * The 'typescript' UDF backend: runs an operator's UDF program in a piscina pool of worker threads
 * (see worker-pool.ts for sharing and sizing). Argument columns are copied once into fresh buffers that are moved
 * to the worker (the operator keeps its own batch); results are moved back without copying.
 *
 * Failures: user errors and bad results reject with UdfError (row relative to the request when known); a worker
 * thread that dies (process.exit, an uncaught error, terminate()) rejects every request it held with
 * WorkerCrashError (UDF_WORKER_CRASHED) as soon as piscina sees the exit, and piscina starts a replacement
 * (pool leasing, task running and error location: {@link TsPoolClient}, shared with table functions and UDAFs).
 */
export const tsUdfBackendFactory: UdfBackendFactory = {
  language: 'typescript',
  async open(program: UdfProgram, ctx: UdfBackendContext): Promise<UdfBackend> {
    const workerProgram = toWorkerProgram(program);
    return loadedOrClosed(new TsUdfBackend(new TsPoolClient(ctx), workerProgram, ctx), (b) => b.load());
  },
};

class TsUdfBackend implements UdfBackend {
  readonly capacity: number;

  constructor(private readonly client: TsPoolClient, private readonly program: WorkerProgram, private readonly ctx: UdfBackendContext) {
    this.capacity = client.capacity;
    ctx.metrics.gauge('tsUdfIdleWorkerErrors', () => client.lease.idleErrors());
  }

  /** Imports every function once in a worker, so load errors surface at open() with their codes. */
  async load(): Promise<void> {
    await this.run({ kind: 'load', program: this.program }, []);
  }

  async eval(args: readonly arrow.Data[], rows: number): Promise<UdfEvalResult> {
    this.client.checkOpen('TypeScript UDF backend');
    const started = performance.now();
    const sent = encodeColumns(args, 'copy');
    const task: EvalTask = { kind: 'eval', clientId: this.client.clientId, program: this.program, rows, columns: sent.columns };
    const reply = await this.run(task, sent.transferList);
    const columns = reply.columns.map(decodeData);
    this.ctx.metrics.histogram('tsUdfRoundTripMs').record(performance.now() - started);
    return {
      columns,
      timings: reply.timings,
      bytesSent: sent.bytes,
      bytesReceived: reply.bytes,
      userMetrics: this.client.userMetrics(reply.threadId, reply.metrics),
    };
  }

  close(): Promise<void> { return this.client.close(); }

  private run(task: EvalTask | { kind: 'load'; program: WorkerProgram }, transferList: ArrayBuffer[]) {
    return this.client.run<WorkerReply>(task, transferList, [...new Set(this.program.steps.map((s) => s.name))].join(', '));
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
