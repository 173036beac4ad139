import { ErrorCodes } from '../../errors/weir-error.ts';
import type { OverFrame } from '../../plan/over-frame.ts';
import { DEFAULT_OVER_FRAME } from '../../plan/over-frame.ts';
import type { FrameBound, NamedWindow, OrderItem, SqlExpr, WindowSpec } from '../ast.ts';
import type { SourcePos } from '../tokens.ts';
import type { PlannerContext } from './context.ts';
import { fail, unsupported } from './errors.ts';

/** An OVER window with WINDOW-clause references resolved: `OVER w` and `OVER (w ORDER BY …)` become plain specs. */
export interface ResolvedWindow {
  readonly partitionBy: readonly SqlExpr[];
  readonly orderBy: readonly OrderItem[];
  readonly frame?: WindowSpec['frame'];
  /** Where the window is written (the OVER clause, or the named window it refers to), for errors. */
  readonly pos: SourcePos;
}

/**
 * Resolves `spec` against the SELECT's WINDOW clause, as SQL defines it: a reference copies the named window, which
 * may itself refer to an earlier one; the referring spec may add ORDER BY and a frame the base lacks, never PARTITION
 * BY.
 */
export function resolveWindow(ctx: PlannerContext, spec: WindowSpec, named: readonly NamedWindow[], seen: readonly string[] = []): ResolvedWindow {
  if (spec.ref === undefined) return { partitionBy: spec.partitionBy, orderBy: spec.orderBy, frame: spec.frame, pos: spec.pos };
  const ref = spec.ref;
  if (seen.includes(ref)) fail(ctx.sql, spec.pos, `Window '${ref}' refers to itself (${[...seen, ref].join(' -> ')})`);
  const base = named.find((w) => w.name.name === ref);
  if (!base) {
    const known = named.map((w) => w.name.name);
    fail(ctx.sql, spec.pos, `Window '${ref}' is not defined`, ErrorCodes.PLAN_INVALID,
      known.length ? `Windows defined in this SELECT: ${known.join(', ')}.` : `Define it after the FROM/WHERE clauses: WINDOW ${ref} AS (PARTITION BY … ORDER BY …).`);
  }
  const resolved = resolveWindow(ctx, base.spec, named, [...seen, ref]);
  if (spec.partitionBy.length > 0) fail(ctx.sql, spec.pos, `A window that refers to '${ref}' cannot add PARTITION BY`, ErrorCodes.PLAN_INVALID, `Put PARTITION BY into the definition of '${ref}'.`);
  if (spec.orderBy.length > 0 && resolved.orderBy.length > 0) fail(ctx.sql, spec.pos, `Window '${ref}' already has ORDER BY`);
  if (spec.frame && resolved.frame) fail(ctx.sql, spec.pos, `Window '${ref}' already has a frame (ROWS/RANGE)`);
  return {
    partitionBy: resolved.partitionBy,
    orderBy: spec.orderBy.length > 0 ? spec.orderBy : resolved.orderBy,
    frame: spec.frame ?? resolved.frame,
    pos: spec.pos,
  };
}

/** Checks the WINDOW clause: unique names. */
export function checkNamedWindows(ctx: PlannerContext, named: readonly NamedWindow[]): void {
  const names = new Set<string>();
  for (const w of named) {
    if (names.has(w.name.name)) fail(ctx.sql, w.pos, `Window '${w.name.name}' is defined twice`);
    names.add(w.name.name);
  }
}

/** The single ascending ORDER BY item streaming OVER windows need (Flink's rules and messages). */
export function orderItem(ctx: PlannerContext, w: ResolvedWindow): OrderItem {
  if (w.orderBy.length === 0) {
    fail(ctx.sql, w.pos, "OVER windows' ordering in stream mode must be defined on a time attribute, but this window has no ORDER BY",
      ErrorCodes.PLAN_INVALID, 'Add ORDER BY on the rowtime (WATERMARK FOR …) or PROCTIME() column, e.g. OVER (PARTITION BY k ORDER BY ts).');
  }
  if (w.orderBy.length > 1) fail(ctx.sql, w.orderBy[1].pos, 'The window can only be ordered by a single time column');
  if (w.orderBy[0].descending) fail(ctx.sql, w.orderBy[0].pos, 'The window can only be ordered in ASCENDING mode', ErrorCodes.PLAN_INVALID, 'Remove DESC.');
  return w.orderBy[0];
}

/** The frame of a window over a time attribute: from a bound PRECEDING to CURRENT ROW. */
export function overFrame(ctx: PlannerContext, w: ResolvedWindow): OverFrame {
  const frame = w.frame;
  if (!frame) return DEFAULT_OVER_FRAME;
  if (frame.end.kind !== 'CURRENT ROW') {
    unsupported(ctx.sql, w.pos, `An OVER window ending at ${boundText(frame.end)}`,
      'Streaming OVER aggregation emits each row\'s result when the row is complete, so a frame must end at CURRENT ROW, e.g. ROWS BETWEEN 5 PRECEDING AND CURRENT ROW.');
  }
  const start = frame.start;
  if (start.kind === 'FOLLOWING' || start.kind === 'UNBOUNDED FOLLOWING') {
    fail(ctx.sql, w.pos, `A window frame cannot start at ${boundText(start)} and end at CURRENT ROW`);
  }
  if (frame.unit === 'ROWS') {
    if (start.kind === 'PRECEDING') return { unit: 'rows', preceding: rowCount(ctx, start.offset) };
    return { unit: 'rows', preceding: start.kind === 'CURRENT ROW' ? 0 : null };
  }
  if (start.kind === 'PRECEDING') return { unit: 'range', precedingMs: rangeMs(ctx, start.offset) };
  return { unit: 'range', precedingMs: start.kind === 'CURRENT ROW' ? 0 : null };
}

function rowCount(ctx: PlannerContext, e: SqlExpr): number {
  if (e.kind === 'literal' && (typeof e.value === 'number' || typeof e.value === 'bigint') && Number.isSafeInteger(Number(e.value)) && Number(e.value) >= 0) {
    return Number(e.value);
  }
  return fail(ctx.sql, e.pos, 'ROWS n PRECEDING needs a non-negative integer literal', ErrorCodes.PLAN_INVALID,
    "For a time span use RANGE, e.g. RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW.");
}

function rangeMs(ctx: PlannerContext, e: SqlExpr): number {
  if (e.kind !== 'interval') {
    return fail(ctx.sql, e.pos, 'RANGE … PRECEDING over a time attribute needs an INTERVAL', ErrorCodes.PLAN_INVALID,
      "e.g. RANGE BETWEEN INTERVAL '10' MINUTE PRECEDING AND CURRENT ROW; for a row count use ROWS.");
  }
  if (e.family === 'YEAR_MONTH') {
    return unsupported(ctx.sql, e.pos, 'A YEAR/MONTH interval as a RANGE bound', 'Months have no fixed length; use a DAY, HOUR, MINUTE or SECOND interval.');
  }
  if (e.value < 0) fail(ctx.sql, e.pos, 'A RANGE bound cannot be negative');
  return e.value;
}

function boundText(b: FrameBound): string {
  return b.kind === 'PRECEDING' || b.kind === 'FOLLOWING' ? `n ${b.kind}` : b.kind;
}
