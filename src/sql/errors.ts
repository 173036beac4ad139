import { ErrorCodes, WeirError } from '../errors/weir-error.ts';
import type { SourcePos } from './tokens.ts';

/** Where a SQL syntax error is: 1-based line and column, 0-based offset into the SQL text. */
export interface SqlErrorLocation {
  line: number;
  column: number;
  offset: number;
}

/**
 * A SQL text cannot be parsed. The message says what was expected and what was found, quotes the offending line
 * with a caret under the column, and ends with a hint for common mistakes. Code PLAN_INVALID: a statement that
 * does not parse cannot be planned.
 */
export class SqlParseError extends WeirError {
  override readonly location: SqlErrorLocation;
  /** The bare message, without the excerpt and hint (for tools that render their own). */
  readonly reason: string;

  constructor(reason: string, sql: string, pos: SourcePos, hint?: string) {
    super(ErrorCodes.PLAN_INVALID, `${reason} (line ${pos.line}, column ${pos.column})\n${excerpt(sql, pos)}`, { hint });
    // Set after super(): WeirError would otherwise append the location a second time after the excerpt.
    this.location = { line: pos.line, column: pos.column, offset: pos.offset };
    this.reason = reason;
  }
}

/** The source line holding `pos`, prefixed by its number, and a caret under the column. */
export function excerpt(sql: string, pos: SourcePos): string {
  const start = sql.lastIndexOf('\n', pos.offset - 1) + 1;
  let end = sql.indexOf('\n', start);
  if (end < 0) end = sql.length;
  const text = sql.slice(start, end).replace(/\r$/, '').replace(/\t/g, ' ');
  const gutter = `${pos.line} | `;
  return `${gutter}${text}\n${' '.repeat(gutter.length - 2)}| ${' '.repeat(Math.max(0, pos.column - 1))}^`;
}

/** The position of `offset` in `sql`, counting lines from 1. */
export function positionAt(sql: string, offset: number): SourcePos {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < sql.length; i++) {
    if (sql.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  }
  return { line, column: offset - lineStart + 1, offset };
}
