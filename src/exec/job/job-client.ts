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

export type JobStatus = 'RUNNING' | 'FINISHED' | 'CANCELED' | 'FAILED';

export interface JobResult {
  readonly jobId: string;
  readonly status: 'FINISHED' | 'CANCELED';
  readonly durationMs: number;
  readonly metrics: JobMetrics;
}

type TaskSnapshot = { taskId: string; metrics: MetricsSnapshot };

const SLOT_THREAD = new URL('../task/slot-thread-entry.mjs', import.meta.url);

/**
 * A running job, as Flink's JobClient: `done()` settles when every task has finished (rejecting with the first
 * task's error on failure), `cancel()` stops it, `metrics()` gathers live metrics from every task.
 */
export class JobClient {
  readonly jobId: string;
  readonly startedAt = Date.now();
  private status: JobStatus = 'RUNNING';
  private readonly workers: Worker[] = [];
  private readonly finalMetrics = new Map<string, MetricsSnapshot>();
  private readonly donePromise: Promise<JobResult>;
  private pendingTasks: number;
  private failure: WeirError | null = null;
  private terminating = false;
  private requestCounter = 0;
  private readonly metricRequests = new Map<number, (snapshots: TaskSnapshot[]) => void>();
  private readonly exited = new Set<Worker>();
  readonly clientPort;

  constructor(readonly graph: JobGraph, settings: Omit<JobSettings, 'jobId'>) {
    this.jobId = randomUUID();
    const job: JobSettings = { ...settings, jobId: this.jobId };
    const { slots, clientPort } = wireTasks(graph);
    this.clientPort = clientPort;
    this.pendingTasks = slots.reduce((n, s) => n + s.length, 0);
    let settle!: { resolve: (r: JobResult) => void; reject: (e: unknown) => void };
    this.donePromise = new Promise<JobResult>((resolve, reject) => { settle = { resolve, reject }; });
    this.donePromise.catch(() => {});
    const execArgv = threadExecArgv();
    const heapMb = new Configuration(settings.config).get(CoreOptions.TASK_HEAP_MB);
    const resourceLimits = heapMb > 0 ? { maxOldGenerationSizeMb: heapMb } : undefined;
    for (const tasks of slots) {
      const worker = new Worker(SLOT_THREAD, { workerData: { job, tasks }, transferList: portsOf(tasks), execArgv, resourceLimits, name: `weir-slot-${this.workers.length}` });
      worker.on('message', (m: SlotReport) => this.onReport(m, settle));
      worker.on('error', (e) => this.fail(new WeirError(ErrorCodes.TASK_FAILED, `Slot thread crashed: ${e.message}`, {
        cause: e,
        hint: (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'The slot ran out of heap: raise taskmanager.memory.task.heap.size, or use the persistent state backend (state.backend = rocksdb).' : undefined,
      }), settle));
      worker.on('exit', (code) => {
        this.exited.add(worker);
        // terminate() ends threads with code 1; only an exit we did not ask for is a crash.
        if (code !== 0 && !this.terminating && this.status === 'RUNNING') this.fail(new WeirError(ErrorCodes.TASK_FAILED, `Slot thread exited with code ${code}`), settle);
      });
      this.workers.push(worker);
    }
  }

  get currentStatus(): JobStatus { return this.status; }

  done(): Promise<JobResult> { return this.donePromise; }

  /** Stops every task; `done()` then resolves with status CANCELED. */
  async cancel(): Promise<void> {
    if (this.status !== 'RUNNING') return;
    this.status = 'CANCELED';
    this.broadcast({ type: 'cancel' });
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
      let remaining = alive.length;
      const finish = () => { clearTimeout(timer); this.metricRequests.delete(requestId); resolve(parts); };
      // A slot that exits between the request and its answer must not stall metrics().
      const timer = setTimeout(finish, 2000);
      this.metricRequests.set(requestId, (snaps) => { parts.push(...snaps); if (--remaining === 0) finish(); });
      for (const w of alive) w.postMessage({ type: 'metrics', requestId } satisfies SlotCommand);
    });
  }

  private onReport(m: SlotReport, settle: { resolve: (r: JobResult) => void; reject: (e: unknown) => void }): void {
    switch (m.type) {
      case 'metrics':
        this.metricRequests.get(m.requestId)?.(m.snapshots);
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
    this.broadcast({ type: 'cancel' });
    // Tasks get a grace period to close their operators (and kill UDF workers) before their threads are stopped.
    setTimeout(() => void this.terminate(), 5000).unref();
    settle.reject(error);
  }

  private async finish(settle: { resolve: (r: JobResult) => void; reject: (e: unknown) => void }): Promise<void> {
    await this.terminate();
    if (this.failure) return;
    const status = this.status === 'CANCELED' ? 'CANCELED' : 'FINISHED';
    this.status = status;
    const metrics = summarizeMetrics(this.graph, mergeSnapshots([...this.finalMetrics.values()]));
    settle.resolve({ jobId: this.jobId, status, durationMs: Date.now() - this.startedAt, metrics });
  }

  private broadcast(command: SlotCommand): void {
    for (const w of this.workers) w.postMessage(command);
  }

  private async terminate(): Promise<void> {
    this.terminating = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
