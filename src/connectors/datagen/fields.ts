import type { ConnectorOptions } from '../connector.ts';
import { OptionReader, optionError } from '../options.ts';
import { formatDataType, isIntegerType, type DataType } from '../../types/data-type.ts';
import type { Schema } from '../../types/schema.ts';
import { toUnscaled } from '../../batch/values/decimal.ts';

export const IDENTIFIER = 'datagen';

/** How one field (or nested field: `fields.row.sub`, `fields.arr.element`, `fields.map.key`) is generated. */
export interface FieldSpec {
  /** Option path after `fields.`, e.g. `price` or `address.city`. */
  readonly path: string;
  readonly type: DataType;
  readonly kind: 'random' | 'sequence';
  readonly min?: string;
  readonly max?: string;
  /** Milliseconds into the past a random TIMESTAMP may reach (Flink's `max-past`). */
  readonly maxPast: number;
  /** String/bytes length or collection size. */
  readonly length: number;
  readonly start?: bigint;
  readonly end?: bigint;
  readonly nullRate: number;
  readonly children: readonly FieldSpec[];
}

const FIELD_KEYS = ['kind', 'min', 'max', 'max-past', 'length', 'start', 'end', 'null-rate'] as const;
const SEQUENCE_KINDS = new Set(['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL', 'STRING']);
const RANGE_KINDS = new Set(['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL']);
const LENGTH_KINDS = new Set(['STRING', 'BYTES', 'ARRAY', 'MAP']);

/** Every option key datagen accepts for this schema: the table options plus `fields.<path>.<key>` per (nested) field. */
export function supportedKeys(schema: Schema): string[] {
  const keys = ['rows-per-second', 'number-of-rows', 'seed'];
  const visit = (path: string, type: DataType): void => {
    for (const k of FIELD_KEYS) keys.push(`fields.${path}.${k}`);
    for (const [sub, t] of nestedTypes(type)) visit(`${path}.${sub}`, t);
  };
  for (const c of schema.columns) visit(c.name, c.type);
  return keys;
}

function nestedTypes(type: DataType): [string, DataType][] {
  if (type.kind === 'ARRAY') return [['element', type.element]];
  // Arrow map keys are never null (toArrowType), so generated keys are NOT NULL whatever the type says.
  if (type.kind === 'MAP') return [['key', { ...type.key, nullable: false }], ['value', type.value]];
  if (type.kind === 'ROW') return type.fields.map((f) => [f.name, f.type]);
  return [];
}

/** Reads and checks the options of one field; `topLevel` fields alone may be sequences, as in Flink. */
export function fieldSpec(options: ConnectorOptions, path: string, type: DataType, topLevel: boolean): FieldSpec {
  const r = new OptionReader(IDENTIFIER, options);
  const key = (k: string): string => `fields.${path}.${k}`;
  const typeText = formatDataType(type);
  const notFor = (k: string, what: string): never => {
    throw optionError(IDENTIFIER, key(k), `does not apply to ${what} field '${path}' of type ${typeText}`,
      `Remove '${key(k)}'.`);
  };
  const kind = r.enumOf(key('kind'), ['random', 'sequence'] as const, 'random');
  const nullRate = r.number(key('null-rate'), 0, 0, 1)!;
  if (nullRate > 0 && !type.nullable) notFor('null-rate', 'the NOT NULL');
  for (const k of ['min', 'max'] as const) if (r.has(key(k)) && (kind !== 'random' || !RANGE_KINDS.has(type.kind))) notFor(k, `a ${kind}`);
  for (const k of ['start', 'end'] as const) if (r.has(key(k)) && kind !== 'sequence') notFor(k, 'a random');
  if (r.has(key('max-past')) && type.kind !== 'TIMESTAMP' && type.kind !== 'TIMESTAMP_LTZ') notFor('max-past', 'a non-timestamp');
  if (r.has(key('length')) && (!LENGTH_KINDS.has(type.kind) || kind === 'sequence')) notFor('length', `a ${kind}`);

  let start: bigint | undefined;
  let end: bigint | undefined;
  if (kind === 'sequence') {
    if (!topLevel || !SEQUENCE_KINDS.has(type.kind)) {
      throw optionError(IDENTIFIER, key('kind'), `cannot be 'sequence' for field '${path}' of type ${typeText}`,
        'Sequences are supported for top-level numeric and STRING fields; use kind random.');
    }
    start = bigIntOption(r, key('start'));
    end = bigIntOption(r, key('end'));
    if (start > end) throw r.bad(key('end'), String(end), `a value >= ${key('start')} (${start})`);
    checkRange(r, key('end'), type, end);
    checkRange(r, key('start'), type, start);
  }
  const min = r.string(key('min'));
  const max = r.string(key('max'));
  for (const [k, v] of [['min', min], ['max', max]] as const) {
    if (v === undefined) continue;
    if (isIntegerType(type) ? !/^\s*[+-]?\d+\s*$/.test(v) : toUnscaled(v, 0) === undefined) throw r.bad(key(k), v, `a number for ${typeText}`);
    if (isIntegerType(type)) checkRange(r, key(k), type, BigInt(v.trim()));
  }
  if (min !== undefined && max !== undefined && Number(min) > Number(max)) throw r.bad(key('max'), max, `a value >= ${key('min')} (${min})`);
  const defaultLength = type.kind === 'ARRAY' || type.kind === 'MAP' ? 3 : 100;
  let length = r.int(key('length'), defaultLength, 0, 1 << 20);
  if (type.kind === 'STRING' && type.length !== undefined && !r.has(key('length'))) length = Math.min(length, type.length);
  const children = nestedTypes(type).map(([sub, t]) => fieldSpec(options, `${path}.${sub}`, t, false));
  return { path, type, kind, min, max, maxPast: r.duration(key('max-past'), 0)!, length, start, end, nullRate, children };
}

function bigIntOption(r: OptionReader, key: string): bigint {
  const raw = r.requiredString(key, "A sequence field needs both 'start' and 'end'.");
  if (!/^\s*[+-]?\d+\s*$/.test(raw)) throw r.bad(key, raw, 'an integer');
  return BigInt(raw.trim());
}

const INT_RANGE: Record<string, [bigint, bigint]> = {
  TINYINT: [-128n, 127n], SMALLINT: [-32768n, 32767n], INT: [-2147483648n, 2147483647n],
  BIGINT: [-(1n << 63n), (1n << 63n) - 1n],
};

function checkRange(r: OptionReader, key: string, type: DataType, v: bigint): void {
  const range = INT_RANGE[type.kind];
  if (range && (v < range[0] || v > range[1])) throw r.bad(key, String(v), `a value in the ${type.kind} range [${range[0]}, ${range[1]}]`);
  if (type.kind === 'DECIMAL' && (v >= 10n ** BigInt(type.precision - type.scale) || v <= -(10n ** BigInt(type.precision - type.scale)))) {
    throw r.bad(key, String(v), `a value that fits ${formatDataType(type)}`);
  }
}
