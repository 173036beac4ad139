import { isIntegerType, type DataType } from '../../types/data-type.ts';
import { decimalFromNumber, decimalToNumber, fits, parseDecimal, pow10, rescale } from '../decimal.ts';
import {
  MS_PER_DAY, convertTsPrecision, floorDiv, millisToTs, parseDate, parseTime, parseTimestamp, tsToMillis, unitsPerMilli,
} from '../temporal/calendar.ts';
import { localToUtc, zoneOffsetMillis } from '../temporal/zone.ts';
import type { Scalar } from '../eval/values.ts';
import { encodeUtf8 } from '../eval/utf8.ts';
import { valueToString } from './to-string.ts';

/** Returned by castScalar when the value cannot be represented in the target type. */
export const CAST_FAIL: unique symbol = Symbol('CAST_FAIL');

const INT_RANGE: Record<string, [bigint, bigint]> = {
  TINYINT: [-128n, 127n], SMALLINT: [-32768n, 32767n], INT: [-2147483648n, 2147483647n],
  BIGINT: [-9223372036854775808n, 9223372036854775807n],
};

/**
 * Converts one internal value (see eval/values.ts) between types with Flink's CAST semantics. Numeric narrowing
 * wraps like Java's primitive casts; approximate-to-integer saturates then narrows (Java's (int) of a double);
 * DECIMAL targets round HALF_UP and fail on overflow; text parsing fails on malformed input.
 */
export function castScalar(value: Scalar, from: DataType, to: DataType, timeZone: string): Scalar | typeof CAST_FAIL {
  if (value === null || value === undefined) return null;
  if (to.kind === 'STRING') return valueToString(value, from, timeZone);
  switch (from.kind) {
    case 'STRING': return fromString(value as string, to, timeZone);
    case 'BYTES': return to.kind === 'BYTES' ? value : CAST_FAIL;
    case 'BOOLEAN': return fromNumber(value ? 1 : 0, to, false);
    case 'TINYINT': case 'SMALLINT': case 'INT': return fromNumber(value as number, to, false);
    case 'FLOAT': case 'DOUBLE': return fromNumber(value as number, to, true);
    case 'BIGINT': return fromBigint(value as bigint, to);
    case 'DECIMAL': return fromDecimal(value as bigint, from.scale, to);
    case 'DATE': case 'TIME': case 'TIMESTAMP': case 'TIMESTAMP_LTZ': return fromTemporal(value, from, to, timeZone);
    case 'ARRAY':
      if (to.kind !== 'ARRAY') return CAST_FAIL;
      return mapAll(value as Scalar[], (v) => castScalar(v, from.element, to.element, timeZone));
    case 'ROW':
      if (to.kind !== 'ROW') return CAST_FAIL;
      return mapAll(value as Scalar[], (v, i) => castScalar(v, from.fields[i].type, to.fields[i].type, timeZone));
    case 'MAP': {
      if (to.kind !== 'MAP') return CAST_FAIL;
      const out = new Map<Scalar, Scalar>();
      for (const [k, v] of value as Map<Scalar, Scalar>) {
        const ck = castScalar(k, from.key, to.key, timeZone);
        const cv = castScalar(v, from.value, to.value, timeZone);
        if (ck === CAST_FAIL || cv === CAST_FAIL) return CAST_FAIL;
        out.set(ck, cv);
      }
      return out;
    }
    default: return CAST_FAIL;
  }
}

function mapAll(values: Scalar[], fn: (v: Scalar, i: number) => Scalar | typeof CAST_FAIL): Scalar[] | typeof CAST_FAIL {
  const out: Scalar[] = [];
  for (let i = 0; i < values.length; i++) {
    const c = fn(values[i], i);
    if (c === CAST_FAIL) return CAST_FAIL;
    out.push(c);
  }
  return out;
}

/** Java narrowing of an integer-valued bigint to the target integer type (two's complement wrap). */
function wrapInt(v: bigint, to: DataType): Scalar {
  switch (to.kind) {
    case 'TINYINT': return Number(BigInt.asIntN(8, v));
    case 'SMALLINT': return Number(BigInt.asIntN(16, v));
    case 'INT': return Number(BigInt.asIntN(32, v));
    default: return BigInt.asIntN(64, v);
  }
}

function fromNumber(x: number, to: DataType, approx: boolean): Scalar | typeof CAST_FAIL {
  switch (to.kind) {
    case 'BOOLEAN': return x !== 0;
    case 'FLOAT': return Math.fround(x);
    case 'DOUBLE': return x;
    case 'DECIMAL': {
      const v = decimalFromNumber(x, to.scale);
      return v !== undefined && fits(v, to.precision) ? v : CAST_FAIL;
    }
    case 'TINYINT': case 'SMALLINT': case 'INT': case 'BIGINT': {
      if (!approx) return wrapInt(BigInt(x), to);
      if (Number.isNaN(x)) return wrapInt(0n, to);
      // Java: (int)/(long) of a double truncates and saturates; narrower types then wrap from int.
      const wide = to.kind === 'BIGINT' ? INT_RANGE.BIGINT : INT_RANGE.INT;
      let t = Number.isFinite(x) ? BigInt(Math.trunc(x)) : (x > 0 ? wide[1] : wide[0]);
      if (t > wide[1]) t = wide[1];
      if (t < wide[0]) t = wide[0];
      return wrapInt(t, to);
    }
    default: return CAST_FAIL;
  }
}

function fromBigint(v: bigint, to: DataType): Scalar | typeof CAST_FAIL {
  if (isIntegerType(to)) return wrapInt(v, to);
  if (to.kind === 'DECIMAL') { const d = v * pow10(to.scale); return fits(d, to.precision) ? d : CAST_FAIL; }
  if (to.kind === 'BOOLEAN') return v !== 0n;
  if (to.kind === 'FLOAT') return Math.fround(Number(v));
  if (to.kind === 'DOUBLE') return Number(v);
  return CAST_FAIL;
}

function fromDecimal(v: bigint, scale: number, to: DataType): Scalar | typeof CAST_FAIL {
  if (to.kind === 'DECIMAL') { const d = rescale(v, scale, to.scale); return fits(d, to.precision) ? d : CAST_FAIL; }
  // Decimal to integer truncates the fraction (BigDecimal.longValue()), then narrows.
  if (isIntegerType(to)) return wrapInt(v / pow10(scale), to);
  if (to.kind === 'BOOLEAN') return v !== 0n;
  if (to.kind === 'FLOAT') return Math.fround(decimalToNumber(v, scale));
  if (to.kind === 'DOUBLE') return decimalToNumber(v, scale);
  return CAST_FAIL;
}

const TRUE_TEXT = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_TEXT = new Set(['false', 'f', 'no', 'n', '0']);
const INT_TEXT = /^[+-]?\d+(?:\.\d*)?$/;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[dDfF]?$|^[+-]?(?:NaN|Infinity)$/;

function fromString(text: string, to: DataType, timeZone: string): Scalar | typeof CAST_FAIL {
  const s = text.trim();
  switch (to.kind) {
    case 'BOOLEAN': {
      const l = s.toLowerCase();
      return TRUE_TEXT.has(l) ? true : FALSE_TEXT.has(l) ? false : CAST_FAIL;
    }
    case 'TINYINT': case 'SMALLINT': case 'INT': case 'BIGINT': {
      // Flink (like Spark) accepts a fractional part and truncates it; out-of-range text fails rather than wraps.
      if (!INT_TEXT.test(s)) return CAST_FAIL;
      const v = BigInt(s.split('.')[0]);
      const [lo, hi] = INT_RANGE[to.kind];
      if (v < lo || v > hi) return CAST_FAIL;
      return to.kind === 'BIGINT' ? v : Number(v);
    }
    case 'FLOAT': case 'DOUBLE': {
      if (!FLOAT_TEXT.test(s)) return CAST_FAIL;
      const x = Number(s.replace(/[dDfF]$/, ''));
      return to.kind === 'FLOAT' ? Math.fround(x) : x;
    }
    case 'DECIMAL': {
      const v = parseDecimal(s, to.scale);
      return v !== undefined && fits(v, to.precision) ? v : CAST_FAIL;
    }
    case 'BYTES': return encodeUtf8(text);
    case 'DATE': {
      const d = parseDate(s);
      if (d !== undefined) return d;
      const ts = parseTimestamp(s, 3);
      return ts === undefined ? CAST_FAIL : Math.floor(Number(ts) / MS_PER_DAY);
    }
    case 'TIME': return parseTime(s) ?? CAST_FAIL;
    case 'TIMESTAMP': return parseTimestamp(s, to.precision) ?? CAST_FAIL;
    case 'TIMESTAMP_LTZ': {
      const local = parseTimestamp(s, to.precision);
      if (local === undefined) return CAST_FAIL;
      // Text with an explicit offset names an instant; plain text is wall-clock time in the session zone.
      if (/(Z|[+-]\d{2}:?\d{2})\s*$/.test(s) && /[ T]/.test(s)) return local;
      const u = unitsPerMilli(to.precision);
      const ms = tsToMillis(local, to.precision);
      return local + BigInt(localToUtc(ms, timeZone) - ms) * u;
    }
    default: return CAST_FAIL;
  }
}

function fromTemporal(value: Scalar, from: DataType, to: DataType, timeZone: string): Scalar | typeof CAST_FAIL {
  // Normalize to (wall-clock millis, sub-milli units at the target precision) first.
  const toPrecision = to.kind === 'TIMESTAMP' || to.kind === 'TIMESTAMP_LTZ' ? to.precision : 3;
  let wall: bigint; // stored units at toPrecision, wall-clock (local) time
  switch (from.kind) {
    case 'DATE': wall = millisToTs((value as number) * MS_PER_DAY, toPrecision); break;
    case 'TIME': wall = millisToTs(value as number, toPrecision); break;
    case 'TIMESTAMP': wall = convertTsPrecision(value as bigint, from.precision, toPrecision); break;
    case 'TIMESTAMP_LTZ': {
      const v = convertTsPrecision(value as bigint, from.precision, toPrecision);
      if (to.kind === 'TIMESTAMP_LTZ') return v;
      wall = v + BigInt(zoneOffsetMillis(timeZone, tsToMillis(v, toPrecision))) * unitsPerMilli(toPrecision);
      break;
    }
    default: return CAST_FAIL;
  }
  switch (to.kind) {
    case 'TIMESTAMP': return wall;
    case 'TIMESTAMP_LTZ': {
      const ms = tsToMillis(wall, toPrecision);
      return wall + BigInt(localToUtc(ms, timeZone) - ms) * unitsPerMilli(toPrecision);
    }
    case 'DATE': return Number(floorDiv(wall, BigInt(MS_PER_DAY) * unitsPerMilli(toPrecision)));
    case 'TIME': {
      const ms = tsToMillis(wall, toPrecision);
      return ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
    }
    default: return CAST_FAIL;
  }
}
