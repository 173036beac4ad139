import type { MessagePort } from 'node:worker_threads';
import { decodeBatch } from './batch-codec.ts';
import type { ChannelMessage, CreditMessage } from './channel-message.ts';
import type { StreamMessage } from '../stream-message.ts';

export interface GateInput {
  readonly port: MessagePort;
  /** Which input of the head operator this channel feeds (0 for single-input operators). */
  readonly input: number;
}

export interface ReceivedMessage {
  readonly channel: number;
  readonly input: number;
  readonly message: StreamMessage;
}

/**
 * The receiving side of a task: merges every incoming channel into one queue in arrival order. Its size is bounded
 * by the credits it grants (channels × capacity), and `release` returns a credit after a batch is processed.
 */
export class InputGate {
  /** Messages as they arrived; decoded in `next()`, so a batch that fails to decode fails the task, not the port. */
  private readonly queue: { channel: number; input: number; raw: ChannelMessage }[] = [];
  private waiter: (() => void) | null = null;
  private head = 0;

  constructor(private readonly inputs: readonly GateInput[], private readonly signal: AbortSignal) {
    inputs.forEach((input, channel) => {
      input.port.on('message', (m: ChannelMessage) => this.push(channel, input.input, m));
    });
    signal.addEventListener('abort', () => this.wake(), { once: true });
  }

  get channelCount(): number { return this.inputs.length; }
  inputOf(channel: number): number { return this.inputs[channel].input; }

  /** The next message, or null once the job is cancelled. Throws when a batch cannot be decoded. */
  async next(): Promise<ReceivedMessage | null> {
    while (this.head >= this.queue.length) {
      if (this.signal.aborted) return null;
      await new Promise<void>((resolve) => { this.waiter = resolve; });
    }
    const { channel, input, raw } = this.queue[this.head++];
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return { channel, input, message: toStreamMessage(raw) };
  }

  /** Grants the sender of `channel` one more credit. */
  release(channel: number): void {
    const credit: CreditMessage = { t: 'credit', n: 1 };
    this.inputs[channel].port.postMessage(credit);
  }

  close(): void {
    for (const i of this.inputs) i.port.close();
    this.wake();
  }

  private push(channel: number, input: number, m: ChannelMessage): void {
    this.queue.push({ channel, input, raw: m });
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}

function toStreamMessage(m: ChannelMessage): StreamMessage {
  switch (m.t) {
    case 'batch': return { kind: 'batch', batch: decodeBatch(m.batch) };
    case 'watermark': return { kind: 'watermark', timestamp: m.ts };
    case 'barrier': return { kind: 'barrier', checkpointId: m.id, timestamp: m.ts, savepoint: m.savepoint };
    case 'idle': return { kind: 'idle', idle: m.idle };
    case 'end': return { kind: 'end' };
  }
}
