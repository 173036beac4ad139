import { CheckpointError } from '../errors/errors.ts';
import { ErrorCodes, WeirError, type ErrorCode, type WeirErrorOptions } from '../errors/weir-error.ts';

/**
 * Misuse of keyed state or a failure inside a state backend. Most are bugs in an operator or the runtime (a key
 * outside this subtask's key groups, access without a current key), hence code INTERNAL by default; problems a user
 * can fix (a key too long for the persistent store, a bad option) carry a more specific code and a hint.
 */
export class StateError extends WeirError {
  constructor(message: string, options?: WeirErrorOptions, code: ErrorCode = ErrorCodes.INTERNAL) {
    super(code, message, options);
  }
}

/** A restore that cannot proceed; always {@link ErrorCodes.RESTORE_FAILED} so the checkpoint layer can match it. */
export function restoreFailed(message: string, options?: WeirErrorOptions): CheckpointError {
  return new CheckpointError(message, options, ErrorCodes.RESTORE_FAILED);
}

/** A snapshot that cannot be taken or encoded. */
export function snapshotFailed(message: string, options?: WeirErrorOptions): CheckpointError {
  return new CheckpointError(message, options, ErrorCodes.CHECKPOINT_FAILED);
}
