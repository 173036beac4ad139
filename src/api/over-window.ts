/**
 * OVER windows in the Table API, as Flink's / PyFlink's `Over`:
 *
 * ```ts
 * const w = Over.partitionBy(col('k')).orderBy(col('ts')).preceding(rowInterval(2)).as('w');
 * table.overWindow(w).select(col('k'), col('v'), col('v').sum().over(col('w')).as('s'));
 * ```
 *
 * `preceding` takes `rowInterval(n)` / `lit(n).rows()` or `UNBOUNDED_ROW` (a ROWS frame), a time interval such as
 * `lit(1).hours()` or `UNBOUNDED_RANGE` (a RANGE frame; the default); `following` only CURRENT_ROW / CURRENT_RANGE.
 */
import { isAggregateFunction, resolveAggregate } from '../aggregate/aggregate-functions.ts';
import { ErrorCodes, type ErrorCode } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import { col, Expr } from '../expr/api-expression.ts';
import type { BoundExpression, Expression } from '../expr/expression.ts';
import { formatExpression, resolveExpression } from '../expr/index.ts';
import { distinctAggregateOf } from '../expr/group-window-markers.ts';
import { windowBoundOf, type WindowBound } from '../expr/window-bounds.ts';
import type { AggregateCall } from '../plan/aggregate-call.ts';
import type { LogicalNode } from '../plan/logical/logical-node.ts';
import { overAggregateNode, type OverFrame } from '../plan/over-frame.ts';
import { projectedColumns } from '../plan/time-attributes.ts';
import { udafArgumentCasts, udafResultType } from '../plan/udaf-calls.ts';
import type { FunctionDefinition } from '../udf/function-definition.ts';
import { Schema } from '../types/schema.ts';
import type { Catalog } from './catalog.ts';

/** A field of a window definition: an expression or a column name. */
type Field = Expr | string;
const node = (f: Field): Expression => (typeof f === 'string' ? col(f).node : f.node);

/** A complete OVER window definition with its alias (the result of `Over….as('w')`). Plain, immutable. */
export class OverWindow {
  /** @internal */
  constructor(
    readonly alias: string,
    readonly partitionBy: readonly Expression[],
    readonly orderBy: Expression,
    readonly preceding: Expression,
    readonly following: Expression | null,
  ) {}
}

/** `Over.partitionBy(...)` / `Over.orderBy(...)`: the start of an OVER window definition. */
export const Over = {
  /** Partitions the window by these fields (rows of different partitions never share a frame). */
  partitionBy: (...fields: Field[]): OverWindowPartitioned => new OverWindowPartitioned(fields.map(node)),
  /** A window over the whole input (one partition, computed at parallelism 1), ordered by a time attribute. */
  orderBy: (field: Field): OverWindowOrdered => new OverWindowPartitioned([]).orderBy(field),
};

export class OverWindowPartitioned {
  /** @internal */
  constructor(private readonly partitionBy: readonly Expression[]) {}
  /** The time attribute (rowtime or proctime column) rows are ordered by. */
  orderBy(field: Field): OverWindowOrdered { return new OverWindowOrdered(this.partitionBy, node(field), null, null); }
}

export class OverWindowOrdered {
  /** @internal */
  constructor(
    private readonly partitionBy: readonly Expression[],
    private readonly orderBy: Expression,
    private readonly precedingBound: Expression | null,
    private readonly followingBound: Expression | null,
  ) {}

  /** The frame's start: `rowInterval(n)`, `UNBOUNDED_ROW`, a time interval (`lit(1).hours()`) or `UNBOUNDED_RANGE`. */
  preceding(bound: Expr): OverWindowOrdered { return new OverWindowOrdered(this.partitionBy, this.orderBy, bound.node, this.followingBound); }
  /** The frame's end: only `CURRENT_ROW` / `CURRENT_RANGE` are supported in streaming mode. */
  following(bound: Expr): OverWindowOrdered { return new OverWindowOrdered(this.partitionBy, this.orderBy, this.precedingBound, bound.node); }
  /** Names the window, for `.over(col(alias))`. */
  as(alias: string): OverWindow {
    return new OverWindow(alias, this.partitionBy, this.orderBy, this.precedingBound ?? { kind: 'call', name: '$UNBOUNDED_RANGE', args: [] }, this.followingBound);
  }
  /** Alias of {@link as} (PyFlink's `alias`). */
  alias(alias: string): OverWindow { return this.as(alias); }
}

/** The frame of a window definition, with Flink's Table API checks. */
export function frameOf(w: OverWindow): OverFrame {
  const bound = (e: Expression, what: string): WindowBound => {
    const b = windowBoundOf(e);
    if (!b) throw planError(`${what} must be a row interval or time interval literal, got '${formatExpression(e)}'`, 'e.g. rowInterval(2), lit(1).hours(), UNBOUNDED_ROW or UNBOUNDED_RANGE.');
    return b;
  };
  const p = bound(w.preceding, 'Preceding');
  const rows = p.kind === 'rows' || p.kind === 'unbounded-row' || p.kind === 'current-row';
  if (w.following !== null) {
    const f = bound(w.following, 'Following');
    if (f.kind !== 'current-row' && f.kind !== 'current-range') {
      throw planError(`An OVER window must end at the current row in streaming mode, got following '${formatExpression(w.following)}'`, 'Leave following() out or pass CURRENT_ROW / CURRENT_RANGE.', ErrorCodes.NOT_SUPPORTED);
    }
    if ((f.kind === 'current-row') !== rows) throw planError('Preceding and following must be of same interval type', 'ROWS windows end at CURRENT_ROW, RANGE windows at CURRENT_RANGE.');
  }
  switch (p.kind) {
    case 'unbounded-row': return { unit: 'rows', preceding: null };
    case 'current-row': return { unit: 'rows', preceding: 0 };
    case 'unbounded-range': return { unit: 'range', precedingMs: null };
    case 'current-range': return { unit: 'range', precedingMs: 0 };
    case 'rows':
      if (!Number.isSafeInteger(p.count) || p.count < 0) throw planError(`A row interval must be a non-negative integer, got ${p.count}`);
      return { unit: 'rows', preceding: p.count };
    case 'time':
      if (!(p.ms >= 0)) throw planError(`A time interval bound cannot be negative, got ${p.ms} ms`);
      return { unit: 'range', precedingMs: p.ms };
  }
}

/**
 * The plan of `table.overWindow(w).select(...)`: the fields are expressions over the table's columns in which
 * `agg.over(col(alias))` calls are OVER aggregates over `w`. Computed arguments and PARTITION BY expressions are
 * projected below the over node; the select is a projection over its output.
 */
export function overWindowSelectPlan(input: LogicalNode, catalog: Catalog, windows: readonly OverWindow[], fields: readonly Expression[]): LogicalNode {
  if (windows.length !== 1) throw planError(`overWindow() takes exactly one window, got ${windows.length}`, 'Flink computes all OVER aggregates of a select on one window.', ErrorCodes.NOT_SUPPORTED);
  const w = windows[0];
  const lookup = (name: string) => catalog.lookupFunction(name);
  const bind = (e: Expression, schema: Schema): BoundExpression => resolveExpression(e, schema, lookup);
  const exprs: BoundExpression[] = input.schema.columns.map((c, index) => ({ kind: 'input', index, type: c.type }));
  const names = [...input.schema.names];
  const column = (e: Expression): number => {
    if (e.kind === 'column' && input.schema.indexOf(e.name) >= 0) return input.schema.indexOf(e.name);
    const key = formatExpression(e);
    const known = names.indexOf(`$f:${key}`);
    if (known >= 0) return known;
    exprs.push(bind(e, input.schema));
    names.push(`$f:${key}`);
    return exprs.length - 1;
  };
  const partitionKeys = w.partitionBy.map(column);
  if (w.orderBy.kind !== 'column' || input.schema.indexOf(w.orderBy.name) < 0 || !input.schema.column(w.orderBy.name).timeAttribute) {
    throw planError(`Ordering must be defined on a time attribute, got '${formatExpression(w.orderBy)}'`, timeAttributeHint(input.schema));
  }
  const orderKey = input.schema.indexOf(w.orderBy.name);
  const frame = frameOf(w);

  const calls = new Map<string, { fn: string; args: number[]; distinct: boolean; udf?: FunctionDefinition }>();
  const overCalls: Expression[] = [];
  collectOverCalls(fields, overCalls);
  if (overCalls.length === 0) throw planError('overWindow(...).select(...) has no OVER aggregate', `Aggregate over the window, e.g. col('v').sum().over(col('${w.alias}')).`);
  for (const call of overCalls) {
    const [agg, ref] = (call as { args: readonly Expression[] }).args;
    if (ref.kind !== 'column' || ref.name !== w.alias) throw planError(`over(${formatExpression(ref)}) does not name the window '${w.alias}'`, `Use .over(col('${w.alias}')).`);
    const inner = distinctAggregateOf(agg) ?? agg;
    const udf = inner.kind === 'call' ? userAggregate(catalog, inner.name) : undefined;
    if (inner.kind !== 'call' || (!isAggregateFunction(inner.name) && !udf)) {
      throw planError(`Only an aggregate function can be computed over a window, got '${formatExpression(agg)}'`, 'e.g. col(\'v\').sum().over(col(\'w\')).');
    }
    const key = formatExpression(agg);
    if (calls.has(key)) continue;
    // col('*').count() is COUNT(*); a UDAF's arguments are cast to its declared input types (one more column each).
    const star = inner.args.length === 1 && inner.args[0].kind === 'column' && inner.args[0].name === '*';
    let args = star ? [] : inner.args.map(column);
    if (udf) {
      const casts = udafArgumentCasts(udf, args.map((i) => exprs[i].type), inner !== agg);
      args = args.map((c, i) => (casts[i] === null ? c : column({ kind: 'cast', expr: inner.args[i], type: casts[i]! })));
    }
    calls.set(key, { fn: inner.name, args, distinct: inner !== agg, ...(udf ? { udf } : {}) });
  }

  const pre = exprs.length === input.schema.length ? input : projectNode(input, exprs, uniqueLike(names));
  const aggregates: AggregateCall[] = [...calls.values()].map((c, j) => {
    const name = uniqueLike([...pre.schema.names, ...[...calls.keys()].map((_, k) => `w0$o${k}`)])[pre.schema.length + j];
    if (c.udf) return { fn: c.udf.name, args: c.args, distinct: false, filter: null, type: udafResultType(c.udf), name, udf: c.udf };
    const { fn, type } = resolveAggregate(c.fn, c.args.map((i) => pre.schema.columns[i].type), c.distinct);
    return { fn, args: c.args, distinct: c.distinct, filter: null, type, name };
  });
  const over = overAggregateNode(pre, partitionKeys, orderKey, frame, aggregates);
  const keys = [...calls.keys()];
  const replaced = fields.map((f) => replaceOverCalls(f, (agg) => ({ kind: 'column', name: aggregates[keys.indexOf(formatExpression(agg))].name })));
  const bound = replaced.map((e) => bind(e.kind === 'alias' ? e.expr : e, over.schema));
  let unnamed = 0;
  const outNames = fields.map((f) => (f.kind === 'alias' ? f.names[0] : f.kind === 'column' ? f.name : `_c${unnamed++}`));
  return projectNode(over, bound, outNames);
}

function collectOverCalls(fields: readonly Expression[], out: Expression[]): void {
  for (const f of fields) {
    if (f.kind === 'call' && f.name === 'OVER') { out.push(f); continue; }
    if (f.kind === 'call' && (isAggregateFunction(f.name) || distinctAggregateOf(f))) {
      throw planError(`Aggregate '${formatExpression(f)}' needs an OVER window here`, `Write ${formatExpression(f)} as an OVER aggregate: ….over(col('w')).`);
    }
    if (f.kind === 'call') collectOverCalls(f.args, out);
    else if (f.kind === 'cast' || f.kind === 'alias') collectOverCalls([f.expr], out);
  }
}

function replaceOverCalls(e: Expression, to: (agg: Expression) => Expression): Expression {
  switch (e.kind) {
    case 'call': return e.name === 'OVER' ? to(e.args[0]) : { ...e, args: e.args.map((a) => replaceOverCalls(a, to)) };
    case 'cast': return { ...e, expr: replaceOverCalls(e.expr, to) };
    case 'alias': return { ...e, expr: replaceOverCalls(e.expr, to) };
    default: return e;
  }
}

function userAggregate(catalog: Catalog, name: string): FunctionDefinition | undefined {
  const fn = catalog.lookupFunction(name);
  return fn?.kind === 'aggregate' ? fn : undefined;
}

function projectNode(input: LogicalNode, exprs: readonly BoundExpression[], names: readonly string[]): LogicalNode {
  return { kind: 'project', schema: new Schema(projectedColumns(input.schema, exprs, names)), input, projections: exprs };
}

/** Unique names, `$f:<expr>` helper names becoming `$f<i>`. */
function uniqueLike(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((n, i) => {
    let name = n.startsWith('$f:') ? `$f${i}` : n;
    for (let k = 0; used.has(name); k++) name = `${n}${k}`;
    used.add(name);
    return name;
  });
}

function timeAttributeHint(schema: Schema): string {
  const attributes = schema.columns.filter((c) => c.timeAttribute).map((c) => c.name);
  return attributes.length ? `Time attributes of the table: ${attributes.join(', ')}.` : 'Declare a rowtime column with a WATERMARK, or a PROCTIME() column.';
}

function planError(message: string, hint?: string, code: ErrorCode = ErrorCodes.PLAN_INVALID): PlanError {
  return new PlanError(message, { hint }, code);
}
