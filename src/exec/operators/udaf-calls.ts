/**
 * What aggregating operators (group, window and OVER aggregation) need to run user-defined aggregate calls:
 * the runners (one per language, opened with the operator), accumulators converted between Arrow and their state
 * form, request rows built from input columns, and per-UDAF metrics. Every call of {@link UdafCalls} serves all
 * groups of a batch or firing in one request.
 *
 * Typical use in an operator:
 * ```ts
 * this.udafs = await UdafCalls.open(node.aggregates, ctx);          // null when no call is a UDAF
 * const rows = udafRows(argColumns, selectedRows, groupIds, kinds);  // request rows, grouped by group id
 * const r = await this.udafs.accumulate(position, groups, rows, stateAccs, { previous: true });
 * // r.results / r.previous: one Arrow cell per group; r.accumulators: state form, one per group
 * ```
 */
import type * as arrow from 'apache-arrow';
import { WeirError } from '../../errors/weir-error.ts';
import { gather } from '../../expr/eval/gather.ts';
import type { MetricGroup } from '../../metrics/metric-group.ts';
import type { AggregateCall } from '../../plan/aggregate-call.ts';
import { AccumulatorStateCodec, accumulatorStateTag, type AccumulatorStateValue } from '../../udf/accumulator-state.ts';
import type { FunctionDefinition } from '../../udf/function-definition.ts';
import { UdafRunners, type UdafAccumulateOptions, type UdafCallStats, type UdafRows } from '../../udf/udaf-runner.ts';
import type { OperatorContext } from '../operator.ts';

/** Result of an accumulate/merge call, accumulators already in state form. */
export interface UdafStateUpdate {
  /** One cell per group, of the call's result type; null when not asked for. */
  readonly results: arrow.Data | null;
  readonly previous: arrow.Data | null;
  /** One accumulator per group, in state form. */
  readonly accumulators: AccumulatorStateValue[];
}

/** The UDAF calls of one operator instance. */
export class UdafCalls {
  private constructor(
    private readonly calls: readonly AggregateCall[],
    private readonly runners: UdafRunners,
    private readonly slotOf: ReadonlyMap<number, number>,
    private readonly codecs: ReadonlyMap<number, AccumulatorStateCodec>,
    private readonly metrics: ReadonlyMap<number, MetricGroup>,
    private readonly ctx: OperatorContext,
  ) {}

  /** Opens runners for the UDAF calls among `calls` (by position); null when none of them is a UDAF. */
  static async open(calls: readonly AggregateCall[], ctx: OperatorContext): Promise<UdafCalls | null> {
    const positions = udafPositions(calls);
    if (positions.length === 0) return null;
    const functions = positions.map((p) => calls[p].udf!);
    const runners = await UdafRunners.open(functions, {
      config: ctx.config, baseDir: ctx.baseDir, signal: ctx.signal, metrics: ctx.metrics,
      operatorName: ctx.operatorName, subtaskIndex: ctx.subtaskIndex, parallelism: ctx.parallelism,
    });
    const slotOf = new Map(positions.map((p, i) => [p, i]));
    const codecs = new Map<number, AccumulatorStateCodec>();
    for (const p of positions) {
      const acc = calls[p].udf!.aggregate?.accumulatorType;
      if (acc) codecs.set(p, new AccumulatorStateCodec(acc));
    }
    const udf = ctx.metrics.group('udf');
    const metrics = new Map(positions.map((p) => [p, udf.group(calls[p].udf!.name)]));
    return new UdafCalls(calls, runners, slotOf, codecs, metrics, ctx);
  }

  /** Positions (indexes into the operator's aggregate calls) of the UDAF calls. */
  get positions(): number[] { return [...this.slotOf.keys()]; }

  /**
   * Names the accumulator types of the calls, for the operator's state serializer id: state written under other
   * accumulator types is refused at restore.
   */
  get stateTag(): string {
    return accumulatorStateTag(this.positions.map((p) => ({ name: this.calls[p].udf!.name, accumulatorType: this.calls[p].udf!.aggregate?.accumulatorType ?? null })));
  }

  /** The function of call `position`. */
  functionOf(position: number): FunctionDefinition { return this.calls[position].udf!; }

  /** Whether call `position` keeps an accumulator (general UDAF) rather than needing complete groups (pandas). */
  isIncremental(position: number): boolean { return this.codecs.has(position); }

  /**
   * Applies `rows` to the groups' accumulators (state form; null entries or a null list = new groups) and returns
   * the updated ones with results as asked.
   */
  async accumulate(position: number, groups: number, rows: UdafRows, accumulators: readonly AccumulatorStateValue[] | null,
    options: UdafAccumulateOptions = {}): Promise<UdafStateUpdate> {
    const codec = this.codec(position);
    const { runner, fn } = this.runners.runnerOf(this.slotOf.get(position)!);
    const incoming = accumulators && accumulators.some((a) => a !== null) ? codec.column(accumulators) : null;
    const started = process.hrtime.bigint();
    const r = await this.located(runner.accumulate(fn, groups, rows, incoming, options));
    this.record(position, rows.rows, r, started);
    return { results: r.results, previous: r.previous, accumulators: codec.read(r.accumulators) };
  }

  /** Merges accumulators (state form) into the groups' accumulators (session windows, two-phase aggregation). */
  async merge(position: number, groups: number, sources: { readonly groupIds: Int32Array; readonly accumulators: readonly AccumulatorStateValue[] },
    accumulators: readonly AccumulatorStateValue[] | null, options: UdafAccumulateOptions = {}): Promise<UdafStateUpdate> {
    const codec = this.codec(position);
    const { runner, fn } = this.runners.runnerOf(this.slotOf.get(position)!);
    const incoming = accumulators && accumulators.some((a) => a !== null) ? codec.column(accumulators) : null;
    const started = process.hrtime.bigint();
    const r = await this.located(runner.merge(fn, groups, { groupIds: sources.groupIds, accumulators: codec.column(sources.accumulators) }, incoming, options));
    this.record(position, sources.groupIds.length, r, started);
    return { results: r.results, previous: r.previous, accumulators: codec.read(r.accumulators) };
  }

  /** One result per group over the groups' complete rows (pandas UDAFs; general UDAFs over a window's rows). */
  async complete(position: number, groups: number, rows: UdafRows): Promise<arrow.Data> {
    const { runner, fn } = this.runners.runnerOf(this.slotOf.get(position)!);
    const started = process.hrtime.bigint();
    const r = await this.located(runner.complete(fn, groups, rows));
    this.record(position, rows.rows, r, started);
    return r.results;
  }

  close(): Promise<void> { return this.runners.close(); }

  private codec(position: number): AccumulatorStateCodec {
    const codec = this.codecs.get(position);
    if (!codec) throw new Error(`aggregate call ${position} (${this.calls[position].fn}) keeps no accumulator; use complete()`);
    return codec;
  }

  /** Adds the operator and subtask to a failure, which only knew the function. */
  private async located<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (e) {
      if (e instanceof WeirError) Object.assign(e.location, { operator: this.ctx.operatorName, subtask: this.ctx.subtaskIndex });
      throw e;
    }
  }

  private record(position: number, rows: number, stats: UdafCallStats, started: bigint): void {
    const g = this.metrics.get(position)!;
    const t = stats.timings;
    g.counter('rowsIn').inc(rows);
    g.counter('batches').inc();
    g.counter('bytesSent').inc(stats.bytesSent);
    g.counter('bytesReceived').inc(stats.bytesReceived);
    g.counter('userTimeNs').inc(t.userNs);
    g.counter('serializationTimeNs').inc(t.deserNs + t.serNs);
    g.histogram('roundTripMs').record(Number(process.hrtime.bigint() - started) / 1e6);
    for (const m of stats.userMetrics) {
      let mg = g.group('user');
      for (const part of m.group) mg = mg.group(part);
      mg.setExternal(m.name, m.value as never);
    }
  }
}

/** Positions of the UDAF calls among an operator's aggregate calls. */
export function udafPositions(calls: readonly AggregateCall[]): number[] {
  return calls.flatMap((c, i) => (c.udf ? [i] : []));
}

/**
 * Request rows for one UDAF call: rows `selected` (indexes into `columns`, in request order: a group's rows in
 * arrival order) of the argument columns, each with its group id and row kind.
 */
export function udafRows(columns: readonly arrow.Data[], selected: Int32Array, groupIds: Int32Array, kinds: Uint8Array | null): UdafRows {
  return { rows: selected.length, groupIds, kinds, args: columns.map((c) => gather(c, selected)) };
}
