/**
 * Typed errors. Every error Weir raises is a {@link WeirError} with a stable `code` that tests and users can match
 * on, a message that says what happened, where and what to do, and an optional `cause`.
 */

/** Stable error codes. Documented in docs/errors.md; never renamed once released. */
export const ErrorCodes = {
  // planning and validation
  PLAN_INVALID: 'PLAN_INVALID',
  SCHEMA_MISMATCH: 'SCHEMA_MISMATCH',
  COLUMN_NOT_FOUND: 'COLUMN_NOT_FOUND',
  TYPE_UNKNOWN: 'TYPE_UNKNOWN',
  TYPE_MISMATCH: 'TYPE_MISMATCH',
  FUNCTION_NOT_FOUND: 'FUNCTION_NOT_FOUND',
  FUNCTION_SIGNATURE: 'FUNCTION_SIGNATURE',
  CONFIG_INVALID: 'CONFIG_INVALID',
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  // execution
  EXECUTION_FAILED: 'EXECUTION_FAILED',
  CAST_FAILED: 'CAST_FAILED',
  ARITHMETIC_ERROR: 'ARITHMETIC_ERROR',
  JOB_CANCELLED: 'JOB_CANCELLED',
  TASK_FAILED: 'TASK_FAILED',
  // connectors
  CONNECTOR_NOT_FOUND: 'CONNECTOR_NOT_FOUND',
  CONNECTOR_OPTION: 'CONNECTOR_OPTION',
  CONNECTOR_IO: 'CONNECTOR_IO',
  BAD_RECORD: 'BAD_RECORD',
  // UDFs
  UDF_ERROR: 'UDF_ERROR',
  UDF_RESULT_LENGTH: 'UDF_RESULT_LENGTH',
  UDF_RESULT_TYPE: 'UDF_RESULT_TYPE',
  UDF_MODULE_NOT_FOUND: 'UDF_MODULE_NOT_FOUND',
  UDF_FUNCTION_NOT_FOUND: 'UDF_FUNCTION_NOT_FOUND',
  UDF_NOT_A_FUNCTION: 'UDF_NOT_A_FUNCTION',
  UDF_OPEN_FAILED: 'UDF_OPEN_FAILED',
  UDF_WORKER_CRASHED: 'UDF_WORKER_CRASHED',
  UDF_WORKER_START_FAILED: 'UDF_WORKER_START_FAILED',
  UDF_WORKER_TIMEOUT: 'UDF_WORKER_TIMEOUT',
  UDF_PROTOCOL: 'UDF_PROTOCOL',
  // checkpoints
  CHECKPOINT_FAILED: 'CHECKPOINT_FAILED',
  RESTORE_FAILED: 'RESTORE_FAILED',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Where in a job an error happened; every field optional, filled in as the error travels up. */
export interface ErrorLocation {
  operator?: string;
  subtask?: number;
  udf?: string;
  file?: string;
  line?: number;
  column?: number;
  row?: number;
  offset?: number;
}

export interface WeirErrorOptions {
  cause?: unknown;
  location?: ErrorLocation;
  /** What the user can do about it; appended to the message. */
  hint?: string;
}

/** Base class of every error Weir raises. */
export class WeirError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options: WeirErrorOptions = {}) {
    super(formatMessage(message, options), { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.location = options.location ?? {};
    this.hint = options.hint;
  }

  /** Structured form, for logs, metrics and crossing thread boundaries. */
  toJSON(): SerializedWeirError {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      location: this.location,
      hint: this.hint,
      stack: this.stack,
      details: this.details(),
    };
  }

  /** Subclass-specific data worth keeping when the error crosses a thread boundary. */
  protected details(): Record<string, unknown> {
    return {};
  }
}

export interface SerializedWeirError {
  name: string;
  code: ErrorCode;
  message: string;
  location: ErrorLocation;
  hint?: string;
  stack?: string;
  details: Record<string, unknown>;
}

function formatMessage(message: string, options: WeirErrorOptions): string {
  const where = describeLocation(options.location);
  let text = where ? `${message} (${where})` : message;
  if (options.hint) text += `\nHint: ${options.hint}`;
  return text;
}

export function describeLocation(loc: ErrorLocation | undefined): string {
  if (!loc) return '';
  const parts: string[] = [];
  if (loc.operator) parts.push(`operator ${loc.operator}${loc.subtask !== undefined ? `[${loc.subtask}]` : ''}`);
  if (loc.udf) parts.push(`UDF ${loc.udf}`);
  if (loc.file) parts.push(`file ${loc.file}${loc.line !== undefined ? `:${loc.line}` : ''}${loc.column !== undefined ? `:${loc.column}` : ''}`);
  else if (loc.line !== undefined) parts.push(`line ${loc.line}${loc.column !== undefined ? `, column ${loc.column}` : ''}`);
  if (loc.row !== undefined) parts.push(`row ${loc.row}`);
  if (loc.offset !== undefined) parts.push(`offset ${loc.offset}`);
  return parts.join(', ');
}
