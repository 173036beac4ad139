import { CheckpointError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';

/**
 * A share of the global event stream n = 0, 1, 2, ...: the events next, next + stride, next + 2·stride, ... (below
 * `events.num` when bounded). A fresh subtask i of p owns one split {next: i, stride: p}; a position is the list of
 * the splits a subtask owns, advanced past what it emitted, so it means the same at any parallelism.
 */
export interface NexmarkSplit {
  readonly next: number;
  readonly stride: number;
}

/** Where a nexmark subtask is, as recorded in checkpoints: its splits, each at the next event it would emit. */
export interface NexmarkPosition {
  readonly splits: readonly NexmarkSplit[];
}

/** Refining splits beyond this many (after many rescales to coprime parallelisms) deals them unevenly instead. */
const MAX_SPLITS = 4096;

/** Events of `split` below `end` (Infinity when unbounded). */
export function eventsLeft(split: NexmarkSplit, end: number): number {
  if (split.next >= end) return 0;
  return end === Infinity ? Infinity : Math.ceil((end - split.next) / split.stride);
}

/**
 * The splits subtask `index` of `parallelism` owns when a job restores the splits `all` (every old subtask's): the
 * unfinished ones, each cut into m interleaved splits {next + r·stride, m·stride} (r < m) with m chosen so their
 * number is a multiple of the parallelism, sorted by next event and dealt round-robin. So every subtask gets an equal
 * share, and each keeps emitting events close to the others' in event time. Every subtask computes the same deal.
 */
export function dealSplits(all: readonly NexmarkSplit[], end: number, index: number, parallelism: number): NexmarkSplit[] {
  const byNext = (a: NexmarkSplit, b: NexmarkSplit): number => a.next - b.next || a.stride - b.stride;
  const open = all.filter((s) => s.next < end).sort(byNext);
  if (open.length === 0) return [];
  let m = parallelism / gcd(open.length, parallelism);
  if (open.length * m > MAX_SPLITS) m = Math.ceil(parallelism / open.length);
  const refined = m === 1 ? open : open.flatMap((s) => Array.from({ length: m }, (_, r) => ({ next: s.next + r * s.stride, stride: s.stride * m })))
    .filter((s) => s.next < end && Number.isSafeInteger(s.stride)).sort(byNext);
  return refined.filter((_, j) => j % parallelism === index);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Every split in a restored job's nexmark positions. A position of an older Weir version, `{ emitted: k }` of old
 * subtask i of p (the events i + j·p, j < k, emitted), becomes the split {next: i + k·p, stride: p}.
 */
export function restoredSplits(positions: readonly unknown[]): NexmarkSplit[] {
  return positions.flatMap((raw, subtask) => {
    const emitted = (raw as { emitted?: unknown } | undefined)?.emitted;
    if (typeof emitted === 'number' && Number.isSafeInteger(emitted) && emitted >= 0) {
      return [{ next: subtask + emitted * positions.length, stride: positions.length }];
    }
    const splits = (raw as Partial<NexmarkPosition> | undefined)?.splits;
    if (!Array.isArray(splits) || !splits.every(isSplit)) {
      throw new CheckpointError(`Nexmark subtask ${subtask}: the checkpoint holds no valid position (${JSON.stringify(raw)})`, {}, ErrorCodes.RESTORE_FAILED);
    }
    return splits;
  });
}

function isSplit(s: unknown): s is NexmarkSplit {
  const q = s as Partial<NexmarkSplit> | undefined;
  return Number.isSafeInteger(q?.next) && q!.next! >= 0 && Number.isSafeInteger(q!.stride) && q!.stride! >= 1;
}
