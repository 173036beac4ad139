/**
 * Writes the golden protocol fixtures (docs/protocol.md, "Golden fixtures") to test/fixtures/protocol/.
 * Run once by hand: `node --import tsx scripts/gen-protocol-fixtures.ts`. The files are committed; tests only read
 * them, so changing this script means regenerating and reviewing the diff on both the TypeScript and Python side.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeColumns, encodeHeader } from '../src/udf/python/codec.ts';
import { parseDataType } from '../src/types/parse-data-type.ts';
import { jsonToData } from '../test/udf/python/json-values.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'protocol');

interface BodySpec { fields: { name: string; type: string }[]; columns: Record<string, unknown[]> }

const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "udfs/text.py", line 7, in normalize',
  '    raise ValueError(f"bad value {s!r}")',
  "ValueError: bad value 'x'",
  '',
].join('\n');

const messages: Record<string, { header: Record<string, unknown>; body: BodySpec | null }> = {
  hello: {
    header: { type: 'hello', protocol: 1, token: '3f9a0c1b2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8', client: 'weir-ts/0.1.0 PythonUdf(normalize)[0]' },
    body: null,
  },
  hello_ok: {
    header: { type: 'hello_ok', protocol: 1, worker_id: 0, pid: 4242, python: '3.11.2', weir: '0.1.0' },
    body: null,
  },
  load: {
    header: {
      type: 'load', seq: 1, functions: [
        { id: 0, path: 'udfs/math.py:mul_add', name: 'mul_add', kind: 'scalar', result_type: 'DOUBLE', input_types: ['DOUBLE', 'DOUBLE'], func_type: 'pandas' },
        { id: 1, path: 'udfs.text:normalize', name: 'normalize', kind: 'scalar', job_parameters: { lang: 'de' } },
      ],
    },
    body: null,
  },
  loaded: {
    header: {
      type: 'loaded', seq: 1, functions: [
        { id: 0, name: 'mul_add', kind: 'scalar', func_type: 'pandas', input_types: ['DOUBLE', 'DOUBLE'], result_type: 'DOUBLE', deterministic: true },
        { id: 1, name: 'normalize', kind: 'scalar', func_type: 'general', input_types: null, result_type: 'STRING NOT NULL', deterministic: false },
      ],
    },
    body: null,
  },
  eval: {
    header: {
      type: 'eval', seq: 2, rows: 3,
      program: [
        { fn: 0, args: [{ col: 1 }, { lit: 2.5, type: 'DOUBLE' }] },
        { fn: 1, args: [{ col: 2 }, { lit: null, type: 'STRING' }, { lit: true, type: 'BOOLEAN' }, { lit: -7, type: 'INT' }, { lit: 'ß', type: 'STRING' }] },
        { fn: 0, args: [{ step: 0 }, { col: 1 }] },
      ],
      outputs: [2, 1],
    },
    body: {
      fields: [
        { name: 'a0', type: 'BIGINT' }, { name: 'a1', type: 'DOUBLE' }, { name: 'a2', type: 'STRING' },
        { name: 'a3', type: 'DECIMAL(10, 2)' }, { name: 'a4', type: 'TIMESTAMP(3)' }, { name: 'a5', type: 'BOOLEAN' },
      ],
      columns: {
        a0: ['9007199254740993', null, '-42'],
        a1: [1.5, null, -1e300],
        a2: ['héllo', null, '日本語 🚀'],
        a3: ['12.30', '-99999999.99', null],
        a4: ['2024-01-02 03:04:05.678', null, '1969-12-31 23:59:59.999'],
        a5: [true, false, null],
      },
    },
  },
  result: {
    header: {
      type: 'result', seq: 2, rows: 3,
      timings: { user_ns: 1500000, deser_ns: 20000, ser_ns: 30000 },
      metrics: [
        { fn: 1, group: ['text'], name: 'calls', kind: 'counter', value: 3 },
        { fn: 0, group: [], name: 'last', kind: 'gauge', value: 1.5 },
        { fn: 0, group: ['g', 'h'], name: 'rows', kind: 'meter', value: { count: 3, rate: 0.5 } },
        { fn: 1, group: [], name: 'length', kind: 'distribution', value: { count: 3, sum: 12, min: 2, max: 6, mean: 4 } },
      ],
    },
    body: {
      fields: [{ name: 'r0', type: 'DOUBLE' }, { name: 'r1', type: 'STRING' }],
      columns: { r0: [5, null, -0.25], r1: ['hello', null, '日本語 🚀'] },
    },
  },
  error: {
    header: {
      type: 'error', seq: 3, code: 'UDF_ERROR', message: "ValueError: bad value 'x'", function: 'normalize',
      traceback: TRACEBACK, row: 1, values: ['x', null, true, -7, 2.5],
    },
    body: null,
  },
};

mkdirSync(OUT, { recursive: true });
const manifest: Record<string, unknown> = {};
for (const [name, { header, body }] of Object.entries(messages)) {
  writeFileSync(join(OUT, `${name}.header.msgpack`), encodeHeader(header));
  if (body) {
    const rows = Object.values(body.columns)[0].length;
    const columns = body.fields.map((f) => jsonToData(parseDataType(f.type), body.columns[f.name]));
    writeFileSync(join(OUT, `${name}.body.arrows`), encodeColumns(columns, rows, body.fields[0].name[0]));
  }
  manifest[name] = {
    header_file: `${name}.header.msgpack`,
    header,
    body: body ? { file: `${name}.body.arrows`, rows: Object.values(body.columns)[0].length, ...body } : null,
  };
}
writeFileSync(join(OUT, 'manifest.json'), `${JSON.stringify({ protocol: 1, messages: manifest }, null, 2)}\n`);
console.log(`wrote ${Object.keys(messages).length} messages to ${OUT}`);
