import * as arrow from 'apache-arrow';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { PlanError } from '../../errors/errors.ts';
import { formatDataType, type DataType } from '../../types/data-type.ts';
import { toArrowType } from '../../types/arrow-types.ts';

/**
 * A constant UDF argument broadcast to a `rows`-long column of its type. Literal values arrive as the plan's
 * JSON-friendly scalars (docs/values.md): BIGINT as number or decimal string, DECIMAL as number or exact string,
 * DATE as epoch days or 'YYYY-MM-DD', TIME as ms of day or 'HH:MM:SS[.mmm]', TIMESTAMP as epoch ms or a
 * date-time string (UTC wall clock), BYTES as a UTF-8 string.
 */
export function literalColumn(value: string | number | boolean | null, type: DataType, rows: number): arrow.Data {
  const arrowType = toArrowType(type);
  if (value === null) {
    if (arrow.DataType.isNull(arrowType)) return arrow.makeData({ type: arrowType, length: rows });
    return arrow.vectorFromArray(new Array(rows).fill(null), arrowType).data[0];
  }
  switch (type.kind) {
    case 'TINYINT': case 'SMALLINT': case 'INT': case 'FLOAT': case 'DOUBLE':
      return filled(arrowType, rows, Number(value));
    case 'BIGINT':
      return filled(arrowType, rows, BigInt(value));
    case 'DATE':
      return filled(arrowType, rows, typeof value === 'number' ? value : Math.floor(parseUtc(String(value)) / 86_400_000));
    case 'TIME':
      return filled(arrowType, rows, typeof value === 'number' ? value : timeOfDayMs(String(value)));
    case 'TIMESTAMP': case 'TIMESTAMP_LTZ': {
      const ms = typeof value === 'number' ? value : parseUtc(String(value));
      const perMs = [1n, 1n, 1_000n, 1_000_000n][(arrowType as arrow.Timestamp).unit];
      const unit = (arrowType as arrow.Timestamp).unit;
      return filled(arrowType, rows, unit === arrow.TimeUnit.SECOND ? BigInt(Math.floor(ms / 1000)) : BigInt(Math.round(ms)) * perMs);
    }
    case 'DECIMAL': {
      const words = decimalWords(String(value), type.scale);
      const data = new Uint32Array(rows * 4);
      for (let i = 0; i < rows; i++) data.set(words, i * 4);
      return arrow.makeData({ type: arrowType as arrow.Decimal, length: rows, data });
    }
    case 'BOOLEAN': {
      const v = typeof value === 'string' ? value.toLowerCase() === 'true' : Boolean(value);
      return arrow.vectorFromArray(new Array(rows).fill(v), arrowType).data[0];
    }
    case 'STRING':
      return arrow.vectorFromArray(new Array(rows).fill(String(value)), arrowType).data[0];
    case 'BYTES':
      return arrow.vectorFromArray(new Array(rows).fill(new TextEncoder().encode(String(value))), arrowType).data[0];
    default:
      throw new PlanError(`A ${formatDataType(type)} literal cannot be passed to a TypeScript UDF`, {
        hint: 'Pass nested values as a column instead of a literal.',
      }, ErrorCodes.NOT_SUPPORTED);
  }
}

function filled(type: arrow.DataType, rows: number, value: number | bigint): arrow.Data {
  const Ctor = type.ArrayType as new (n: number) => { fill(v: number | bigint): unknown };
  const data = new Ctor(rows);
  data.fill(value);
  return arrow.makeData({ type, length: rows, data } as never);
}

function parseUtc(text: string): number {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z`
    : /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new PlanError(`Cannot read '${text}' as a date/time literal`, {}, ErrorCodes.CAST_FAILED);
  return ms;
}

function timeOfDayMs(text: string): number {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(text.trim());
  if (!m) throw new PlanError(`Cannot read '${text}' as a TIME literal`, {}, ErrorCodes.CAST_FAILED);
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000 + Number((m[4] ?? '0').padEnd(3, '0'));
}

/** The 128-bit two's-complement little-endian words of a decimal literal at the given scale (exact for strings). */
export function decimalWords(text: string, scale: number): Uint32Array {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new PlanError(`Cannot read '${text}' as a DECIMAL literal`, {}, ErrorCodes.CAST_FAILED);
  const frac = (m[3] ?? '').padEnd(scale, '0');
  // Round half up on the digits beyond the scale.
  let unscaled = BigInt((m[2] || '0') + frac.slice(0, scale));
  if (frac.length > scale && frac[scale] >= '5') unscaled += 1n;
  if (m[1] === '-') unscaled = -unscaled;
  const u = BigInt.asUintN(128, unscaled);
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = Number((u >> BigInt(32 * i)) & 0xffffffffn);
  return words;
}
