import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectorContext, SourceElement, SourceReader } from '../connector.ts';
import { restoredSubtaskPosition } from '../restored-position.ts';
import type { Script, ScriptStep } from './script.ts';

/**
 * Plays one subtask's script: returns its batches and events in order, sleeps where told, and holds (never ends
 * until cancelled) at a `hold` step. A subtask without a script ends at once, or, when the table is unbounded,
 * reports itself idle and holds, so it never holds back the watermark downstream. Its checkpoint position is the
 * index of the next step, so a restored job replays the script from there.
 */
export class ScriptedReader implements SourceReader {
  private readonly steps: readonly ScriptStep[];
  private next_ = 0;
  private split = '';

  constructor(script: Script, private readonly ctx: ConnectorContext) {
    const own = script.subtasks[ctx.subtaskIndex];
    this.steps = own ?? (script.bounded ? [] : [{ kind: 'idle', idle: true }, { kind: 'hold' }]);
    this.next_ = restoredStep(ctx);
    for (let i = this.next_ - 1; i >= 0; i--) {
      const step = this.steps[i];
      if (step?.kind === 'rows') { this.split = step.split; break; }
    }
  }

  async next(): Promise<SourceElement | null> {
    for (;;) {
      this.ctx.signal.throwIfAborted();
      const step = this.steps[this.next_++];
      if (step === undefined) return null;
      switch (step.kind) {
        case 'rows':
          this.split = step.split;
          return step.batch;
        case 'sleep':
          await sleep(step.ms, undefined, { signal: this.ctx.signal });
          break;
        case 'hold':
          this.next_--;
          await sleep(2 ** 31 - 1, undefined, { signal: this.ctx.signal });
          break;
        default:
          return step;
      }
    }
  }

  currentSplit(): string { return this.split; }

  snapshotPosition(): { step: number } { return { step: this.next_ }; }

  async close(): Promise<void> {}
}

/** The step a restored subtask continues from (0 when not restored); scripts are per subtask, so the parallelism must match. */
function restoredStep(ctx: ConnectorContext): number {
  const p = restoredSubtaskPosition(ctx, 'scripted', 'Restore the job with the parallelism it had.', (q): q is { step: number } => {
    const step = (q as { step?: unknown } | undefined)?.step;
    return typeof step === 'number' && Number.isInteger(step) && step >= 0;
  });
  return p?.step ?? 0;
}
