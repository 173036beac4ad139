import type { Cancel, ProcessingTimeService } from '../../../time/processing-time.ts';
import type { InternalTimerService } from '../../../time/timer-service.ts';

/**
 * Keeps one mailbox callback scheduled for the earliest pending processing-time timer of a timer service, so that
 * processing-time windows fire on the wall clock. The callback runs `onDue(now)` (which pops and fires the due
 * timers), then re-arms for the next pending timer.
 */
export class ProcessingTimeWakeUp {
  private scheduledAt: number | null = null;
  private cancel: Cancel | null = null;

  constructor(
    private readonly clock: ProcessingTimeService,
    private readonly timers: InternalTimerService,
    private readonly onDue: (now: number) => Promise<void>,
  ) {}

  /** Schedules a callback for the earliest pending timer unless one is already scheduled at or before it. */
  arm(): void {
    const next = this.timers.nextProcessingTime();
    if (next === null || (this.scheduledAt !== null && this.scheduledAt <= next)) return;
    this.cancel?.();
    this.scheduledAt = next;
    this.cancel = this.clock.schedule(next, async (now) => {
      this.scheduledAt = null;
      this.cancel = null;
      await this.onDue(now);
      this.arm();
    });
  }

  dispose(): void {
    this.cancel?.();
    this.cancel = null;
    this.scheduledAt = null;
  }
}
