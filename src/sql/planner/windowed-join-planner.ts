import { ErrorCodes } from '../../errors/weir-error.ts';
import type { BoundExpression } from '../../expr/expression.ts';
import { describeWindowColumns } from '../../plan/describe-windowed.ts';
import type { LogicalJoin, LogicalNode } from '../../plan/logical/logical-node.ts';
import { producesUpdates } from '../../plan/changelog-mode.ts';
import { sameWindows, windowColumnsOf, windowPropertyOf } from '../../plan/window-properties.ts';
import type { TimeDomain } from '../../plan/window-spec.ts';
import { Schema, type Column } from '../../types/schema.ts';
import type { JoinRef, SqlExpr } from '../ast.ts';
import type { SourcePos } from '../tokens.ts';
import { bindExpr, scopeHooks, type PlannerContext } from './context.ts';
import { fail, unsupported } from './errors.ts';
import type { RelPlan } from './scope.ts';

/** What planJoin found in the ON clause: the equi-keys (with where they are written) and the other conjuncts. */
export interface JoinParts {
  readonly join: LogicalJoin;
  /** The join's scope (for binding conjuncts one at a time). */
  readonly rel: RelPlan;
  /** Position of the `l.x = r.y` of each key in `join.leftKeys` / `join.rightKeys`. */
  readonly keyPos: readonly SourcePos[];
  /** The non-equi conjuncts of ON (and of the WHERE conjuncts an inner join took over). */
  readonly rest: readonly SqlExpr[];
}

/**
 * Turns a planned regular join into a window join or an interval join when its condition says so, as Flink does:
 * - `L.window_start = R.window_start AND L.window_end = R.window_end` over two relations windowed by the same window
 *   table function → window join (the window equalities are dropped from the keys: the operator joins per window);
 * - a lower and an upper bound between time attributes of the two sides (`a.ts BETWEEN b.ts - INTERVAL '4' HOUR AND
 *   b.ts`, or two of <, <=, >, >=) → interval join.
 * Returns undefined for a regular join (including a single time bound, which Flink also runs as a regular join).
 */
export function planTimedJoin(ctx: PlannerContext, j: JoinRef, parts: JoinParts): LogicalNode | undefined {
  return windowJoin(ctx, j, parts) ?? intervalJoin(ctx, j, parts);
}

function windowJoin(ctx: PlannerContext, j: JoinRef, parts: JoinParts): LogicalNode | undefined {
  const { join, keyPos } = parts;
  const role = (side: LogicalNode, i: number) => windowPropertyOf(side, i)?.role;
  const pairs = join.leftKeys.map((l, k) => ({ k, l, r: join.rightKeys[k], role: role(join.left, l), same: role(join.left, l) === role(join.right, join.rightKeys[k]) }));
  const start = pairs.find((p) => p.same && p.role === 'start');
  const end = pairs.find((p) => p.same && p.role === 'end');
  if (!start && !end) return undefined;
  const where = (start ?? end)!;
  if (!start || !end) {
    fail(ctx.sql, keyPos[where.k], `A window join needs both L.window_start = R.window_start and L.window_end = R.window_end; only the window ${start ? 'starts' : 'ends'} are equated`,
      ErrorCodes.PLAN_INVALID, `Add AND L.${start ? 'window_end = R.window_end' : 'window_start = R.window_start'} to the ON clause.`);
  }
  const leftWindow = windowColumnsOf(join.left, start.l, end.l);
  const rightWindow = windowColumnsOf(join.right, start.r, end.r);
  if (!leftWindow || !rightWindow) {
    fail(ctx.sql, keyPos[where.k], 'A window join must equate the window_start and window_end of the same window table function on each side', ErrorCodes.PLAN_INVALID);
  }
  const names = (n: LogicalNode) => n.schema.names;
  if (!sameWindows(leftWindow.window, rightWindow.window) || leftWindow.timeDomain !== rightWindow.timeDomain) {
    fail(ctx.sql, j.pos, `A window join needs the same windows on both sides, but the left side has ${describeWindowColumns(leftWindow, names(join.left))} and the right side ${describeWindowColumns(rightWindow, names(join.right))}`,
      ErrorCodes.PLAN_INVALID, 'Apply the same window table function (kind, size, slide/step, offset) to both inputs.');
  }
  if (leftWindow.window.kind === 'session' && [windowPropertyOf(join.left, start.l), windowPropertyOf(join.right, start.r)].some((p) => p?.origin.kind === 'window-tvf')) {
    unsupported(ctx.sql, j.pos, 'A window join directly over a SESSION window table function', 'Aggregate the sessions on each side first (GROUP BY window_start, window_end, ...) and join the aggregated rows.');
  }
  if (leftWindow.timeDomain === 'processing') {
    unsupported(ctx.sql, j.pos, 'A window join on processing-time windows', 'Window the inputs on an event-time attribute (a column with a WATERMARK).');
  }
  checkAppendOnly(ctx, j, join, 'window join');
  const keep = pairs.filter((p) => p !== start && p !== end);
  return {
    kind: 'window-join', schema: joinSchema(join), left: join.left, right: join.right, joinType: join.joinType,
    leftWindow, rightWindow, leftKeys: keep.map((p) => p.l), rightKeys: keep.map((p) => p.r), condition: join.condition,
  };
}

/** A time attribute of one side plus a constant: `b.ts - INTERVAL '4' HOUR` is (right, ts, -14400000). */
interface TimeTerm {
  readonly side: 0 | 1;
  readonly index: number;
  readonly offset: number;
  readonly domain: TimeDomain;
  /** Reached through a CAST (e.g. TIMESTAMP to TIMESTAMP_LTZ): fine for telling the kinds apart, not as a bound. */
  readonly cast: boolean;
}

/** A bound on `left.time - right.time` found in one conjunct. */
interface Bound {
  readonly lower?: number;
  readonly upper?: number;
  readonly left: TimeTerm;
  readonly right: TimeTerm;
  readonly pos: SourcePos;
}

function intervalJoin(ctx: PlannerContext, j: JoinRef, parts: JoinParts): LogicalNode | undefined {
  const { join, rel, rest } = parts;
  const bounds: Bound[] = [];
  for (const c of rest) {
    const bound = bindExpr(ctx, rel, c, scopeHooks(ctx, rel, 'ON'));
    for (const b of timeBounds(bound, join)) bounds.push({ ...b, pos: c.pos });
  }
  if (bounds.length === 0) return undefined;
  const [first] = bounds;
  for (const b of bounds) {
    if (b.left.domain !== b.right.domain) {
      fail(ctx.sql, b.pos, `An interval join compares the ${b.left.domain === 'event' ? 'event-time' : 'processing-time'} attribute ${join.left.schema.names[b.left.index]} with the ${b.right.domain === 'event' ? 'event-time' : 'processing-time'} attribute ${join.right.schema.names[b.right.index]}`,
        ErrorCodes.PLAN_INVALID, 'Both time attributes of an interval join must be of the same kind: both rowtime (WATERMARK) or both PROCTIME().');
    }
    if (b.left.index !== first.left.index || b.right.index !== first.right.index) {
      fail(ctx.sql, b.pos, `The bounds of an interval join must compare the same two time attributes (${join.left.schema.names[first.left.index]} and ${join.right.schema.names[first.right.index]})`,
        ErrorCodes.PLAN_INVALID, 'Bound one pair of time attributes from below and above, e.g. l.ts BETWEEN r.ts - INTERVAL \'1\' HOUR AND r.ts.');
    }
  }
  const exact = bounds.filter((b) => !b.left.cast && !b.right.cast);
  const lowers = exact.flatMap((b) => (b.lower === undefined ? [] : [b.lower]));
  const uppers = exact.flatMap((b) => (b.upper === undefined ? [] : [b.upper]));
  // One-sided: the join's state could never be cleaned up; Flink plans it as a regular join, and so does Weir.
  if (lowers.length === 0 || uppers.length === 0) return undefined;
  checkAppendOnly(ctx, j, join, 'interval join');
  return {
    kind: 'interval-join', schema: joinSchema(join), left: join.left, right: join.right, joinType: join.joinType,
    timeDomain: first.left.domain, leftTimeIndex: first.left.index, rightTimeIndex: first.right.index,
    lowerBoundMs: Math.max(...lowers), upperBoundMs: Math.min(...uppers),
    leftKeys: join.leftKeys, rightKeys: join.rightKeys, condition: join.condition,
  };
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** The bounds on `left.time - right.time` that a bound conjunct states (none when it is not a time comparison). */
function timeBounds(e: BoundExpression, join: LogicalJoin): Omit<Bound, 'pos'>[] {
  if (e.kind !== 'call') return [];
  const name = e.name.toUpperCase();
  if (name === 'AND') return e.args.flatMap((a) => timeBounds(a, join));
  if (name === 'BETWEEN' && e.args.length === 3) {
    const [x, lo, hi] = e.args;
    return [...compare(x, '>=', lo, join), ...compare(x, '<=', hi, join)];
  }
  if (name in FLIP && e.args.length === 2) return compare(e.args[0], name, e.args[1], join);
  return [];
}

/** `a op b` as a bound on `left.time - right.time`, when a and b are time terms of different sides. */
function compare(a: BoundExpression, op: string, b: BoundExpression, join: LogicalJoin): Omit<Bound, 'pos'>[] {
  const x = timeTerm(a, join);
  const y = timeTerm(b, join);
  if (!x || !y || x.side === y.side) return [];
  // x.t + x.off op y.t + y.off  ⇔  left.t - right.t op' c
  const [left, right, o, c] = x.side === 0 ? [x, y, op, y.offset - x.offset] : [y, x, FLIP[op], x.offset - y.offset];
  switch (o) {
    case '>=': return [{ lower: c, left, right }];
    case '>': return [{ lower: c + 1, left, right }];
    case '<=': return [{ upper: c, left, right }];
    default: return [{ upper: c - 1, left, right }];
  }
}

/** A time attribute column of one side, plus or minus constant milliseconds (TIMESTAMPADD(MILLISECOND, n, ts)). */
function timeTerm(e: BoundExpression, join: LogicalJoin): TimeTerm | undefined {
  const nL = join.left.schema.length;
  if (e.kind === 'input') {
    const side = e.index < nL ? 0 : 1;
    const index = side === 0 ? e.index : e.index - nL;
    const attribute = (side === 0 ? join.left : join.right).schema.columns[index].timeAttribute;
    return attribute ? { side, index, offset: 0, domain: attribute === 'rowtime' ? 'event' : 'processing', cast: false } : undefined;
  }
  if (e.kind === 'cast' && (e.type.kind === 'TIMESTAMP' || e.type.kind === 'TIMESTAMP_LTZ')) {
    const t = timeTerm(e.arg, join);
    return t ? { ...t, cast: true } : undefined;
  }
  if (e.kind === 'call' && e.name.toUpperCase() === 'TIMESTAMPADD' && e.args.length === 3) {
    const [unit, n, inner] = e.args;
    if (unit.kind !== 'literal' || String(unit.value).toUpperCase() !== 'MILLISECOND' || n.kind !== 'literal' || n.value === null) return undefined;
    const t = timeTerm(inner, join);
    return t ? { ...t, offset: t.offset + Number(n.value) } : undefined;
  }
  return undefined;
}

function checkAppendOnly(ctx: PlannerContext, j: JoinRef, join: LogicalJoin, what: string): void {
  const side = producesUpdates(join.left) ? 'left' : producesUpdates(join.right) ? 'right' : null;
  if (side) {
    unsupported(ctx.sql, j.pos, `A ${what} whose ${side} input is an updating table`,
      `A ${what} needs append-only inputs; aggregate after the join, or use a window aggregation (which is append-only) below it.`);
  }
}

/**
 * The join's output columns, keeping the time attributes of a side that is never NULL-padded: a window join emits a
 * window's rows when it fires (their window_time is not behind the watermark), and an interval join holds the
 * watermark back by its interval, so downstream event-time operators can use them.
 */
function joinSchema(join: LogicalJoin): Schema {
  const keepLeft = join.joinType === 'inner' || join.joinType === 'left';
  const keepRight = join.joinType === 'inner' || join.joinType === 'right';
  const nL = join.left.schema.length;
  const source = [...join.left.schema.columns, ...join.right.schema.columns];
  return new Schema(join.schema.columns.map((c, i): Column => {
    const attribute = source[i].timeAttribute;
    return attribute && (i < nL ? keepLeft : keepRight) ? { ...c, timeAttribute: attribute } : c;
  }));
}

