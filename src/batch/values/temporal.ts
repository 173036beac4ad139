/**
 * Calendar arithmetic and the text forms of DATE, TIME and TIMESTAMP. Timestamps travel as BigInt epoch nanoseconds
 * here so that precision 6 and 9 survive parsing and printing (a JS Date keeps only milliseconds).
 */

export const MS_PER_DAY = 86_400_000;
const NS_PER_MS = 1_000_000n;
const NS_PER_DAY = 86_400_000_000_000n;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** [year, month, day] of an epoch day. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const dim = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= dim[m - 1];
}

/** 'YYYY-MM-DD' of an epoch day. */
export function formatDate(days: number): string {
  const [y, m, d] = civilFromDays(days);
  const year = y < 0 ? `-${pad(-y, 4)}` : pad(y, 4);
  return `${year}-${pad2(m)}-${pad2(d)}`;
}

const DATE_TEXT = /^\s*(-?\d{1,9})-(\d{1,2})-(\d{1,2})\s*$/;

/** Epoch day of 'YYYY-MM-DD', or undefined when the text is not a valid date. */
export function parseDate(text: string): number | undefined {
  const m = DATE_TEXT.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  return validDate(y, mo, d) ? daysFromCivil(y, mo, d) : undefined;
}

const TIME_TEXT = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*$/;

/** Milliseconds of day of 'HH:MM[:SS[.fff]]' (extra fraction digits truncated), or undefined. */
export function parseTime(text: string): number | undefined {
  const m = TIME_TEXT.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]), mi = Number(m[2]), s = Number(m[3] ?? 0);
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const ms = m[4] ? Number(m[4].slice(0, 3).padEnd(3, '0')) : 0;
  return ((h * 60 + mi) * 60 + s) * 1000 + ms;
}

/** 'HH:MM:SS', or 'HH:MM:SS.mmm' when there are milliseconds (docs/values.md). */
export function formatTime(msOfDay: number): string {
  const ms = msOfDay % 1000;
  const s = Math.floor(msOfDay / 1000);
  const base = `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`;
  return ms ? `${base}.${pad(ms, 3)}` : base;
}

const TIMESTAMP_TEXT =
  /^\s*(-?\d{1,9})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

/**
 * Epoch nanoseconds of 'YYYY-MM-DD[( |T)HH:MM[:SS[.fffffffff]]][Z|±HH[:MM]]'. The zone is honoured only when
 * `honourZone` (TIMESTAMP_LTZ); a TIMESTAMP keeps the written wall-clock fields. Undefined when not a timestamp.
 */
export function parseTimestamp(text: string, honourZone: boolean): bigint | undefined {
  const m = TIMESTAMP_TEXT.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  const h = Number(m[4] ?? 0), mi = Number(m[5] ?? 0), s = Number(m[6] ?? 0);
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  let seconds = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  if (honourZone && m[8] && m[8].toUpperCase() !== 'Z') {
    const z = m[8];
    const sign = z[0] === '-' ? -1 : 1;
    const digits = z.slice(1).replace(':', '');
    seconds -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || 0) * 60);
  }
  const nanos = m[7] ? BigInt(m[7].padEnd(9, '0')) : 0n;
  return BigInt(seconds) * 1_000_000_000n + nanos;
}

/** Splits epoch nanoseconds into an epoch day and nanoseconds of that day (both non-negative remainders). */
function split(nanos: bigint): [number, bigint] {
  let day = nanos / NS_PER_DAY;
  let rem = nanos % NS_PER_DAY;
  if (rem < 0n) { rem += NS_PER_DAY; day -= 1n; }
  return [Number(day), rem];
}

function clock(nsOfDay: bigint): [string, string, number] {
  const secs = Number(nsOfDay / 1_000_000_000n);
  const frac = Number(nsOfDay % 1_000_000_000n);
  return [`${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}`, pad2(secs % 60), frac];
}

/**
 * SQL text 'YYYY-MM-DD HH:MM:SS[.f]'. With `precision` the fraction has exactly that many digits (Flink's CAST to
 * STRING and SQL client); without it trailing zeros are dropped (Flink's JSON and CSV formats).
 */
export function formatTimestampSql(nanos: bigint, precision?: number, separator = ' '): string {
  const [day, ns] = split(nanos);
  const [hm, ss, frac] = clock(ns);
  let fraction = '';
  if (precision === undefined) {
    if (frac) fraction = `.${pad(frac, 9).replace(/0+$/, '')}`;
  } else if (precision > 0) {
    fraction = `.${pad(frac, 9).slice(0, precision)}`;
  }
  return `${formatDate(day)}${separator}${hm}:${ss}${fraction}`;
}

/** Java's fraction style: none, or 3, 6 or 9 digits, whichever is the shortest exact. */
function javaFraction(frac: number): string {
  if (frac === 0) return '';
  const digits = pad(frac, 9);
  if (frac % 1_000_000 === 0) return `.${digits.slice(0, 3)}`;
  if (frac % 1000 === 0) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

/** Java's LocalDateTime.toString: '2024-01-01T12:00', seconds only when non-zero. */
export function formatLocalDateTimeJava(nanos: bigint): string {
  const [day, ns] = split(nanos);
  const [hm, ss, frac] = clock(ns);
  const tail = ss !== '00' || frac ? `:${ss}${javaFraction(frac)}` : '';
  return `${formatDate(day)}T${hm}${tail}`;
}

/** Java's Instant.toString: '2024-01-01T12:00:00Z', always with seconds. */
export function formatInstantJava(nanos: bigint): string {
  const [day, ns] = split(nanos);
  const [hm, ss, frac] = clock(ns);
  return `${formatDate(day)}T${hm}:${ss}${javaFraction(frac)}Z`;
}

/** Java's LocalTime.toString: '12:00', '12:00:05', '12:00:05.120'. */
export function formatLocalTimeJava(msOfDay: number): string {
  const ns = BigInt(msOfDay) * NS_PER_MS;
  const [hm, ss, frac] = clock(ns);
  return ss !== '00' || frac ? `${hm}:${ss}${javaFraction(frac)}` : hm;
}

/** Epoch nanoseconds of a JS Date (millisecond precision). */
export const nanosOfDate = (d: Date): bigint => BigInt(d.getTime()) * NS_PER_MS;
