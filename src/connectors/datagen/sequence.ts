import * as arrow from 'apache-arrow';
import { toArrowType } from '../../types/arrow-types.ts';
import { pow10, writeDecimal128 } from '../../batch/values/decimal.ts';
import { encodeStrings } from '../../batch/values/build.ts';
import type { FieldSpec } from './fields.ts';
import { setInt64, type ColumnGenerator } from './random.ts';

/** Rows a sequence field allows: the length of its range [start, end]. */
export function sequenceLength(spec: FieldSpec): bigint {
  return spec.end! - spec.start! + 1n;
}

/**
 * A generator emitting the sequence values of consecutive row numbers, `n` per call, from row `firstRow`: row r
 * has the value start + r, so the values of all splits together are the range, each value once, whatever the
 * parallelism (Flink's SequenceGenerator, cut into splits).
 */
export function sequenceGenerator(spec: FieldSpec, firstRow: number): ColumnGenerator {
  const type = spec.type;
  const arrowType = toArrowType(type);
  let next = spec.start! + BigInt(firstRow);
  const safe = spec.start! >= -(1n << 52n) && spec.end! <= 1n << 52n;
  return (n) => {
    const first = next;
    next += BigInt(n);
    const valueAt = safe ? ((f: number) => (k: number) => f + k)(Number(first)) : null;
    const big = (k: number): bigint => first + BigInt(k);
    const props: Record<string, unknown> = { type: arrowType, length: n, nullCount: 0 };
    switch (type.kind) {
      case 'TINYINT': case 'SMALLINT': case 'INT': case 'FLOAT': case 'DOUBLE': {
        const Ctor = { TINYINT: Int8Array, SMALLINT: Int16Array, INT: Int32Array, FLOAT: Float32Array, DOUBLE: Float64Array }[type.kind];
        const out = new Ctor(n);
        for (let k = 0; k < n; k++) out[k] = valueAt ? valueAt(k) : Number(big(k));
        props.data = out;
        break;
      }
      case 'BIGINT': {
        const out = new BigInt64Array(n);
        if (valueAt) { const words = new Uint32Array(out.buffer); for (let k = 0; k < n; k++) setInt64(words, k, valueAt(k)); }
        else for (let k = 0; k < n; k++) out[k] = big(k);
        props.data = out;
        break;
      }
      case 'DECIMAL': {
        const words = new Uint32Array(n * 4);
        const scale = pow10(type.scale);
        for (let k = 0; k < n; k++) writeDecimal128(words, k, big(k) * scale);
        props.data = words;
        break;
      }
      case 'STRING': {
        const [valueOffsets, data] = encodeStrings(Array.from({ length: n }, (_, k) => String(valueAt ? valueAt(k) : big(k))));
        Object.assign(props, { valueOffsets, data });
        break;
      }
      default:
        throw new Error(`unreachable: sequence of ${type.kind} is rejected at validation`);
    }
    return arrow.makeData(props as never);
  };
}
