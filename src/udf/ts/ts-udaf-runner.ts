import * as arrow from 'apache-arrow';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { PlanError } from '../../errors/errors.ts';
import { formatDataType } from '../../types/data-type.ts';
import type { FunctionDefinition, TsFunctionDefinition } from '../function-definition.ts';
import type { UdfBackendContext } from '../udf-backend.ts';
import type {
  UdafAccumulateOptions, UdafCallStats, UdafCompleteResult, UdafRows, UdafRunner, UdafRunnerFactory, UdafStateResult,
} from '../udaf-runner.ts';
import type { AggregateReply, AggregateTask } from './aggregate-task.ts';
import { decodeData, encodeColumns } from './transferable-data.ts';
import { loadedOrClosed, TsPoolClient } from './pool-client.ts';

type Mode = AggregateTask['mode'];

/**
 * The TypeScript side of the UDAF runner contract: aggregate tasks in the shared piscina pool of TS UDF threads
 * (worker-pool.ts), all groups of a call in one task. Input columns are copied once into buffers moved to the
 * worker (the operator keeps its own); results and accumulators are moved back without copying. A thread that dies
 * rejects its tasks with WorkerCrashError; user errors are UdfErrors with the JS stack as traceback.
 */
export class TsUdafRunner implements UdafRunner {
  private constructor(private readonly functions: readonly TsFunctionDefinition[], private readonly client: TsPoolClient) {}

  static async open(functions: readonly FunctionDefinition[], ctx: UdfBackendContext): Promise<TsUdafRunner> {
    const defs = functions.map((f) => {
      if (f.language !== 'typescript') throw new PlanError(`The TypeScript UDAF runner cannot run ${f.language} function '${f.name}'`, {}, ErrorCodes.INTERNAL);
      return f;
    });
    // An empty call per function imports it in a worker, so a module that fails to load fails the job at open.
    const none = { rows: 0, groupIds: new Int32Array(0), kinds: null, args: [] };
    return loadedOrClosed(new TsUdafRunner(defs, new TsPoolClient(ctx)),
      (runner) => Promise.all(defs.map((_, fn) => runner.call(fn, 'complete', 0, none, null, null, true, false))));
  }

  async accumulate(fn: number, groups: number, rows: UdafRows, accumulators: arrow.Data | null, options: UdafAccumulateOptions = {}): Promise<UdafStateResult> {
    return this.state(await this.call(fn, 'accumulate', groups, rows, null, accumulators, options.results ?? true, options.previous ?? false));
  }

  async merge(fn: number, groups: number, sources: { readonly groupIds: Int32Array; readonly accumulators: arrow.Data }, accumulators: arrow.Data | null,
    options: UdafAccumulateOptions = {}): Promise<UdafStateResult> {
    const rows = { rows: sources.groupIds.length, groupIds: sources.groupIds, kinds: null, args: [] };
    return this.state(await this.call(fn, 'merge', groups, rows, sources.accumulators, accumulators, options.results ?? true, options.previous ?? false));
  }

  async complete(fn: number, groups: number, rows: UdafRows): Promise<UdafCompleteResult> {
    const reply = await this.call(fn, 'complete', groups, rows, null, null, true, false);
    return { ...reply.stats, results: reply.results! };
  }

  close(): Promise<void> { return this.client.close(); }

  private state(reply: Decoded): UdafStateResult {
    return { ...reply.stats, results: reply.results, previous: reply.previous, accumulators: reply.accumulators! };
  }

  private async call(fn: number, mode: Mode, groups: number, rows: UdafRows, sources: arrow.Data | null, accumulators: arrow.Data | null,
    results: boolean, previous: boolean): Promise<Decoded> {
    const def = this.functions[fn];
    const columns: arrow.Data[] = [int32(rows.groupIds), ...rows.args];
    if (rows.kinds) columns.push(int8(rows.kinds));
    if (sources) columns.push(sources);
    if (accumulators) columns.push(accumulators);
    const sent = encodeColumns(columns, 'copy');
    const c = sent.columns;
    let at = 1 + rows.args.length;
    const task: AggregateTask = {
      kind: 'aggregate', clientId: this.client.clientId, fnIndex: fn, functionCount: this.functions.length,
      fn: { name: def.name, modulePath: def.modulePath, exportName: def.exportName, accumulatorType: accumulatorTypeOf(def) },
      mode, groups, rows: rows.rows, groupIds: c[0], args: c.slice(1, at),
      kinds: rows.kinds ? c[at++] : undefined,
      sources: sources ? c[at++] : undefined,
      accumulators: accumulators ? c[at++] : undefined,
      results, previous,
    };
    const reply = await this.client.run<AggregateReply>(task, sent.transferList, `aggregate function ${def.name}`);
    return {
      results: reply.results ? decodeData(reply.results) : null,
      previous: reply.previous ? decodeData(reply.previous) : null,
      accumulators: reply.accumulators ? decodeData(reply.accumulators) : null,
      stats: {
        timings: reply.timings,
        userMetrics: this.client.userMetrics(reply.threadId, reply.metrics),
        bytesSent: sent.bytes,
        bytesReceived: reply.bytes,
      },
    };
  }
}

/** The registered accumulator type, as the worker formats the module's declaration. */
const accumulatorTypeOf = (def: TsFunctionDefinition): string => (def.aggregate?.accumulatorType ? formatDataType(def.aggregate.accumulatorType) : 'none');

interface Decoded {
  readonly results: arrow.Data | null;
  readonly previous: arrow.Data | null;
  readonly accumulators: arrow.Data | null;
  readonly stats: UdafCallStats;
}

const int32 = (values: Int32Array): arrow.Data => arrow.makeData({ type: new arrow.Int32(), length: values.length, data: values });
const int8 = (kinds: Uint8Array): arrow.Data =>
  arrow.makeData({ type: new arrow.Int8(), length: kinds.length, data: new Int8Array(kinds.buffer, kinds.byteOffset, kinds.length) });

/** The factory openUdafRunner uses for language 'typescript'. */
export const tsUdafRunnerFactory: UdafRunnerFactory = {
  language: 'typescript',
  open: (functions, ctx) => TsUdafRunner.open(functions, ctx),
};
