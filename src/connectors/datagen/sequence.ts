import * as arrow from 'apache-arrow';
import { toArrowType } from '../../types/arrow-types.ts';
import { pow10, writeDecimal128 } from '../../batch/values/decimal.ts';
import { encodeStrings } from '../../batch/values/build.ts';
import type { FieldSpec } from './fields.ts';
import { setInt64, type ColumnGenerator } from './random.ts';

/**
 * How many values of the sequence [start, end] subtask `index` of `parallelism` emits. Flink's SequenceGenerator
 * deals the range out round-robin: subtask i emits start+i, start+i+p, start+i+2p, ... so the union over subtasks is
 * exactly the range, each value once.
 */
export function sequenceShare(start: bigint, end: bigint, index: number, parallelism: number): bigint {
  const total = end - start + 1n;
  const p = BigInt(parallelism);
  return total / p + (total % p > BigInt(index) ? 1n : 0n);
}

/**
 * A generator emitting subtask `index`'s share of the sequence, in order, `n` values per call, starting after the
 * first `skip` values of that share (a restored reader continues where it was).
 */
export function sequenceGenerator(spec: FieldSpec, index: number, parallelism: number, skip = 0): ColumnGenerator {
  const type = spec.type;
  const arrowType = toArrowType(type);
  const step = BigInt(parallelism);
  let next = spec.start! + BigInt(index) + BigInt(skip) * step;
  const safe = spec.start! >= -(1n << 52n) && spec.end! <= 1n << 52n;
  return (n) => {
    const first = next;
    next += BigInt(n) * step;
    const valueAt = safe
      ? ((f: number, s: number) => (k: number) => f + k * s)(Number(first), parallelism)
      : null;
    const big = (k: number): bigint => first + BigInt(k) * step;
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
