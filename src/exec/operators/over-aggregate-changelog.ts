import * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { isAccumulate, RowKind } from '../../batch/row-kind.ts';
import { CoreOptions } from '../../config/options.ts';
import { isBoundedFrame } from '../../plan/over-frame.ts';
import type { OverAggregateNode } from '../../plan/physical/physical-node.ts';
import type { ValueState } from '../../state/keyed-state.ts';
import { keyString } from '../../state/key-encoding.ts';
import type { DataType } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { encodeKeys } from './keyed/key-encoding.ts';
import { columnsFromRows, internalRowSerializer, internalRowsSerializer, RowReader, type InternalRow } from './keyed/row-codec.ts';
import { affectedRange, frameOf, SortedPartition, type PositionRange } from './over-aggregate-changes.ts';
import { AccumulatorOverEvaluator, type OverWork } from './over-aggregate-evaluator.ts';
import { lazyColumns, timeReader } from './over-aggregate-frames.ts';

/** A partition's rows while one batch is processed: read from state once, written back once. */
interface Partition {
  readonly key: Uint8Array;
  readonly hash: number;
  readonly list: SortedPartition;
}

/**
 * Output rows to compute: per segment a slice of a partition's sorted rows (copied at the time of the change) and
 * the positions in it to emit, with their row kinds; all segments of a batch are evaluated in one pass.
 */
class ChangeWork {
  readonly rows: InternalRow[] = [];
  readonly partitionStart: number[] = [0];
  readonly outputStart: number[] = [0];
  readonly frameStart: number[] = [];
  readonly frameEnd: number[] = [];
  readonly outRows: InternalRow[] = [];
  readonly kinds: number[] = [];

  /** Emits `list[range]` (its own kind for `special`, `otherKind` for the rest) with frames over `list`. */
  add(frame: OverAggregateNode['frame'], list: SortedPartition, range: PositionRange, otherKind: number, special: number, specialKind: number): void {
    if (range.from >= range.to) return;
    const first = frameOf(frame, list, range.from).from;
    const last = frameOf(frame, list, range.to - 1).to;
    const base = this.rows.length - first;
    for (let i = first; i < last; i++) this.rows.push(list.rows[i]);
    for (let i = range.from; i < range.to; i++) {
      const f = frameOf(frame, list, i);
      this.frameStart.push(base + f.from);
      this.frameEnd.push(base + f.to);
      this.outRows.push(list.rows[i]);
      this.kinds.push(i === special ? specialKind : otherKind);
    }
    this.partitionStart.push(this.rows.length);
    this.outputStart.push(this.frameEnd.length);
  }

  build(types: readonly DataType[]): OverWork {
    const rows = this.rows;
    const segments = this.partitionStart.length - 1;
    return {
      partitions: segments,
      partitionStart: Int32Array.from(this.partitionStart),
      historyLength: new Int32Array(segments),
      outputStart: Int32Array.from(this.outputStart),
      frameStart: Int32Array.from(this.frameStart),
      frameEnd: Int32Array.from(this.frameEnd),
      rows,
      column: lazyColumns(rows, types),
    };
  }
}

/**
 * OVER aggregation over an updating input (-U/+U/-D rows, e.g. a Top-N's result), which Flink refuses. Its output is
 * at every point the changelog of the OVER query evaluated over the input table's current content: per partition
 * the live rows (a multiset) are kept sorted by event time, ties broken by the rows' encoded bytes; each change
 * inserts or removes one row, and the output rows whose frame contains it are retracted (-U, computed over the rows
 * before the change) and re-emitted (+U, over the rows after it); the changed row itself goes out with its own kind
 * (+I/+U in, -U/-D out). ROWS N PRECEDING touches the changed slot and the N rows after it, RANGE the rows within
 * the interval after its time, UNBOUNDED every later row.
 *
 * Rows are processed on arrival: no waiting for watermarks, and no row is late, since a later change simply
 * rewrites the results it affects. A row without a time (NULL rowtime) has no place in the order: it goes to
 * `ctx.reportLateRows`, as in the insert-only operator. Aggregates are built-in accumulators recomputed per output
 * row over its frame (the planner refuses user-defined ones here). State: one value per partition key, its live rows
 * in order (as Top-N keeps its rows).
 */
export class ChangelogOverAggregateOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private state!: ValueState<InternalRow[]>;
  private evaluator!: AccumulatorOverEvaluator;
  private batchSize = 4096;
  private readonly inputTypes: DataType[];
  private readonly outputSchema: arrow.Schema;
  private readonly timeOf: (row: InternalRow) => number;
  private readonly tiebreak: (a: InternalRow, b: InternalRow) => number;

  constructor(private readonly node: OverAggregateNode) {
    this.inputTypes = node.inputSchema.map((c) => c.type);
    this.outputSchema = Schema.fromJSON([...node.outputSchema]).toArrow();
    const readTime = timeReader(this.inputTypes[node.orderKey]);
    this.timeOf = (row) => readTime(row[node.orderKey]);
    this.tiebreak = rowBytesOrder();
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    this.batchSize = Math.max(1, ctx.config.get(CoreOptions.BATCH_SIZE));
    this.state = ctx.keyedState().declareValueState('over-aggregate-rows', internalRowsSerializer());
    this.evaluator = new AccumulatorOverEvaluator({
      calls: this.node.aggregates, inputSchema: this.node.inputSchema, retracting: isBoundedFrame(this.node.frame),
    });
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    const n = batch.numRows;
    if (n === 0) return;
    const backend = this.ctx.keyedState();
    const keys = encodeKeys(batch.data, this.node.partitionKeys);
    const reader = new RowReader(batch.data, this.inputTypes);
    const partitions = new Map<string, Partition>();
    const work = new ChangeWork();
    const late: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = reader.read(i);
      const t = this.timeOf(row);
      if (Number.isNaN(t)) { late.push(i); continue; }
      const k = keyString(keys.bytes[i]);
      let part = partitions.get(k);
      if (!part) {
        backend.setCurrentKey(keys.bytes[i], keys.hashes[i]);
        // Copy: the heap backend hands out its stored array, which snapshots may share.
        part = { key: keys.bytes[i], hash: keys.hashes[i], list: new SortedPartition([...(this.state.value() ?? [])], this.timeOf, this.tiebreak) };
        partitions.set(k, part);
      }
      const kind = batch.kindAt(i);
      if (isAccumulate(kind)) this.insert(part.list, row, t, kind, work);
      else this.remove(part.list, row, t, kind, work);
    }
    for (const part of partitions.values()) {
      backend.setCurrentKey(part.key, part.hash);
      if (part.list.length === 0) this.state.clear(); else this.state.update(part.list.rows);
    }
    if (late.length > 0) await this.ctx.reportLateRows(batch, late);
    await this.emit(work);
  }

  /** Adds a row: its frame-sharing successors are retracted before and re-emitted after, the row itself inserted. */
  private insert(list: SortedPartition, row: InternalRow, t: number, kind: number, work: ChangeWork): void {
    const frame = this.node.frame;
    const p = list.position(row);
    work.add(frame, list, affectedRange(frame, list, p, t, false), RowKind.UPDATE_BEFORE, -1, 0);
    list.rows.splice(p, 0, row);
    work.add(frame, list, affectedRange(frame, list, p, t, true), RowKind.UPDATE_AFTER, p, kind);
  }

  /** Removes a row (one copy of it): the row itself is retracted, its frame-sharing successors updated. */
  private remove(list: SortedPartition, row: InternalRow, t: number, kind: number, work: ChangeWork): void {
    const frame = this.node.frame;
    const p = list.find(row);
    // Not there: state expired, or a retraction of a row never received. Top-N (and Flink's retracting operators)
    // ignore this case too; there is no result of it to retract.
    if (p < 0) return;
    work.add(frame, list, affectedRange(frame, list, p, t, true), RowKind.UPDATE_BEFORE, p, kind);
    list.rows.splice(p, 1);
    work.add(frame, list, affectedRange(frame, list, p, t, false), RowKind.UPDATE_AFTER, -1, 0);
  }

  /** The batch's output rows with their aggregates, in batches of at most `table.exec.batch-size` rows. */
  private async emit(work: ChangeWork): Promise<void> {
    const total = work.outRows.length;
    if (total === 0) return;
    const results = this.evaluator.evaluate(work.build(this.inputTypes), []).results;
    for (let begin = 0; begin < total; begin += this.batchSize) {
      const end = Math.min(total, begin + this.batchSize);
      const columns = columnsFromRows(this.inputTypes, work.outRows.slice(begin, end));
      for (const r of results) columns.push(r.slice(begin, end - begin));
      await this.ctx.output.emit(ChangeBatch.fromColumns(this.outputSchema, columns, end - begin, Uint8Array.from(work.kinds.slice(begin, end))));
    }
  }

  async close(): Promise<void> {}
}

/**
 * Orders rows by their encoded bytes (msgpack of the internal values, unsigned lexicographic): equal rows tie, any
 * two different rows get one fixed order. Encodings are cached per row array.
 */
function rowBytesOrder(): (a: InternalRow, b: InternalRow) => number {
  const serializer = internalRowSerializer();
  const cache = new WeakMap<InternalRow, Uint8Array>();
  const bytesOf = (row: InternalRow): Uint8Array => {
    let bytes = cache.get(row);
    if (bytes === undefined) { bytes = serializer.serialize(row); cache.set(row, bytes); }
    return bytes;
  };
  return (a, b) => {
    if (a === b) return 0;
    const x = bytesOf(a);
    const y = bytesOf(b);
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  };
}
