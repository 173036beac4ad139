import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeBody, decodeHeader, encodeColumns, encodeHeader } from '../../../src/udf/python/codec.ts';
import { formatDataType } from '../../../src/types/data-type.ts';
import { fromArrowType } from '../../../src/types/arrow-types.ts';
import { parseDataType } from '../../../src/types/parse-data-type.ts';
import { FIXTURES } from './helpers.ts';
import { dataToJson, jsonToData } from './json-values.ts';

const DIR = join(FIXTURES, 'protocol');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  protocol: number;
  messages: Record<string, { header_file: string; header: unknown; body: null | { file: string; rows: number; fields: { name: string; type: string }[]; columns: Record<string, unknown[]> } }>;
};
const NAMES = ['hello', 'hello_ok', 'load', 'loaded', 'eval', 'result', 'error'];

test('manifest lists every message of the protocol', () => {
  assert.equal(manifest.protocol, 1);
  assert.deepEqual(Object.keys(manifest.messages).sort(), [...NAMES].sort());
});

for (const name of NAMES) {
  const entry = manifest.messages[name];

  test(`${name}: committed header decodes to the manifest`, () => {
    assert.deepEqual(decodeHeader(readFileSync(join(DIR, entry.header_file))), entry.header);
  });

  test(`${name}: our header encoding decodes to the same value`, () => {
    assert.deepEqual(decodeHeader(encodeHeader(entry.header as object)), entry.header);
  });

  if (entry.body) {
    const body = entry.body;
    test(`${name}: committed body decodes to the manifest schema and values`, () => {
      const decoded = decodeBody(readFileSync(join(DIR, body.file)));
      assert.equal(decoded.rows, body.rows);
      assert.deepEqual(decoded.schema.fields.map((f) => ({ name: f.name, type: formatDataType(fromArrowType(f.type, f.nullable)) })), body.fields);
      body.fields.forEach((f, i) => assert.deepEqual(dataToJson(decoded.columns[i], parseDataType(f.type)), body.columns[f.name], f.name));
    });

    test(`${name}: our body encoding decodes to the same schema and values`, () => {
      const columns = body.fields.map((f) => jsonToData(parseDataType(f.type), body.columns[f.name]));
      const decoded = decodeBody(encodeColumns(columns, body.rows, body.fields[0].name[0]));
      assert.deepEqual(decoded.schema.fields.map((f) => f.name), body.fields.map((f) => f.name));
      body.fields.forEach((f, i) => assert.deepEqual(dataToJson(decoded.columns[i], parseDataType(f.type)), body.columns[f.name], f.name));
    });
  }
}

test('the same column shipped twice survives encoding (Arrow JS chunk-collapse workaround)', () => {
  const col = jsonToData(parseDataType('DOUBLE'), [1.5, null, 3]);
  const decoded = decodeBody(encodeColumns([col, col], 3));
  assert.deepEqual(dataToJson(decoded.columns[1], parseDataType('DOUBLE')), [1.5, null, 3]);
});
