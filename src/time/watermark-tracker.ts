/**
 * Combines the watermarks of a task's input channels: the combined watermark is the minimum over channels that are
 * neither idle nor ended, and it only moves forward. Written once and used by every task, so operators never track
 * channel watermarks themselves.
 */
export class WatermarkTracker {
  private readonly watermarks: Float64Array;
  private readonly idle: Uint8Array;
  private readonly ended: Uint8Array;
  private combined = -Infinity;

  constructor(channels: number) {
    this.watermarks = new Float64Array(channels).fill(-Infinity);
    this.idle = new Uint8Array(channels);
    this.ended = new Uint8Array(channels);
  }

  get current(): number { return this.combined; }

  /**
   * Whether every channel that has not ended is idle (and at least one has not): the task's own output is then idle
   * too, so idleness travels through a pipeline of tasks as in Flink.
   */
  get allIdle(): boolean {
    let open = 0;
    for (let i = 0; i < this.idle.length; i++) {
      if (this.ended[i]) continue;
      if (!this.idle[i]) return false;
      open++;
    }
    return open > 0;
  }

  /** Records a channel's watermark; returns the new combined watermark if it advanced, else null. */
  update(channel: number, timestamp: number): number | null {
    if (timestamp > this.watermarks[channel]) this.watermarks[channel] = timestamp;
    this.idle[channel] = 0;
    return this.recompute();
  }

  setIdle(channel: number, idle: boolean): number | null {
    this.idle[channel] = idle ? 1 : 0;
    return this.recompute();
  }

  /** An ended channel no longer holds the watermark back. */
  end(channel: number): number | null {
    this.ended[channel] = 1;
    return this.recompute();
  }

  private recompute(): number | null {
    let min = Infinity;
    let active = 0;
    for (let i = 0; i < this.watermarks.length; i++) {
      if (this.ended[i] || this.idle[i]) continue;
      active++;
      if (this.watermarks[i] < min) min = this.watermarks[i];
    }
    if (active === 0 || min === Infinity || min <= this.combined) return null;
    this.combined = min;
    return min;
  }
}
