/**
 * How operators keep UDAF accumulators in keyed state between calls.
 *
 * On the wire an accumulator is one cell of an Arrow column of the function's declared `accumulatorType`
 * (docs/protocol.md, "Accumulator state format"). In state, each key keeps that cell's value in a plain,
 * type-directed form (below) that the state serializer (msgpack) writes as it is: no pickle, no code, readable
 * without the function. The accumulator type string is the state's version: operators put it into their state
 * serializer's id ({@link accumulatorStateTag}), so a snapshot written under another accumulator type is refused
 * at restore instead of being fed to the function.
 *
 * The state form is the JavaScript value of docs/values.md, with two changes that make it survive msgpack exactly:
 * a MAP is an array of `[key, value]` pairs (msgpack maps only have string keys once decoded), and ROW values are
 * objects keyed by field name. Sub-millisecond digits of TIMESTAMP fields inside an accumulator are not kept
 * (JS Date), which is the one lossy case.
 *
 * Why not one Arrow IPC message per key: measured on ROW<DOUBLE, BIGINT>, apache-arrow's writer needs ~57 µs and
 * ~500 bytes per single-row message, against ~3 µs and ~20 bytes here, and every batch touches thousands of keys.
 */
import type * as arrow from 'apache-arrow';
import { columnFromValues } from '../batch/values/build.ts';
import { valueAt } from '../batch/values/read.ts';
import { formatDataType, withNullable, type DataType } from '../types/data-type.ts';

/** One accumulator in its state form (see the module comment); null = no accumulator yet (a new group). */
export type AccumulatorStateValue = unknown;

/** Converts accumulator cells between Arrow columns of one accumulator type and their state form. */
export class AccumulatorStateCodec {
  /** The nullable accumulator type (NULL marks a new group on the wire). */
  readonly type: DataType;

  constructor(accumulatorType: DataType) {
    this.type = withNullable(accumulatorType, true);
  }

  /** The state form of every cell of `data` (NULL cells become null). */
  read(data: arrow.Data): AccumulatorStateValue[] {
    const out = new Array<AccumulatorStateValue>(data.length);
    for (let i = 0; i < data.length; i++) out[i] = toState(this.type, valueAt(data, this.type, i));
    return out;
  }

  /** An Arrow column of the accumulator type from state-form values (null = a new group). */
  column(values: readonly AccumulatorStateValue[]): arrow.Data {
    return columnFromValues(this.type, values.map((v) => fromState(this.type, v)));
  }
}

/**
 * The part of a state serializer id that names the accumulator types of an operator's UDAF calls, e.g.
 * `udaf(weighted_avg:ROW<f0 BIGINT, f1 BIGINT>)`: restoring state written under other types fails.
 */
export function accumulatorStateTag(calls: readonly { readonly name: string; readonly accumulatorType: DataType | null }[]): string {
  return `udaf(${calls.map((c) => `${c.name}:${c.accumulatorType ? formatDataType(c.accumulatorType) : 'none'}`).join(';')})`;
}

function toState(type: DataType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'MAP':
      return [...(value as Map<unknown, unknown>)].map(([k, v]) => [toState(type.key, k), toState(type.value, v)]);
    case 'ARRAY':
      return (value as unknown[]).map((v) => toState(type.element, v));
    case 'ROW': {
      const row = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of type.fields) out[f.name] = toState(f.type, row[f.name]);
      return out;
    }
    default:
      return value;
  }
}

function fromState(type: DataType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'MAP':
      return new Map((value as [unknown, unknown][]).map(([k, v]) => [fromState(type.key, k), fromState(type.value, v)]));
    case 'ARRAY':
      return (value as unknown[]).map((v) => fromState(type.element, v));
    case 'ROW': {
      const row = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of type.fields) out[f.name] = fromState(f.type, row[f.name]);
      return out;
    }
    default:
      return value;
  }
}
