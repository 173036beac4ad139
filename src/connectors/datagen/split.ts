import type * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import type { FieldSpec } from './fields.ts';
import { randomGenerator, type ColumnGenerator } from './random.ts';
import { Rng } from './rng.ts';
import { sequenceGenerator } from './sequence.ts';
import { splitRange, type DatagenSplitState, type SplitLayout } from './splits.ts';

/** The random generator of split `id` of a table seeded with `seed`: the same in whichever subtask runs the split. */
export function splitRng(seed: number, id: number): Rng {
  return new Rng((seed ^ Math.imul(id + 1, 0x9e3779b1)) >>> 0);
}

/**
 * One datagen split being generated. Its rows are generated a block of `layout.block` rows at a time (block b holds
 * the split's rows [b·block, (b+1)·block)) from the split's own random generator, and emitted in slices as the rate
 * allows; so a row's values depend on the seed, the split and its row number only, not on how many rows each batch
 * takes (which depends on the parallelism at low rates). A position records the generator's state at the start of
 * the current block; a restored split generates that block again (when it is next read) and skips what was
 * emitted.
 */
export class DatagenSplit {
  readonly id: number;
  /** Rows in the split (Infinity for a lane). */
  readonly size: number;
  private readonly rng = new Rng(0);
  /** Row number of the split's first row (bounded splits; sequence fields count from it). */
  private readonly firstRow: number;
  private emittedRows: number;
  private generators?: ColumnGenerator[];
  /** The current block, the rows of it emitted, and the generator state it was generated from. */
  private block: ChangeBatch | null = null;
  private blockOffset = 0;
  private blockStart: readonly number[];

  constructor(private readonly layout: SplitLayout, private readonly fields: readonly FieldSpec[], private readonly arrowSchema: arrow.Schema, state: DatagenSplitState) {
    this.id = state.id;
    this.blockStart = state.rng;
    this.rng.setState(state.rng);
    this.emittedRows = state.emitted;
    if (layout.rows === undefined) {
      this.size = Infinity;
      this.firstRow = 0;
    } else {
      const { first, end } = splitRange(layout, state.id);
      this.size = end - first;
      this.firstRow = first;
    }
  }

  get remaining(): number { return this.size - this.emittedRows; }

  /** Whether a block is open (generated, not all emitted): a lane keeps its turn until its block is used up. */
  get inBlock(): boolean { return this.block !== null; }

  /** The split's next rows: at most `max`, never past the end of the current block. */
  next(max: number): ChangeBatch {
    if (!this.block) this.openBlock();
    const block = this.block!;
    const n = Math.min(max, block.numRows - this.blockOffset);
    const batch = n === block.numRows ? block : block.slice(this.blockOffset, this.blockOffset + n);
    this.blockOffset += n;
    this.emittedRows += n;
    // A used-up block is dropped at once: a table of many lanes keeps at most one block in memory.
    if (this.blockOffset >= block.numRows) this.block = null;
    return batch;
  }

  /** How many rows `next` can return before the current block is used up (blocks start at multiples of the block size). */
  rowsInBlock(): number {
    if (this.block) return this.block.numRows - this.blockOffset;
    return Math.min(this.layout.block - (this.emittedRows % this.layout.block), this.remaining);
  }

  state(): DatagenSplitState {
    return { id: this.id, emitted: this.emittedRows, rng: this.block ? [...this.blockStart] : this.rng.state() };
  }

  /**
   * Generates the block holding the split's next row from the generator's current state, skipping the rows of it
   * already emitted: none, except in a restored split whose position was inside a block (the state recorded is the
   * block's start, so the block is generated again exactly).
   */
  private openBlock(): void {
    const skip = this.emittedRows % this.layout.block;
    const first = this.emittedRows - skip;
    this.generators ??= this.fields.map((f) => (f.kind === 'sequence' ? sequenceGenerator(f, this.firstRow + first) : randomGenerator(f, this.rng)));
    this.blockStart = this.rng.state();
    const n = Math.min(this.layout.block, this.size - first);
    this.block = ChangeBatch.fromColumns(this.arrowSchema, this.generators.map((g) => g(n)), n);
    this.blockOffset = skip;
  }
}
