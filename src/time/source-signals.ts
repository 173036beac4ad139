import { DEFAULT_SPLIT } from './split-watermarks.ts';

/**
 * What a source task's driver tells the operators chained after it (the watermark assigner) beyond the rows: which
 * split the batch being processed came from, which splits finished, and when the reader says it is idle. The chain
 * calls operators synchronously from the driver, so `currentSplit` is exact for the batch an operator sees.
 */
export class SourceSignals {
  /** The split of the batch being processed now. */
  currentSplit = DEFAULT_SPLIT;
  private readonly finished = new Set<(split: string) => void>();
  private readonly idle = new Set<(idle: boolean) => Promise<void> | void>();

  /** Subscribes to finished splits; returns the unsubscribe function. */
  onSplitFinished(listener: (split: string) => void): () => void {
    this.finished.add(listener);
    return () => this.finished.delete(listener);
  }

  /**
   * Subscribes to the reader's idle / active reports; a subscriber (a watermark generator) takes over deciding what
   * downstream sees. Returns the unsubscribe function.
   */
  onIdle(listener: (idle: boolean) => Promise<void> | void): () => void {
    this.idle.add(listener);
    return () => this.idle.delete(listener);
  }

  /** @internal The driver reports a finished split. */
  splitFinished(split: string): void {
    for (const l of this.finished) l(split);
  }

  /** @internal The driver reports idleness; false when nobody subscribed (the driver then marks the output itself). */
  async reportIdle(idle: boolean): Promise<boolean> {
    if (this.idle.size === 0) return false;
    for (const l of this.idle) await l(idle);
    return true;
  }
}
