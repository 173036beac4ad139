import * as arrow from 'apache-arrow';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { ExecutionError, PlanError, UdfError } from '../../errors/errors.ts';
import { formatDataType } from '../../types/data-type.ts';
import type { PythonFunctionDefinition, UdfProgram } from '../function-definition.ts';
import type { TableBackendFactory, TableEvalResult, TableFunctionBackend } from '../table-backend.ts';
import type { UdfBackendContext } from '../udf-backend.ts';
import { decodeBody, encodeColumns } from './codec.ts';
import { checkType, errorFromReply, loadSpecOf, parseTimings, parseUserMetrics, wireProgram, type LoadFunctionSpec, type WireArg } from './protocol.ts';
import { WorkerSet } from './worker-set.ts';

/**
 * Runs one Python table function (`udtf`) of an operator instance: `table` requests (docs/protocol.md, "table")
 * pipelined over the subtask's workers. A request ships the argument columns as `a0, a1, ...`; the reply holds
 * the input-row index column `i` and the result columns `r0..r<k-1>`, validated here against the declaration.
 */
export class PythonTableBackend implements TableFunctionBackend {
  readonly capacity: number;
  private readonly fn: PythonFunctionDefinition;
  private readonly args: WireArg[];

  private constructor(program: UdfProgram, private readonly workers: WorkerSet) {
    this.capacity = workers.capacity;
    this.fn = program.steps[0].fn as PythonFunctionDefinition;
    this.args = wireProgram(program)[0].args;
  }

  static async open(program: UdfProgram, ctx: UdfBackendContext): Promise<PythonTableBackend> {
    const fn = program.steps[0]?.fn;
    if (program.language !== 'python' || program.steps.length !== 1 || fn?.language !== 'python' || fn.kind !== 'table' || !fn.table) {
      throw new PlanError(`The Python table-function backend runs exactly one Python table function, got ${program.steps.map((s) => `${s.fn.language} ${s.fn.kind} ${s.fn.name}`).join(', ') || 'none'}`, {}, ErrorCodes.INTERNAL);
    }
    const workers = await WorkerSet.open([tableLoadSpec(fn)], ctx);
    return new PythonTableBackend(program, workers);
  }

  /** Worker processes of this backend (tests use it to kill one). */
  get workerProcesses(): WorkerSet['workers'] { return this.workers.workers; }

  async eval(args: readonly arrow.Data[], rows: number): Promise<TableEvalResult & { hostCodecNs: number }> {
    const client = this.workers.pick();
    const t0 = process.hrtime.bigint();
    // No body when every argument is a constant: frame 1 would have no columns to carry.
    const body = args.length > 0 ? encodeColumns(args, rows, 'a') : undefined;
    const encodeNs = Number(process.hrtime.bigint() - t0);
    const reply = await client.request((seq) => ({ type: 'table', seq, fn: 0, rows, args: this.args }), body);
    if (reply.header.type !== 'result') throw errorFromReply(reply.header, this.fn.name);
    const t1 = process.hrtime.bigint();
    const { index, columns } = this.parse(reply.body, rows);
    const decodeNs = Number(process.hrtime.bigint() - t1);
    return {
      index,
      columns,
      timings: parseTimings(reply.header),
      bytesSent: reply.sentBytes,
      bytesReceived: reply.bytes,
      userMetrics: parseUserMetrics(reply.header, [this.fn.name]),
      hostCodecNs: encodeNs + decodeNs,
    };
  }

  close(): Promise<void> { return this.workers.close(); }

  /** The `i` column as an Int32Array plus the result columns, checked against the function's declaration. */
  private parse(body: Uint8Array | undefined, rows: number): { index: Int32Array; columns: arrow.Data[] } {
    if (!body) throw new ExecutionError('Python worker sent a table result without an Arrow body', {}, ErrorCodes.UDF_PROTOCOL);
    const decoded = decodeBody(body);
    const table = this.fn.table!;
    const [i, ...columns] = decoded.columns;
    if (!i || decoded.schema.fields[0].name !== 'i' || !arrow.DataType.isInt(i.type) || i.type.bitWidth !== 32 || columns.length !== table.resultTypes.length) {
      throw new ExecutionError(`Python worker answered table function '${this.fn.name}' with columns (${decoded.schema.fields.map((f) => `${f.name} ${f.type}`).join(', ')}); expected i INT and ${table.resultTypes.length} result column(s)`, {}, ErrorCodes.UDF_PROTOCOL);
    }
    columns.forEach((c, k) => checkType(this.fn.name, table.resultTypes[k], c.type));
    const index = (i.values as Int32Array).subarray(0, i.length);
    for (let k = 0; k < index.length; k++) {
      if (index[k] < 0 || index[k] >= rows || (k > 0 && index[k] < index[k - 1])) {
        throw new UdfError(ErrorCodes.UDF_PROTOCOL, `Python worker answered table function '${this.fn.name}' with input row ${index[k]} at output row ${k}; rows must be non-decreasing in 0..${rows - 1}`, { udf: this.fn.name });
      }
    }
    return { index, columns };
  }
}

/** The `load` entry of a table function: its declared result columns are sent so the worker converts exactly to them. */
export function tableLoadSpec(fn: PythonFunctionDefinition, id = 0): LoadFunctionSpec {
  const { result_type: _unused, ...spec } = loadSpecOf(fn, id);
  return { ...spec, result_types: fn.table!.resultTypes.map((t) => formatDataType(t)) };
}

/** The factory the correlate operator opens for Python table functions (src/udf/table-backend.ts). */
export const pythonTableBackendFactory: TableBackendFactory = {
  language: 'python',
  open: (program, ctx) => PythonTableBackend.open(program, ctx),
};
