import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { TaskRestore } from '../../checkpoint/checkpoint-messages.ts';
import { checkpointMetricsRaw, JobCheckpointing, savepointsNeedCheckpointing, type RestartDecision } from '../../checkpoint/job-checkpointing.ts';
import { CheckpointError } from '../../errors/errors.ts';
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
import { portsOf, wireTasks, type WiredJob } from './wire-tasks.ts';
import { acquireSlotThread, releaseSlotThread, type SlotThreadOptions } from './slot-pool.ts';
import { describeRestart } from './restart-message.ts';

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
  /** Its tasks that have not reported yet. */
  readonly unreported: Set<string>;
}

/** One deployment of the job's tasks: the first, and one more after each restart. */
interface Attempt {
  readonly slots: Slot[];
  readonly taskIds: string[];
  pendingTasks: number;
  /** A task failed and the job restarts: reports of this attempt no longer count. */
  abandoned: boolean;
  /** Resolves when every task of the attempt has reported (or its thread exited). */
  readonly drained: Promise<void>;
  readonly settleDrained: () => void;
}

/** How long a finished job waits for a slot thread's `slot-done` before terminating it instead. */
const SLOT_DONE_TIMEOUT_MS = 2000;
/** How long a failed attempt's tasks get to close (UDF workers, files) before their threads are stopped. */
const CLOSE_GRACE_MS = 5000;

/**
 * A running job, as Flink's JobClient: `done()` settles when every task has finished (rejecting with the first
 * task's error on failure), `cancel()` stops it, `metrics()` gathers live metrics from every task.
 *
 * With checkpointing, a restore path or a restart strategy configured (src/checkpoint/job-checkpointing.ts), a
 * failed task makes the job restart per the strategy: every task is cancelled, and a new deployment restores the
 * latest completed checkpoint. Without them the job runs exactly as before.
 */
export class JobClient {
  readonly jobId: string;
  readonly startedAt = Date.now();
  private status: JobStatus = 'RUNNING';
  private readonly job: JobSettings;
  private readonly workers: Worker[] = [];
  private attempt: Attempt | null = null;
  private readonly threadOptions: SlotThreadOptions;
  private readonly finalMetrics = new Map<string, MetricsSnapshot>();
  private readonly donePromise: Promise<JobResult>;
  private readonly settle: Settle;
  private failure: WeirError | null = null;
  private terminating = false;
  private requestCounter = 0;
  private readonly metricRequests = new Map<number, { waiting: Set<Worker>; parts: TaskSnapshot[]; finish: () => void }>();
  /** Threads this job no longer talks to: exited, or handed back to the slot pool. */
  private readonly exited = new Set<Worker>();
  private readonly checkpointing: JobCheckpointing | null;
  /** Ends the wait before a restart early (the job was cancelled or failed meanwhile). */
  private wakeRestart: (() => void) | null = null;
  private readonly restartListeners = new Set<(decision: RestartDecision) => void>();
  readonly clientPort;

  constructor(readonly graph: JobGraph, settings: Omit<JobSettings, 'jobId'>) {
    this.jobId = randomUUID();
    this.job = { ...settings, jobId: this.jobId };
    let settle!: Settle;
    this.donePromise = new Promise<JobResult>((resolve, reject) => { settle = { resolve, reject }; });
    this.donePromise.catch(() => {});
    this.settle = settle;
    this.threadOptions = slotThreadOptions(settings.config);
    // Throws RESTORE_FAILED right here when `execution.savepoint.path` names no usable checkpoint.
    this.checkpointing = JobCheckpointing.create(graph, this.job, {
      send: (command) => this.broadcast({ type: 'checkpoint', jobId: this.jobId, command }),
      fatal: (e) => this.fail(asWeirError(e)),
      failover: (e) => { if (this.attempt) this.onFailure(this.attempt, e); },
    });
    const wired = wireTasks(graph);
    this.clientPort = wired.clientPort;
    if (this.checkpointing?.restoresAtStart) void this.redeploy(wired);
    else this.deploy(wired, null);
  }

  get currentStatus(): JobStatus { return this.status; }

  /**
   * Calls `listener` each time the job fails and its restart strategy restarts it (cause, restart number, delay).
   * While no listener is registered, each restart is reported on stderr instead, so repeated failures never go
   * unnoticed. Returns a function removing the listener.
   */
  onRestart(listener: (decision: RestartDecision) => void): () => void {
    this.restartListeners.add(listener);
    return () => this.restartListeners.delete(listener);
  }

  done(): Promise<JobResult> { return this.donePromise; }

  /** Stops every task; `done()` then resolves with status CANCELED. */
  async cancel(): Promise<void> {
    if (this.status !== 'RUNNING') return;
    this.status = 'CANCELED';
    this.broadcast({ type: 'cancel', jobId: this.jobId });
    this.wakeRestart?.();
    await this.donePromise.catch(() => undefined);
  }

  /**
   * Takes a savepoint (a checkpoint the user asks for) into a new `savepoint-<job>-<id>` directory under `dir` and
   * resolves with its path; the job goes on. Start a job from it with `execution.savepoint.path` (or
   * `weir run --restore`), at any parallelism its sources allow. Needs checkpointing on.
   */
  savepoint(dir: string): Promise<string> {
    if (!this.checkpointing || this.status !== 'RUNNING') return Promise.reject(this.checkpointing ? notRunning(this.status) : savepointsNeedCheckpointing());
    return this.checkpointing.savepoint(dir, false);
  }

  /**
   * Takes a savepoint, then stops the job: nothing after the savepoint is committed, and `done()` resolves with
   * status CANCELED. Resolves with the savepoint's path.
   */
  async stopWithSavepoint(dir: string): Promise<string> {
    if (!this.checkpointing || this.status !== 'RUNNING') throw this.checkpointing ? notRunning(this.status) : savepointsNeedCheckpointing();
    const path = await this.checkpointing.savepoint(dir, true);
    await this.cancel();
    return path;
  }

  /** Job-wide metrics: live values from running tasks, final values from finished ones. */
  async metrics(): Promise<JobMetrics> {
    const live = this.status === 'RUNNING' || this.status === 'CANCELED' ? await this.liveSnapshots() : [];
    const byTask = new Map(this.finalMetrics);
    for (const { taskId, metrics } of live) if (!byTask.has(taskId)) byTask.set(taskId, metrics);
    return this.summarize(mergeSnapshots([...byTask.values()]));
  }

  private summarize(raw: MetricsSnapshot): JobMetrics {
    if (!this.checkpointing) return summarizeMetrics(this.graph, raw);
    const checkpoints = this.checkpointing.metrics();
    return { ...summarizeMetrics(this.graph, { ...raw, ...checkpointMetricsRaw(checkpoints) }), checkpoints };
  }

  /** Starts one deployment of every task (restoring `restores` when the job resumes from a checkpoint). */
  private deploy(wired: WiredJob, restores: ReadonlyMap<string, TaskRestore> | null): void {
    const taskIds = wired.slots.flat().map((t) => t.taskId);
    let settleDrained!: () => void;
    const drained = new Promise<void>((r) => { settleDrained = r; });
    const attempt: Attempt = { slots: [], taskIds, pendingTasks: taskIds.length, abandoned: false, drained, settleDrained };
    this.attempt = attempt;
    for (const specs of wired.slots) {
      const tasks = restores ? specs.map((t) => (restores.has(t.taskId) ? { ...t, restore: restores.get(t.taskId) } : t)) : specs;
      // A pooled thread left by an earlier job when there is one (src/exec/job/slot-pool.ts), else a new one.
      const worker = acquireSlotThread(this.threadOptions, { job: this.job, tasks }, portsOf(tasks), `weir-slot-${attempt.slots.length}`);
      this.workers.push(worker);
      attempt.slots.push(this.listen(attempt, worker, tasks.map((t) => t.taskId)));
    }
    this.checkpointing?.started(taskIds);
  }

  /** Deploys after restoring: at start from `execution.savepoint.path`, or after a restart. */
  private async redeploy(wired: WiredJob | null): Promise<void> {
    try {
      if (this.status !== 'RUNNING') { await this.finish(); return; }
      const restores = await this.checkpointing!.restores();
      if (this.status !== 'RUNNING') { await this.finish(); return; }
      this.finalMetrics.clear();
      this.deploy(wired ?? wireTasks(this.graph), restores);
    } catch (e) {
      this.fail(asWeirError(e));
    }
  }

  private listen(attempt: Attempt, worker: Worker, taskIds: string[]): Slot {
    let settleDone!: (reusable: boolean) => void;
    const done = new Promise<boolean>((r) => { settleDone = r; });
    const slot: Slot = {
      worker, done, settleDone, unreported: new Set(taskIds),
      listeners: {
        message: (m: SlotReport) => this.onReport(attempt, slot, m),
        error: (e) => this.onFailure(attempt, new WeirError(ErrorCodes.TASK_FAILED, `Slot thread crashed: ${e.message}`, {
          cause: e,
          hint: (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'The slot ran out of heap: raise taskmanager.memory.task.heap.size, or use the persistent state backend (state.backend = rocksdb).' : undefined,
        })),
        exit: (code) => {
          this.forget(worker);
          settleDone(false);
          // terminate() ends threads with code 1; only an exit we did not ask for is a crash.
          if (code !== 0 && !this.terminating && this.status === 'RUNNING') this.onFailure(attempt, new WeirError(ErrorCodes.TASK_FAILED, `Slot thread exited with code ${code}`));
          for (const taskId of [...slot.unreported]) this.reported(attempt, slot, taskId);
        },
      },
    };
    worker.on('message', slot.listeners.message);
    worker.on('error', slot.listeners.error);
    worker.on('exit', slot.listeners.exit);
    return slot;
  }

  private liveSnapshots(): Promise<TaskSnapshot[]> {
    const alive = (this.attempt?.slots ?? []).map((s) => s.worker).filter((w) => !this.exited.has(w));
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

  private onReport(attempt: Attempt, slot: Slot, m: SlotReport): void {
    const current = attempt === this.attempt && !attempt.abandoned;
    switch (m.type) {
      case 'metrics': {
        const request = this.metricRequests.get(m.requestId);
        if (request?.waiting.delete(slot.worker)) {
          request.parts.push(...m.snapshots);
          if (request.waiting.size === 0) request.finish();
        }
        return;
      }
      case 'slot-done':
        slot.settleDone(m.jobId === this.jobId && m.reusable);
        return;
      case 'slot-broken':
        return;
      case 'checkpoint':
        if (current) this.checkpointing?.onReport(m.report);
        return;
      case 'task-finished':
        this.reported(attempt, slot, m.taskId);
        if (!current) return;
        this.finalMetrics.set(m.taskId, m.metrics);
        this.checkpointing?.onTaskFinished(m.taskId);
        if (attempt.pendingTasks === 0) void this.finish();
        return;
      case 'task-failed': {
        this.reported(attempt, slot, m.taskId);
        if (!current) return;
        this.finalMetrics.set(m.taskId, m.metrics);
        const error = deserializeError(m.error);
        if (error.code !== ErrorCodes.JOB_CANCELLED || (this.status !== 'CANCELED' && !this.failure)) this.onFailure(attempt, error);
        if (attempt.pendingTasks === 0 && !attempt.abandoned) void this.finish();
      }
    }
  }

  /** A task of `attempt` reported (or its thread exited): counts it once. */
  private reported(attempt: Attempt, slot: Slot, taskId: string): void {
    if (!slot.unreported.delete(taskId)) return;
    if (--attempt.pendingTasks === 0) attempt.settleDrained();
  }

  /** A task or thread of `attempt` failed: restart per the restart strategy, or fail the job. */
  private onFailure(attempt: Attempt, error: WeirError): void {
    if (attempt !== this.attempt || attempt.abandoned || this.failure || this.status !== 'RUNNING') return;
    const decision = this.checkpointing?.onFailure(error) ?? null;
    if (decision === null) { this.fail(error); return; }
    this.announceRestart(decision);
    void this.restart(attempt, decision.delayMs);
  }

  private announceRestart(decision: RestartDecision): void {
    if (this.restartListeners.size === 0) process.stderr.write(`weir: job ${this.job.jobName} ${describeRestart(decision)}\n`);
    for (const listener of this.restartListeners) listener(decision);
  }

  /**
   * Cancels every task of the failed attempt, waits for them to close, then deploys again from the checkpoint. A
   * cancel (or a failure for good) at any point of this ends the wait at once.
   */
  private async restart(attempt: Attempt, delay: number): Promise<void> {
    attempt.abandoned = true;
    let timer: NodeJS.Timeout | undefined;
    const woken = new Promise<void>((resolve) => { this.wakeRestart = () => { clearTimeout(timer); resolve(); }; });
    for (const slot of attempt.slots) {
      if (!this.exited.has(slot.worker)) slot.worker.postMessage({ type: 'cancel', jobId: this.jobId } satisfies SlotCommand);
    }
    await Promise.race([attempt.drained, sleep(CLOSE_GRACE_MS)]);
    await Promise.all(attempt.slots.map(async (slot) => {
      if (this.exited.has(slot.worker)) return;
      this.detach(slot);
      await slot.worker.terminate();
    }));
    if (this.status === 'RUNNING') {
      await Promise.race([woken, new Promise<void>((resolve) => { timer = setTimeout(resolve, delay); })]);
    }
    clearTimeout(timer);
    this.wakeRestart = null;
    await this.redeploy(null);
  }

  private fail(error: WeirError): void {
    if (this.failure || this.status === 'FINISHED') return;
    this.failure = error;
    this.status = 'FAILED';
    this.wakeRestart?.();
    this.broadcast({ type: 'cancel', jobId: this.jobId });
    void this.checkpointing?.stopped(false).catch(() => undefined);
    // Tasks get a grace period to close their operators (and kill UDF workers) before their threads are stopped.
    setTimeout(() => void this.terminate(), CLOSE_GRACE_MS).unref();
    this.settle.reject(error);
  }

  private async finish(): Promise<void> {
    if (!this.failure) {
      try {
        if (this.status === 'CANCELED') await this.checkpointing?.stopped(true);
        else await this.checkpointing?.finished();
      } catch (e) {
        this.fail(asWeirError(e));
      }
    }
    await this.releaseSlots();
    if (this.failure) return;
    const status = this.status === 'CANCELED' ? 'CANCELED' : 'FINISHED';
    this.status = status;
    const metrics = this.summarize(mergeSnapshots([...this.finalMetrics.values()]));
    this.settle.resolve({ jobId: this.jobId, status, durationMs: Date.now() - this.startedAt, metrics });
  }

  /** Sends a command to the threads of the running attempt. */
  private broadcast(command: SlotCommand): void {
    for (const slot of this.attempt?.slots ?? []) if (!this.exited.has(slot.worker)) slot.worker.postMessage(command);
  }

  /**
   * Every task has reported: threads of a cleanly finished job that report themselves clean go back to the slot
   * pool for later jobs; the others (failure, cancellation, resources left open) are terminated.
   */
  private async releaseSlots(): Promise<void> {
    if (this.failure || this.status !== 'RUNNING') return this.terminate();
    this.terminating = true;
    await Promise.all((this.attempt?.slots ?? []).map(async (slot) => {
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

function notRunning(status: JobStatus): CheckpointError {
  return new CheckpointError(`Cannot take a savepoint: the job is ${status}`, {}, ErrorCodes.CHECKPOINT_FAILED);
}

function asWeirError(e: unknown): WeirError {
  if (e instanceof WeirError) return e;
  return new WeirError(ErrorCodes.CHECKPOINT_FAILED, e instanceof Error ? e.message : String(e), { cause: e });
}

const sleep = (ms: number) => new Promise<void>((r) => { setTimeout(r, ms).unref(); });
