/**
 * Group windows of the Table API, as Flink's / PyFlink's `Tumble`, `Slide` and `Session`:
 *
 * ```ts
 * table
 *   .window(Tumble.over(lit(10).minutes()).on(col('ts')).as('w'))
 *   .groupBy(col('w'), col('k'))
 *   .select(col('k'), col('w').start(), col('w').end(), col('w').rowtime(), col('v').sum().as('total'));
 * ```
 *
 * Sizes are time intervals (`lit(10).minutes()`, `lit(500).millis()`); `on` names a time attribute (a rowtime
 * column, whose windows fire on the watermark, or a PROCTIME() column, whose windows fire on the wall clock).
 * Windows are planned as window aggregation, the same operator as SQL's window TVFs (SESSION windows are per group
 * key, as Flink's group windows). Row-count windows (`lit(10).rows()`) are not supported.
 */
import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import { col, type Expr } from '../expr/api-expression.ts';
import type { Expression } from '../expr/expression.ts';
import { formatExpression } from '../expr/index.ts';
import { windowBoundOf } from '../expr/window-bounds.ts';

/** A time field of a window definition: an expression (a column) or a column name. */
type Field = Expr | string;
const node = (f: Field): Expression => (typeof f === 'string' ? col(f).node : f.node);

/** What a group window is, before it is bound to a table. */
export type GroupWindowKind =
  | { readonly kind: 'tumble'; readonly sizeMs: number }
  | { readonly kind: 'slide'; readonly sizeMs: number; readonly slideMs: number }
  | { readonly kind: 'session'; readonly gapMs: number };

/** A complete group window definition with its alias (the result of `Tumble….as('w')`). Plain, immutable. */
export class GroupWindow {
  /** @internal */
  constructor(readonly alias: string, readonly window: GroupWindowKind, readonly timeField: Expression) {}
}

/** A window definition that still needs `.as(alias)`. */
export class GroupWindowOn {
  /** @internal */
  constructor(private readonly window: GroupWindowKind, private readonly timeField: Expression) {}
  /** Names the window, for `groupBy(col(alias))` and `col(alias).start()`. */
  as(alias: string): GroupWindow { return new GroupWindow(alias, this.window, this.timeField); }
  /** Alias of {@link as} (PyFlink's `alias`). */
  alias(alias: string): GroupWindow { return this.as(alias); }
}

/** A window definition that still needs `.on(timeField)`. */
export class GroupWindowSized {
  /** @internal */
  constructor(private readonly window: GroupWindowKind) {}
  /** The time attribute rows are assigned to windows by. */
  on(timeField: Field): GroupWindowOn { return new GroupWindowOn(this.window, node(timeField)); }
}

/** Tumbling windows: fixed-size, non-overlapping. `Tumble.over(lit(10).minutes()).on(col('ts')).as('w')`. */
export const Tumble = {
  over: (size: Expr): GroupWindowSized => new GroupWindowSized({ kind: 'tumble', sizeMs: intervalMs(size, 'Tumble.over') }),
};

/**
 * Sliding (hopping) windows: `Slide.over(lit(10).minutes()).every(lit(5).minutes()).on(col('ts')).as('w')`; a row
 * belongs to every window that contains it.
 */
export const Slide = {
  over: (size: Expr): { every(slide: Expr): GroupWindowSized } => {
    const sizeMs = intervalMs(size, 'Slide.over');
    return {
      every: (slide: Expr): GroupWindowSized => {
        const slideMs = intervalMs(slide, 'Slide.every');
        if (slideMs > sizeMs) {
          throw new PlanError(`Slide.every (${slideMs} ms) must not be larger than Slide.over (${sizeMs} ms)`, {
            hint: 'A sliding window slides by at most its size: Slide.over(lit(10).minutes()).every(lit(5).minutes()).',
          }, ErrorCodes.PLAN_INVALID);
        }
        return new GroupWindowSized({ kind: 'slide', sizeMs, slideMs });
      },
    };
  },
};

/** Session windows: rows of a group key less than `gap` apart. `Session.withGap(lit(10).minutes()).on(col('ts')).as('w')`. */
export const Session = {
  withGap: (gap: Expr): GroupWindowSized => new GroupWindowSized({ kind: 'session', gapMs: intervalMs(gap, 'Session.withGap') }),
};

/** A positive time interval literal in milliseconds, or a PlanError naming the method. */
function intervalMs(e: Expr, where: string): number {
  const bound = windowBoundOf(e.node);
  if (bound?.kind === 'rows') {
    throw new PlanError(`${where}: row-count windows (${formatExpression(e.node)}) are not supported`, {
      hint: 'Use a time interval, e.g. lit(10).minutes().',
    }, ErrorCodes.NOT_SUPPORTED);
  }
  if (bound?.kind !== 'time') {
    throw new PlanError(`${where} needs a time interval literal, got '${formatExpression(e.node)}'`, {
      hint: 'e.g. lit(10).minutes(), lit(30).seconds() or lit(500).millis().',
    }, ErrorCodes.PLAN_INVALID);
  }
  if (!(bound.ms > 0) || !Number.isInteger(bound.ms)) {
    throw new PlanError(`${where} needs a positive whole number of milliseconds, got ${bound.ms} ms`, {}, ErrorCodes.PLAN_INVALID);
  }
  return bound.ms;
}
