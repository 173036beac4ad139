import type { Cancel, ProcessingTimeService } from './processing-time.ts';

interface Scheduled {
  readonly time: number;
  readonly seq: number;
  readonly callback: (now: number) => Promise<void> | void;
  cancelled: boolean;
}

/**
 * The processing-time service of one task. Callbacks are queued, not run by a JS timer: the task runs the due ones
 * in its mailbox loop (`runDue`) between messages, so they never interleave with an operator's other hooks, and it
 * waits no longer than `nextDue()` for input.
 */
export class MailboxTimers implements ProcessingTimeService {
  private queue: Scheduled[] = [];
  private seq = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  now(): number { return this.clock(); }

  schedule(time: number, callback: (now: number) => Promise<void> | void): Cancel {
    const entry: Scheduled = { time, seq: this.seq++, callback, cancelled: false };
    // Few timers are pending at once (one per operator, typically): a sorted insert is cheaper than a heap here.
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1].time > time)) i--;
    this.queue.splice(i, 0, entry);
    return () => { entry.cancelled = true; };
  }

  /** Time of the earliest pending callback, or null. */
  nextDue(): number | null {
    while (this.queue.length && this.queue[0].cancelled) this.queue.shift();
    return this.queue.length ? this.queue[0].time : null;
  }

  /** Runs, in time order, every callback due by now (including ones that become due while running). */
  async runDue(): Promise<void> {
    for (;;) {
      const due = this.nextDue();
      if (due === null) return;
      const now = this.clock();
      if (due > now) return;
      const entry = this.queue.shift()!;
      await entry.callback(now);
    }
  }
}
