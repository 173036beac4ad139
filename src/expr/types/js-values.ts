import { PlanError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { formatDataType, type DataType } from '../../types/data-type.ts';
import { decimalFromNumber, formatDecimal, parseDecimal, fits, pow10 } from '../decimal.ts';
import { MS_PER_DAY, formatTime, millisToTs, parseDate, parseTime, parseTimestamp, tsToMillis } from '../temporal/calendar.ts';
import type { Scalar } from '../eval/values.ts';
import { encodeUtf8 } from '../eval/utf8.ts';

/**
 * Conversion between user-facing JS values (docs/values.md) and the evaluator's internal values (eval/values.ts).
 * Literals in expressions hold user-facing values, so plans stay readable and independent of engine internals.
 */

function bad(value: unknown, type: DataType): never {
  const shown = typeof value === 'bigint' ? `${value}n` : value instanceof Date ? value.toISOString() : JSON.stringify(value) ?? String(value);
  throw new PlanError(`Literal ${shown} is not a valid ${formatDataType(type, true)} value`, {
    hint: 'See docs/values.md for the JavaScript values each type accepts.',
  }, ErrorCodes.TYPE_MISMATCH);
}

/** The internal value of a user-facing JS value of `type`; throws PlanError TYPE_MISMATCH when it does not fit. */
export function toInternal(value: unknown, type: DataType): Scalar {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'NULL': return bad(value, type);
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return bad(value, type);
    case 'TINYINT': case 'SMALLINT': case 'INT': {
      const x = typeof value === 'bigint' ? Number(value) : typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      const lim = type.kind === 'TINYINT' ? 128 : type.kind === 'SMALLINT' ? 32768 : 2 ** 31;
      if (typeof x !== 'number' || !Number.isInteger(x) || x < -lim || x >= lim) return bad(value, type);
      return x;
    }
    case 'BIGINT': {
      let v: bigint;
      if (typeof value === 'bigint') v = value;
      else if (typeof value === 'number' && Number.isInteger(value)) v = BigInt(value);
      else if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) v = BigInt(value.trim());
      else return bad(value, type);
      if (BigInt.asIntN(64, v) !== v) return bad(value, type);
      return v;
    }
    case 'FLOAT': case 'DOUBLE': {
      const x = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : NaN;
      if (Number.isNaN(x) && value !== 'NaN' && !(typeof value === 'number')) return bad(value, type);
      return type.kind === 'FLOAT' ? Math.fround(x) : x;
    }
    case 'DECIMAL': {
      const v = typeof value === 'bigint' ? value * pow10(type.scale)
        : typeof value === 'number' ? decimalFromNumber(value, type.scale)
          : typeof value === 'string' ? parseDecimal(value, type.scale) : undefined;
      if (v === undefined || !fits(v, type.precision)) return bad(value, type);
      return v;
    }
    case 'STRING': return typeof value === 'string' ? value : bad(value, type);
    case 'BYTES':
      if (value instanceof Uint8Array) return value;
      if (typeof value === 'string') return encodeUtf8(value);
      return bad(value, type);
    case 'DATE':
      if (value instanceof Date) return Math.floor(value.getTime() / MS_PER_DAY);
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string') return parseDate(value) ?? bad(value, type);
      return bad(value, type);
    case 'TIME':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string') return parseTime(value) ?? bad(value, type);
      return bad(value, type);
    case 'TIMESTAMP': case 'TIMESTAMP_LTZ':
      if (value instanceof Date) return millisToTs(value.getTime(), type.precision);
      if (typeof value === 'number') return millisToTs(value, type.precision);
      if (typeof value === 'bigint') return value;
      if (typeof value === 'string') return parseTimestamp(value, type.precision) ?? bad(value, type);
      return bad(value, type);
    case 'ARRAY':
      if (!Array.isArray(value)) return bad(value, type);
      return value.map((v) => toInternal(v, type.element));
    case 'MAP': {
      const entries = value instanceof Map ? [...value.entries()] : typeof value === 'object' ? Object.entries(value as object) : bad(value, type);
      return new Map(entries.map(([k, v]) => [toInternal(k, type.key), toInternal(v, type.value)]));
    }
    case 'ROW': {
      if (Array.isArray(value)) return type.fields.map((f, i) => toInternal(value[i], f.type));
      if (typeof value === 'object') return type.fields.map((f) => toInternal((value as Record<string, unknown>)[f.name], f.type));
      return bad(value, type);
    }
  }
}

/** The user-facing JS value (docs/values.md) of an internal value. */
export function fromInternal(value: Scalar, type: DataType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'DECIMAL': return formatDecimal(value as bigint, type.scale);
    case 'DATE': return new Date((value as number) * MS_PER_DAY);
    case 'TIME': return formatTime(value as number);
    case 'TIMESTAMP': case 'TIMESTAMP_LTZ': return new Date(tsToMillis(value as bigint, type.precision));
    case 'ARRAY': return (value as Scalar[]).map((v) => fromInternal(v, type.element));
    case 'MAP': return new Map([...(value as Map<Scalar, Scalar>)].map(([k, v]) => [fromInternal(k, type.key), fromInternal(v, type.value)]));
    case 'ROW': return Object.fromEntries(type.fields.map((f, i) => [f.name, fromInternal((value as Scalar[])[i], f.type)]));
    default: return value;
  }
}
