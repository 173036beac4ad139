/**
 * How the OVER aggregation operator gets its aggregate values: it describes a whole firing (a watermark's rows, or a
 * processing-time batch) for every partition at once as sliding frames over the partitions' rows, and an
 * {@link OverEvaluator} computes one value per emitted row and call. The built-in evaluator below folds the frames
 * with the accumulators of src/aggregate (accumulate rows entering, retract rows leaving, read the value); an
 * evaluator for user-defined aggregate functions can turn the same description into one request for all partitions
 * (e.g. one group per emitted row with the rows of its frame, or incremental accumulate/retract calls).
 */
import type * as arrow from 'apache-arrow';
import type { Accumulator } from '../../aggregate/accumulator.ts';
import { accumulatorForCall } from '../../aggregate/accumulators/index.ts';
import { columnFromInternal } from '../../aggregate/internal-values.ts';
import type { AggregateCall } from '../../plan/aggregate-call.ts';
import type { Column } from '../../types/schema.ts';
import type { OperatorContext } from '../operator.ts';
import type { InternalRow } from './keyed/row-codec.ts';

/**
 * One firing of the operator. Rows are numbered across partitions: partition p owns rows
 * `[partitionStart[p], partitionStart[p + 1])`, its kept history (`historyLength[p]` rows, in order) first, then its
 * new rows in time order. Emitted rows are numbered too: partition p emits `[outputStart[p], outputStart[p + 1])`, one
 * per new row, in order; emitted row j aggregates over the frame `[frameStart[j], frameEnd[j])` (row numbers).
 * Within a partition frame starts and ends never decrease, and a frame never starts before the partition's first
 * row. Unbounded frames start at the partition's first row and never retract: their state covers rows the operator
 * no longer keeps.
 */
export interface OverWork {
  readonly partitions: number;
  readonly partitionStart: Int32Array;
  readonly historyLength: Int32Array;
  readonly outputStart: Int32Array;
  readonly frameStart: Int32Array;
  readonly frameEnd: Int32Array;
  /** Every row as internal values of the input schema (see src/aggregate/internal-values.ts). */
  readonly rows: readonly InternalRow[];
  /** Input column `index` over all rows as Arrow data (built on first request), for evaluators that ship columns. */
  column(index: number): arrow.Data;
}

/** What an evaluator returns for a firing. */
export interface OverEvaluation {
  /** One column per call of the evaluator (in its order), one value per emitted row, of the call's result type. */
  readonly results: readonly arrow.Data[];
  /**
   * Per partition, the evaluator's state after the partition's last frame: plain data (msgpack-able), kept in keyed
   * state and handed back with the partition's next firing. It must cover exactly the rows of that last frame (plus,
   * for unbounded frames, all earlier rows), which the operator keeps as the partition's history.
   */
  readonly states: readonly unknown[];
}

/** Computes some of an OVER node's aggregate calls. */
export interface OverEvaluator {
  /**
   * `states[p]` is what this evaluator returned for partition p last time (undefined for a partition seen for the
   * first time); it covers the partition's history rows. May be asynchronous (a UDF runner); the operator awaits it
   * before emitting, so watermarks never overtake results.
   */
  evaluate(work: OverWork, states: readonly unknown[]): OverEvaluation | Promise<OverEvaluation>;
  close?(): Promise<void>;
}

/** What a factory gets to build an evaluator. */
export interface OverEvaluatorSpec {
  readonly calls: readonly AggregateCall[];
  readonly inputSchema: readonly Column[];
  /** Whether frames are bounded, so rows leave them and aggregates must retract. */
  readonly retracting: boolean;
}

/** Builds evaluators for the calls it accepts; user-defined aggregate functions plug in here. */
export interface OverEvaluatorFactory {
  readonly name: string;
  accepts(call: AggregateCall): boolean;
  create(spec: OverEvaluatorSpec, ctx: OperatorContext): Promise<OverEvaluator>;
}

const factories: OverEvaluatorFactory[] = [];

/** Registers a factory; it is asked before the built-in accumulators (later registrations first). */
export function registerOverEvaluatorFactory(factory: OverEvaluatorFactory): void {
  const existing = factories.findIndex((f) => f.name === factory.name);
  if (existing >= 0) factories.splice(existing, 1);
  factories.unshift(factory);
}

/** The factories to try for a call, the built-in accumulators last. */
export function overEvaluatorFactories(): readonly OverEvaluatorFactory[] {
  return [...factories, builtinOverEvaluatorFactory];
}

/** Evaluates calls with the built-in accumulators (src/aggregate/accumulators), frame by frame. */
export const builtinOverEvaluatorFactory: OverEvaluatorFactory = {
  name: 'builtin',
  accepts: () => true,
  create: async (spec) => new AccumulatorOverEvaluator(spec),
};

/** Reads one call's argument from an internal row: its value, an array for several, `true` for COUNT(*). */
type RowArg = (row: InternalRow) => unknown;

/**
 * Slides each partition's frame with one accumulator per call: rows entering the frame are accumulated, rows leaving
 * it retracted (the retracting accumulator variants, e.g. MIN/MAX keep a multiset, as Flink's bounded OVER
 * functions do), and the value read once per emitted row. State per partition: the accumulators' saved forms.
 */
export class AccumulatorOverEvaluator implements OverEvaluator {
  private readonly accs: Accumulator[];
  private readonly args: RowArg[];
  private readonly filters: (number | null)[];

  constructor(private readonly spec: OverEvaluatorSpec) {
    this.accs = spec.calls.map((c) => accumulatorForCall(c, spec.inputSchema, spec.retracting));
    this.args = spec.calls.map((c): RowArg => {
      if (c.args.length === 0) return () => true;
      if (c.args.length === 1) { const i = c.args[0]; return (row) => row[i]; }
      return (row) => c.args.map((i) => row[i]);
    });
    this.filters = spec.calls.map((c) => c.filter);
  }

  evaluate(work: OverWork, states: readonly unknown[]): OverEvaluation {
    const n = this.accs.length;
    const outputs = work.outputStart[work.partitions];
    const values = Array.from({ length: n }, () => new Array<unknown>(outputs));
    const next = new Array<unknown>(work.partitions);
    for (let p = 0; p < work.partitions; p++) {
      this.load(states[p]);
      let start = work.partitionStart[p];
      let end = start + work.historyLength[p];
      for (let j = work.outputStart[p]; j < work.outputStart[p + 1]; j++) {
        for (; end < work.frameEnd[j]; end++) this.apply(work.rows[end], true);
        for (; start < work.frameStart[j]; start++) this.apply(work.rows[start], false);
        for (let a = 0; a < n; a++) values[a][j] = this.accs[a].getValue();
      }
      next[p] = this.accs.map((acc) => acc.save());
    }
    return { results: this.spec.calls.map((c, a) => columnFromInternal(c.type, values[a])), states: next };
  }

  private load(state: unknown): void {
    const saved = state as unknown[] | undefined;
    for (let a = 0; a < this.accs.length; a++) {
      if (saved === undefined) this.accs[a].reset();
      else this.accs[a].load(saved[a]);
    }
  }

  private apply(row: InternalRow, accumulate: boolean): void {
    for (let a = 0; a < this.accs.length; a++) {
      const filter = this.filters[a];
      if (filter !== null && row[filter] !== true) continue;
      if (accumulate) this.accs[a].accumulate(this.args[a](row));
      else this.accs[a].retract(this.args[a](row));
    }
  }
}
