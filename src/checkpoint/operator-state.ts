import { Packr } from 'msgpackr';
import { CheckpointError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';

export const OPERATOR_STATE_FORMAT = 'weir-operator-state';
export const OPERATOR_STATE_FORMAT_VERSION = 1;

const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: 'bigint' });

/**
 * An operator subtask's non-keyed state in a checkpoint, format `weir-operator-state` version 1: one MessagePack map
 * `{ format, formatVersion, checkpointId, state }`, `state` being what the operator's `snapshotState` returned.
 */
export function encodeOperatorState(checkpointId: number, state: unknown): Uint8Array {
  return packr.pack({ format: OPERATOR_STATE_FORMAT, formatVersion: OPERATOR_STATE_FORMAT_VERSION, checkpointId, state });
}

export function decodeOperatorState(bytes: Uint8Array, file: string): unknown {
  let raw: { format?: unknown; formatVersion?: unknown; state?: unknown };
  try {
    raw = packr.unpack(bytes) as typeof raw;
  } catch (cause) {
    throw new CheckpointError(`Operator state ${file} is not valid MessagePack`, { cause }, ErrorCodes.RESTORE_FAILED);
  }
  if (raw?.format !== OPERATOR_STATE_FORMAT || raw.formatVersion !== OPERATOR_STATE_FORMAT_VERSION) {
    throw new CheckpointError(`${file} is not a ${OPERATOR_STATE_FORMAT} v${OPERATOR_STATE_FORMAT_VERSION} file`, {}, ErrorCodes.RESTORE_FAILED);
  }
  return raw.state;
}
