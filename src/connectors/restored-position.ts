import { CheckpointError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import type { ConnectorContext } from './connector.ts';

/**
 * This subtask's position in a restored job, for sources that deal their rows per subtask (so a position means
 * something only at the parallelism it was taken at): null when the job is not restored. A different parallelism, or
 * a position `isValid` rejects, fails the restore (RESTORE_FAILED); `source` names the source in the message and
 * `hint` says what to do about a parallelism change.
 */
export function restoredSubtaskPosition<T>(ctx: ConnectorContext, source: string, hint: string, isValid: (position: unknown) => position is T): T | null {
  const positions = ctx.restoredPositions;
  if (!positions) return null;
  if (positions.length !== ctx.parallelism) {
    throw new CheckpointError(`The ${source} source ran with parallelism ${positions.length} in the checkpoint and cannot resume at parallelism ${ctx.parallelism}`,
      { hint }, ErrorCodes.RESTORE_FAILED);
  }
  const p = positions[ctx.subtaskIndex];
  if (!isValid(p)) {
    const name = source.charAt(0).toUpperCase() + source.slice(1);
    throw new CheckpointError(`${name} subtask ${ctx.subtaskIndex}: the checkpoint holds no valid position (${JSON.stringify(p)})`, {}, ErrorCodes.RESTORE_FAILED);
  }
  return p;
}
