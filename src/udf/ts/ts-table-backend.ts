import type * as arrow from 'apache-arrow';
import { fileURLToPath } from 'node:url';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { PlanError } from '../../errors/errors.ts';
import type { TsFunctionDefinition, UdfProgram } from '../function-definition.ts';
import type { TableBackendFactory, TableEvalResult, TableFunctionBackend } from '../table-backend.ts';
import type { UdfBackendContext } from '../udf-backend.ts';
import { decodeData, encodeColumns } from './transferable-data.ts';
import type { TableWorkerFunction, TableWorkerReply, TableWorkerTask } from './ts-table-worker.ts';
import { loadedOrClosed, TsPoolClient } from './pool-client.ts';

/** The piscina task file of table functions; it runs in the scalar UDF pool (piscina picks the file per task). */
const TABLE_WORKER_FILE = fileURLToPath(new URL('./ts-table-worker.ts', import.meta.url));

/**
 * Runs one TypeScript table function of an operator instance in the shared piscina pool (worker-pool.ts), with
 * the sizing and in-flight limits of scalar TS UDFs ({@link TsPoolClient}). Argument columns are copied into fresh
 * buffers that are moved to the worker; the index and result columns are moved back.
 */
class TsTableBackend implements TableFunctionBackend {
  readonly capacity: number;

  constructor(private readonly client: TsPoolClient, private readonly fn: TableWorkerFunction) {
    this.capacity = client.capacity;
  }

  async load(): Promise<void> {
    await this.run({ kind: 'load-table', fn: this.fn }, []);
  }

  async eval(args: readonly arrow.Data[], rows: number): Promise<TableEvalResult> {
    this.client.checkOpen('TypeScript table-function backend');
    const sent = encodeColumns(args, 'copy');
    const reply = await this.run({ kind: 'table', clientId: this.client.clientId, fn: this.fn, rows, columns: sent.columns }, sent.transferList);
    return {
      index: reply.index,
      columns: reply.columns.map(decodeData),
      timings: reply.timings,
      bytesSent: sent.bytes,
      bytesReceived: reply.bytes,
      userMetrics: this.client.userMetrics(reply.threadId, reply.metrics),
    };
  }

  close(): Promise<void> { return this.client.close(); }

  private run(task: TableWorkerTask, transferList: ArrayBuffer[]) {
    return this.client.run<TableWorkerReply>(task, transferList, `table function '${this.fn.name}'`, TABLE_WORKER_FILE);
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
    const fn: TableWorkerFunction = { name: def.name, modulePath: def.modulePath, exportName: def.exportName, args: step.args };
    return loadedOrClosed(new TsTableBackend(new TsPoolClient(ctx), fn), (b) => b.load());
  },
};
