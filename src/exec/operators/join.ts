import * as arrow from 'apache-arrow';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import { isAccumulate, RowKind } from '../../batch/row-kind.ts';
import { PlanError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import type { JoinNode } from '../../plan/physical/physical-node.ts';
import type { KeyedStateBackend } from '../../state/keyed-state.ts';
import { keyString } from '../../state/key-encoding.ts';
import { toArrowType } from '../../types/arrow-types.ts';
import type { DataType } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { JoinOutput } from './join-output.ts';
import { JoinSideState, type StoredRow } from './join-state.ts';
import { encodeKeys } from './keyed/key-encoding.ts';
import { PairCondition } from './keyed/pair-condition.ts';
import { RowReader } from './keyed/row-codec.ts';

/** Output rows collected before they are emitted as one batch (bounds memory when one row matches many). */
const EMIT_CHUNK_ROWS = 8192;

/** Static description of one input of the join. */
interface Side {
  readonly isLeft: boolean;
  readonly keys: readonly number[];
  readonly types: readonly DataType[];
  /** Whether unmatched rows of this side are emitted NULL-padded (left side of LEFT/FULL, right of RIGHT/FULL). */
  readonly outer: boolean;
  /** This side's column types in the output schema (nullable where the planner made them so). */
  readonly outputTypes: readonly DataType[];
  state: JoinSideState;
}

/**
 * Regular streaming join (inner, left, right, full outer) over changelog inputs, with the semantics of Flink's
 * `StreamingJoinOperator`: each side keeps, per join key, its rows with a multiplicity (and on outer sides the number
 * of matches per row); an incoming row is stored or retracted, then joined with the matching rows of the other side.
 * Kinds, as Flink: joined rows are +I / -D when an outer side is involved and keep the input's kind (+I/+U/-U/-D)
 * for inner-inner; NULL-padded rows are always +I / -D. A row with a NULL join key never matches (SQL `=`) and is not
 * stored; on an outer side it is still emitted (and retracted) NULL-padded.
 */
export class JoinOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private readonly left: Side;
  private readonly right: Side;
  private readonly outputSchema: arrow.Schema;
  private readonly condition: PairCondition | null;

  constructor(node: JoinNode) {
    checkKeyTypes(node);
    const output = Schema.fromJSON([...node.outputSchema]);
    this.outputSchema = output.toArrow();
    const split = node.leftSchema.length;
    // The state tables are declared in open(); until then a side has no state.
    const noState = undefined as unknown as JoinSideState;
    this.left = {
      isLeft: true, keys: node.leftKeys, types: node.leftSchema.map((c) => c.type), outputTypes: output.types.slice(0, split),
      outer: node.joinType === 'left' || node.joinType === 'full', state: noState,
    };
    this.right = {
      isLeft: false, keys: node.rightKeys, types: node.rightSchema.map((c) => c.type), outputTypes: output.types.slice(split),
      outer: node.joinType === 'right' || node.joinType === 'full', state: noState,
    };
    this.condition = node.condition ? new PairCondition(node.condition, node.leftSchema, node.rightSchema) : null;
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    const backend: KeyedStateBackend = ctx.keyedState();
    this.left.state = new JoinSideState(backend, 'join-left');
    this.right.state = new JoinSideState(backend, 'join-right');
  }

  async processBatch(batch: ChangeBatch, input: number): Promise<void> {
    const side = input === 0 ? this.left : this.right;
    const other = input === 0 ? this.right : this.left;
    const n = batch.numRows;
    if (n === 0) return;
    const backend = this.ctx.keyedState();
    const keys = encodeKeys(batch.data, side.keys);
    const reader = new RowReader(batch.data, side.types);

    // Phase 1: the other side's rows per join key (read once per key and batch: rows of one batch all come from
    // this side, so the other side's rows do not change while it is processed, only their match counts).
    const byKey = new Map<string, StoredRow[]>();
    const candidates: (StoredRow[] | null)[] = new Array(n).fill(null);
    for (let i = 0; i < n; i++) {
      if (keys.hasNull?.[i]) continue;
      const k = keyString(keys.bytes[i]);
      let rows = byKey.get(k);
      if (!rows) {
        backend.setCurrentKey(keys.bytes[i], keys.hashes[i]);
        rows = other.state.rows();
        byKey.set(k, rows);
      }
      candidates[i] = rows;
    }

    // Phase 2: the remaining ON condition, evaluated once over every (row, candidate) pair of the batch.
    const matches = this.condition ? this.filterCandidates(batch.data, side, candidates) : candidates;

    // Phase 3: Flink's StreamingJoinOperator#processElement, row by row (state writes and match counts in order).
    const out = new JoinOutput(this.outputSchema, side.isLeft, other.outputTypes);
    for (let i = 0; i < n; i++) {
      const kind = batch.kindAt(i);
      const row = reader.read(i);
      if (keys.hasNull?.[i]) {
        // Never matches and needs no state: its padded row is added and retracted with it.
        if (side.outer) out.add(isAccumulate(kind) ? RowKind.INSERT : RowKind.DELETE, i, null);
      } else {
        backend.setCurrentKey(keys.bytes[i], keys.hashes[i]);
        this.processRow(out, side, other, i, row, kind, matches[i] ?? []);
      }
      if (out.size >= EMIT_CHUNK_ROWS) await this.emit(out, batch.data);
    }
    await this.emit(out, batch.data);
  }

  private processRow(out: JoinOutput, side: Side, other: Side, i: number, row: unknown[], kind: number, matched: StoredRow[]): void {
    let matchCount = 0;
    for (const m of matched) matchCount += m.count;
    if (isAccumulate(kind)) {
      if (other.outer) {
        // Other-side rows that were alone are now matched: retract their padded rows first (Flink: -D[null+other]).
        for (const m of matched) {
          if (m.associations === 0) for (let c = 0; c < m.count; c++) out.add(RowKind.DELETE, -1, m.row);
          m.associations++;
          other.state.setAssociations(m);
        }
      }
      if (side.outer && matchCount === 0) out.add(RowKind.INSERT, i, null);
      const joinedKind = side.outer || other.outer ? RowKind.INSERT : kind;
      for (const m of matched) for (let c = 0; c < m.count; c++) out.add(joinedKind, i, m.row);
      side.state.add(row, side.outer ? matchCount : 0);
      return;
    }
    side.state.retract(row);
    if (matchCount === 0) {
      if (side.outer) out.add(RowKind.DELETE, i, null);
      return;
    }
    const joinedKind = side.outer ? RowKind.DELETE : kind;
    for (const m of matched) for (let c = 0; c < m.count; c++) out.add(joinedKind, i, m.row);
    if (other.outer) {
      // Other-side rows that lose their last match are alone again: emit their padded rows (Flink: +I[null+other]).
      for (const m of matched) {
        if (m.associations === 1) for (let c = 0; c < m.count; c++) out.add(RowKind.INSERT, -1, m.row);
        m.associations = Math.max(0, m.associations - 1);
        other.state.setAssociations(m);
      }
    }
  }

  /** Keeps, per row, the candidates for which the ON condition is TRUE (one columnar evaluation per batch). */
  private filterCandidates(data: arrow.RecordBatch, side: Side, candidates: (StoredRow[] | null)[]): (StoredRow[] | null)[] {
    const inputIdx: number[] = [];
    const others: unknown[][] = [];
    const pairs: StoredRow[] = [];
    candidates.forEach((rows, i) => {
      if (!rows) return;
      for (const r of rows) { inputIdx.push(i); others.push(r.row); pairs.push(r); }
    });
    const result: (StoredRow[] | null)[] = candidates.map((c) => (c ? [] : null));
    const input = { batch: data, rows: Int32Array.from(inputIdx) };
    const other = { types: side.isLeft ? this.right.types : this.left.types, rows: others };
    const selected = side.isLeft ? this.condition!.select(input, other, pairs.length) : this.condition!.select(other, input, pairs.length);
    for (const p of selected) result[inputIdx[p]]!.push(pairs[p]);
    return result;
  }

  private async emit(out: JoinOutput, data: arrow.RecordBatch): Promise<void> {
    const batch = out.take(data);
    if (batch) await this.ctx.output.emit(batch);
  }

  async close(): Promise<void> {}
}

/**
 * Equal keys must be stored identically on both sides (same key bytes, same `hashRows` hash, hence same key group):
 * the planner casts join keys to a common type, and a plan that did not is refused here instead of joining nothing.
 */
export function checkKeyTypes(node: Pick<JoinNode, 'name' | 'leftKeys' | 'rightKeys' | 'leftSchema' | 'rightSchema'>): void {
  if (node.leftKeys.length !== node.rightKeys.length) {
    throw new PlanError(`${node.name}: ${node.leftKeys.length} left join keys but ${node.rightKeys.length} right keys`, {}, ErrorCodes.INTERNAL);
  }
  node.leftKeys.forEach((l, i) => {
    const lt = node.leftSchema[l].type;
    const rt = node.rightSchema[node.rightKeys[i]].type;
    if (String(toArrowType(lt)) !== String(toArrowType(rt))) {
      throw new PlanError(`${node.name}: join key ${node.leftSchema[l].name} = ${node.rightSchema[node.rightKeys[i]].name} compares ${lt.kind} with ${rt.kind}`, {
        hint: 'Join keys must have the same type on both sides; cast one of them.',
      }, ErrorCodes.INTERNAL);
    }
  });
}
