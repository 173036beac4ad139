import { PlanError } from '../../errors/errors.ts';
import { ErrorCodes, WeirError, type ErrorCode, type ErrorLocation } from '../../errors/weir-error.ts';
import { excerpt } from '../errors.ts';
import type { SourcePos } from '../tokens.ts';

/**
 * A SQL statement cannot be planned: unknown table or column, wrong types, unsupported construct. Like
 * {@link SqlParseError} the message names the line and column, quotes the SQL line with a caret under the offending
 * node, and `location` carries line and column for tools. `reason` is the bare message.
 */
export class SqlPlanError extends PlanError {
  override readonly location: ErrorLocation;
  readonly reason: string;

  constructor(reason: string, sql: string, pos: SourcePos, options: { code?: ErrorCode; hint?: string; cause?: unknown } = {}) {
    super(`${reason} (line ${pos.line}, column ${pos.column})\n${excerpt(sql, pos)}`, { hint: options.hint, cause: options.cause }, options.code ?? ErrorCodes.PLAN_INVALID);
    // Set after super(): passing it as an option would append the location a second time, after the excerpt.
    this.location = { line: pos.line, column: pos.column, offset: pos.offset };
    this.reason = reason;
  }
}

/** Raises a {@link SqlPlanError} at `pos` of `sql`. */
export function fail(sql: string, pos: SourcePos, reason: string, code: ErrorCode = ErrorCodes.PLAN_INVALID, hint?: string): never {
  throw new SqlPlanError(reason, sql, pos, { code, hint });
}

/** NOT_SUPPORTED at `pos`, for constructs that parse but Weir does not plan yet. */
export function unsupported(sql: string, pos: SourcePos, what: string, hint?: string): never {
  throw new SqlPlanError(`${what} is not supported yet`, sql, pos, { code: ErrorCodes.NOT_SUPPORTED, hint });
}

/**
 * Re-raises a WeirError that has no SQL position (e.g. from resolveExpression or a connector factory) as a
 * {@link SqlPlanError} at `pos`, keeping code, hint and cause. Errors that already point into the SQL pass through.
 */
export function positioned(sql: string, pos: SourcePos, error: unknown): unknown {
  if (!(error instanceof WeirError) || error instanceof SqlPlanError || error.location.line !== undefined) return error;
  const hintSuffix = error.hint ? `\nHint: ${error.hint}` : '';
  const reason = hintSuffix && error.message.endsWith(hintSuffix) ? error.message.slice(0, -hintSuffix.length) : error.message;
  return new SqlPlanError(reason, sql, pos, { code: error.code, hint: error.hint, cause: error });
}

/** Runs `fn`, attaching `pos` to any position-less WeirError it throws. */
export function at<T>(sql: string, pos: SourcePos, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw positioned(sql, pos, e);
  }
}
