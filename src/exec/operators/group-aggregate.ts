import * as arrow from 'apache-arrow';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import { miniBatchSettings, type MiniBatchSettings } from '../../aggregate/aggregate-options.ts';
import { CoreOptions } from '../../config/options.ts';
import type { GroupAggregateNode } from '../../plan/physical/physical-node.ts';
import { hashRows } from '../../state/row-hash.ts';
import type { KeyedStateBackend, ValueState } from '../../state/keyed-state.ts';
import { msgpackSerializer, type StateSerializer } from '../../state/serializers.ts';
import type { DataType } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { GroupFolder, OutputRows, type KeyState, type Run } from './group-aggregate-fold.ts';
import { concatKeys, encodeKeys, groupRows, type EncodedKeys } from './group-aggregate-keys.ts';
import { UdafGroupFolder } from './group-aggregate-udaf.ts';
import { UdafCalls } from './udaf-calls.ts';

/** Expired entries examined per processed run when state TTL is on: small, so cleanup never stalls a batch. */
const TTL_CLEANUP_BUDGET = 1000;

/**
 * Accumulators are saved as msgpack. The id/version name this operator's state layout (`[rowCount, acc...]`, each
 * accumulator's saved form) so a restore from an incompatible layout fails instead of misreading; bump the version
 * when an accumulator's saved form changes.
 */
function keyStateSerializer(udafTag?: string): StateSerializer<KeyState> {
  const inner = msgpackSerializer<KeyState>();
  // With UDAF calls the id names their accumulator types: state written under other types is refused at restore.
  const id = udafTag ? `group-aggregate-msgpack+${udafTag}` : 'group-aggregate-msgpack';
  return { id, version: 1, serialize: inner.serialize, deserialize: inner.deserialize };
}

/**
 * Non-windowed streaming GROUP BY over a changelog (Flink's GroupAggFunction / MiniBatchGroupAggFunction).
 *
 * Input arrives hash-partitioned by the group keys (or all at one subtask for a global aggregate). Per input batch
 * (or mini-batch) the rows are grouped by key; each touched key's state is read once (`getMany`), its rows are folded
 * in arrival order (+I/+U accumulate, -U/-D retract), the state is written back once (`putMany`), and the changelog
 * is emitted in columnar batches, keys in order of first appearance: `+I` for a key's first result, `-U old, +U new`
 * for a changed one (an unchanged result is not emitted unless state TTL is on, as Flink), `-D old` when all the
 * key's rows were retracted (its state is then cleared).
 *
 * Without mini-batch a result is emitted after every input row, as Flink's GroupAggFunction does. With
 * `table.exec.mini-batch.enabled` rows are buffered (whole batches) and folded once per key per mini-batch, which
 * emits at most one change per key; a mini-batch is flushed when it reaches `table.exec.mini-batch.size` rows, when
 * `table.exec.mini-batch.allow-latency` has passed since its first row (a timer), on a watermark, before a
 * checkpoint barrier and at end of input.
 *
 * State TTL (`table.exec.state.ttl`) is enforced by the state backend: a key idle for longer reads as absent, so
 * its next row starts again from an empty accumulator and emits `+I` (as Flink: expired state is not retracted
 * downstream). Expired entries are purged incrementally, a small budget per batch.
 */
export class GroupAggregateOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private state!: ValueState<KeyState>;
  private backend!: KeyedStateBackend;
  private folder!: GroupFolder;
  /** Set instead of `folder` when some calls are user-defined aggregate functions (group-aggregate-udaf.ts). */
  private udafFolder: UdafGroupFolder | null = null;
  private udafs: UdafCalls | null = null;
  private miniBatch: MiniBatchSettings | null = null;
  private outputBatchSize = 4096;
  private readonly outputSchema: arrow.Schema;
  private readonly outputTypes: readonly DataType[];

  // Mini-batch buffer and its timer. Operator calls and the timer's flush are serialized through `tail`.
  private buffered: ChangeBatch[] = [];
  private bufferedRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private tail: Promise<void> = Promise.resolve();
  private timerFailure: unknown = null;

  constructor(private readonly node: GroupAggregateNode) {
    this.outputSchema = Schema.fromJSON([...node.outputSchema]).toArrow();
    this.outputTypes = node.outputSchema.map((c) => c.type);
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    this.miniBatch = miniBatchSettings(ctx.config);
    this.outputBatchSize = Math.max(1, ctx.config.get(CoreOptions.BATCH_SIZE));
    this.backend = ctx.keyedState();
    this.udafs = await UdafCalls.open(this.node.aggregates, ctx);
    this.state = this.backend.declareValueState('group-aggregate', keyStateSerializer(this.udafs?.stateTag));
    // With no aggregates (SELECT DISTINCT) a key's row never changes, and the planner marks such a node
    // insert-only, so unchanged rows are never re-emitted even with TTL.
    const emitUnchanged = this.backend.ttlMs > 0 && this.node.aggregates.length > 0;
    if (this.udafs) this.udafFolder = new UdafGroupFolder(this.node, this.udafs, emitUnchanged);
    else this.folder = new GroupFolder(this.node, emitUnchanged);
    ctx.metrics.gauge('miniBatchBufferedRows', () => this.bufferedRows);
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    if (batch.numRows === 0) return;
    if (this.miniBatch === null) {
      await this.process([batch], true);
      return;
    }
    await this.serial(async () => {
      this.buffered.push(batch);
      this.bufferedRows += batch.numRows;
      if (this.bufferedRows >= this.miniBatch!.size) await this.flush();
      else this.timer ??= this.armTimer(this.miniBatch!.latencyMs);
    });
  }

  async processWatermark(_timestamp: number): Promise<void> { await this.serial(() => this.flush()); }
  async prepareSnapshot(_checkpointId: number): Promise<void> { await this.serial(() => this.flush()); }
  async endInput(): Promise<void> { await this.serial(() => this.flush()); }

  async close(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.buffered = [];
    this.bufferedRows = 0;
    const udafs = this.udafs;
    this.udafs = null;
    if (udafs) await udafs.close();
  }

  /** Runs `f` after every earlier call and timer flush; rethrows a failure of a timer-driven flush. */
  private serial(f: () => Promise<void>): Promise<void> {
    const run = this.tail.then(() => {
      if (this.timerFailure !== null) throw this.timerFailure;
      return f();
    });
    this.tail = run.catch(() => {});
    return run;
  }

  private armTimer(ms: number): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timer = null;
      // The failure is kept and rethrown by the operator's next call, which fails the task.
      this.serial(() => this.flush()).catch((e) => { this.timerFailure ??= e; });
    }, ms);
    t.unref();
    return t;
  }

  private async flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffered.length === 0) return;
    const batches = this.buffered;
    this.buffered = [];
    this.bufferedRows = 0;
    await this.process(batches, false);
  }

  /** Folds a run of batches into state and emits the changelog; `perRow`: a result per row (no mini-batch). */
  private async process(batches: readonly ChangeBatch[], perRow: boolean): Promise<void> {
    const { keys, hashes, run } = this.prepare(batches);
    const groups = groupRows(keys, hashes);
    const groupKeys = new Array<Uint8Array>(groups.count);
    const groupHashes = new Uint32Array(groups.count);
    for (let g = 0; g < groups.count; g++) {
      const first = groups.rows[groups.start[g]];
      groupKeys[g] = keys.bytes.subarray(keys.offsets[first], keys.offsets[first + 1]);
      groupHashes[g] = hashes[first];
    }
    const before = this.state.getMany(groupKeys, groupHashes);
    const out = new OutputRows(this.outputTypes, this.outputSchema);
    // Only keys whose state changed are written back (a key that only saw retractions without state is not).
    const changedKeys: Uint8Array[] = [];
    const changedHashes: number[] = [];
    const changedStates: (KeyState | undefined)[] = [];
    // UDAF calls fold all keys at once (one request per call); they emit once per key per batch, like mini-batch.
    const folded = this.udafFolder ? await this.udafFolder.foldGroups(batches, run, groups, before, out) : null;
    for (let g = 0; g < groups.count; g++) {
      const after = folded ? folded[g] : this.folder.fold(before[g], run, groups.rows, groups.start[g], groups.start[g + 1], perRow, out);
      if (after !== before[g]) {
        changedKeys.push(groupKeys[g]);
        changedHashes.push(groupHashes[g]);
        changedStates.push(after);
      }
    }
    if (changedKeys.length > 0) this.state.putMany(changedKeys, changedHashes, changedStates);
    if (this.backend.ttlMs > 0) this.backend.cleanupExpired(TTL_CLEANUP_BUDGET);
    for (const batch of out.toBatches(this.outputBatchSize)) await this.ctx.output.emit(batch);
  }

  /** Key bytes, hashes and readers of a run of batches, rows numbered on across the batches. */
  private prepare(batches: readonly ChangeBatch[]): { keys: EncodedKeys; hashes: Uint32Array; run: Run } {
    const { groupKeys } = this.node;
    const readers = batches.map((b) => (this.udafFolder ? this.udafFolder.readers(b) : this.folder.readers(b)));
    const bases = new Int32Array(batches.length);
    if (batches.length === 1) {
      const batch = batches[0];
      return {
        keys: encodeKeys(batch.data, groupKeys),
        hashes: hashRows(batch.data, groupKeys),
        run: { readers, bases, batchOf: null },
      };
    }
    let total = 0;
    for (let b = 0; b < batches.length; b++) { bases[b] = total; total += batches[b].numRows; }
    const hashes = new Uint32Array(total);
    const batchOf = new Int32Array(total);
    const parts = batches.map((batch, b) => {
      hashes.set(hashRows(batch.data, groupKeys), bases[b]);
      batchOf.fill(b, bases[b], bases[b] + batch.numRows);
      return encodeKeys(batch.data, groupKeys);
    });
    return { keys: concatKeys(parts), hashes, run: { readers, bases, batchOf } };
  }
}
