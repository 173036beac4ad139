import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';

/** A typed configuration option with Flink's key, a default and a description (listed by `weir config`). */
export interface ConfigOption<T> {
  readonly key: string;
  readonly defaultValue: T;
  readonly description: string;
  readonly parse: (raw: string) => T;
}

export function option<T>(key: string, defaultValue: T, description: string, parse: (raw: string) => T): ConfigOption<T> {
  return { key, defaultValue, description, parse };
}

export const parseIntOption = (key: string) => (raw: string): number => {
  const n = Number(raw);
  if (!Number.isInteger(n)) throw invalid(key, raw, 'an integer');
  return n;
};

export const parseBoolOption = (key: string) => (raw: string): boolean => {
  const v = raw.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalid(key, raw, 'true or false');
};

/** Durations as Flink writes them: `500 ms`, `1 s`, `2min`, `1h`, or a bare number of milliseconds. */
export const parseDurationOption = (key: string) => (raw: string): number => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|milli|millis|milliseconds?|s|sec|secs|seconds?|min|mins|minutes?|h|hours?|d|days?)?\s*$/i.exec(raw);
  if (!m) throw invalid(key, raw, "a duration such as '500 ms', '1 s' or '2 min'");
  const n = Number(m[1]);
  const unit = (m[2] ?? 'ms').toLowerCase();
  const factor = unit.startsWith('ms') || unit.startsWith('milli') ? 1
    : unit.startsWith('s') ? 1000
    : unit.startsWith('min') ? 60_000
    : unit.startsWith('h') ? 3_600_000
    : 86_400_000;
  return n * factor;
};

export const parseStringOption = (raw: string): string => raw;

function invalid(key: string, raw: string, expected: string): PlanError {
  return new PlanError(`Configuration '${key}' = '${raw}' is not ${expected}`, {}, ErrorCodes.CONFIG_INVALID);
}

/**
 * Job configuration: string key/value pairs as in Flink's `SET 'key' = 'value'`, read through typed options.
 * Plain data inside, so it is cloned into worker threads.
 */
export class Configuration {
  private readonly values: Map<string, string>;

  constructor(values: Record<string, string> | Map<string, string> = {}) {
    this.values = new Map(values instanceof Map ? values : Object.entries(values));
  }

  get<T>(opt: ConfigOption<T>): T {
    const raw = this.values.get(opt.key);
    return raw === undefined ? opt.defaultValue : opt.parse(raw);
  }

  getString(key: string): string | undefined { return this.values.get(key); }

  set(key: string, value: string | number | boolean): this {
    this.values.set(key, String(value));
    return this;
  }

  has(key: string): boolean { return this.values.has(key); }

  /** Removes a key, so its option reads its default again (SQL `RESET 'key'`). */
  remove(key: string): boolean { return this.values.delete(key); }

  toJSON(): Record<string, string> { return Object.fromEntries(this.values); }

  clone(): Configuration { return new Configuration(this.values); }
}
