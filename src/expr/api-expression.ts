import type { DataType } from '../types/data-type.ts';
import { parseDataType } from '../types/parse-data-type.ts';
import type { Expression } from './expression.ts';
import { formatExpression } from './format.ts';
import { boundConstant, rowCountInterval, timeInterval } from './window-bounds.ts';
import { distinctAggregate, windowProperty } from './group-window-markers.ts';

/** An Expr, or a plain JS value that becomes a literal. */
export type ExprLike = Expr | unknown;

const toNode = (x: ExprLike): Expression => (x instanceof Expr ? x.node : { kind: 'literal', value: x ?? null });
const toType = (t: DataType | string): DataType => (typeof t === 'string' ? parseDataType(t) : t);

/**
 * Fluent Table API expressions, named as Flink's (camelCase): `col('price').times(2).plus(1).as('p')`.
 * Immutable: every method returns a new Expr around a new {@link Expression} node.
 */
export class Expr {
  constructor(readonly node: Expression) {}

  private call(name: string, ...args: ExprLike[]): Expr {
    return new Expr({ kind: 'call', name, args: [this.node, ...args.map(toNode)] });
  }

  // arithmetic
  plus(x: ExprLike): Expr { return this.call('+', x); }
  minus(x: ExprLike): Expr { return this.call('-', x); }
  times(x: ExprLike): Expr { return this.call('*', x); }
  dividedBy(x: ExprLike): Expr { return this.call('/', x); }
  mod(x: ExprLike): Expr { return this.call('%', x); }
  negate(): Expr { return this.call('NEGATE'); }
  // comparison
  isEqual(x: ExprLike): Expr { return this.call('=', x); }
  isNotEqual(x: ExprLike): Expr { return this.call('<>', x); }
  isLess(x: ExprLike): Expr { return this.call('<', x); }
  isLessOrEqual(x: ExprLike): Expr { return this.call('<=', x); }
  isGreater(x: ExprLike): Expr { return this.call('>', x); }
  isGreaterOrEqual(x: ExprLike): Expr { return this.call('>=', x); }
  isDistinctFrom(x: ExprLike): Expr { return this.call('IS DISTINCT FROM', x); }
  isNotDistinctFrom(x: ExprLike): Expr { return this.call('IS NOT DISTINCT FROM', x); }
  between(lo: ExprLike, hi: ExprLike): Expr { return this.call('BETWEEN', lo, hi); }
  notBetween(lo: ExprLike, hi: ExprLike): Expr { return this.call('NOT BETWEEN', lo, hi); }
  in(...values: ExprLike[]): Expr { return this.call('IN', ...values); }
  notIn(...values: ExprLike[]): Expr { return this.call('NOT IN', ...values); }
  // logic
  and(...xs: ExprLike[]): Expr { return this.call('AND', ...xs); }
  or(...xs: ExprLike[]): Expr { return this.call('OR', ...xs); }
  not(): Expr { return this.call('NOT'); }
  isNull(): Expr { return this.call('IS NULL'); }
  isNotNull(): Expr { return this.call('IS NOT NULL'); }
  isTrue(): Expr { return this.call('IS TRUE'); }
  isFalse(): Expr { return this.call('IS FALSE'); }
  isNotTrue(): Expr { return this.call('IS NOT TRUE'); }
  isNotFalse(): Expr { return this.call('IS NOT FALSE'); }
  ifNull(x: ExprLike): Expr { return this.call('COALESCE', x); }
  nullIf(x: ExprLike): Expr { return this.call('NULLIF', x); }
  // strings
  like(pattern: ExprLike, escape?: string): Expr { return escape === undefined ? this.call('LIKE', pattern) : this.call('LIKE', pattern, escape); }
  notLike(pattern: ExprLike): Expr { return this.call('NOT LIKE', pattern); }
  similar(pattern: ExprLike): Expr { return this.call('SIMILAR TO', pattern); }
  upperCase(): Expr { return this.call('UPPER'); }
  lowerCase(): Expr { return this.call('LOWER'); }
  trim(): Expr { return this.call('TRIM'); }
  trimLeading(): Expr { return this.call('LTRIM'); }
  trimTrailing(): Expr { return this.call('RTRIM'); }
  charLength(): Expr { return this.call('CHAR_LENGTH'); }
  substring(start: ExprLike, length?: ExprLike): Expr { return length === undefined ? this.call('SUBSTRING', start) : this.call('SUBSTRING', start, length); }
  replace(search: ExprLike, replacement: ExprLike): Expr { return this.call('REPLACE', search, replacement); }
  concat(...xs: ExprLike[]): Expr { return this.call('CONCAT', ...xs); }
  position(haystack: ExprLike): Expr { return this.call('POSITION', haystack); }
  lpad(len: ExprLike, pad: ExprLike): Expr { return this.call('LPAD', len, pad); }
  rpad(len: ExprLike, pad: ExprLike): Expr { return this.call('RPAD', len, pad); }
  initCap(): Expr { return this.call('INITCAP'); }
  reverse(): Expr { return this.call('REVERSE'); }
  repeat(n: ExprLike): Expr { return this.call('REPEAT', n); }
  splitIndex(sep: ExprLike, index: ExprLike): Expr { return this.call('SPLIT_INDEX', sep, index); }
  regexp(pattern: ExprLike): Expr { return this.call('REGEXP', pattern); }
  regexpReplace(pattern: ExprLike, replacement: ExprLike): Expr { return this.call('REGEXP_REPLACE', pattern, replacement); }
  regexpExtract(pattern: ExprLike, group?: ExprLike): Expr { return group === undefined ? this.call('REGEXP_EXTRACT', pattern) : this.call('REGEXP_EXTRACT', pattern, group); }
  toBase64(): Expr { return this.call('TO_BASE64'); }
  fromBase64(): Expr { return this.call('FROM_BASE64'); }
  md5(): Expr { return this.call('MD5'); }
  // math
  abs(): Expr { return this.call('ABS'); }
  ceil(): Expr { return this.call('CEIL'); }
  floor(): Expr { return this.call('FLOOR'); }
  round(digits: ExprLike = 0): Expr { return this.call('ROUND', digits); }
  truncate(digits: ExprLike = 0): Expr { return this.call('TRUNCATE', digits); }
  sqrt(): Expr { return this.call('SQRT'); }
  power(x: ExprLike): Expr { return this.call('POWER', x); }
  exp(): Expr { return this.call('EXP'); }
  ln(): Expr { return this.call('LN'); }
  log10(): Expr { return this.call('LOG10'); }
  log2(): Expr { return this.call('LOG2'); }
  sign(): Expr { return this.call('SIGN'); }
  sin(): Expr { return this.call('SIN'); }
  cos(): Expr { return this.call('COS'); }
  tan(): Expr { return this.call('TAN'); }
  degrees(): Expr { return this.call('DEGREES'); }
  radians(): Expr { return this.call('RADIANS'); }
  // types
  cast(type: DataType | string): Expr { return new Expr({ kind: 'cast', expr: this.node, type: toType(type) }); }
  tryCast(type: DataType | string): Expr { return new Expr({ kind: 'cast', expr: this.node, type: toType(type), tryCast: true }); }
  as(name: string, ...more: string[]): Expr { return new Expr({ kind: 'alias', expr: this.node, names: [name, ...more] }); }
  // temporal
  extract(unit: string): Expr { return new Expr({ kind: 'call', name: 'EXTRACT', args: [toNode(unit.toUpperCase()), this.node] }); }
  year(): Expr { return this.call('YEAR'); }
  quarter(): Expr { return this.call('QUARTER'); }
  month(): Expr { return this.call('MONTH'); }
  week(): Expr { return this.call('WEEK'); }
  dayOfYear(): Expr { return this.call('DAYOFYEAR'); }
  dayOfMonth(): Expr { return this.call('DAYOFMONTH'); }
  dayOfWeek(): Expr { return this.call('DAYOFWEEK'); }
  hour(): Expr { return this.call('HOUR'); }
  minute(): Expr { return this.call('MINUTE'); }
  second(): Expr { return this.call('SECOND'); }
  floorTo(unit: string): Expr { return new Expr({ kind: 'call', name: 'FLOOR_TIME', args: [toNode(unit.toUpperCase()), this.node] }); }
  ceilTo(unit: string): Expr { return new Expr({ kind: 'call', name: 'CEIL_TIME', args: [toNode(unit.toUpperCase()), this.node] }); }
  dateFormat(format: ExprLike): Expr { return this.call('DATE_FORMAT', format); }
  // collections
  get(fieldOrIndex: string | number | Expr): Expr {
    return typeof fieldOrIndex === 'string' ? this.call('FIELD', fieldOrIndex) : this.call('ITEM', fieldOrIndex);
  }
  at(index: ExprLike): Expr { return this.call('ITEM', index); }
  cardinality(): Expr { return this.call('CARDINALITY'); }

  // aggregates, for the Table API's aggregations: `col('v').sum()`, and OVER aggregates `col('v').sum().over(col('w'))`
  sum(): Expr { return this.call('SUM'); }
  sum0(): Expr { return this.call('SUM0'); }
  count(): Expr { return this.call('COUNT'); }
  avg(): Expr { return this.call('AVG'); }
  min(): Expr { return this.call('MIN'); }
  max(): Expr { return this.call('MAX'); }
  firstValue(): Expr { return this.call('FIRST_VALUE'); }
  lastValue(): Expr { return this.call('LAST_VALUE'); }
  /** This aggregate over the window aliased `window` (a `table.overWindow(Over….as('w'))`), Flink's `over($("w"))`. */
  over(window: Expr | string): Expr {
    return new Expr({ kind: 'call', name: 'OVER', args: [this.node, typeof window === 'string' ? { kind: 'column', name: window } : window.node] });
  }
  /** This aggregate over distinct argument values (Flink's `$("v").count().distinct()`). */
  distinct(): Expr { return new Expr(distinctAggregate(this.node)); }
  // properties of a group window named by this column (Flink's `$("w").start()`; see group-window-markers.ts)
  /** The start of the window aliased by this column (`window_start`). */
  start(): Expr { return new Expr(windowProperty(this.node, 'start')); }
  /** The end of the window (`window_end`, exclusive). */
  end(): Expr { return new Expr(windowProperty(this.node, 'end')); }
  /** The window's event time (`window_time` = end - 1 ms), a rowtime attribute for later windows. */
  rowtime(): Expr { return new Expr(windowProperty(this.node, 'rowtime')); }
  /** The window's processing time (`window_time` of a processing-time window), a processing-time attribute. */
  proctime(): Expr { return new Expr(windowProperty(this.node, 'proctime')); }
  // intervals for window definitions (Flink's `lit(10).minutes()`; see window-bounds.ts)
  millis(): Expr { return new Expr(timeInterval(this.node, 1)); }
  seconds(): Expr { return new Expr(timeInterval(this.node, 1000)); }
  minutes(): Expr { return new Expr(timeInterval(this.node, 60_000)); }
  hours(): Expr { return new Expr(timeInterval(this.node, 3_600_000)); }
  days(): Expr { return new Expr(timeInterval(this.node, 86_400_000)); }
  /** A row-count interval, as {@link rowInterval}. */
  rows(): Expr { return new Expr(rowCountInterval(this.node)); }

  toString(): string { return formatExpression(this.node); }
}

/** A column reference. */
export const col = (name: string): Expr => new Expr({ kind: 'column', name });
/** Alias of {@link col}, as Flink's `$("name")`. */
export const $ = col;
/** A literal; the type is inferred from the JS value unless given (DataType or type string). */
export const lit = (value: unknown, type?: DataType | string): Expr =>
  new Expr(type === undefined ? { kind: 'literal', value: value ?? null } : { kind: 'literal', value: value ?? null, type: toType(type) });
/** A typed NULL. */
export const nullOf = (type: DataType | string): Expr => lit(null, type);
/** A call of a built-in or catalog function by name. */
export const call = (name: string, ...args: ExprLike[]): Expr => new Expr({ kind: 'call', name, args: args.map(toNode) });
export const ifThenElse = (cond: ExprLike, a: ExprLike, b: ExprLike): Expr => call('IF', cond, a, b);
export const and = (...xs: ExprLike[]): Expr => call('AND', ...xs);
export const or = (...xs: ExprLike[]): Expr => call('OR', ...xs);
export const not = (x: ExprLike): Expr => call('NOT', x);
export const concat = (...xs: ExprLike[]): Expr => call('CONCAT', ...xs);
export const concatWs = (sep: ExprLike, ...xs: ExprLike[]): Expr => call('CONCAT_WS', sep, ...xs);
export const coalesce = (...xs: ExprLike[]): Expr => call('COALESCE', ...xs);
export const greatest = (...xs: ExprLike[]): Expr => call('GREATEST', ...xs);
export const least = (...xs: ExprLike[]): Expr => call('LEAST', ...xs);
export const currentTimestamp = (): Expr => call('CURRENT_TIMESTAMP');
export const currentDate = (): Expr => call('CURRENT_DATE');
export const localTimestamp = (): Expr => call('LOCALTIMESTAMP');
export const row = (...xs: ExprLike[]): Expr => call('ROW', ...xs);
export const array = (...xs: ExprLike[]): Expr => call('ARRAY', ...xs);
export const map = (...kvs: ExprLike[]): Expr => call('MAP', ...kvs);
/** CASE WHEN c1 THEN v1 … ELSE e END from [c1, v1, c2, v2, …, e?]. */
export const caseWhen = (...args: ExprLike[]): Expr => call('CASE', ...args);
/** A row-count interval for OVER windows (`Over….preceding(rowInterval(10))`). */
export const rowInterval = (count: number): Expr => new Expr(rowCountInterval({ kind: 'literal', value: count }));
/** OVER window bounds, as Flink's Expressions constants. */
export const UNBOUNDED_RANGE = new Expr(boundConstant('UNBOUNDED_RANGE'));
export const UNBOUNDED_ROW = new Expr(boundConstant('UNBOUNDED_ROW'));
export const CURRENT_RANGE = new Expr(boundConstant('CURRENT_RANGE'));
export const CURRENT_ROW = new Expr(boundConstant('CURRENT_ROW'));
