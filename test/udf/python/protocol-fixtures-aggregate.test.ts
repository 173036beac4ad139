import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type * as arrow from 'apache-arrow';
import { columnFromValues } from '../../../src/batch/values/build.ts';
import { valueAt } from '../../../src/batch/values/read.ts';
import { fromArrowType } from '../../../src/types/arrow-types.ts';
import { formatDataType, type DataType } from '../../../src/types/data-type.ts';
import { parseDataType } from '../../../src/types/parse-data-type.ts';
import { aggregateMessage, encodeRows } from '../../../src/udf/python/aggregate-client.ts';
import { decodeBody, decodeHeader, encodeColumns, encodeHeader } from '../../../src/udf/python/codec.ts';
import { errorFromReply } from '../../../src/udf/python/protocol.ts';
import { FIXTURES } from './helpers.ts';

/**
 * The golden fixtures of the aggregate/table additions of protocol 1 (test/fixtures/protocol/v1-aggregate,
 * docs/protocol.md "Fixtures of the additions"), read from the TypeScript side: committed bytes decode to the
 * manifest, and what this host encodes decodes to the same headers and columns.
 */

interface Body { file: string; rows: number; fields: { name: string; type: string }[]; columns: Record<string, unknown[]> }
interface Entry { header_file: string; header: Record<string, unknown>; body: Body | null; body2: Body | null }

const DIR = join(FIXTURES, 'protocol', 'v1-aggregate');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { protocol: number; messages: Record<string, Entry> };
const NAMES = [
  'load_aggregate', 'loaded_aggregate', 'aggregate_accumulate', 'aggregate_accumulate_result', 'aggregate_merge',
  'aggregate_merge_result', 'aggregate_complete', 'aggregate_complete_result', 'table', 'table_result',
  'aggregate_retract_unsupported', 'aggregate_error',
];

/** A cell as the manifest writes it: BIGINT as a decimal string, ROW as an object, ARRAY as an array (recursively). */
function toJson(value: unknown, type: DataType): unknown {
  if (value === null) return null;
  switch (type.kind) {
    case 'BIGINT': return String(value);
    case 'ROW': return Object.fromEntries(type.fields.map((f) => [f.name, toJson((value as Record<string, unknown>)[f.name], f.type)]));
    case 'ARRAY': return (value as unknown[]).map((v) => toJson(v, type.element));
    default: return value;
  }
}

/** The inverse of {@link toJson}: JS values columnFromValues accepts. */
function fromJson(value: unknown, type: DataType): unknown {
  if (value === null) return null;
  switch (type.kind) {
    case 'BIGINT': return BigInt(value as string);
    case 'ROW': return Object.fromEntries(type.fields.map((f) => [f.name, fromJson((value as Record<string, unknown>)[f.name], f.type)]));
    case 'ARRAY': return (value as unknown[]).map((v) => fromJson(v, type.element));
    default: return value;
  }
}

const columnJson = (d: arrow.Data, type: DataType) => Array.from({ length: d.length }, (_, i) => toJson(valueAt(d, type, i), type));
const columnOf = (f: { type: string }, values: unknown[]) => { const t = parseDataType(f.type); return columnFromValues(t, values.map((v) => fromJson(v, t))); };

function assertBody(bytes: Uint8Array, body: Body): void {
  const decoded = decodeBody(bytes);
  assert.equal(decoded.rows, body.rows);
  assert.deepEqual(decoded.schema.fields.map((f) => ({ name: f.name, type: formatDataType(fromArrowType(f.type, f.nullable)) })), body.fields);
  body.fields.forEach((f, i) => assert.deepEqual(columnJson(decoded.columns[i], parseDataType(f.type)), body.columns[f.name], f.name));
}

test('the v1-aggregate manifest lists every message of the additions', () => {
  assert.equal(manifest.protocol, 1);
  assert.deepEqual(Object.keys(manifest.messages).sort(), [...NAMES].sort());
});

for (const name of NAMES) {
  const entry = manifest.messages[name];

  test(`${name}: committed header decodes to the manifest, and our encoding of it too`, () => {
    assert.deepEqual(decodeHeader(readFileSync(join(DIR, entry.header_file))), entry.header);
    assert.deepEqual(decodeHeader(encodeHeader(entry.header)), entry.header);
  });

  for (const [frame, body] of [['frame 1', entry.body], ['frame 2', entry.body2]] as const) {
    if (!body) continue;
    test(`${name}: committed ${frame} decodes to the manifest's schema and values`, () => assertBody(readFileSync(join(DIR, body.file)), body));
    test(`${name}: our ${frame} encoding decodes to the same schema and values`, () => {
      const columns = body.fields.map((f) => columnOf(f, body.columns[f.name]));
      assertBody(encodeColumns(columns, body.rows, body.fields.map((f) => f.name)), body);
    });
  }
}

test('the aggregate client builds the fixture requests: header and frame 1 of aggregate_accumulate', () => {
  const entry = manifest.messages.aggregate_accumulate;
  const h = entry.header as { seq: number; fn: number; rows: number; groups: number };
  const header = aggregateMessage(h.seq, h.fn, 'accumulate', h.rows, h.groups, true, true);
  // `results: true` is the protocol default the fixture leaves out; everything else is as committed.
  assert.deepEqual(decodeHeader(encodeHeader(header)), { ...entry.header, results: true });
  const body = entry.body!;
  const args = body.fields.filter((f) => f.name.startsWith('a')).map((f) => columnOf(f, body.columns[f.name]));
  const bytes = encodeRows({ rows: body.rows, groupIds: Int32Array.from(body.columns.g as number[]), kinds: Uint8Array.from(body.columns.k as number[]), args });
  assertBody(bytes, body);
});

test('the aggregate_error reply becomes a UdfError naming the function, the row and its values', () => {
  const e = errorFromReply(manifest.messages.aggregate_error.header, 'fallback');
  assert.equal(e.code, 'UDF_ERROR');
  assert.match(e.message, /'top2'.*no retract\(\)/);
  assert.deepEqual({ udf: (e as { udf?: string }).udf, row: (e as { row?: number }).row }, { udf: 'top2', row: 1 });
});
