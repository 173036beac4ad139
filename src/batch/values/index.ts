/** JavaScript values ↔ Arrow columns (docs/values.md), and Flink's text forms of values and rows. */
export { columnFromValues, showValue } from './build.ts';
export { batchFromColumns, batchFromRows } from './batch.ts';
export { isValidAt, rowsFromBatch, timestampNanosAt, valueAt } from './read.ts';
export { formatAt, formatRow, formatRowAt, formatValue, type TextStyle } from './format.ts';
export { formatUnscaled, readDecimal128, toUnscaled, writeDecimal128 } from './decimal.ts';
export { formatDate, formatTime, formatTimestampSql, parseDate, parseTime, parseTimestamp } from './temporal.ts';
