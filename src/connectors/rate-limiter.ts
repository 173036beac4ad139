import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A token bucket: `rate` tokens (rows) per second, holding at most `capacity`, so a source that was idle does not
 * burst. Waiting honours an AbortSignal.
 */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(readonly rate: number, readonly capacity: number) {
    this.tokens = capacity;
  }

  /** Waits until `n` tokens are available (n ≤ capacity) and takes them. */
  async acquire(n: number, signal?: AbortSignal): Promise<void> {
    this.refill();
    while (this.tokens < n) {
      const waitMs = ((n - this.tokens) / this.rate) * 1000;
      await sleep(Math.max(1, Math.ceil(waitMs)), undefined, { signal });
      this.refill();
    }
    this.tokens -= n;
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}
