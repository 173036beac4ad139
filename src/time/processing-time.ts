/** Cancels a scheduled processing-time callback; a no-op once it ran. */
export type Cancel = () => void;

/**
 * Wall-clock time for operators, with callbacks that the task runs in its mailbox: between batches and watermarks,
 * never concurrently with another hook of the same task (Flink's ProcessingTimeService). An operator uses it for
 * processing-time windows and timers, periodic watermarks and idleness, and bundle time-outs.
 */
export interface ProcessingTimeService {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `callback` at (or soon after) `time` in the task's mailbox. Errors fail the task like a hook's. */
  schedule(time: number, callback: (now: number) => Promise<void> | void): Cancel;
}
