import type { MessagePort } from 'node:worker_threads';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { ExecutionError } from '../../errors/errors.ts';
import type { StreamMessage } from '../stream-message.ts';
import { encodeBatch } from './batch-codec.ts';
import type { ChannelMessage, CreditMessage } from './channel-message.ts';

/**
 * The sending end of one channel. Credit-based flow control, as in Flink's network stack: the receiver grants
 * `capacity` credits up front and one more each time it has processed a batch, and the sender waits when it has
 * none. So a slow consumer stops its producers instead of letting queues grow, and memory stays flat.
 */
export class OutputChannel {
  private credits: number;
  private waiter: (() => void) | null = null;
  private closed = false;

  constructor(private readonly port: MessagePort, capacity: number, private readonly signal: AbortSignal) {
    this.credits = capacity;
    port.on('message', (m: CreditMessage) => {
      if (m.t !== 'credit') return;
      this.credits += m.n;
      this.wake();
    });
    signal.addEventListener('abort', () => this.wake(), { once: true });
  }

  async sendBatch(batch: ChangeBatch): Promise<void> {
    while (this.credits <= 0) {
      if (this.signal.aborted) throw new ExecutionError('Job cancelled', {}, ErrorCodes.JOB_CANCELLED);
      await new Promise<void>((resolve) => { this.waiter = resolve; });
    }
    this.credits--;
    const { encoded, transfer } = encodeBatch(batch);
    this.post({ t: 'batch', batch: encoded }, transfer);
  }

  /** Control messages need no credit: they are tiny, and a watermark must never wait behind a full buffer. */
  sendControl(message: Exclude<StreamMessage, { kind: 'batch' }>): void {
    switch (message.kind) {
      case 'watermark': this.post({ t: 'watermark', ts: message.timestamp }); break;
      case 'barrier': this.post({ t: 'barrier', id: message.checkpointId, ts: message.timestamp, savepoint: message.savepoint }); break;
      case 'idle': this.post({ t: 'idle', idle: message.idle }); break;
      case 'end': this.post({ t: 'end' }); break;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
  }

  private post(message: ChannelMessage, transfer: ArrayBuffer[] = []): void {
    if (!this.closed) this.port.postMessage(message, transfer);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
