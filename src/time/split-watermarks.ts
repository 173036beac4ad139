/** The split name used by readers that do not name their splits (one split per subtask). */
export const DEFAULT_SPLIT = '';

interface SplitState {
  /** Largest watermark-expression value seen in the split's rows (-Infinity before the first non-NULL one). */
  max: number;
  /** Processing time of the split's last rows, for idleness. */
  lastActive: number;
  idle: boolean;
}

/**
 * Per-split watermark generation of one source subtask (Flink's WatermarkOutputMultiplexer): each split keeps the
 * largest watermark value of its rows; the subtask's watermark is the minimum over the splits that are neither
 * finished nor idle, so a split that lags behind holds the watermark back, and one without rows for the idle
 * timeout does not. A split becomes active when its first rows arrive and leaves when it finishes.
 */
export class SplitWatermarks {
  private readonly splits = new Map<string, SplitState>();

  /** Records rows of `split` whose largest watermark value is `max` (-Infinity when all were NULL). */
  observe(split: string, max: number, now: number): void {
    let s = this.splits.get(split);
    if (!s) this.splits.set(split, (s = { max: -Infinity, lastActive: now, idle: false }));
    if (max > s.max) s.max = max;
    s.lastActive = now;
    s.idle = false;
  }

  /** The split ended: it no longer holds the watermark back. */
  finish(split: string): void { this.splits.delete(split); }

  /** Marks splits without rows for `timeout` ms idle (timeout 0: never). */
  updateIdleness(now: number, timeout: number): void {
    if (timeout <= 0) return;
    for (const s of this.splits.values()) if (!s.idle && now - s.lastActive >= timeout) s.idle = true;
  }

  /** Whether there are open splits and all of them are idle: the subtask's output is idle. */
  get allIdle(): boolean {
    if (this.splits.size === 0) return false;
    for (const s of this.splits.values()) if (!s.idle) return false;
    return true;
  }

  get openSplits(): number { return this.splits.size; }

  /** Minimum over active splits of their watermark; -Infinity when a split has no value yet or none is active. */
  get current(): number {
    let min = Infinity;
    for (const s of this.splits.values()) if (!s.idle && s.max < min) min = s.max;
    return min === Infinity ? -Infinity : min;
  }
}
