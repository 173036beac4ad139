import { CheckpointError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import type { JobGraph } from '../plan/physical/job-graph.ts';
import type { CheckpointCommand, CheckpointReport, TaskAck } from './checkpoint-messages.ts';
import { checkpointDir, deleteCheckpoint, deleteIncompleteCheckpoints, moveToSavepoint, retainCheckpoints, writeManifest, type ResolvedCheckpoint } from './checkpoint-storage.ts';
import { buildManifest, type CheckpointManifest, type ManifestInput } from './manifest.ts';
import { CheckpointFailureManager, type CheckpointFailureKind } from './failure-manager.ts';

export interface CoordinatorSettings {
  readonly jobId: string;
  readonly jobName: string;
  readonly graph: JobGraph;
  readonly maxParallelism: number;
  /** This job's directory under `state.checkpoints.dir`. */
  readonly jobDir: string;
  /** Periodic trigger interval in ms; 0 triggers only on request ({@link CheckpointCoordinator.trigger}). */
  readonly interval: number;
  readonly timeout: number;
  readonly minPause: number;
  readonly maxConcurrent: number;
  readonly retained: number;
  /** The late-data side output's table, when the job has one (its committables are committed like a sink's). */
  readonly lateRecordsSink?: ManifestInput['lateRecordsSink'];
  /**
   * `execution.checkpointing.tolerable-failed-checkpoints`: consecutive failed checkpoints (timeouts, task or I/O
   * errors) after which the job fails over through {@link CoordinatorTransport.failover}. Undefined: never.
   */
  readonly tolerableFailures?: number;
}

/** How the coordinator reaches the running job. */
export interface CoordinatorTransport {
  /** Sends a command to every task of the current attempt. */
  send(command: CheckpointCommand): void;
  /** Commits the sink committables of a completed checkpoint; must be idempotent (it runs again on restore). */
  commit(manifest: CheckpointManifest): Promise<void>;
  /** A completed checkpoint could not be committed: the job must fail (its output would be incomplete). */
  fatal(error: unknown): void;
  /** More checkpoints failed in a row than tolerated: the job fails, and its restart strategy applies. */
  failover?(error: CheckpointError): void;
}

/** Checkpoint figures for `job.metrics()`. */
export interface CheckpointStats {
  readonly triggered: number;
  readonly completed: number;
  readonly failed: number;
  readonly inProgress: number;
  readonly lastCompletedId: number | null;
  readonly lastPath: string | null;
  /** Trigger to manifest written, ms. */
  readonly lastDurationMs: number;
  readonly lastSizeBytes: number;
  /** The longest barrier alignment of any task in the last completed checkpoint, ms. */
  readonly lastAlignmentMs: number;
  readonly lastFailure: string | null;
}

interface PendingCheckpoint {
  readonly id: number;
  readonly triggeredAt: number;
  readonly acks: Map<string, TaskAck>;
  readonly timeout: NodeJS.Timeout;
  readonly savepoint?: SavepointRequest;
}

/** A savepoint the user asked for: where it goes, whether the job stops after it, and who waits for it. */
interface SavepointRequest {
  readonly parent: string;
  readonly stop: boolean;
  readonly resolve: (path: string) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The job side of checkpointing (Flink's CheckpointCoordinator): triggers numbered checkpoints every interval (at
 * most `maxConcurrent` at once, `minPause` after the previous one ended), sends "trigger N" to the tasks (sources
 * inject barrier N), collects every task's acknowledgement, and completes a checkpoint only when all tasks of the
 * current attempt acknowledged it: then writes its manifest atomically, notifies the tasks, has the sinks'
 * committables committed, and deletes checkpoints beyond the retained count. A checkpoint that times out, is
 * declined, or loses a task is aborted and its directory deleted; it is never used.
 *
 * Tasks that finish (bounded input) report their final state, which stands for their acknowledgement from then on;
 * periodic checkpoints go on while a source task runs. When every task has finished, {@link finalCheckpoint}
 * records the sinks' last committables and commits them.
 */
export class CheckpointCoordinator {
  private nextId: number;
  private expected = new Set<string>();
  /** Final reports of tasks that finished (their sinks' last committables, a source's last position). */
  private readonly finals = new Map<string, TaskAck>();
  private readonly finished = new Set<string>();
  /** A task finished without a final report: no later checkpoint can be complete. */
  private finishedUnreported = false;
  private readonly sourceTasks: ReadonlySet<string>;
  private running = false;
  private readonly pending = new Map<number, PendingCheckpoint>();
  private completing: Promise<void> = Promise.resolve();
  private latest: ResolvedCheckpoint | null;
  private timer: NodeJS.Timeout | null = null;
  private lastTriggerAt = -Infinity;
  /** The id of a stop-with-savepoint savepoint: nothing after it may complete (its output would follow the savepoint). */
  private stopAt: number | null = null;
  private lastDoneAt = -Infinity;
  private stats: { -readonly [K in keyof CheckpointStats]: CheckpointStats[K] } = {
    triggered: 0, completed: 0, failed: 0, inProgress: 0, lastCompletedId: null, lastPath: null,
    lastDurationMs: 0, lastSizeBytes: 0, lastAlignmentMs: 0, lastFailure: null,
  };

  private readonly failures: CheckpointFailureManager | null;

  /** `restored`: the checkpoint the job starts from; numbering continues after it. */
  constructor(private readonly settings: CoordinatorSettings, private readonly transport: CoordinatorTransport, restored: ResolvedCheckpoint | null = null) {
    const failover = transport.failover?.bind(transport);
    this.failures = settings.tolerableFailures !== undefined && failover ? new CheckpointFailureManager(settings.tolerableFailures, failover) : null;
    this.latest = restored;
    this.nextId = (restored?.manifest.checkpointId ?? 0) + 1;
    this.sourceTasks = new Set(settings.graph.vertices
      .filter((v) => v.chain[0].kind === 'source' || v.chain[0].kind === 'values')
      .flatMap((v) => Array.from({ length: v.parallelism }, (_, s) => `${v.id}[${s}]`)));
  }

  /** The latest completed checkpoint (or the one the job was restored from). */
  latestCompleted(): ResolvedCheckpoint | null { return this.latest; }

  metrics(): CheckpointStats { return { ...this.stats, inProgress: this.pending.size }; }

  /** The tasks of a (new) deployment are running: checkpoints count on exactly these, and periodic triggering starts. */
  startAttempt(taskIds: readonly string[]): void {
    this.expected = new Set(taskIds);
    this.finals.clear();
    this.finished.clear();
    this.finishedUnreported = false;
    this.running = true;
    this.lastTriggerAt = performance.now();
    this.scheduleNext();
  }

  /** The deployment is going away (failure, cancel, restart): pending checkpoints are aborted, triggering stops. */
  suspend(reason: string): void {
    this.running = false;
    this.clearTimer();
    for (const p of [...this.pending.values()]) this.abort(p, reason, 'suspended');
  }

  /** Waits for checkpoints being completed (manifest, commit, retention) to settle. */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do { seen = this.completing; await seen; } while (seen !== this.completing);
  }

  /**
   * Triggers a checkpoint now if allowed (running, a source task still running to inject the barrier, under max
   * concurrency); returns its id. Tasks that already finished count as acknowledged with their final report.
   */
  trigger(): number | null {
    if (!this.canTrigger() || this.pending.size >= this.settings.maxConcurrent) return null;
    return this.start();
  }

  /**
   * Takes a savepoint: a checkpoint (outside max-concurrent) whose directory is moved, once complete, to a new
   * `savepoint-<job>-<random>` directory under `parent` (no retention applies to it); resolves with that path. With
   * `stop`, no checkpoint is triggered or completed after it (the caller then cancels the job).
   */
  triggerSavepoint(parent: string, stop: boolean): Promise<string> {
    if (!this.canTrigger()) {
      return Promise.reject(new CheckpointError('Cannot take a savepoint: the job is not running, or all its sources have finished', {}, ErrorCodes.CHECKPOINT_FAILED));
    }
    return new Promise((resolve, reject) => { this.start({ parent, stop, resolve, reject }); });
  }

  private start(savepoint?: SavepointRequest): number {
    const id = this.nextId++;
    const triggeredAt = Date.now();
    const timeout = setTimeout(() => {
      const p = this.pending.get(id);
      if (p) this.abort(p, `timed out after ${this.settings.timeout} ms (execution.checkpointing.timeout)`, 'expired');
    }, this.settings.timeout);
    timeout.unref();
    const acks = new Map([...this.finals].filter(([t]) => this.finished.has(t)).map(([t, ack]) => [t, { ...ack, checkpointId: id }]));
    this.pending.set(id, { id, triggeredAt, acks, timeout, savepoint });
    this.stats.triggered++;
    this.lastTriggerAt = performance.now();
    this.transport.send({ action: 'trigger', checkpointId: id, timestamp: triggeredAt });
    return id;
  }

  onReport(report: CheckpointReport): void {
    switch (report.kind) {
      case 'ack': {
        const p = this.pending.get(report.ack.checkpointId);
        if (!p || !this.expected.has(report.ack.taskId)) return;
        p.acks.set(report.ack.taskId, report.ack);
        if (p.acks.size === this.expected.size) this.complete(p);
        return;
      }
      case 'decline': {
        const p = this.pending.get(report.decline.checkpointId);
        if (p) this.abort(p, `declined by task ${report.decline.taskId}: ${report.decline.reason}`, report.decline.kind ?? 'task-error');
        return;
      }
      case 'final':
        if (this.expected.has(report.ack.taskId)) this.finals.set(report.ack.taskId, report.ack);
    }
  }

  /**
   * A task finished. Its final report stands for its acknowledgement of pending and later checkpoints (as in
   * Flink's checkpoints after tasks finish): all its input ended, so its sinks' last committables and a source's
   * end position are its whole contribution. Without a final report, pending checkpoints it has not acknowledged
   * can never complete, and no more are triggered.
   */
  onTaskFinished(taskId: string): void {
    this.finished.add(taskId);
    const final = this.finals.get(taskId);
    if (!final) {
      this.finishedUnreported = true;
      this.clearTimer();
    }
    for (const p of [...this.pending.values()]) {
      if (p.acks.has(taskId)) continue;
      if (!final) {
        this.abort(p, `task ${taskId} finished before acknowledging it`, 'task-finished');
        continue;
      }
      p.acks.set(taskId, { ...final, checkpointId: p.id });
      if (p.acks.size === this.expected.size) this.complete(p);
    }
  }

  private canTrigger(): boolean {
    if (!this.running || this.finishedUnreported || this.expected.size === 0 || this.stopAt !== null) return false;
    for (const p of this.pending.values()) if (p.savepoint?.stop) return false;
    for (const t of this.sourceTasks) if (this.expected.has(t) && !this.finished.has(t)) return true;
    return false;
  }

  /**
   * Every task finished: writes the final checkpoint (the sinks' last committables) and commits it. Throws a
   * CheckpointError when a task sent no final report.
   */
  async finalCheckpoint(): Promise<CheckpointManifest> {
    this.suspend('the job finished');
    await this.idle();
    const missing = [...this.expected].filter((t) => !this.finals.has(t));
    if (missing.length) {
      throw new CheckpointError(`Final checkpoint: tasks ${missing.join(', ')} finished without reporting their final state`, {}, ErrorCodes.INTERNAL);
    }
    const id = this.nextId++;
    const now = Date.now();
    this.stats.triggered++;
    const manifest = this.manifest(id, true, now, this.finals.values());
    await this.persist(manifest, now);
    return manifest;
  }

  private complete(p: PendingCheckpoint): void {
    this.pending.delete(p.id);
    clearTimeout(p.timeout);
    this.completing = this.completing.then(async () => {
      if (this.stopAt !== null && p.id > this.stopAt) {
        this.recordFailure(p, `the job stops with savepoint ${this.stopAt}`, 'suspended');
        void deleteCheckpoint(checkpointDir(this.settings.jobDir, p.id)).catch(() => undefined);
        return;
      }
      try {
        const manifest = this.manifest(p.id, false, p.triggeredAt, p.acks.values(), p.savepoint ? 'savepoint' : 'checkpoint');
        // An older checkpoint still pending is subsumed: this one includes everything it would have.
        for (const older of [...this.pending.values()]) {
          if (older.id < p.id && !older.savepoint) this.abort(older, `subsumed by checkpoint ${p.id}`, 'subsumed');
        }
        this.stats.lastAlignmentMs = Math.max(0, ...[...p.acks.values()].map((a) => a.alignmentMs));
        const path = await this.persist(manifest, p.triggeredAt, p.savepoint);
        if (p.savepoint?.stop) {
          this.stopAt = p.id;
          this.suspend('the job stops with a savepoint');
        }
        this.transport.send({ action: 'complete', checkpointId: p.id });
        p.savepoint?.resolve(path);
      } catch (e) {
        this.recordFailure(p, `could not be written: ${e instanceof Error ? e.message : String(e)}`, 'io-error');
        p.savepoint?.reject(e);
        void deleteCheckpoint(checkpointDir(this.settings.jobDir, p.id)).catch(() => undefined);
      }
      this.lastDoneAt = performance.now();
      this.scheduleNext();
    });
  }

  /**
   * Writes the manifest (the checkpoint is complete from here on), moves a savepoint to its directory, commits, and
   * applies retention. Returns where the checkpoint or savepoint now is.
   */
  private async persist(manifest: CheckpointManifest, triggeredAt: number, savepoint?: SavepointRequest): Promise<string> {
    let dir = checkpointDir(this.settings.jobDir, manifest.checkpointId);
    await writeManifest(dir, manifest);
    if (savepoint) dir = await moveToSavepoint(dir, savepoint.parent, this.settings.jobId);
    // Never backwards (an older savepoint completing late): its output is committed, so restores start after it.
    if (!this.latest || manifest.checkpointId > this.latest.manifest.checkpointId) this.latest = { dir, manifest };
    Object.assign(this.stats, { completed: this.stats.completed + 1, lastCompletedId: manifest.checkpointId, lastPath: dir });
    this.failures?.onCompleted(manifest.checkpointId);
    // The final checkpoint holds no state: duration and size stay those of the last periodic one.
    if (!manifest.final) Object.assign(this.stats, { lastDurationMs: Date.now() - triggeredAt, lastSizeBytes: manifest.sizeBytes });
    try {
      await this.transport.commit(manifest);
    } catch (e) {
      this.transport.fatal(e);
      return dir;
    }
    await retainCheckpoints(this.settings.jobDir, this.settings.retained).catch(() => undefined);
    // Late writes of aborted checkpoints leave directories without a manifest: drop them, keeping pending ones.
    await deleteIncompleteCheckpoints(this.settings.jobDir, (id) => id > manifest.checkpointId || this.pending.has(id)).catch(() => undefined);
    return dir;
  }

  private manifest(id: number, final: boolean, triggeredAt: number, acks: Iterable<TaskAck>, kind: CheckpointManifest['kind'] = 'checkpoint'): CheckpointManifest {
    const { jobId, jobName, graph, maxParallelism, lateRecordsSink } = this.settings;
    return buildManifest({ checkpointId: id, jobId, jobName, graph, maxParallelism, final, triggeredAt, completedAt: Date.now(), acks, kind, lateRecordsSink });
  }

  private abort(p: PendingCheckpoint, reason: string, kind: CheckpointFailureKind): void {
    if (!this.pending.delete(p.id)) return;
    clearTimeout(p.timeout);
    this.recordFailure(p, reason, kind);
    p.savepoint?.reject(new CheckpointError(`Savepoint (checkpoint ${p.id}) failed: ${reason}`, {}, ErrorCodes.CHECKPOINT_FAILED));
    this.transport.send({ action: 'abort', checkpointId: p.id });
    void deleteCheckpoint(checkpointDir(this.settings.jobDir, p.id)).catch(() => undefined);
    this.lastDoneAt = performance.now();
    this.scheduleNext();
  }

  /** Counts a failed checkpoint; a checkpoint (not a savepoint) also counts against the tolerable failures. */
  private recordFailure(p: PendingCheckpoint, reason: string, kind: CheckpointFailureKind): void {
    this.stats.failed++;
    this.stats.lastFailure = `checkpoint ${p.id}: ${reason}`;
    if (!p.savepoint) this.failures?.onFailure(p.id, kind, reason);
  }

  /** Arms the periodic trigger for the earliest time allowed by the interval and the min pause. */
  private scheduleNext(): void {
    this.clearTimer();
    const { interval, minPause, maxConcurrent } = this.settings;
    if (!this.canTrigger() || interval <= 0 || this.pending.size >= maxConcurrent) return;
    const at = Math.max(this.lastTriggerAt + interval, this.lastDoneAt + minPause);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.trigger();
      this.scheduleNext();
    }, Math.max(0, at - performance.now()));
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

