import { ErrorCodes } from '../../errors/weir-error.ts';
import type { LogicalWindowTableFunction } from '../../plan/logical/logical-node.ts';
import { windowTvfSchema } from '../../plan/window-schema.ts';
import type { TimeDomain, WindowSpec } from '../../plan/window-spec.ts';
import { formatDataType } from '../../types/data-type.ts';
import type { SqlExpr, WindowTvfRef } from '../ast.ts';
import type { SourcePos } from '../tokens.ts';
import type { PlannerContext } from './context.ts';
import { fail } from './errors.ts';
import { applyAlias, planFrom } from './from-planner.ts';
import { resolveName, type RelPlan, type ScopeField } from './scope.ts';

/**
 * Plans `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset]))` and its HOP / CUMULATE / SESSION siblings: the
 * input (a table or a parenthesised query) gets window_start, window_end and window_time, as a window-tvf node.
 * GROUP BY window_start, window_end over it becomes a window aggregation (src/plan/window-aggregate-rewrite.ts);
 * window Top-N, deduplication and joins read the window columns of this node. Validation follows Flink: the
 * descriptor names a time attribute, sizes are positive day-time intervals, HOP's slide is at most its size and
 * CUMULATE's max size a multiple of its step.
 */
export function planWindowTvf(ctx: PlannerContext, item: WindowTvfRef): RelPlan {
  const input = planFrom(ctx, item.table);
  const { field, rest } = resolveName(ctx.sql, input, [item.timeCol.name], item.timeCol.pos);
  if (rest.length > 0) fail(ctx.sql, item.timeCol.pos, 'DESCRIPTOR needs a top-level column');
  const timeIndex = field.index;
  const column = input.node.schema.columns[timeIndex];
  if (column.type.kind !== 'TIMESTAMP' && column.type.kind !== 'TIMESTAMP_LTZ') {
    fail(ctx.sql, item.timeCol.pos, `The time column '${field.name}' of ${item.fn} must be a TIMESTAMP or TIMESTAMP_LTZ time attribute, but it is ${formatDataType(column.type)}`,
      ErrorCodes.TYPE_MISMATCH, `Declare a computed column, e.g. ts AS TO_TIMESTAMP_LTZ(epoch_millis, 3), with WATERMARK FOR ts AS ts - INTERVAL '5' SECOND.`);
  }
  if (!column.timeAttribute) {
    fail(ctx.sql, item.timeCol.pos, `The time column '${field.name}' of ${item.fn} is not a time attribute`, ErrorCodes.PLAN_INVALID,
      `Declare it the rowtime with WATERMARK FOR ${field.name} AS ${field.name} - INTERVAL '5' SECOND in CREATE TABLE, or use a processing-time column (pt AS PROCTIME()).`);
  }
  const timeDomain: TimeDomain = column.timeAttribute === 'rowtime' ? 'event' : 'processing';
  const window = windowSpec(ctx, item, timeIndex, input);
  const node: LogicalWindowTableFunction = { kind: 'window-tvf', schema: windowTvfSchema(input.node.schema, window, timeDomain), input: input.node, window, timeDomain };
  const n = input.node.schema.length;
  const fields: ScopeField[] = [
    ...input.fields,
    ...node.schema.names.slice(n).map((name, i) => ({ name, index: n + i })),
  ];
  return applyAlias(ctx, { node, fields }, item.alias);
}

function windowSpec(ctx: PlannerContext, item: WindowTvfRef, timeIndex: number, input: RelPlan): WindowSpec {
  const ms = (e: SqlExpr | undefined, what: string): number => intervalMs(ctx, item, e, what);
  const offsetMs = item.offset ? offsetOf(ctx, item.offset) : 0;
  switch (item.fn) {
    case 'TUMBLE':
      return { kind: 'tumble', timeIndex, sizeMs: ms(item.size, 'size'), offsetMs };
    case 'HOP': {
      const slideMs = ms(item.slide, 'slide');
      const sizeMs = ms(item.size, 'size');
      if (slideMs > sizeMs) {
        fail(ctx.sql, item.slide!.pos, `The slide of HOP (${slideMs} ms) must not be larger than its size (${sizeMs} ms)`, ErrorCodes.PLAN_INVALID,
          'HOP takes the slide first, then the size: HOP(TABLE t, DESCRIPTOR(ts), INTERVAL \'5\' MINUTES, INTERVAL \'10\' MINUTES).');
      }
      return { kind: 'hop', timeIndex, sizeMs, slideMs, offsetMs };
    }
    case 'CUMULATE': {
      const stepMs = ms(item.step, 'step');
      const maxSizeMs = ms(item.size, 'max size');
      if (maxSizeMs % stepMs !== 0) {
        fail(ctx.sql, item.size!.pos, `The max size of CUMULATE (${maxSizeMs} ms) must be a multiple of its step (${stepMs} ms)`, ErrorCodes.PLAN_INVALID,
          'CUMULATE takes the step first, then the max size: CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL \'1\' MINUTES, INTERVAL \'10\' MINUTES).');
      }
      return { kind: 'cumulate', timeIndex, maxSizeMs, stepMs, offsetMs };
    }
    case 'SESSION': {
      const partitionKeys = item.partitionBy.map((e) => {
        if (e.kind !== 'identifier') fail(ctx.sql, e.pos, 'SESSION can only be partitioned by columns');
        const { field, rest } = resolveName(ctx.sql, input, e.names, e.pos);
        if (rest.length > 0) fail(ctx.sql, e.pos, 'SESSION can only be partitioned by top-level columns');
        return field.index;
      });
      return { kind: 'session', timeIndex, gapMs: ms(item.gap, 'gap'), partitionKeys };
    }
  }
}

/** A positive day-time INTERVAL literal in milliseconds, or an error at it (or at the call when missing). */
function intervalMs(ctx: PlannerContext, item: WindowTvfRef, e: SqlExpr | undefined, what: string): number {
  if (e === undefined) return fail(ctx.sql, item.pos, `${item.fn} is missing its ${what}`);
  const value = dayTime(ctx, e, `The ${what} of ${item.fn}`);
  if (value <= 0) {
    fail(ctx.sql, e.pos, `The ${what} of ${item.fn} must be a positive interval, got ${value} ms`, ErrorCodes.PLAN_INVALID, `e.g. INTERVAL '10' MINUTES.`);
  }
  return value;
}

function offsetOf(ctx: PlannerContext, e: SqlExpr): number {
  return dayTime(ctx, e, 'The offset of a window');
}

function dayTime(ctx: PlannerContext, e: SqlExpr, what: string): number {
  if (e.kind !== 'interval') return notInterval(ctx, e.pos, what);
  if (e.family !== 'DAY_TIME') {
    fail(ctx.sql, e.pos, `${what} must be a day-time interval (DAY, HOUR, MINUTE or SECOND), not ${e.from}${e.to ? ` TO ${e.to}` : ''}`,
      ErrorCodes.PLAN_INVALID, 'Months and years vary in length; use e.g. INTERVAL \'30\' DAYS.');
  }
  return e.value;
}

function notInterval(ctx: PlannerContext, pos: SourcePos, what: string): never {
  return fail(ctx.sql, pos, `${what} must be an INTERVAL literal`, ErrorCodes.PLAN_INVALID, `e.g. INTERVAL '10' MINUTES.`);
}
