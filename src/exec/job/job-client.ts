import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { deserializeError } from '../../errors/serialize.ts';
import { ErrorCodes, WeirError } from '../../errors/weir-error.ts';
import { mergeSnapshots } from '../../metrics/merge-snapshots.ts';
import type { MetricsSnapshot } from '../../metrics/metric-group.ts';
import type { JobGraph } from '../../plan/physical/job-graph.ts';
import type { SlotCommand, SlotReport } from '../task/slot-protocol.ts';
import type { JobSettings } from '../task/task-spec.ts';
import { summarizeMetrics, type JobMetrics } from './job-metrics.ts';
import { threadExecArgv } from './thread-exec-argv.ts';
import { Configuration } from '../../config/configuration.ts';
import { CoreOptions } from '../../config/options.ts';
import { portsOf, wireTasks } from './wire-tasks.ts';
import { acquireSlotThread, releaseSlotThread, type SlotThreadOptions } from './slot-pool.ts';

export type JobStatus = 'RUNNING' | 'FINISHED' | 'CANCELED' | 'FAILED';

export interface JobResult {
  readonly jobId: string;
  readonly status: 'FINISHED' | 'CANCELED';
  readonly durationMs: number;
  readonly metrics: JobMetrics;
}

type TaskSnapshot = { taskId: string; metrics: MetricsSnapshot };
type Settle = { resolve: (r: JobResult) => void; reject: (e: unknown) => void };

/** A slot thread while it runs this job: its listeners (removed when it is handed back) and its end-of-job report. */
interface Slot {
  readonly worker: Worker;
  readonly listeners: { message: (m: SlotReport) => void; error: (e: Error) => void; exit: (code: number) => void };
  /** Resolves with the thread's `slot-done` verdict (reusable or not), or false once it exited. */
  readonly done: Promise<boolean>;
  readonly settleDone: (reusable: boolean) => void;
}

/** How long a finished job waits for a slot thread's `slot-done` before terminating it instead. */
const SLOT_DONE_TIMEOUT_MS = 2000;

/**
 * A running job, as Flink's JobClient: `done()` settles when every task has finished (rejecting with the first
 * task's error on failure), `cancel()` stops it, `metrics()` gathers live metrics from every task.
 */
export class JobClient {
  readonly jobId: string;
  readonly startedAt = Date.now();
  private status: JobStatus = 'RUNNING';
  private readonly workers: Worker[] = [];
  private readonly slots: Slot[] = [];
  private readonly threadOptions: SlotThreadOptions;
  private readonly finalMetrics = new Map<string, MetricsSnapshot>();
  private readonly donePromise: Promise<JobResult>;
  private pendingTasks: number;
  private failure: WeirError | null = null;
  private terminating = false;
  private requestCounter = 0;
  private readonly metricRequests = new Map<number, { waiting: Set<Worker>; parts: TaskSnapshot[]; finish: () => void }>();
  /** Threads this job no longer talks to: exited, or handed back to the slot pool. */
  private readonly exited = new Set<Worker>();
  readonly clientPort;

  constructor(readonly graph: JobGraph, settings: Omit<JobSettings, 'jobId'>) {
    this.jobId = randomUUID();
    const job: JobSettings = { ...settings, jobId: this.jobId };
    const { slots, clientPort } = wireTasks(graph);
    this.clientPort = clientPort;
    this.pendingTasks = slots.reduce((n, s) => n + s.length, 0);
    let settle!: Settle;
    this.donePromise = new Promise<JobResult>((resolve, reject) => { settle = { resolve, reject }; });
    this.donePromise.catch(() => {});
    this.threadOptions = slotThreadOptions(settings.config);
    for (const tasks of slots) {
      // A pooled thread left by an earlier job when there is one (src/exec/job/slot-pool.ts), else a new one.
      const worker = acquireSlotThread(this.threadOptions, { job, tasks }, portsOf(tasks), `weir-slot-${this.workers.length}`);
      let settleDone!: (reusable: boolean) => void;
      const done = new Promise<boolean>((r) => { settleDone = r; });
      const listeners: Slot['listeners'] = {
        message: (m: SlotReport) => this.onReport(worker, m, settle, settleDone),
        error: (e) => this.fail(new WeirError(ErrorCodes.TASK_FAILED, `Slot thread crashed: ${e.message}`, {
          cause: e,
          hint: (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'The slot ran out of heap: raise taskmanager.memory.task.heap.size, or use the persistent state backend (state.backend = rocksdb).' : undefined,
        }), settle),
        exit: (code) => {
          this.forget(worker);
          settleDone(false);
          // terminate() ends threads with code 1; only an exit we did not ask for is a crash.
          if (code !== 0 && !this.terminating && this.status === 'RUNNING') this.fail(new WeirError(ErrorCodes.TASK_FAILED, `Slot thread exited with code ${code}`), settle);
        },
      };
      worker.on('message', listeners.message);
      worker.on('error', listeners.error);
      worker.on('exit', listeners.exit);
      this.workers.push(worker);
      this.slots.push({ worker, listeners, done, settleDone });
    }
  }

  get currentStatus(): JobStatus { return this.status; }

  done(): Promise<JobResult> { return this.donePromise; }

  /** Stops every task; `done()` then resolves with status CANCELED. */
  async cancel(): Promise<void> {
    if (this.status !== 'RUNNING') return;
    this.status = 'CANCELED';
    this.broadcast({ type: 'cancel', jobId: this.jobId });
    await this.donePromise.catch(() => undefined);
  }

  /** Job-wide metrics: live values from running tasks, final values from finished ones. */
  async metrics(): Promise<JobMetrics> {
    const live = this.status === 'RUNNING' || this.status === 'CANCELED' ? await this.liveSnapshots() : [];
    const byTask = new Map(this.finalMetrics);
    for (const { taskId, metrics } of live) if (!byTask.has(taskId)) byTask.set(taskId, metrics);
    return summarizeMetrics(this.graph, mergeSnapshots([...byTask.values()]));
  }

  private liveSnapshots(): Promise<TaskSnapshot[]> {
    const alive = this.workers.filter((w) => !this.exited.has(w));
    if (alive.length === 0) return Promise.resolve([]);
    const requestId = this.requestCounter++;
    return new Promise((resolve) => {
      const parts: TaskSnapshot[] = [];
      const finish = () => { clearTimeout(timer); this.metricRequests.delete(requestId); resolve(parts); };
      // A slot that stops answering must not stall metrics() (one that exits or is handed back counts as answered).
      const timer = setTimeout(finish, 2000);
      this.metricRequests.set(requestId, { waiting: new Set(alive), parts, finish });
      for (const w of alive) w.postMessage({ type: 'metrics', jobId: this.jobId, requestId } satisfies SlotCommand);
    });
  }

  /** The job stops talking to a thread (it exited, or went back to the pool): pending metric requests skip it. */
  private forget(worker: Worker): void {
    this.exited.add(worker);
    for (const r of [...this.metricRequests.values()]) if (r.waiting.delete(worker) && r.waiting.size === 0) r.finish();
  }

  private onReport(worker: Worker, m: SlotReport, settle: Settle, settleDone: (reusable: boolean) => void): void {
    switch (m.type) {
      case 'metrics': {
        const request = this.metricRequests.get(m.requestId);
        if (request?.waiting.delete(worker)) {
          request.parts.push(...m.snapshots);
          if (request.waiting.size === 0) request.finish();
        }
        return;
      }
      case 'slot-done':
        settleDone(m.jobId === this.jobId && m.reusable);
        return;
      case 'slot-broken':
        return;
      case 'task-finished':
        this.finalMetrics.set(m.taskId, m.metrics);
        if (--this.pendingTasks === 0) void this.finish(settle);
        return;
      case 'task-failed': {
        this.finalMetrics.set(m.taskId, m.metrics);
        const error = deserializeError(m.error);
        if (error.code === ErrorCodes.JOB_CANCELLED && (this.status === 'CANCELED' || this.failure)) {
          if (--this.pendingTasks === 0) void this.finish(settle);
          return;
        }
        this.fail(error, settle);
        if (--this.pendingTasks === 0) void this.finish(settle);
      }
    }
  }

  private fail(error: WeirError, settle: { reject: (e: unknown) => void }): void {
    if (this.failure || this.status === 'FINISHED') return;
    this.failure = error;
    this.status = 'FAILED';
    this.broadcast({ type: 'cancel', jobId: this.jobId });
    // Tasks get a grace period to close their operators (and kill UDF workers) before their threads are stopped.
    setTimeout(() => void this.terminate(), 5000).unref();
    settle.reject(error);
  }

  private async finish(settle: Settle): Promise<void> {
    await this.releaseSlots();
    if (this.failure) return;
    const status = this.status === 'CANCELED' ? 'CANCELED' : 'FINISHED';
    this.status = status;
    const metrics = summarizeMetrics(this.graph, mergeSnapshots([...this.finalMetrics.values()]));
    settle.resolve({ jobId: this.jobId, status, durationMs: Date.now() - this.startedAt, metrics });
  }

  private broadcast(command: SlotCommand): void {
    for (const w of this.workers) if (!this.exited.has(w)) w.postMessage(command);
  }

  /**
   * Every task has reported: threads of a cleanly finished job that report themselves clean go back to the slot
   * pool for later jobs; the others (failure, cancellation, resources left open) are terminated.
   */
  private async releaseSlots(): Promise<void> {
    if (this.failure || this.status !== 'RUNNING') return this.terminate();
    this.terminating = true;
    await Promise.all(this.slots.map(async (slot) => {
      if (this.exited.has(slot.worker)) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((r) => { timer = setTimeout(() => r(false), SLOT_DONE_TIMEOUT_MS); });
      const reusable = await Promise.race([slot.done, timeout]);
      clearTimeout(timer);
      if (!reusable || this.exited.has(slot.worker)) { await slot.worker.terminate(); return; }
      this.detach(slot);
      releaseSlotThread(slot.worker, this.threadOptions);
    }));
  }

  private detach(slot: Slot): void {
    slot.worker.off('message', slot.listeners.message);
    slot.worker.off('error', slot.listeners.error);
    slot.worker.off('exit', slot.listeners.exit);
    this.forget(slot.worker);
  }

  private async terminate(): Promise<void> {
    this.terminating = true;
    await Promise.all(this.workers.map((w) => (this.exited.has(w) ? undefined : w.terminate())));
  }
}

/** Thread options of a job's slot threads (threads are pooled per set of options). */
export function slotThreadOptions(config: Record<string, string>): SlotThreadOptions {
  const heapMb = new Configuration(config).get(CoreOptions.TASK_HEAP_MB);
  return { execArgv: threadExecArgv(), resourceLimits: heapMb > 0 ? { maxOldGenerationSizeMb: heapMb } : undefined };
}
