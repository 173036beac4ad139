import { setTimeout as sleep } from 'node:timers/promises';
import { CheckpointError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import type { ConnectorContext, SourceElement, SourceReader } from '../connector.ts';
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
  const positions = ctx.restoredPositions;
  if (!positions) return 0;
  if (positions.length !== ctx.parallelism) {
    throw new CheckpointError(`The scripted source ran with parallelism ${positions.length} in the checkpoint and cannot resume at parallelism ${ctx.parallelism}`, {
      hint: 'Restore the job with the parallelism it had.',
    }, ErrorCodes.RESTORE_FAILED);
  }
  const p = positions[ctx.subtaskIndex] as { step?: unknown } | undefined;
  if (typeof p?.step !== 'number' || !Number.isInteger(p.step) || p.step < 0) {
    throw new CheckpointError(`Scripted subtask ${ctx.subtaskIndex}: the checkpoint holds no valid position (${JSON.stringify(p)})`, {}, ErrorCodes.RESTORE_FAILED);
  }
  return p.step;
}
