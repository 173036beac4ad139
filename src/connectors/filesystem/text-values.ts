import { fitsPrecision, toUnscaled } from '../../batch/values/decimal.ts';
import { parseDate, parseTime, parseTimestamp } from '../../batch/values/temporal.ts';
import { formatDataType, type DataType } from '../../types/data-type.ts';
import { JsonNumber, parseJson, type JsonValue } from './json-parse.ts';

/** A field that does not parse as its column type; the reader adds file, line and offset. */
export class FieldParseError extends Error {}

const expect = (type: DataType, got: unknown): FieldParseError => {
  const shown = typeof got === 'string' ? `'${got.length > 40 ? `${got.slice(0, 40)}…` : got}'` : JSON.stringify(got) ?? String(got);
  return new FieldParseError(`expects ${formatDataType(type, true)}, got ${shown}`);
};

const INT = /^\s*[+-]?\d+\s*$/;
const FLOAT = /^\s*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?Infinity|NaN)\s*$/;
const RANGES: Record<string, [number, number]> = { TINYINT: [-128, 127], SMALLINT: [-32768, 32767], INT: [-2147483648, 2147483647] };
const INT64 = [-(1n << 63n), (1n << 63n) - 1n];

/**
 * The JS value (as columnFromValues accepts it) of a scalar written as text in CSV or JSON. Throws
 * FieldParseError saying what was expected. `arrayDelimiter` splits ARRAY cells of scalars (Flink's CSV format).
 */
export function parseText(type: DataType, text: string, arrayDelimiter = ';'): unknown {
  switch (type.kind) {
    case 'STRING': return text;
    case 'BOOLEAN': {
      const t = text.trim().toLowerCase();
      if (t === 'true' || t === 'false') return t === 'true';
      throw expect(type, text);
    }
    case 'TINYINT': case 'SMALLINT': case 'INT': {
      const n = Number(text);
      const [lo, hi] = RANGES[type.kind];
      if (!INT.test(text) || n < lo || n > hi) throw expect(type, text);
      return n;
    }
    case 'BIGINT': {
      if (!INT.test(text)) throw expect(type, text);
      const v = BigInt(text.trim());
      if (v < INT64[0] || v > INT64[1]) throw expect(type, text);
      return v;
    }
    case 'FLOAT': case 'DOUBLE':
      if (!FLOAT.test(text)) throw expect(type, text);
      return Number(text);
    case 'DECIMAL': {
      const u = toUnscaled(text, type.scale);
      if (u === undefined || !fitsPrecision(u, type.precision)) throw expect(type, text);
      return text.trim();
    }
    case 'BYTES': {
      if (!/^[A-Za-z0-9+/=\s_-]*$/.test(text)) throw expect(type, text);
      return new Uint8Array(Buffer.from(text, 'base64'));
    }
    case 'DATE': { const d = parseDate(text); if (d === undefined) throw expect(type, text); return d; }
    case 'TIME': { const t = parseTime(text); if (t === undefined) throw expect(type, text); return t; }
    case 'TIMESTAMP': case 'TIMESTAMP_LTZ':
      if (parseTimestamp(text, type.kind === 'TIMESTAMP_LTZ') === undefined) throw expect(type, text);
      return text;
    case 'NULL': throw expect(type, text);
    case 'ARRAY':
      if (isScalar(type.element) && !text.trimStart().startsWith('[')) {
        return text === '' ? [] : text.split(arrayDelimiter).map((t) => (t === '' ? null : parseText(type.element, t, arrayDelimiter)));
      }
      return fromJsonText(type, text);
    default:
      return fromJsonText(type, text);
  }
}

function fromJsonText(type: DataType, text: string): unknown {
  let node: JsonValue;
  try { node = parseJson(text); } catch { throw expect(type, text); }
  return fromJson(type, node);
}

const isScalar = (t: DataType): boolean => t.kind !== 'ARRAY' && t.kind !== 'MAP' && t.kind !== 'ROW';

/** The JS value of a JSON node for a column type: missing/null → null, numbers exact, nested types recursively. */
export function fromJson(type: DataType, node: JsonValue | undefined): unknown {
  if (node === null || node === undefined) return null;
  if (node instanceof JsonNumber) {
    if (type.kind === 'STRING') return node.text;
    if (type.kind === 'BOOLEAN' || !isScalar(type)) throw expect(type, node.text);
    return parseText(type, node.text);
  }
  if (typeof node === 'boolean') {
    if (type.kind === 'BOOLEAN') return node;
    if (type.kind === 'STRING') return String(node);
    throw expect(type, node);
  }
  if (typeof node === 'string') {
    if (isScalar(type)) return parseText(type, node);
    throw expect(type, node);
  }
  switch (type.kind) {
    case 'ARRAY':
      if (!Array.isArray(node)) break;
      return node.map((e) => fromJson(type.element, e));
    case 'ROW':
      if (Array.isArray(node)) return type.fields.map((f, j) => fromJson(f.type, node[j]));
      return Object.fromEntries(type.fields.map((f) => [f.name, fromJson(f.type, node[f.name])]));
    case 'MAP':
      if (Array.isArray(node)) break;
      return new Map(Object.entries(node).map(([k, v]) => [parseText(type.key, k), fromJson(type.value, v)]));
    case 'STRING':
      return JSON.stringify(node, (_k, v) => (v instanceof JsonNumber ? Number(v.text) : v));
    default:
  }
  throw expect(type, Array.isArray(node) ? 'a JSON array' : 'a JSON object');
}
