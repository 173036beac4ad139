import type * as arrow from 'apache-arrow';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { TsUdfOptions } from '../../config/options.ts';
import { ErrorCodes, WeirError } from '../../errors/weir-error.ts';
import { PlanError, WorkerCrashError } from '../../errors/errors.ts';
import { deserializeError } from '../../errors/serialize.ts';
import type { TsFunctionDefinition, UdfProgram } from '../function-definition.ts';
import type { TableBackendFactory, TableEvalResult, TableFunctionBackend } from '../table-backend.ts';
import type { UdfBackendContext } from '../udf-backend.ts';
import { decodeData, encodeColumns } from './transferable-data.ts';
import type { TableWorkerFunction, TableWorkerReply, TableWorkerTask } from './ts-table-worker.ts';
import { ThreadMetricMerger } from './user-metrics.ts';
import { acquirePool, type PoolLease } from './worker-pool.ts';

/** The piscina task file of table functions; it runs in the scalar UDF pool (piscina picks the file per task). */
const TABLE_WORKER_FILE = fileURLToPath(new URL('./ts-table-worker.ts', import.meta.url));

/**
 * Runs one TypeScript table function of an operator instance in the shared piscina pool (worker-pool.ts), with
 * the sizing and in-flight limits of scalar TS UDFs. Argument columns are copied into fresh buffers that are moved
 * to the worker; the index and result columns are moved back.
 */
class TsTableBackend implements TableFunctionBackend {
  private readonly clientId = randomUUID();
  private readonly merger = new ThreadMetricMerger();
  private closed = false;

  constructor(private readonly lease: PoolLease, private readonly fn: TableWorkerFunction, readonly capacity: number, private readonly ctx: UdfBackendContext) {}

  async load(): Promise<void> {
    const reply = await this.run({ kind: 'load-table', fn: this.fn }, []);
    if (!reply.ok) throw this.located(deserializeError(reply.error));
  }

  async eval(args: readonly arrow.Data[], rows: number): Promise<TableEvalResult> {
    if (this.closed) throw new WeirError(ErrorCodes.INTERNAL, `TypeScript table-function backend of ${this.ctx.operatorName} is closed`);
    const sent = encodeColumns(args, 'copy');
    const reply = await this.run({ kind: 'table', clientId: this.clientId, fn: this.fn, rows, columns: sent.columns }, sent.transferList);
    if (!reply.ok) throw this.located(deserializeError(reply.error));
    return {
      index: reply.index,
      columns: reply.columns.map(decodeData),
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

  private async run(task: TableWorkerTask, transferList: ArrayBuffer[]): Promise<TableWorkerReply> {
    try {
      return (await this.lease.pool.run(task, { transferList, filename: TABLE_WORKER_FILE })) as TableWorkerReply;
    } catch (e) {
      // The task never throws (errors come back as replies): a rejection means its thread died.
      if (e instanceof WeirError) throw e;
      const err = e as Error;
      throw new WorkerCrashError(`A TypeScript UDF worker thread failed while running table function '${this.fn.name}': ${err?.message ?? String(e)}`,
        { workerId: -1, exitCode: null }, { cause: e, location: this.location(), hint: 'Something in the function ended its thread; later requests run on a fresh thread.' });
    }
  }

  private located(error: WeirError): WeirError {
    Object.assign(error.location, this.location());
    return error;
  }

  private location() {
    return { operator: this.ctx.operatorName, subtask: this.ctx.subtaskIndex };
  }
}

/** The factory the correlate operator opens for TypeScript table functions (src/udf/table-backend.ts). */
export const tsTableBackendFactory: TableBackendFactory = {
  language: 'typescript',
  async open(program: UdfProgram, ctx: UdfBackendContext): Promise<TableFunctionBackend> {
    const step = program.steps[0];
    if (program.language !== 'typescript' || program.steps.length !== 1 || step.fn.language !== 'typescript' || step.fn.kind !== 'table') {
      throw new PlanError(`The TypeScript table-function backend runs exactly one TypeScript table function, got ${program.steps.map((s) => `${s.fn.language} ${s.fn.kind} ${s.fn.name}`).join(', ') || 'none'}`, {}, ErrorCodes.INTERNAL);
    }
    const def = step.fn as TsFunctionDefinition;
    const poolSize = ctx.config.get(TsUdfOptions.POOL_SIZE);
    const maxInFlight = ctx.config.get(TsUdfOptions.MAX_IN_FLIGHT);
    if (poolSize < 1 || maxInFlight < 1) {
      throw new PlanError(`ts.worker.pool-size (${poolSize}) and ts.fn-execution.max-in-flight (${maxInFlight}) must be at least 1`, {}, ErrorCodes.CONFIG_INVALID);
    }
    const threads = Math.max(1, Math.ceil(poolSize / Math.max(1, ctx.parallelism)));
    const lease = acquirePool({ threads, maxThreads: poolSize, maxInFlight });
    const fn: TableWorkerFunction = { name: def.name, modulePath: def.modulePath, exportName: def.exportName, args: step.args };
    const backend = new TsTableBackend(lease, fn, threads * maxInFlight, ctx);
    try {
      await backend.load();
    } catch (e) {
      await backend.close();
      throw e;
    }
    return backend;
  },
};
