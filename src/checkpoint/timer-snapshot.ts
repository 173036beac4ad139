import { Packr } from 'msgpackr';
import { CheckpointError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import type { KeyGroupTimers } from '../time/timer-service.ts';

export const TIMERS_FORMAT = 'weir-timers';
export const TIMERS_FORMAT_VERSION = 1;

const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

/**
 * An operator subtask's timers in a checkpoint, format `weir-timers` version 1: one MessagePack map
 * `{ format, formatVersion, checkpointId, groups }`, `groups` being the timer service's snapshot per key group
 * (`{ keyGroup, eventTime: Timer[], processingTime: Timer[] }`, a timer `{ time, key (bin), hash, namespace }`).
 */
export function encodeTimers(checkpointId: number, groups: readonly KeyGroupTimers[]): Uint8Array {
  const plain = groups.map((g) => ({ keyGroup: g.keyGroup, eventTime: g.eventTime.map(plainTimer), processingTime: g.processingTime.map(plainTimer) }));
  return packr.pack({ format: TIMERS_FORMAT, formatVersion: TIMERS_FORMAT_VERSION, checkpointId, groups: plain });
}

export function decodeTimers(bytes: Uint8Array, file: string): KeyGroupTimers[] {
  let raw: { format?: unknown; formatVersion?: unknown; groups?: KeyGroupTimers[] };
  try {
    raw = packr.unpack(bytes) as typeof raw;
  } catch (cause) {
    throw new CheckpointError(`Timer snapshot ${file} is not valid MessagePack`, { cause }, ErrorCodes.RESTORE_FAILED);
  }
  if (raw?.format !== TIMERS_FORMAT || raw.formatVersion !== TIMERS_FORMAT_VERSION) {
    throw new CheckpointError(`${file} is not a ${TIMERS_FORMAT} v${TIMERS_FORMAT_VERSION} file (format ${String(raw?.format)} v${String(raw?.formatVersion)})`, {}, ErrorCodes.RESTORE_FAILED);
  }
  return raw.groups ?? [];
}

function plainTimer(t: { time: number; key: Uint8Array; hash: number; namespace: number }) {
  return { time: t.time, key: t.key, hash: t.hash, namespace: t.namespace };
}
