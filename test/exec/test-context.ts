/** The parts of an OperatorContext that operator unit tests rarely care about, with recorders to assert on. */
import type { ChangeBatch } from '../../src/batch/change-batch.ts';
import type { OperatorContext } from '../../src/exec/operator.ts';
import type { Cancel, ProcessingTimeService } from '../../src/time/processing-time.ts';
import { InternalTimerService } from '../../src/time/timer-service.ts';

/** Processing time that only moves when the test says so; due callbacks run in time order on `advanceTo`. */
export class ManualProcessingTime implements ProcessingTimeService {
  private pending: { time: number; seq: number; callback: (now: number) => Promise<void> | void }[] = [];
  private seq = 0;

  constructor(private current = 0) {}

  now(): number { return this.current; }

  schedule(time: number, callback: (now: number) => Promise<void> | void): Cancel {
    const entry = { time, seq: this.seq++, callback };
    this.pending.push(entry);
    return () => { this.pending = this.pending.filter((e) => e !== entry); };
  }

  /** Moves the clock to `time`, running every callback due by then (including ones they schedule). */
  async advanceTo(time: number): Promise<void> {
    for (;;) {
      this.pending.sort((a, b) => a.time - b.time || a.seq - b.seq);
      const next = this.pending[0];
      if (!next || next.time > time) break;
      this.pending.shift();
      this.current = Math.max(this.current, next.time);
      await next.callback(this.current);
    }
    this.current = Math.max(this.current, time);
  }
}

/** What the time-related context members recorded. */
export interface TimeRecorder {
  readonly watermarks: number[];
  readonly idle: boolean[];
  readonly late: { batch: ChangeBatch; rows: number[] }[];
  readonly clock: ManualProcessingTime;
}

/**
 * The time-related members of an OperatorContext: a lazily created timer service, a manual clock, and recorders for
 * emitted watermarks, idleness and late rows. Spread into a test's context: `{ ...base, ...timeContext().members }`.
 */
export function timeContext(maxParallelism = 128, clock = new ManualProcessingTime()): { members: Pick<OperatorContext, 'timerService' | 'processingTime' | 'emitWatermark' | 'markIdle' | 'reportLateRows'>; recorder: TimeRecorder } {
  const recorder: TimeRecorder = { watermarks: [], idle: [], late: [], clock };
  let timers: InternalTimerService | undefined;
  return {
    recorder,
    members: {
      timerService: () => (timers ??= new InternalTimerService(maxParallelism)),
      processingTime: clock,
      emitWatermark: async (t) => { recorder.watermarks.push(t); },
      markIdle: (idle) => { recorder.idle.push(idle); },
      reportLateRows: async (batch, rows) => { recorder.late.push({ batch, rows: Array.from(rows) }); },
    },
  };
}
