import { ConnectorError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import type { ConnectorOptions } from './connector.ts';
import { editDistance } from '../util/edit-distance.ts';

/** Options every table has besides the connector's own (Flink's `connector` key). */
const ALWAYS_ALLOWED = new Set(['connector']);

/** A CONNECTOR_OPTION error naming the connector and the option, with what to do about it. */
export function optionError(connector: string, key: string, message: string, hint?: string): ConnectorError {
  return new ConnectorError(`Connector '${connector}': option '${key}' ${message}`, { hint }, ErrorCodes.CONNECTOR_OPTION);
}

/**
 * Fails with CONNECTOR_OPTION when `options` has keys the connector does not support, listing them and the supported
 * keys, as Flink's FactoryUtil validation does. A close match ("did you mean") is suggested.
 */
export function checkUnknownOptions(connector: string, options: ConnectorOptions, supported: Iterable<string>): void {
  const known = new Set([...ALWAYS_ALLOWED, ...supported]);
  const unknown = Object.keys(options).filter((k) => !known.has(k));
  if (unknown.length === 0) return;
  const suggestions = unknown
    .map((k) => [k, closest(k, known)] as const)
    .filter(([, near]) => near !== undefined)
    .map(([k, near]) => `'${k}' → '${near}'`);
  throw new ConnectorError(
    `Unsupported options found for connector '${connector}': ${unknown.sort().join(', ')}.\n` +
      `Supported options: ${[...known].sort().join(', ')}`,
    { hint: suggestions.length ? `Did you mean ${suggestions.join(', ')}?` : 'Remove the unsupported options or fix their spelling.' },
    ErrorCodes.CONNECTOR_OPTION,
  );
}

function closest(key: string, known: Set<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 4)) + 1;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) { best = k; bestDistance = d; }
  }
  return best;
}


const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|milli|millis|milliseconds?|s|sec|secs|seconds?|min|mins|minutes?|h|hours?|d|days?)?\s*$/i;
const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(b|bytes?|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i;

/**
 * Typed reads of one connector's options. Every failure is a ConnectorError with code CONNECTOR_OPTION naming the
 * connector, the key, the bad value and what is allowed.
 */
export class OptionReader {
  constructor(readonly connector: string, readonly options: ConnectorOptions) {}

  has(key: string): boolean { return this.options[key] !== undefined; }

  string(key: string): string | undefined;
  string(key: string, defaultValue: string): string;
  string(key: string, defaultValue?: string): string | undefined {
    return this.options[key] ?? defaultValue;
  }

  requiredString(key: string, hint?: string): string {
    const v = this.options[key];
    if (v === undefined || v.trim() === '') throw optionError(this.connector, key, 'is required but missing', hint);
    return v;
  }

  /** An integer (plain or exponent notation such as 1e12) within [min, max]. */
  int(key: string, defaultValue: number, min?: number, max?: number): number;
  int(key: string, defaultValue?: undefined, min?: number, max?: number): number | undefined;
  int(key: string, defaultValue?: number, min = -Number.MAX_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const raw = this.options[key];
    if (raw === undefined) return defaultValue;
    const n = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw this.bad(key, raw, `an integer${rangeText(min, max)}`);
    }
    return n;
  }

  /** A finite number within [min, max]. */
  number(key: string, defaultValue?: number, min = -Infinity, max = Infinity): number | undefined {
    const raw = this.options[key];
    if (raw === undefined) return defaultValue;
    const n = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) throw this.bad(key, raw, `a number${rangeText(min, max)}`);
    return n;
  }

  bool(key: string, defaultValue: boolean): boolean {
    const raw = this.options[key];
    if (raw === undefined) return defaultValue;
    const v = raw.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw this.bad(key, raw, "'true' or 'false'");
  }

  /** A duration in milliseconds, written as Flink does: `500 ms`, `10 s`, `2 min`, `1 h`, or a number of ms. */
  duration(key: string, defaultValue?: number): number | undefined {
    const raw = this.options[key];
    if (raw === undefined) return defaultValue;
    const m = DURATION.exec(raw);
    if (!m) throw this.bad(key, raw, "a duration such as '500 ms', '10 s', '2 min' or '1 h'");
    const unit = (m[2] ?? 'ms').toLowerCase();
    const factor = unit.startsWith('ms') || unit.startsWith('milli') ? 1
      : unit.startsWith('s') ? 1000 : unit.startsWith('min') ? 60_000 : unit.startsWith('h') ? 3_600_000 : 86_400_000;
    return Number(m[1]) * factor;
  }

  /** A memory size in bytes: `128 mb`, `1 gb`, `4096`. */
  memorySize(key: string, defaultValue?: number): number | undefined {
    const raw = this.options[key];
    if (raw === undefined) return defaultValue;
    const m = SIZE.exec(raw);
    if (!m) throw this.bad(key, raw, "a size such as '128 mb', '1 gb' or a number of bytes");
    const unit = (m[2] ?? 'b').toLowerCase()[0];
    const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
    return Math.floor(Number(m[1]) * factor);
  }

  /** One of `allowed` (case-insensitive; returned as spelled in `allowed`). */
  enumOf<T extends string>(key: string, allowed: readonly T[], defaultValue: T): T;
  enumOf<T extends string>(key: string, allowed: readonly T[], defaultValue?: T): T | undefined;
  enumOf<T extends string>(key: string, allowed: readonly T[], defaultValue?: T): T | undefined {
    const raw = this.options[key];
    if (raw === undefined) return defaultValue;
    const match = allowed.find((a) => a.toLowerCase() === raw.trim().toLowerCase());
    if (match === undefined) throw this.bad(key, raw, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
    return match;
  }

  /** A single character (delimiters, quotes); `\t` is accepted for a tab as in Flink. */
  char(key: string, defaultValue: string): string {
    const raw = this.options[key];
    if (raw === undefined) return defaultValue;
    const v = raw === '\\t' ? '\t' : raw;
    if (v.length !== 1) throw this.bad(key, raw, "a single character such as ',' or '\\t'");
    return v;
  }

  /** The CONNECTOR_OPTION error for a present but invalid value. */
  bad(key: string, raw: string, expected: string): ConnectorError {
    return optionError(this.connector, key, `has invalid value '${raw}'; expected ${expected}`);
  }
}

function rangeText(min: number, max: number): string {
  const lo = min > -Number.MAX_SAFE_INTEGER, hi = max < Number.MAX_SAFE_INTEGER && max !== Infinity;
  if (lo && hi) return ` between ${min} and ${max}`;
  if (lo && min !== -Infinity) return ` >= ${min}`;
  if (hi) return ` <= ${max}`;
  return '';
}
