/**
 * Calendar arithmetic on Weir's temporal encodings: DATE = epoch days (int32), TIME = millis of day (int32),
 * TIMESTAMP(p) = int64 in milliseconds (p <= 3), microseconds (p <= 6) or nanoseconds (p <= 9) since the epoch,
 * read as wall-clock time in UTC; TIMESTAMP_LTZ(p) the same unit but an instant. The proleptic Gregorian calendar
 * is used throughout (java.time, which Flink's new type system uses).
 */

export const MS_PER_DAY = 86_400_000;

/** How many stored units make one millisecond for a timestamp precision. */
export function unitsPerMilli(precision: number): bigint {
  return precision <= 3 ? 1n : precision <= 6 ? 1000n : 1_000_000n;
}

/** Stored units per second. */
export function unitsPerSecond(precision: number): bigint {
  return 1000n * unitsPerMilli(precision);
}

/** Floor division for bigint (JS `/` truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** Epoch milliseconds (floored) of a stored timestamp. */
export function tsToMillis(v: bigint, precision: number): number {
  const u = unitsPerMilli(precision);
  return Number(u === 1n ? v : floorDiv(v, u));
}

/** Stored timestamp of epoch milliseconds. */
export function millisToTs(ms: number, precision: number): bigint {
  return BigInt(Math.floor(ms)) * unitsPerMilli(precision);
}

/** Converts a stored timestamp between precisions, truncating extra digits as Flink does. */
export function convertTsPrecision(v: bigint, from: number, to: number): bigint {
  const f = unitsPerMilli(from);
  const t = unitsPerMilli(to);
  if (f === t) return v;
  return f < t ? v * (t / f) : floorDiv(v, f / t);
}

/** Sub-millisecond nanos (0..999999) of a stored timestamp, for formatting fractions beyond 3 digits. */
export function subMilliNanos(v: bigint, precision: number): number {
  const u = unitsPerMilli(precision);
  if (u === 1n) return 0;
  const r = Number(v - floorDiv(v, u) * u);
  return u === 1000n ? r * 1000 : r;
}

export interface Fields {
  year: number; month: number; day: number; hour: number; minute: number; second: number; milli: number;
  /** Nanoseconds within the millisecond (0..999999). */
  nano: number;
}

/** Calendar fields of epoch millis, in UTC. */
export function fieldsOfMillis(ms: number, nano = 0): Fields {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), milli: d.getUTCMilliseconds(), nano,
  };
}

/** Epoch millis of calendar fields read as UTC. */
export function millisOfFields(f: Pick<Fields, 'year' | 'month' | 'day'> & Partial<Fields>): number {
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day);
  d.setUTCHours(f.hour ?? 0, f.minute ?? 0, f.second ?? 0, f.milli ?? 0);
  return d.getTime();
}

export const daysToMillis = (days: number): number => days * MS_PER_DAY;
export const millisToDays = (ms: number): number => Math.floor(ms / MS_PER_DAY);

const pad = (n: number, w: number): string => {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= w ? s : '0'.repeat(w - s.length) + s);
};

/** 'yyyy-MM-dd' of epoch days. */
export function formatDate(days: number): string {
  const f = fieldsOfMillis(daysToMillis(days));
  return `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}`;
}

/** 'HH:mm:ss' (plus '.SSS' when non-zero millis) of millis of day. */
export function formatTime(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const milli = ms % 1000;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${milli ? `.${pad(milli, 3)}` : ''}`;
}

/** 'yyyy-MM-dd HH:mm:ss[.fff]' with exactly `precision` fraction digits (Flink's CAST(ts AS STRING)). */
export function formatTimestamp(v: bigint, precision: number): string {
  const ms = tsToMillis(v, precision);
  const f = fieldsOfMillis(ms, subMilliNanos(v, precision));
  const base = `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)} ${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}`;
  if (precision === 0) return base;
  const nanos = pad(f.milli, 3) + pad(f.nano, 6);
  return `${base}.${nanos.slice(0, precision)}`;
}

const DATE_RE = /^\s*(-?\d{1,9})-(\d{1,2})-(\d{1,2})\s*$/;
const TIME_RE = /^\s*(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?\s*$/;
const TS_RE = /^\s*(-?\d{1,9})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/;

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const last = new Date(Date.UTC(2000, m, 0)).getUTCDate();
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 ? (leap ? 29 : 28) : last);
}

/** Epoch days of 'yyyy-MM-dd', or undefined. */
export function parseDate(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validYmd(y, mo, d)) return undefined;
  return millisToDays(millisOfFields({ year: y, month: mo, day: d }));
}

/** Millis of day of 'HH:mm[:ss[.fff]]', or undefined. */
export function parseTime(text: string): number | undefined {
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return h * 3_600_000 + mi * 60_000 + s * 1000 + Number((m[4] ?? '').padEnd(3, '0').slice(0, 3));
}

/**
 * Stored value of 'yyyy-MM-dd[ HH:mm[:ss[.f…]]]' (also ISO 'T'); a trailing zone offset is applied, giving the
 * UTC instant. Extra fraction digits beyond the precision are truncated. Undefined when not a timestamp.
 */
export function parseTimestamp(text: string, precision: number): bigint | undefined {
  const m = TS_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (!validYmd(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  let ms = millisOfFields({ year: y, month: mo, day: d, hour: h, minute: mi, second: s });
  if (m[8] && m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const digits = m[8].slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const nanos = BigInt((m[7] ?? '').padEnd(9, '0'));
  const perSecond = unitsPerSecond(precision);
  return BigInt(ms) * unitsPerMilli(precision) + (nanos * perSecond) / 1_000_000_000n;
}
