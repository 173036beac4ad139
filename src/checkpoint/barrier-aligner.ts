import type { ReceivedMessage } from '../exec/channel/input-gate.ts';
import type { StreamMessage } from '../exec/stream-message.ts';

export type Barrier = Extract<StreamMessage, { kind: 'barrier' }>;

/** Where the aligner reads from: the task's input gate (or a scripted source in tests). */
export interface MessageSource {
  readonly channelCount: number;
  /** The next message of any channel in arrival order, or null once the task is cancelled. */
  next(): Promise<ReceivedMessage | null>;
}

export interface AlignerListener {
  /** Alignment of `checkpointId` was given up: a newer barrier overtook it, or the coordinator aborted it. */
  aborted?(checkpointId: number, reason: string): void;
}

interface Alignment {
  readonly barrier: Barrier;
  readonly startedAt: number;
}

/**
 * Exactly-once barrier alignment, the one mechanism every task with inputs uses (Flink's
 * CheckpointBarrierHandler in aligned mode). Sits between the input gate and the task loop:
 *
 * - A channel that delivers barrier N is blocked: its later messages are held back, in order, so nothing after
 *   the barrier reaches the operators before the snapshot. Held batches keep their credits, so a blocked channel's
 *   sender stops after `buffers-per-channel` batches (memory stays bounded).
 * - When every channel that has not ended has delivered barrier N, `next()` returns the barrier once (the task
 *   snapshots and forwards it), then the held messages, then new input.
 * - A channel that ends while others are blocked no longer counts: alignment can complete without it.
 * - A barrier newer than the one being aligned aborts the older alignment (it can never complete: some sender
 *   skipped it) and starts the new one; barriers older than the newest seen are dropped.
 *
 * With a single channel a barrier is returned at once. Alignment time (first barrier to last) is in
 * {@link lastAlignmentMs}.
 */
export class BarrierAligner {
  private readonly blocked: boolean[];
  private readonly ended: boolean[];
  private held: ReceivedMessage[] = [];
  private ready: ReceivedMessage[] = [];
  private readyHead = 0;
  /** A barrier whose alignment completed on an end-of-input: handed out right after that end. */
  private alignedAfterEnd: ReceivedMessage | null = null;
  private current: Alignment | null = null;
  private newestSeen = 0;
  /** Milliseconds between the first and the last barrier of the last completed alignment. */
  lastAlignmentMs = 0;

  constructor(private readonly source: MessageSource, private readonly listener: AlignerListener = {}, private readonly clock: () => number = () => performance.now()) {
    this.blocked = new Array<boolean>(source.channelCount).fill(false);
    this.ended = new Array<boolean>(source.channelCount).fill(false);
  }

  get channelCount(): number { return this.source.channelCount; }

  /** The checkpoint being aligned, if any. */
  get aligning(): number | null { return this.current?.barrier.checkpointId ?? null; }

  /** The next message for the task: an aligned barrier, a released message, or new input; null once cancelled. */
  async next(): Promise<ReceivedMessage | null> {
    for (;;) {
      if (this.alignedAfterEnd) {
        const barrier = this.alignedAfterEnd;
        this.alignedAfterEnd = null;
        return barrier;
      }
      if (this.readyHead < this.ready.length) {
        const m = this.ready[this.readyHead++];
        if (this.readyHead === this.ready.length) { this.ready = []; this.readyHead = 0; }
        // Released messages go through the same rules: a held barrier of the next checkpoint blocks again.
        const out = this.accept(m);
        if (out) return out;
        continue;
      }
      const m = await this.source.next();
      if (m === null) return null;
      const out = this.accept(m);
      if (out) return out;
    }
  }

  /** Gives up the alignment of `checkpointId` (the coordinator aborted it): blocked channels are released. */
  abort(checkpointId: number): void {
    if (this.current?.barrier.checkpointId !== checkpointId) return;
    this.release();
  }

  private accept(m: ReceivedMessage): ReceivedMessage | null {
    if (this.blocked[m.channel]) {
      this.held.push(m);
      return null;
    }
    const msg = m.message;
    if (msg.kind === 'barrier') return this.onBarrier(m, msg);
    if (msg.kind === 'end') {
      this.ended[m.channel] = true;
      // Alignment may now be complete: the end goes to the task first, the barrier right after it.
      if (this.current && this.allAligned()) this.alignedAfterEnd = this.complete(m);
    }
    return m;
  }

  private onBarrier(m: ReceivedMessage, barrier: Barrier): ReceivedMessage | null {
    const id = barrier.checkpointId;
    if (this.current && id > this.current.barrier.checkpointId) {
      const old = this.current.barrier.checkpointId;
      this.release();
      this.listener.aborted?.(old, `barrier ${id} arrived before barrier ${old} was aligned`);
    }
    if (this.current === null) {
      if (id <= this.newestSeen) return null;
      this.newestSeen = id;
      this.current = { barrier, startedAt: this.clock() };
    } else if (id < this.current.barrier.checkpointId) {
      return null;
    }
    this.blocked[m.channel] = true;
    return this.allAligned() ? this.complete(m) : null;
  }

  private allAligned(): boolean {
    for (let c = 0; c < this.blocked.length; c++) if (!this.blocked[c] && !this.ended[c]) return false;
    return true;
  }

  /** Ends the current alignment: returns its barrier (as received on the last channel) and releases held input. */
  private complete(last: ReceivedMessage): ReceivedMessage {
    const { barrier, startedAt } = this.current!;
    this.lastAlignmentMs = this.clock() - startedAt;
    this.release();
    return { channel: last.channel, input: last.input, message: barrier };
  }

  /** Unblocks every channel; held messages are handed out, in arrival order, before any new input. */
  private release(): void {
    this.current = null;
    this.blocked.fill(false);
    if (this.held.length) {
      this.ready = [...this.ready.slice(this.readyHead), ...this.held];
      this.readyHead = 0;
      this.held = [];
    }
  }
}
