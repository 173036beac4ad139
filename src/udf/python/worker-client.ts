import * as zmq from 'zeromq';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { ExecutionError, type UdfError, type WorkerCrashError } from '../../errors/errors.ts';
import { decodeHeader, encodeHeader } from './codec.ts';
import { closeMessage, errorFromReply, helloMessage, loadMessage, PROTOCOL_VERSION, type LoadedFunction, type LoadFunctionSpec } from './protocol.ts';
import type { WorkerProcess } from './worker-process.ts';

/** A reply as received: the decoded header and the raw Arrow body (a view on the zeromq frame, not a copy). */
export interface Reply {
  readonly header: Record<string, unknown>;
  readonly body: Uint8Array | undefined;
  readonly bytes: number;
  /** Bytes of the request this reply answers (header + body), 0 for replies without a request. */
  readonly sentBytes: number;
}

interface Pending {
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

export interface WorkerClientOptions {
  /** Shown to the worker in `hello` (logs only). */
  readonly clientName: string;
  /** A worker that sends nothing for this long while requests are pending is declared dead (UDF_WORKER_TIMEOUT). */
  readonly livenessTimeoutMs: number;
}

const EMPTY_FRAME = new Uint8Array(0);

/** Default liveness timeout: generous, because a legitimately slow UDF (model inference) must not be killed. */
export const DEFAULT_LIVENESS_TIMEOUT_MS = 60_000;

/**
 * One DEALER connection to one worker, owned by one operator instance. Requests are pipelined and matched to
 * replies by `seq`; a single receive loop reads the socket. Every pending request is rejected the moment the
 * worker process exits (WorkerCrashError) or stops answering, so callers never hang.
 */
export class WorkerClient {
  private readonly socket = new zmq.Dealer({ linger: 0, receiveHighWaterMark: 0, sendHighWaterMark: 0 });
  private readonly pending = new Map<number, Pending>();
  private hello: Pending | null = null;
  private seq = 0;
  private failure: Error | null = null;
  private sending: Promise<unknown> = Promise.resolve();
  private liveness: NodeJS.Timeout | null = null;
  private readonly unsubscribeExit: () => void;
  private closed = false;

  private constructor(readonly worker: WorkerProcess, private readonly options: WorkerClientOptions) {
    this.socket.connect(worker.endpoint);
    this.unsubscribeExit = worker.onExit(() => this.fail(worker.crashError('crashed')));
    void this.receiveLoop();
  }

  /** Connects and authenticates (`hello` → `hello_ok`). */
  static async connect(worker: WorkerProcess, options: WorkerClientOptions): Promise<WorkerClient> {
    const client = new WorkerClient(worker, options);
    try {
      const reply = await client.roundTrip(null, helloMessage(worker.token, options.clientName));
      if (reply.header.type !== 'hello_ok') throw errorFromReply(reply.header, '');
      if (reply.header.protocol !== PROTOCOL_VERSION) {
        throw new ExecutionError(`Python worker speaks protocol ${String(reply.header.protocol)}, this host ${PROTOCOL_VERSION}`, {
          hint: 'The weir Python package and the TypeScript runtime come from different versions; reinstall with `npm run setup`.',
        }, ErrorCodes.UDF_PROTOCOL);
      }
    } catch (error) {
      await client.close(false);
      throw error;
    }
    return client;
  }

  /** Requests in flight on this connection. */
  get inFlight(): number { return this.pending.size; }

  /** Set once the connection failed for good (crash, timeout, protocol error). */
  get error(): Error | null { return this.failure; }

  /** Loads functions; rejects with the worker's UdfError (module/function not found, open failed, ...). */
  async load(functions: LoadFunctionSpec[]): Promise<LoadedFunction[]> {
    const seq = this.nextSeq();
    const reply = await this.roundTrip(seq, loadMessage(seq, functions));
    if (reply.header.type !== 'loaded') throw errorFromReply(reply.header, functions.map((f) => f.name).join(', '));
    return reply.header.functions as LoadedFunction[];
  }

  /**
   * Sends one request with a fresh `seq` (the builder receives it) and resolves with the matching reply. `body2` is
   * frame 2 (aggregate accumulators, docs/protocol.md "Frame 2"); without a `body` an empty frame 1 precedes it.
   */
  request(build: (seq: number) => object, body?: Uint8Array, body2?: Uint8Array): Promise<Reply> {
    const seq = this.nextSeq();
    return this.roundTrip(seq, build(seq), body, body2);
  }

  /** Sends `close` (best effort, short wait), then closes the socket. Idempotent. */
  async close(graceful = true): Promise<void> {
    if (this.closed) return;
    if (graceful && !this.failure) {
      const seq = this.nextSeq();
      const bye = this.roundTrip(seq, closeMessage(seq)).catch(() => undefined);
      let t: NodeJS.Timeout | undefined;
      await Promise.race([bye, new Promise((r) => { t = setTimeout(r, 1000); })]);
      clearTimeout(t);
    }
    this.closed = true;
    this.unsubscribeExit();
    this.fail(new ExecutionError('Python worker connection closed', {}, ErrorCodes.EXECUTION_FAILED));
    this.socket.close();
  }

  private nextSeq(): number { return ++this.seq; }

  private roundTrip(seq: number | null, header: object, body?: Uint8Array, body2?: Uint8Array): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const promise = new Promise<Reply>((resolve, reject) => {
      if (seq === null) this.hello = { resolve, reject };
      else this.pending.set(seq, { resolve, reject });
    });
    this.armLiveness();
    const frames = body2 ? [encodeHeader(header), body ?? EMPTY_FRAME, body2]
      : body ? [encodeHeader(header), body] : [encodeHeader(header)];
    const sentBytes = frames.reduce((n, f) => n + f.byteLength, 0);
    // zeromq allows one send at a time per socket; chain them (order of sends = order of calls).
    this.sending = this.sending.then(() => (this.failure ? undefined : this.socket.send(frames))).catch((err) => {
      if (!this.closed) this.fail(new ExecutionError(`Sending to Python worker ${this.worker.workerId} failed: ${(err as Error).message}`, { cause: err }, ErrorCodes.UDF_PROTOCOL));
    });
    return promise.then((r) => ({ ...r, sentBytes }));
  }

  private async receiveLoop(): Promise<void> {
    try {
      for await (const frames of this.socket) {
        const bytes = frames.reduce((n, f) => n + f.length, 0);
        this.liveness?.refresh();
        const header = decodeHeader(frames[0]);
        this.dispatch({ header, body: frames[1], bytes, sentBytes: 0 });
      }
    } catch (err) {
      if (!this.closed) this.fail(err as Error);
    }
  }

  private dispatch(reply: Reply): void {
    const { header } = reply;
    if (typeof header.seq !== 'number') {
      // hello replies and auth/protocol errors carry no seq.
      if (this.hello) { const h = this.hello; this.hello = null; h.resolve(reply); this.disarmIfIdle(); return; }
      this.fail(errorFromReply(header, ''));
      return;
    }
    const p = this.pending.get(header.seq);
    if (!p) return; // a late reply to a request already failed; nothing waits for it
    this.pending.delete(header.seq);
    this.disarmIfIdle();
    p.resolve(reply);
  }

  private armLiveness(): void {
    if (this.liveness) { this.liveness.refresh(); return; }
    this.liveness = setTimeout(() => {
      this.fail(this.worker.crashError(`sent nothing for ${this.options.livenessTimeoutMs} ms while requests were pending`, ErrorCodes.UDF_WORKER_TIMEOUT));
    }, this.options.livenessTimeoutMs);
  }

  private disarmIfIdle(): void {
    if (this.liveness && this.pending.size === 0 && !this.hello) { clearTimeout(this.liveness); this.liveness = null; }
  }

  /** Rejects everything pending with `error` and refuses new requests. */
  private fail(error: Error | UdfError | WorkerCrashError): void {
    if (!this.failure) this.failure = error;
    if (this.liveness) { clearTimeout(this.liveness); this.liveness = null; }
    const waiting = [...this.pending.values()];
    this.pending.clear();
    if (this.hello) { waiting.push(this.hello); this.hello = null; }
    for (const p of waiting) p.reject(error);
  }
}
