import { Configuration } from '../../config/configuration.ts';
import { MetricGroup, type MetricsSnapshot } from '../../metrics/metric-group.ts';
import type { SourceNode, ValuesNode } from '../../plan/physical/physical-node.ts';
import { CoreOptions } from '../../config/options.ts';
import { WatermarkTracker } from '../../time/watermark-tracker.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { ExecutionError } from '../../errors/errors.ts';
import { InputGate } from '../channel/input-gate.ts';
import { MAX_WATERMARK } from '../stream-message.ts';
import { OperatorChain, tagError } from './operator-chain.ts';
import { RecordWriter } from './record-writer.ts';
import { driveSource } from './source-driver.ts';
import { MailboxTimers } from '../../time/mailbox-timers.ts';
import { SourceSignals } from '../../time/source-signals.ts';
import { LateRecordsOutput } from '../../time/late-records.ts';
import type { JobSettings, TaskSpec } from './task-spec.ts';
import type { CheckpointCommand, CheckpointReport } from '../../checkpoint/checkpoint-messages.ts';
import { TaskCheckpointer } from '../../checkpoint/task-checkpointer.ts';
import { restoreOperators } from '../../checkpoint/task-restore.ts';
import { LATE_RECORDS_ID } from '../../checkpoint/manifest.ts';
import { keyGroupRangeFor } from '../../state/key-groups.ts';

/**
 * One parallel subtask of a vertex: a source driver or an input gate at the head, an operator chain, and a record
 * writer at the tail. Watermarks, end-of-input and checkpoint barriers (aligned, then snapshotted by src/checkpoint/)
 * are handled here, once, for every operator.
 */
export class Task {
  readonly metrics = new MetricGroup();
  private readonly controller = new AbortController();
  private readonly config: Configuration;
  /** Processing-time callbacks of this task's operators, run between messages (the mailbox). */
  private readonly timers = new MailboxTimers();
  /** Whether this (non-source) task told downstream that its output is idle: all its open inputs are. */
  private outputIdle = false;

  /** Checkpoints of this task (src/checkpoint/); null when checkpointing is off, and the task runs as without it. */
  private readonly checkpointer: TaskCheckpointer | null;

  constructor(private readonly spec: TaskSpec, private readonly job: JobSettings, reportCheckpoint: (r: CheckpointReport) => void = () => {}) {
    this.config = new Configuration(job.config);
    const identity = { taskId: spec.taskId, vertexId: spec.vertex.id, subtaskIndex: spec.subtaskIndex, jobId: job.jobId };
    this.checkpointer = TaskCheckpointer.create(identity, this.config, reportCheckpoint);
  }

  /** A checkpoint command from the job: trigger (sources inject the barrier), complete, abort. */
  checkpointCommand(command: CheckpointCommand): void { this.checkpointer?.onCommand(command); }

  get id(): string { return this.spec.taskId; }

  cancel(): void { this.controller.abort(); }

  snapshotMetrics(): MetricsSnapshot { return this.metrics.snapshot(); }

  async run(): Promise<void> {
    const { vertex, subtaskIndex } = this.spec;
    const signal = this.controller.signal;
    const head = vertex.chain[0];
    const isSource = head.kind === 'source' || head.kind === 'values';
    const operatorMetrics = (node: { id: string }) => this.metrics.group('operator').group(node.id);
    const chain = new OperatorChain(isSource ? vertex.chain.slice(1) : vertex.chain, operatorMetrics, subtaskIndex);
    const writer = new RecordWriter(this.spec.outputs, subtaskIndex, this.config.get(CoreOptions.CHANNEL_CAPACITY), signal);
    const gate = isSource ? null : new InputGate(this.spec.inputs, signal);
    const base = { parallelism: vertex.parallelism, config: this.config, signal, baseDir: this.job.baseDir, jobId: this.job.jobId };
    // Late rows go to the side-output table when one is configured; otherwise the chain counts and drops them.
    const late = this.job.lateRecordsSink
      ? new LateRecordsOutput(this.job.lateRecordsSink, { ...base, subtaskIndex, metrics: this.metrics.group('late-records') }, operatorMetrics)
      : null;
    let failure: unknown = null;
    try {
      const signals = isSource ? new SourceSignals() : undefined;
      await chain.open(writer, { ...base, processingTime: this.timers, sourceSignals: signals, lateRows: late?.report });
      await this.startCheckpointing(chain, writer, late);
      const entry = chain.isEmpty ? writer : chain.inputOf(0);
      if (isSource) {
        try {
          await driveSource(head as SourceNode | ValuesNode, entry, {
            ...base, subtaskIndex, metrics: operatorMetrics(head), timers: this.timers, signals,
            emitWatermark: (timestamp) => this.advanceWatermark(chain, writer, timestamp),
            markIdle: (idle) => writer.markIdle(idle),
            restoredPositions: this.spec.restore?.sourcePositions, checkpoint: this.checkpointer?.sourceHook(head.id),
          });
        } catch (e) {
          throw tagError(e, head.name, subtaskIndex);
        }
        if (signal.aborted) throw cancelled();
        await this.advanceWatermark(chain, writer, MAX_WATERMARK);
      } else {
        await this.consumeInputs(gate!, chain, writer);
      }
      await chain.endInput();
      await late?.finish();
      await this.checkpointer?.finish();
      writer.broadcast({ kind: 'end' });
    } catch (e) {
      // Once cancelled, whatever a source or operator throws (an AbortError, a closed socket) is the cancellation.
      failure = signal.aborted ? cancelled() : e;
    } finally {
      await this.checkpointer?.settle();
      const closeError = await chain.close();
      failure ??= closeError;
      await late?.close().catch((e: unknown) => { failure ??= e; });
      gate?.close();
      // Give in-flight port messages a turn of the event loop before closing the ports.
      await new Promise((r) => setImmediate(r));
      writer.close();
    }
    if (failure) throw failure;
  }

  private async consumeInputs(gate: InputGate, chain: OperatorChain, writer: RecordWriter): Promise<void> {
    const tracker = new WatermarkTracker(gate.channelCount);
    let open = gate.channelCount;
    const input = this.checkpointer?.align(gate) ?? gate;
    let pending: ReturnType<InputGate['next']> | null = null;
    while (open > 0) {
      await this.timers.runDue();
      pending ??= input.next();
      const received = await this.nextOrTimer(pending);
      if (received === TIMER_DUE) continue;
      pending = null;
      if (received === null) throw cancelled();
      const m = received.message;
      switch (m.kind) {
        case 'batch':
          if (chain.isEmpty) await writer.emit(m.batch);
          else await chain.processBatch(m.batch, received.input);
          gate.release(received.channel);
          break;
        case 'watermark':
          await this.maybeAdvance(chain, writer, tracker.update(received.channel, m.timestamp));
          this.forwardIdleness(tracker, writer);
          break;
        case 'idle':
          await this.maybeAdvance(chain, writer, tracker.setIdle(received.channel, m.idle));
          this.forwardIdleness(tracker, writer);
          break;
        case 'end':
          open--;
          await this.maybeAdvance(chain, writer, tracker.end(received.channel));
          this.forwardIdleness(tracker, writer);
          break;
        case 'barrier':
          // Aligned across the channels by the checkpointer's input; snapshotted, then forwarded.
          if (this.checkpointer) await this.checkpointer.onBarrier(m);
          else writer.broadcast(m);
          break;
      }
    }
  }

  /**
   * Restores the operators' state when the job starts from a checkpoint, and readies checkpoints (the late-data
   * output, if any, then commits with them).
   */
  private async startCheckpointing(chain: OperatorChain, writer: RecordWriter, late: LateRecordsOutput | null): Promise<void> {
    const { restore, vertex, subtaskIndex } = this.spec;
    if (restore) await restoreOperators(chain, restore, keyGroupRangeFor(subtaskIndex, this.config.get(CoreOptions.MAX_PARALLELISM), vertex.parallelism));
    if (!this.checkpointer) return;
    if (late) late.twoPhase = true;
    this.checkpointer.attach(chain, writer, this.timers, late ? [{
      id: LATE_RECORDS_ID,
      preCommit: (id) => late.preCommit(id),
      notifyCheckpointComplete: (id) => late.notifyCheckpointComplete(id),
    }] : []);
  }

  /** The next input message, or TIMER_DUE when a processing-time callback falls due first. */
  private nextOrTimer<T>(pending: Promise<T>): Promise<T | typeof TIMER_DUE> {
    const due = this.timers.nextDue();
    if (due === null) return pending;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    const timer = new Promise<typeof TIMER_DUE>((resolve) => { timeout = setTimeout(() => resolve(TIMER_DUE), Math.max(0, due - Date.now())); });
    return Promise.race([pending, timer]).finally(() => clearTimeout(timeout));
  }

  /** Marks this task's output idle while all its open inputs are idle, and active again when one is not. */
  private forwardIdleness(tracker: WatermarkTracker, writer: RecordWriter): void {
    const idle = tracker.allIdle;
    if (idle === this.outputIdle) return;
    this.outputIdle = idle;
    writer.markIdle(idle);
  }

  private async maybeAdvance(chain: OperatorChain, writer: RecordWriter, watermark: number | null): Promise<void> {
    if (watermark !== null) await this.advanceWatermark(chain, writer, watermark);
  }

  private async advanceWatermark(chain: OperatorChain, writer: RecordWriter, watermark: number): Promise<void> {
    // The chain forwards the watermark to the writer itself (a watermark generator in it may hold it back).
    if (chain.isEmpty) writer.emitWatermark(watermark);
    else await chain.processWatermark(watermark);
  }
}

const TIMER_DUE = Symbol('timer-due');

function cancelled(): ExecutionError {
  return new ExecutionError('Job cancelled', {}, ErrorCodes.JOB_CANCELLED);
}
