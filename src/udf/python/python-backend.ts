import type * as arrow from 'apache-arrow';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { PlanError } from '../../errors/errors.ts';
import type { PythonFunctionDefinition, UdfProgram } from '../function-definition.ts';
import type { UdfBackend, UdfBackendContext, UdfBackendFactory, UdfEvalResult } from '../udf-backend.ts';
import { encodeColumns } from './codec.ts';
import { errorFromReply, evalMessage, loadSpecOf, parseResult, wireProgram, type WireStep } from './protocol.ts';
import type { WorkerPoolOptions } from './worker-pool.ts';
import { WorkerSet } from './worker-set.ts';

export { LIVENESS_TIMEOUT_KEY } from './worker-set.ts';

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
 * Runs one operator instance's UDF program on its own Python worker processes (a {@link WorkerSet}: one DEALER per
 * worker), requests pipelined up to `python.fn-execution.max-in-flight` per worker and sent to the least-loaded
 * worker.
 */
export class PythonBackend implements UdfBackend {
  readonly capacity: number;
  private readonly steps: WireStep[];

  constructor(private readonly program: UdfProgram, private readonly set: WorkerSet) {
    this.capacity = set.capacity;
    this.steps = wireProgram(program);
  }

  /** Starts workers for a subtask, connects, authenticates and loads the program's functions on each. */
  static async open(program: UdfProgram, ctx: UdfBackendContext, poolOverrides: Partial<WorkerPoolOptions> = {}): Promise<PythonBackend> {
    if (program.language !== 'python') {
      throw new PlanError(`The Python UDF backend cannot run a ${program.language} program`, {}, ErrorCodes.INTERNAL);
    }
    const specs = program.steps.map((s, id) => loadSpecOf(s.fn as PythonFunctionDefinition, id));
    return new PythonBackend(program, await WorkerSet.open(specs, ctx, poolOverrides));
  }

  /** Worker processes of this backend (tests use it to kill one). */
  get workers(): WorkerSet['workers'] { return this.set.workers; }

  async eval(args: readonly arrow.Data[], rows: number): Promise<PythonEvalResult> {
    const client = this.set.pick();
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
  close(): Promise<void> { return this.set.close(); }
}

/** The factory registered for language 'python' in src/udf/udf-backends.ts. */
export const pythonBackendFactory: UdfBackendFactory = {
  language: 'python',
  open: (program, ctx) => PythonBackend.open(program, ctx),
};
