import * as arrow from 'apache-arrow';
import { toArrowType } from '../../types/arrow-types.ts';
import { pow10, toUnscaled, writeDecimal128 } from '../../batch/values/decimal.ts';
import { MS_PER_DAY } from '../../batch/values/temporal.ts';
import { timestampUnitsPerMs } from '../../batch/values/units.ts';
import type { FieldSpec } from './fields.ts';
import type { Rng } from './rng.ts';

/** Produces one column of `n` rows per call, straight into typed arrays. */
export type ColumnGenerator = (n: number) => arrow.Data;

const HEX = new TextEncoder().encode('0123456789abcdef');

/**
 * A random generator for a field, following Flink's datagen: numbers uniform in [min, max] (defaults: the type's
 * range; FLOAT/DOUBLE Flink's [MIN_VALUE, MAX_VALUE]), strings of `length` lowercase hex characters, DATE/TIME the
 * current date/time, TIMESTAMP now minus up to `max-past`, collections of `length` elements, NULL with `null-rate`.
 */
export function randomGenerator(spec: FieldSpec, rng: Rng): ColumnGenerator {
  const type = spec.type;
  const arrowType = toArrowType(type);
  const children = spec.children.map((c) => randomGenerator(c, rng));
  const values = valuesGenerator(spec, rng, children);
  return (n) => {
    const [nullBitmap, nullCount] = spec.nullRate > 0 ? rng.validity(n, spec.nullRate) : [undefined, 0];
    if (type.kind === 'NULL') return arrow.makeData({ type: new arrow.Null(), length: n });
    return arrow.makeData({ type: arrowType, length: n, nullCount, nullBitmap, ...values(n) } as never);
  };
}

type Buffers = (n: number) => Record<string, unknown>;

function valuesGenerator(spec: FieldSpec, rng: Rng, children: ColumnGenerator[]): Buffers {
  const type = spec.type;
  const num = (v: string | undefined, d: number): number => (v === undefined ? d : Number(v));
  switch (type.kind) {
    case 'BOOLEAN': return (n) => ({ data: randomBytes(rng, (n + 7) >> 3) });
    case 'TINYINT': return ints(rng, Int8Array, num(spec.min, -128), num(spec.max, 127));
    case 'SMALLINT': return ints(rng, Int16Array, num(spec.min, -32768), num(spec.max, 32767));
    case 'INT': return ints(rng, Int32Array, num(spec.min, -2147483648), num(spec.max, 2147483647));
    case 'BIGINT': return bigints(rng, spec.min === undefined ? undefined : BigInt(spec.min.trim()), spec.max === undefined ? undefined : BigInt(spec.max.trim()));
    case 'FLOAT': return floats(rng, Float32Array, num(spec.min, 1.401298464324817e-45), num(spec.max, 3.4028234663852886e38));
    case 'DOUBLE': return floats(rng, Float64Array, num(spec.min, Number.MIN_VALUE), num(spec.max, Number.MAX_VALUE));
    case 'DECIMAL': {
      const limit = pow10(type.precision) - 1n;
      const lo = spec.min === undefined ? -limit : toUnscaled(spec.min, type.scale)!;
      const hi = spec.max === undefined ? limit : toUnscaled(spec.max, type.scale)!;
      return (n) => ({ data: randomDecimals(rng, n, lo, hi) });
    }
    case 'STRING': return (n) => {
      const len = spec.length;
      const data = randomBytes(rng, n * len);
      for (let i = 0; i < data.length; i++) data[i] = HEX[data[i] & 15];
      return { data, valueOffsets: fixedOffsets(n, len) };
    };
    case 'BYTES': return (n) => ({ data: randomBytes(rng, n * spec.length), valueOffsets: fixedOffsets(n, spec.length) });
    case 'DATE': return (n) => ({ data: new Int32Array(n).fill(Math.floor(Date.now() / MS_PER_DAY)) });
    case 'TIME': return (n) => ({ data: new Int32Array(n).fill(Date.now() % MS_PER_DAY) });
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const perMs = timestampUnitsPerMs(type.precision);
      return (n) => {
        const past = new Float64Array(n);
        rng.fillInts(past, 0, spec.maxPast);
        const now = Date.now();
        const out = new BigInt64Array(n);
        if (perMs === 1n) {
          const words = new Uint32Array(out.buffer);
          for (let i = 0; i < n; i++) setInt64(words, i, now - past[i]);
        } else {
          for (let i = 0; i < n; i++) out[i] = BigInt(now - past[i]) * perMs;
        }
        return { data: out };
      };
    }
    case 'ARRAY': return (n) => ({ valueOffsets: fixedOffsets(n, spec.length), child: children[0](n * spec.length) });
    case 'MAP': {
      const entries = (toArrowType(type) as arrow.Map_).children[0].type;
      return (n) => {
        const m = n * spec.length;
        const child = arrow.makeData({ type: entries, length: m, nullCount: 0, children: [children[0](m), children[1](m)] });
        return { valueOffsets: fixedOffsets(n, spec.length), child };
      };
    }
    case 'ROW': return (n) => ({ children: children.map((g) => g(n)) });
    case 'NULL': return () => ({});
  }
}

function ints(rng: Rng, Ctor: Int8ArrayConstructor | Int16ArrayConstructor | Int32ArrayConstructor, min: number, max: number): Buffers {
  return (n) => { const out = new Ctor(n); rng.fillInts(out, min, max); return { data: out }; };
}

function floats(rng: Rng, Ctor: Float32ArrayConstructor | Float64ArrayConstructor, min: number, max: number): Buffers {
  return (n) => { const out = new Ctor(n); rng.fillDoubles(out, min, max); return { data: out }; };
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function bigints(rng: Rng, min = INT64_MIN, max = INT64_MAX): Buffers {
  const span = max - min + 1n;
  return (n) => {
    const out = new BigInt64Array(n);
    const words = new Uint32Array(out.buffer);
    if (min === INT64_MIN && max === INT64_MAX) {
      rng.fillUint32(words); // every bit pattern is a valid BIGINT
    } else if (span <= 1n << 53n && min >= -(1n << 53n) && max <= 1n << 53n) {
      const tmp = new Float64Array(n);
      rng.fillInts(tmp, Number(min), Number(max));
      for (let i = 0; i < n; i++) setInt64(words, i, tmp[i]);
    } else {
      for (let i = 0; i < n; i++) out[i] = min + randomBelow(rng, span);
    }
    return { data: out };
  };
}

/** Uniform decimal128 unscaled values in [lo, hi]. */
function randomDecimals(rng: Rng, n: number, lo: bigint, hi: bigint): Uint32Array {
  const words = new Uint32Array(n * 4);
  const span = hi - lo + 1n;
  if (span <= 1n << 53n && lo >= -(1n << 53n) && hi <= 1n << 53n) {
    const tmp = new Float64Array(n);
    rng.fillInts(tmp, Number(lo), Number(hi));
    for (let i = 0; i < n; i++) {
      const v = tmp[i];
      setInt64(words, 2 * i, v);
      const sign = v < 0 ? 0xffffffff : 0;
      words[4 * i + 2] = sign; words[4 * i + 3] = sign;
    }
  } else {
    for (let i = 0; i < n; i++) writeDecimal128(words, i, lo + randomBelow(rng, span));
  }
  return words;
}

/** A uniform BigInt in [0, bound) from 128 random bits (bias below 2^-64 for bounds up to 2^64·…). */
function randomBelow(rng: Rng, bound: bigint): bigint {
  let v = 0n;
  for (let w = 0; w < 5; w++) v = (v << 32n) | BigInt(rng.uint32());
  return v % bound;
}

/** Writes a safe integer as a little-endian two's-complement int64 at 64-bit slot `i` of a word view. */
export function setInt64(words: Uint32Array, i: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  words[2 * i] = v - hi * 4294967296;
  words[2 * i + 1] = hi;
}

function randomBytes(rng: Rng, n: number): Uint8Array {
  const words = new Uint32Array((n + 3) >> 2);
  rng.fillUint32(words);
  return new Uint8Array(words.buffer, 0, n);
}

function fixedOffsets(n: number, len: number): Int32Array {
  const o = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) o[i] = i * len;
  return o;
}
