import { CheckpointError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';

/** Bounded datagen cuts its rows into at most this many splits; unbounded datagen has this many lanes (or p). */
export const MAX_SPLITS = 128;
/** A bounded split holds at least this many rows (fewer only when the table has fewer), so batches stay large. */
export const MIN_SPLIT_ROWS = 1024;

/**
 * How datagen's rows are cut into splits, the same at every parallelism (so any subtask can produce any split):
 * - bounded (`number-of-rows` or a sequence field): `count` contiguous ranges of row numbers; split k holds rows
 *   [floor(k·rows/count), floor((k+1)·rows/count));
 * - unbounded: `count` endless lanes (lane k is rows k, k + count, k + 2·count, ...).
 * Each split has its own random generator seeded from (seed, split id), so its rows do not depend on who emits it.
 */
export interface SplitLayout {
  readonly count: number;
  /** Total rows when bounded; undefined for lanes. */
  readonly rows?: number;
  /** Rows generated at a time per split, fixed when the job first started; see DatagenSplit. */
  readonly block: number;
}

/** The state of one split in a position: rows of it emitted so far and its random generator's state. */
export interface DatagenSplitState {
  readonly id: number;
  readonly emitted: number;
  readonly rng: readonly number[];
}

/**
 * Where a datagen subtask is, as recorded in checkpoints: the split layout (`splits` splits, `rows` rows when
 * bounded) and, for every split it owns, how far it got. Finished splits are kept (emitted = their size) so that a
 * restore can check that every split is accounted for.
 */
export interface DatagenPosition {
  readonly splits: number;
  readonly rows: number | null;
  readonly block: number;
  readonly owned: readonly DatagenSplitState[];
}

/** The layout of a bounded table of `rows` rows: about MIN_SPLIT_ROWS or more rows per split, at most MAX_SPLITS. */
export function boundedLayout(rows: number, block: number): SplitLayout {
  return { count: Math.max(1, Math.min(MAX_SPLITS, Math.ceil(rows / MIN_SPLIT_ROWS))), rows, block };
}

/** The layout of an unbounded table started at `parallelism`: MAX_SPLITS lanes, or one per subtask beyond that. */
export function unboundedLayout(parallelism: number, block: number): SplitLayout {
  return { count: Math.max(MAX_SPLITS, parallelism), block };
}

/** Row range [first, end) of bounded split `id`. */
export function splitRange(layout: SplitLayout, id: number): { first: number; end: number } {
  const at = (k: number): number => Number((BigInt(k) * BigInt(layout.rows!)) / BigInt(layout.count));
  return { first: at(id), end: at(id + 1) };
}

/** The splits subtask `index` of `parallelism` owns: split ids k with k mod parallelism = index. */
export function ownedSplits(count: number, index: number, parallelism: number): number[] {
  const ids: number[] = [];
  for (let k = index; k < count; k += parallelism) ids.push(k);
  return ids;
}

const HINT_AFRESH = 'Start the datagen source afresh (without restoring), or restore with the options it had.';

/**
 * Merges the positions of a restored job's datagen subtasks (any old parallelism) and returns the layout and the
 * states of the splits this subtask now owns (dealt again by split id). Every split must be in exactly one
 * position, and the table's rows (`rows`, undefined when unbounded) must be those of the checkpoint; otherwise the
 * restore fails (RESTORE_FAILED). The layout is the checkpoint's, so it stays valid whatever the split sizes are now.
 */
export function restoredSplits(positions: readonly unknown[], rows: number | undefined, index: number, parallelism: number): { layout: SplitLayout; owned: DatagenSplitState[] } {
  const states = new Map<number, DatagenSplitState>();
  let layout: SplitLayout | undefined;
  positions.forEach((raw, subtask) => {
    const p = raw as Partial<DatagenPosition> | undefined;
    if (p && typeof (p as { emitted?: unknown }).emitted === 'number' && p.owned === undefined) {
      throw new CheckpointError(`Datagen subtask ${subtask}: the checkpoint holds a position of an older Weir version (rows dealt per subtask), which this version cannot resume`,
        { hint: HINT_AFRESH }, ErrorCodes.RESTORE_FAILED);
    }
    if (!p || !Number.isSafeInteger(p.splits) || p.splits! < 1 || !Number.isSafeInteger(p.block) || p.block! < 1 || !Array.isArray(p.owned)
      || !(p.rows === null || Number.isSafeInteger(p.rows))) {
      throw new CheckpointError(`Datagen subtask ${subtask}: the checkpoint holds no valid position (${JSON.stringify(raw)})`, {}, ErrorCodes.RESTORE_FAILED);
    }
    const mine: SplitLayout = p.rows === null ? { count: p.splits!, block: p.block! } : { count: p.splits!, rows: p.rows, block: p.block! };
    if (layout && (layout.count !== mine.count || layout.rows !== mine.rows || layout.block !== mine.block)) {
      throw new CheckpointError(`Datagen subtask ${subtask}: its position's split layout ${JSON.stringify(mine)} differs from another subtask's ${JSON.stringify(layout)}`, {}, ErrorCodes.RESTORE_FAILED);
    }
    layout = mine;
    for (const s of p.owned!) {
      if (!isSplitState(s, mine.count)) throw new CheckpointError(`Datagen subtask ${subtask}: invalid split state ${JSON.stringify(s)} in the checkpoint`, {}, ErrorCodes.RESTORE_FAILED);
      if (states.has(s.id)) throw new CheckpointError(`Datagen split ${s.id} is in the positions of two subtasks`, {}, ErrorCodes.RESTORE_FAILED);
      states.set(s.id, s);
    }
  });
  if (!layout) throw new CheckpointError('The checkpoint holds no datagen position', {}, ErrorCodes.RESTORE_FAILED);
  if (states.size !== layout.count) {
    throw new CheckpointError(`The datagen positions in the checkpoint cover ${states.size} of ${layout.count} splits`, { hint: HINT_AFRESH }, ErrorCodes.RESTORE_FAILED);
  }
  if (rows !== layout.rows) {
    const what = (n: number | undefined): string => (n === undefined ? 'unbounded' : `${n} rows`);
    throw new CheckpointError(`The datagen source was ${what(layout.rows)} in the checkpoint and is ${what(rows)} now`, { hint: HINT_AFRESH }, ErrorCodes.RESTORE_FAILED);
  }
  if (layout.rows === undefined && parallelism > layout.count) {
    throw new CheckpointError(`The unbounded datagen source has ${layout.count} lanes in the checkpoint and cannot resume at parallelism ${parallelism}: a subtask would get none`,
      { hint: `Restore at parallelism ${layout.count} or less, or start the datagen source afresh.` }, ErrorCodes.RESTORE_FAILED);
  }
  return { layout, owned: ownedSplits(layout.count, index, parallelism).map((id) => states.get(id)!) };
}

function isSplitState(s: unknown, count: number): s is DatagenSplitState {
  const q = s as Partial<DatagenSplitState> | undefined;
  return Number.isSafeInteger(q?.id) && q!.id! >= 0 && q!.id! < count && Number.isSafeInteger(q!.emitted) && q!.emitted! >= 0
    && Array.isArray(q!.rng) && q!.rng.length === 4 && q!.rng.every((x) => Number.isInteger(x));
}
