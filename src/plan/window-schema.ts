/**
 * Output schemas of window table functions and window aggregation, shared by SQL, the Table API and tests so every
 * producer of these nodes agrees on them (as Flink: window_start and window_end are TIMESTAMP(3) NOT NULL;
 * window_time is TIMESTAMP(3), or TIMESTAMP_LTZ(3) over a TIMESTAMP_LTZ time attribute, and is itself the time
 * attribute of the output; the input's time column becomes a plain timestamp).
 */
import { notNull, type DataType } from '../types/data-type.ts';
import { Schema, type Column } from '../types/schema.ts';
import type { AggregateCall } from './aggregate-call.ts';
import { WINDOW_END, WINDOW_START, WINDOW_TIME, type TimeDomain, type WindowSpec } from './window-spec.ts';

/** window_start, window_end and window_time for windows over `timeColumn`. */
export function windowColumns(timeColumn: Column, timeDomain: TimeDomain): Column[] {
  const ts: DataType = notNull({ kind: 'TIMESTAMP', nullable: false, precision: 3 });
  const timeType: DataType = notNull({ kind: timeColumn.type.kind === 'TIMESTAMP_LTZ' ? 'TIMESTAMP_LTZ' : 'TIMESTAMP', nullable: false, precision: 3 });
  return [
    { name: WINDOW_START, type: ts },
    { name: WINDOW_END, type: ts },
    { name: WINDOW_TIME, type: timeType, timeAttribute: timeDomain === 'event' ? 'rowtime' : 'proctime' },
  ];
}

/** A column without its time-attribute mark (a time column after windowing, or after a computation). */
export function plainColumn(c: Column): Column {
  return c.timeAttribute === undefined ? c : { name: c.name, type: c.type };
}

/** Input columns (time attributes cleared), then window_start, window_end, window_time. */
export function windowTvfSchema(input: Schema, window: WindowSpec, timeDomain: TimeDomain): Schema {
  return new Schema([...input.columns.map(plainColumn), ...windowColumns(input.columns[window.timeIndex], timeDomain)]);
}

/**
 * Group key columns, window_start, window_end, window_time, then one column per aggregate (named by the call).
 * Column names must be unique: callers name aggregates so they do not clash with keys or window columns.
 */
export function windowAggregateSchema(input: Schema, groupKeys: readonly number[], window: WindowSpec, timeDomain: TimeDomain, aggregates: readonly AggregateCall[]): Schema {
  return new Schema([
    ...groupKeys.map((k) => plainColumn(input.columns[k])),
    ...windowColumns(input.columns[window.timeIndex], timeDomain),
    ...aggregates.map((a) => ({ name: a.name, type: a.type })),
  ]);
}
