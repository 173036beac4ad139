import { DataTypes, notNull, withNullable, type DataType } from '../../types/data-type.ts';
import {
  MS_PER_DAY, fieldsOfMillis, millisOfFields, millisToTs, subMilliNanos, tsToMillis, unitsPerMilli, type Fields,
} from '../temporal/calendar.ts';
import { formatWithPattern, parseWithPattern } from '../temporal/java-format.ts';
import { localToUtc, utcToLocal } from '../temporal/zone.ts';
import type { Scalar } from '../eval/values.ts';
import { literalString, mapRows, simple } from './helpers.ts';
import { registerFunction, type ArgInfo, type Inferred, type KernelContext } from './registry.ts';

/**
 * Date and time functions. Values are read as wall-clock time: TIMESTAMP as stored, TIMESTAMP_LTZ converted to the
 * session time zone, DATE at midnight. CURRENT_* are read once per batch (KernelContext.now).
 */

const BIGINT = DataTypes.BIGINT();
const STRING = DataTypes.STRING();
const DEFAULT_FORMAT = 'yyyy-MM-dd HH:mm:ss';

/** Wall-clock epoch millis (and sub-milli nanos) of a DATE, TIME, TIMESTAMP or TIMESTAMP_LTZ value. */
function wall(value: Scalar, type: DataType, tz: string): { ms: number; nano: number } {
  switch (type.kind) {
    case 'DATE': return { ms: (value as number) * MS_PER_DAY, nano: 0 };
    case 'TIME': return { ms: value as number, nano: 0 };
    case 'TIMESTAMP': return { ms: tsToMillis(value as bigint, type.precision), nano: subMilliNanos(value as bigint, type.precision) };
    case 'TIMESTAMP_LTZ': {
      const ms = tsToMillis(value as bigint, type.precision);
      return { ms: utcToLocal(ms, tz), nano: subMilliNanos(value as bigint, type.precision) };
    }
    default: throw new Error(`not a temporal type: ${type.kind}`);
  }
}

/** Stored value of a wall-clock millis in the result type (TIMESTAMP_LTZ converts back from the session zone). */
function fromWall(ms: number, type: DataType, tz: string): Scalar {
  switch (type.kind) {
    case 'DATE': return Math.floor(ms / MS_PER_DAY);
    case 'TIME': return ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
    case 'TIMESTAMP': return millisToTs(ms, type.precision);
    case 'TIMESTAMP_LTZ': return millisToTs(localToUtc(ms, tz), type.precision);
    default: throw new Error(`not a temporal type: ${type.kind}`);
  }
}

const isoWeek = (f: Fields): number => {
  const d = new Date(Date.UTC(f.year, f.month - 1, f.day));
  const dow = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - dow);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  return Math.ceil(((d.getTime() - yearStart) / MS_PER_DAY + 1) / 7);
};

/** Field extractors by unit name (EXTRACT units and the YEAR(), MONTH(), … shortcuts). */
const UNITS: Record<string, (f: Fields, ms: number) => number> = {
  MILLENNIUM: (f) => Math.ceil(f.year / 1000),
  CENTURY: (f) => Math.ceil(f.year / 100),
  DECADE: (f) => Math.floor(f.year / 10),
  YEAR: (f) => f.year,
  QUARTER: (f) => Math.floor((f.month - 1) / 3) + 1,
  MONTH: (f) => f.month,
  WEEK: isoWeek,
  DAY: (f) => f.day,
  DAYOFMONTH: (f) => f.day,
  DOY: (_f, ms) => Math.floor((ms - Date.UTC(new Date(ms).getUTCFullYear(), 0, 1)) / MS_PER_DAY) + 1,
  DOW: (_f, ms) => new Date(ms).getUTCDay() + 1,
  ISODOW: (_f, ms) => new Date(ms).getUTCDay() || 7,
  HOUR: (f) => f.hour,
  MINUTE: (f) => f.minute,
  SECOND: (f) => f.second,
  MILLISECOND: (f) => f.second * 1000 + f.milli,
  MICROSECOND: (f) => f.second * 1_000_000 + f.milli * 1000 + Math.floor(f.nano / 1000),
  NANOSECOND: (f) => f.second * 1_000_000_000 + f.milli * 1_000_000 + f.nano,
  EPOCH: (_f, ms) => Math.floor(ms / 1000),
};
UNITS.DAYOFYEAR = UNITS.DOY;
UNITS.DAYOFWEEK = UNITS.DOW;

const TIME_UNITS = new Set(['HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND']);
const isDateTime = (t: DataType): boolean => t.kind === 'DATE' || t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ' || t.kind === 'TIME';

function extractValue(unit: string, value: Scalar, type: DataType, tz: string): bigint {
  const { ms, nano } = wall(value, type, tz);
  return BigInt(UNITS[unit](fieldsOfMillis(ms, nano), ms));
}

registerFunction({
  names: ['EXTRACT'],
  signatures: [`EXTRACT(unit, DATE | TIME | TIMESTAMP) with unit one of ${Object.keys(UNITS).join(', ')}`],
  infer: (args) => {
    const unit = literalString(args[0], true);
    if (args.length !== 2 || !unit || !(unit in UNITS) || !isDateTime(args[1].type)) return undefined;
    if (args[1].type.kind === 'TIME' && !TIME_UNITS.has(unit)) return undefined;
    return { args: args.map((a) => a.type), result: withNullable(BIGINT, args[1].type.nullable) };
  },
  kernel: (args, ctx) => {
    const t = ctx.node.args[1].type;
    return mapRows(args, ctx, ([u, v]) => extractValue((u as string).toUpperCase(), v, t, ctx.timeZone));
  },
});

for (const unit of ['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAYOFYEAR', 'DAYOFMONTH', 'DAYOFWEEK', 'HOUR', 'MINUTE', 'SECOND']) {
  registerFunction({
    names: [unit],
    signatures: [`${unit}(${TIME_UNITS.has(unit) ? 'TIME | ' : ''}DATE | TIMESTAMP)`],
    infer: (args) => (args.length === 1 && isDateTime(args[0].type) && (args[0].type.kind !== 'TIME' || TIME_UNITS.has(unit))
      ? { args: [args[0].type], result: withNullable(BIGINT, args[0].type.nullable) } : undefined),
    kernel: (args, ctx) => mapRows(args, ctx, ([v]) => extractValue(unit, v, ctx.node.args[0].type, ctx.timeZone)),
  });
}

/** CURRENT_TIMESTAMP and friends: zero-argument, per batch, never NULL. */
function clockFunction(names: string[], type: DataType, value: (ctx: KernelContext) => Scalar): void {
  registerFunction({
    names, signatures: [`${names[0]}()`], deterministic: false,
    infer: (args) => (args.length === 0 ? { args: [], result: notNull(type) } : undefined),
    kernel: (_args, ctx) => mapRows([], { ...ctx, n: 1 }, () => value(ctx)),
  });
}
clockFunction(['CURRENT_TIMESTAMP', 'NOW'], DataTypes.TIMESTAMP_LTZ(3), (ctx) => BigInt(ctx.now));
// PROCTIME() as a value: the processing time at which the batch is evaluated. As a time attribute (for processing-
// time windows and deduplication) the event-time work builds on the same definition.
clockFunction(['PROCTIME'], DataTypes.TIMESTAMP_LTZ(3), (ctx) => BigInt(ctx.now));
clockFunction(['LOCALTIMESTAMP'], DataTypes.TIMESTAMP(3), (ctx) => BigInt(utcToLocal(ctx.now, ctx.timeZone)));
clockFunction(['CURRENT_DATE'], DataTypes.DATE(), (ctx) => Math.floor(utcToLocal(ctx.now, ctx.timeZone) / MS_PER_DAY));
clockFunction(['CURRENT_TIME', 'LOCALTIME'], DataTypes.TIME(), (ctx) => ((utcToLocal(ctx.now, ctx.timeZone) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY);

/** Builds a format-aware kernel, failing the plan-independent way Flink does: bad patterns give NULL. */
function withPattern<T>(pattern: string, f: (p: string) => T): T | null {
  try { return f(pattern); } catch { return null; }
}

registerFunction({
  names: ['DATE_FORMAT'],
  signatures: ['DATE_FORMAT(TIMESTAMP | STRING, STRING format)'],
  infer: (args): Inferred | undefined => {
    if (args.length !== 2 || args[1].type.kind !== 'STRING' && args[1].type.kind !== 'NULL') return undefined;
    const t = args[0].type;
    const first = t.kind === 'STRING' || t.kind === 'NULL' ? withNullable(DataTypes.TIMESTAMP(3), t.nullable) : isDateTime(t) && t.kind !== 'TIME' ? t : undefined;
    if (!first) return undefined;
    return { args: [first, withNullable(STRING, args[1].type.nullable)], result: withNullable(STRING, args.some((a) => a.type.nullable)) };
  },
  kernel: (args, ctx) => {
    const t = ctx.node.args[0].type;
    return mapRows(args, ctx, ([v, p]) => {
      const { ms, nano } = wall(v, t, ctx.timeZone);
      return withPattern(p as string, (pat) => formatWithPattern(fieldsOfMillis(ms, nano), pat));
    });
  },
});

/** Wall-clock millis of text in a pattern (or the default ISO-like form), or null. */
function parseWall(text: string, pattern: string | undefined): { ms: number; nano: number } | null {
  const f = withPattern(pattern ?? DEFAULT_FORMAT, (p) => parseWithPattern(text.trim(), p));
  if (!f) {
    if (pattern !== undefined) return null;
    const d = parseWithPattern(text.trim(), 'yyyy-MM-dd') ?? parseWithPattern(text.trim(), "yyyy-MM-dd'T'HH:mm:ss")
      ?? parseWithPattern(text.trim(), 'yyyy-MM-dd HH:mm:ss.SSSSSSSSS') ?? parseWithPattern(text.trim(), 'yyyy-MM-dd HH:mm');
    return d ? { ms: millisOfFields(d), nano: d.nano } : null;
  }
  return { ms: millisOfFields(f), nano: f.nano };
}

registerFunction({
  names: ['TO_DATE'], signatures: ['TO_DATE(STRING[, STRING format])'],
  infer: (args) => {
    const r = simple(['STRING', 'STRING?'], DataTypes.DATE())(args);
    return r && { ...r, result: withNullable(r.result, true) };
  },
  kernel: (args, ctx) => mapRows(args, ctx, ([s, p]) => {
    const w = parseWall(s as string, (p as string | undefined) ?? 'yyyy-MM-dd');
    return w ? Math.floor(w.ms / MS_PER_DAY) : null;
  }),
});

registerFunction({
  names: ['TO_TIMESTAMP'], signatures: ['TO_TIMESTAMP(STRING[, STRING format])'],
  // Unparseable text gives NULL (Flink), so the result is always nullable.
  infer: (args) => {
    const r = simple(['STRING', 'STRING?'], DataTypes.TIMESTAMP(3))(args);
    return r && { ...r, result: withNullable(r.result, true) };
  },
  kernel: (args, ctx) => mapRows(args, ctx, ([s, p]) => {
    const w = parseWall(s as string, p as string | undefined);
    return w ? millisToTs(w.ms, 3) : null;
  }),
});

registerFunction({
  names: ['TO_TIMESTAMP_LTZ'], signatures: ['TO_TIMESTAMP_LTZ(NUMERIC epoch, INT precision 0 | 3)'],
  infer: (args) => {
    if (args.length < 1 || args.length > 2) return undefined;
    const prec = args.length === 2 ? args[1].literal?.value : 3;
    if (prec !== 0 && prec !== 3) return undefined;
    const r = simple(['DOUBLE', 'INT?'], DataTypes.TIMESTAMP_LTZ(3))(args);
    return r;
  },
  kernel: (args, ctx) => mapRows(args, ctx, ([x, p]) => {
    const ms = ((p as number | undefined) ?? 3) === 0 ? (x as number) * 1000 : (x as number);
    return Number.isFinite(ms) ? millisToTs(Math.floor(ms), 3) : null;
  }),
});

registerFunction({
  names: ['UNIX_TIMESTAMP'], signatures: ['UNIX_TIMESTAMP()', 'UNIX_TIMESTAMP(STRING[, STRING format])'],
  deterministic: false,
  infer: (args) => (args.length === 0 ? { args: [], result: notNull(BIGINT) } : simple(['STRING', 'STRING?'], BIGINT)(args)),
  kernel: (args, ctx) => {
    if (args.length === 0) return mapRows([], { ...ctx, n: 1 }, () => BigInt(Math.floor(ctx.now / 1000)));
    return mapRows(args, ctx, ([s, p]) => {
      const w = parseWall(s as string, (p as string | undefined) ?? DEFAULT_FORMAT);
      return w ? BigInt(Math.floor(localToUtc(w.ms, ctx.timeZone) / 1000)) : null;
    });
  },
});

registerFunction({
  names: ['FROM_UNIXTIME'], signatures: ['FROM_UNIXTIME(BIGINT seconds[, STRING format])'],
  infer: simple(['BIGINT', 'STRING?'], STRING),
  kernel: (args, ctx) => mapRows(args, ctx, ([sec, p]) => {
    const ms = utcToLocal(Number(sec as bigint) * 1000, ctx.timeZone);
    return withPattern((p as string | undefined) ?? DEFAULT_FORMAT, (pat) => formatWithPattern(fieldsOfMillis(ms), pat));
  }),
});

/** Millis in a fixed-length unit, or undefined for calendar units (MONTH, QUARTER, YEAR). */
const FIXED_UNIT_MS: Record<string, number> = {
  MILLISECOND: 1, SECOND: 1000, MINUTE: 60_000, HOUR: 3_600_000, DAY: MS_PER_DAY, WEEK: 7 * MS_PER_DAY,
};
const MONTHS_IN: Record<string, number> = { MONTH: 1, QUARTER: 3, YEAR: 12 };
const ALL_UNITS = [...Object.keys(FIXED_UNIT_MS), ...Object.keys(MONTHS_IN)];

function addMonths(ms: number, months: number): number {
  const f = fieldsOfMillis(ms);
  const total = f.year * 12 + (f.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return millisOfFields({ ...f, year, month, day: Math.min(f.day, last) });
}

function unitArg(args: readonly ArgInfo[]): string | undefined {
  const u = literalString(args[0], true);
  return u !== undefined && ALL_UNITS.includes(u) ? u : undefined;
}

registerFunction({
  names: ['TIMESTAMPADD'], signatures: [`TIMESTAMPADD(unit, INT, DATE | TIMESTAMP) with unit one of ${ALL_UNITS.join(', ')}`],
  infer: (args) => {
    if (args.length !== 3 || !unitArg(args) || !isDateTime(args[2].type) || args[2].type.kind === 'TIME') return undefined;
    const r = simple(['STRING', 'BIGINT', 'ANY'], args[2].type)(args);
    return r;
  },
  kernel: (args, ctx) => {
    const t = ctx.node.args[2].type;
    return mapRows(args, ctx, ([u, n, v]) => {
      const unit = (u as string).toUpperCase();
      const { ms } = wall(v, t, ctx.timeZone);
      const k = Number(n as bigint);
      const out = unit in MONTHS_IN ? addMonths(ms, k * MONTHS_IN[unit]) : ms + k * FIXED_UNIT_MS[unit];
      const sub = t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ' ? (v as bigint) % unitsPerMilli(t.precision) : 0n;
      const stored = fromWall(out, t, ctx.timeZone);
      return typeof stored === 'bigint' ? stored + (sub < 0n ? sub + unitsPerMilli((t as { precision: number }).precision) : sub) : stored;
    });
  },
});

registerFunction({
  names: ['TIMESTAMPDIFF'], signatures: [`TIMESTAMPDIFF(unit, DATE | TIMESTAMP, DATE | TIMESTAMP)`],
  infer: (args) => {
    if (args.length !== 3 || !unitArg(args) || !isDateTime(args[1].type) || !isDateTime(args[2].type)) return undefined;
    return { args: args.map((a) => a.type), result: withNullable(DataTypes.INT(), args[1].type.nullable || args[2].type.nullable) };
  },
  kernel: (args, ctx) => {
    const [ta, tb] = [ctx.node.args[1].type, ctx.node.args[2].type];
    return mapRows(args, ctx, ([u, a, b]) => {
      const unit = (u as string).toUpperCase();
      const x = wall(a, ta, ctx.timeZone).ms;
      const y = wall(b, tb, ctx.timeZone).ms;
      if (unit in FIXED_UNIT_MS) return Math.trunc((y - x) / FIXED_UNIT_MS[unit]) | 0;
      // Whole months between, counting a month only once the day/time is reached (as Flink/Calcite).
      const fa = fieldsOfMillis(x);
      const fb = fieldsOfMillis(y);
      let months = (fb.year - fa.year) * 12 + (fb.month - fa.month);
      const restA = x - millisOfFields({ year: fa.year, month: fa.month, day: 1 });
      const restB = y - millisOfFields({ year: fb.year, month: fb.month, day: 1 });
      if (months > 0 && restB < restA) months--;
      if (months < 0 && restB > restA) months++;
      return Math.trunc(months / MONTHS_IN[unit]);
    });
  },
});

for (const [name, sign] of [['DATE_ADD', 1], ['DATE_SUB', -1]] as const) {
  registerFunction({
    names: [name], signatures: [`${name}(DATE | TIMESTAMP, INT days)`],
    infer: (args) => (args.length === 2 && isDateTime(args[0].type) && args[0].type.kind !== 'TIME'
      ? simple(['ANY', 'INT'], DataTypes.DATE())(args) : undefined),
    kernel: (args, ctx) => mapRows(args, ctx, ([v, n]) => Math.floor(wall(v, ctx.node.args[0].type, ctx.timeZone).ms / MS_PER_DAY) + sign * (n as number)),
  });
}

/** FLOOR(ts TO unit) / CEIL(ts TO unit) as FLOOR_TIME(unit, ts) / CEIL_TIME(unit, ts). */
function truncTo(unit: string, ms: number): number {
  const f = fieldsOfMillis(ms);
  switch (unit) {
    case 'YEAR': return millisOfFields({ year: f.year, month: 1, day: 1 });
    case 'QUARTER': return millisOfFields({ year: f.year, month: Math.floor((f.month - 1) / 3) * 3 + 1, day: 1 });
    case 'MONTH': return millisOfFields({ year: f.year, month: f.month, day: 1 });
    case 'WEEK': { const dow = new Date(ms).getUTCDay(); return Math.floor(ms / MS_PER_DAY) * MS_PER_DAY - dow * MS_PER_DAY; }
    default: return Math.floor(ms / FIXED_UNIT_MS[unit]) * FIXED_UNIT_MS[unit];
  }
}

for (const [name, ceil] of [['FLOOR_TIME', false], ['CEIL_TIME', true]] as const) {
  registerFunction({
    names: [name], signatures: [`${name}(unit, DATE | TIMESTAMP)`],
    infer: (args) => (args.length === 2 && unitArg(args) && isDateTime(args[1].type) && args[1].type.kind !== 'TIME'
      ? { args: args.map((a) => a.type), result: args[1].type } : undefined),
    kernel: (args, ctx) => {
      const t = ctx.node.args[1].type;
      return mapRows(args, ctx, ([u, v]) => {
        const unit = (u as string).toUpperCase();
        const { ms, nano } = wall(v, t, ctx.timeZone);
        let r = truncTo(unit, ms);
        if (ceil && (r !== ms || nano !== 0)) r = unit in MONTHS_IN ? addMonths(r, MONTHS_IN[unit]) : unit === 'WEEK' ? r + 7 * MS_PER_DAY : r + FIXED_UNIT_MS[unit];
        return fromWall(r, t, ctx.timeZone);
      });
    },
  });
}
