import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { Configuration } from '../../config/configuration.ts';
import { ErrorCodes, WeirError } from '../../errors/weir-error.ts';
import { ExecutionError } from '../../errors/errors.ts';
import type { MetricGroup } from '../../metrics/metric-group.ts';
import type { PhysicalNode } from '../../plan/physical/physical-node.ts';
import type { Output, StreamOperator } from '../operator.ts';
import { createOperator } from '../operator-registry.ts';
import { createKeyedStateBackend } from '../../state/factory.ts';
import type { KeyedStateBackend } from '../../state/keyed-state.ts';
import { CoreOptions } from '../../config/options.ts';
import type { ProcessingTimeService } from '../../time/processing-time.ts';
import { InternalTimerService } from '../../time/timer-service.ts';
import type { SourceSignals } from '../../time/source-signals.ts';
import type { ChangeBatch as Batch } from '../../batch/change-batch.ts';
import { checkpointable, type CheckpointableOperator } from '../../checkpoint/checkpointable.ts';

/** Where the chain's last operator sends batches, watermarks and idleness: the task's record writer. */
export interface ChainTail extends Output {
  emitWatermark(timestamp: number): void;
  markIdle(idle: boolean): void;
}

/** Time services the task gives its chain. */
export interface ChainBase {
  parallelism: number;
  config: Configuration;
  signal: AbortSignal;
  baseDir: string;
  jobId?: string;
  processingTime: ProcessingTimeService;
  /** Late rows reported by an operator; the default (null) drops them after counting. */
  lateRows?: ((operator: PhysicalNode, batch: Batch, rows: ArrayLike<number>, watermark: number) => Promise<void>) | null;
  /** In a source task: what the source driver reports about splits and idleness (see OperatorContext). */
  sourceSignals?: SourceSignals;
}

interface ChainLink {
  readonly node: PhysicalNode;
  readonly operator: StreamOperator;
  readonly metrics: MetricGroup;
  state: KeyedStateBackend | null;
  timers: InternalTimerService | null;
  /** The last watermark that reached the operator (reported with its late rows). */
  watermark: number;
  /** The factories handed to the operator in open (checkpoint restore creates state through them). */
  keyedState?: () => KeyedStateBackend;
  timerService?: () => InternalTimerService;
}

/**
 * The operators of one task, called directly one after another (chaining). Counts rows and batches in and out of
 * every operator through one shared wrapper, and tags every error with the operator and subtask it came from.
 */
export class OperatorChain {
  private readonly links: ChainLink[];
  private readonly outputs: Output[] = [];

  constructor(nodes: readonly PhysicalNode[], private readonly operatorMetrics: (node: PhysicalNode) => MetricGroup, private readonly subtaskIndex: number) {
    this.links = nodes.map((node) => ({ node, operator: createOperator(node), metrics: operatorMetrics(node), state: null, timers: null, watermark: -Infinity }));
  }

  get isEmpty(): boolean { return this.links.length === 0; }

  private tail: ChainTail | null = null;

  async open(tail: ChainTail, base: ChainBase): Promise<void> {
    this.tail = tail;
    for (let i = this.links.length - 1; i >= 0; i--) {
      const next = i === this.links.length - 1 ? tail : this.inputOf(i + 1);
      this.outputs[i] = countingOutput(next, this.links[i].metrics);
    }
    for (let i = 0; i < this.links.length; i++) {
      const link = this.links[i];
      const { node, operator, metrics } = link;
      metrics.gauge('name').set(node.name);
      const keyedState = (): KeyedStateBackend => {
        if (!link.state) {
          link.state = createKeyedStateBackend({ config: base.config, operatorName: node.name, subtaskIndex: this.subtaskIndex, parallelism: base.parallelism });
          link.state.registerMetrics(metrics);
        }
        return link.state;
      };
      const lateDropped = metrics.counter('numLateRecordsDropped');
      const timerService = (): InternalTimerService => (link.timers ??= new InternalTimerService(base.config.get(CoreOptions.MAX_PARALLELISM)));
      link.keyedState = keyedState;
      link.timerService = timerService;
      await this.guard(i, () => operator.open({
        operatorName: node.name,
        operatorId: node.id,
        subtaskIndex: this.subtaskIndex,
        parallelism: base.parallelism,
        metrics,
        config: base.config,
        output: this.outputs[i],
        signal: base.signal,
        baseDir: base.baseDir,
        jobId: base.jobId,
        keyedState,
        timerService,
        processingTime: base.processingTime,
        emitWatermark: (timestamp) => this.processWatermarkFrom(i + 1, timestamp),
        markIdle: (idle) => tail.markIdle(idle),
        reportLateRows: async (batch, rows) => {
          if (base.lateRows) await base.lateRows(node, batch, rows, link.watermark);
          else lateDropped.inc(rows.length);
        },
        sourceSignals: base.sourceSignals,
      }));
    }
  }

  /** The entry point for batches arriving at operator i (the head is 0). */
  inputOf(i: number): Output {
    const link = this.links[i];
    const rowsIn = link.metrics.counter('numRecordsIn');
    const batchesIn = link.metrics.counter('numBatchesIn');
    return {
      emit: async (batch: ChangeBatch) => {
        rowsIn.inc(batch.numRows);
        batchesIn.inc();
        await this.guard(i, () => link.operator.processBatch(batch, 0));
      },
    };
  }

  async processBatch(batch: ChangeBatch, input: number): Promise<void> {
    const link = this.links[0];
    link.metrics.counter('numRecordsIn').inc(batch.numRows);
    link.metrics.counter('numBatchesIn').inc();
    await this.guard(0, () => link.operator.processBatch(batch, input));
  }

  /**
   * Runs each operator's watermark hook in chain order, then sends the watermark downstream; whatever an operator
   * emits flows down before the next hook. A watermark generator stops the walk: it emits its own watermarks.
   */
  async processWatermark(timestamp: number): Promise<void> {
    await this.processWatermarkFrom(0, timestamp);
  }

  private async processWatermarkFrom(first: number, timestamp: number): Promise<void> {
    for (let i = first; i < this.links.length; i++) {
      const op = this.links[i].operator;
      this.links[i].watermark = timestamp;
      if (op.processWatermark) await this.guard(i, () => op.processWatermark!(timestamp));
      if (op.generatesWatermarks) return;
      this.links[i].metrics.gauge('currentWatermark').set(timestamp);
    }
    this.tail!.emitWatermark(timestamp);
  }

  /** The timer services the operators created, by operator id (for snapshots). */
  timerServices(): Map<string, InternalTimerService> {
    const out = new Map<string, InternalTimerService>();
    for (const l of this.links) if (l.timers) out.set(l.node.id, l.timers);
    return out;
  }

  /** Each operator with its keyed state and timers, for checkpoints and restore (src/checkpoint/). */
  checkpointOperators(): CheckpointableOperator[] {
    return this.links.map((link, i) => checkpointable(link, (f) => this.guard(i, f), (e) => tagError(e, link.node.name, this.subtaskIndex)));
  }

  async prepareSnapshot(checkpointId: number): Promise<void> {
    for (let i = 0; i < this.links.length; i++) {
      const op = this.links[i].operator;
      if (op.prepareSnapshot) await this.guard(i, () => op.prepareSnapshot!(checkpointId));
    }
  }

  async endInput(): Promise<void> {
    for (let i = 0; i < this.links.length; i++) {
      const op = this.links[i].operator;
      if (op.endInput) await this.guard(i, () => op.endInput!());
    }
  }

  /** Closes every operator, even after a failure; the first close error is returned, not thrown. */
  async close(): Promise<unknown> {
    let first: unknown = null;
    for (const link of this.links) {
      try { await link.operator.close(); } catch (e) { first ??= e; }
      try { await link.state?.dispose(); } catch (e) { first ??= e; }
      link.state = null;
    }
    return first;
  }

  private async guard(i: number, f: () => Promise<void> | void): Promise<void> {
    try {
      await f();
    } catch (e) {
      throw tagError(e, this.links[i].node.name, this.subtaskIndex);
    }
  }
}

function countingOutput(next: Output, metrics: MetricGroup): Output {
  const rowsOut = metrics.counter('numRecordsOut');
  const batchesOut = metrics.counter('numBatchesOut');
  return {
    emit: async (batch: ChangeBatch) => {
      rowsOut.inc(batch.numRows);
      batchesOut.inc();
      await next.emit(batch);
    },
  };
}

/** Adds the operator and subtask to an error's location, once (the innermost operator wins). */
export function tagError(e: unknown, operator: string, subtask: number): WeirError {
  if (e instanceof WeirError) {
    if (!e.location.operator) {
      (e.location as { operator?: string; subtask?: number }).operator = operator;
      (e.location as { subtask?: number }).subtask = subtask;
      e.message = `${e.message}\n  at operator ${operator}[${subtask}]`;
    }
    return e;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return new ExecutionError(`${err.message}`, { cause: err, location: { operator, subtask } }, ErrorCodes.TASK_FAILED);
}
