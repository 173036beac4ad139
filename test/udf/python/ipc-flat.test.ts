import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import * as arrow from 'apache-arrow';
import { decodeBody, decodeBodyWithArrow, encodeColumns, encodeColumnsWithArrow } from '../../../src/udf/python/codec.ts';
import { decodeFlatBody, encodeFlatColumns, rememberSchema } from '../../../src/udf/python/ipc-flat.ts';
import { resolvePythonExecutable, workerPythonPath } from '../../../src/udf/python/interpreter.ts';

/**
 * The hand-written Arrow IPC writer/reader (ipc-flat.ts) against apache-arrow and pyarrow: every flat type, with
 * nulls, sliced at byte-aligned and unaligned offsets, must decode to the same values as the library's own stream,
 * pass pyarrow's full validation, and equal pyarrow's reading of the library's stream.
 */

const N = 37; // not a multiple of 8, so bitmaps end mid-byte

function pick<T>(i: number, make: (i: number) => T): T | null {
  return i % 5 === 2 ? null : make(i);
}

/** One column per flat type, N rows, every fifth value null (and one all-valid column per layout). */
function columns(): Record<string, arrow.Data> {
  const v = (type: arrow.DataType, make: (i: number) => unknown) =>
    arrow.vectorFromArray(Array.from({ length: N }, (_, i) => pick(i, make)), type).data[0];
  const dense = (type: arrow.DataType, make: (i: number) => unknown) =>
    arrow.vectorFromArray(Array.from({ length: N }, (_, i) => make(i)), type).data[0];
  const decimal = (() => {
    // Decimal(10, 2) values i * 1.01 as little-endian 128-bit words; vectorFromArray does not build decimals.
    const words = new Uint32Array(4 * N);
    for (let i = 0; i < N; i++) { words[4 * i] = i * 101; }
    const nullBitmap = new Uint8Array(Math.ceil(N / 8));
    let nullCount = 0;
    for (let i = 0; i < N; i++) { if (i % 5 === 2) nullCount++; else nullBitmap[i >> 3] |= 1 << (i & 7); }
    return arrow.makeData({ type: new arrow.Decimal(2, 10, 128), length: N, nullCount, nullBitmap, data: words });
  })();
  return {
    bool: v(new arrow.Bool(), (i) => i % 3 === 0),
    boolDense: dense(new arrow.Bool(), (i) => i % 3 === 1),
    int8: v(new arrow.Int8(), (i) => (i * 7) % 128 - 64),
    int16: v(new arrow.Int16(), (i) => i * 901 - 20000),
    int32: v(new arrow.Int32(), (i) => i * 123457 - 2000000),
    int64: v(new arrow.Int64(), (i) => BigInt(i) * 1234567890123n - 9000000000000n),
    uint8: v(new arrow.Uint8(), (i) => (i * 13) % 256),
    uint16: v(new arrow.Uint16(), (i) => i * 1700),
    uint32: v(new arrow.Uint32(), (i) => i * 100000007),
    uint64: v(new arrow.Uint64(), (i) => BigInt(i) * 99999999999n),
    float32: v(new arrow.Float32(), (i) => i * 0.5 - 3),
    float64: v(new arrow.Float64(), (i) => i * 1.25e-3 - 1e10),
    float64Dense: dense(new arrow.Float64(), (i) => i / 7),
    decimal,
    dateDay: v(new arrow.DateDay(), (i) => new Date(Date.UTC(2020, 0, 1 + i))),
    dateMs: v(new arrow.DateMillisecond(), (i) => new Date(Date.UTC(2021, 5, 1 + i))),
    timeMs: v(new arrow.TimeMillisecond(), (i) => i * 1000 + 7),
    timestampMs: v(new arrow.TimestampMillisecond(), (i) => 1_700_000_000_000 + i * 1000),
    timestampUsUtc: v(new arrow.TimestampMicrosecond('UTC'), (i) => 1_700_000_000_000 + i),
    utf8: v(new arrow.Utf8(), (i) => `s${i}-${'é'.repeat(i % 4)}`),
    utf8Dense: dense(new arrow.Utf8(), (i) => 'x'.repeat(i % 6)),
    binary: v(new arrow.Binary(), (i) => Uint8Array.from({ length: i % 5 }, (_, k) => (i + k) & 0xff)),
  };
}

/** Plain, comparable values of a Data (bigints and decimals as strings, bytes as arrays). */
function plain(d: arrow.Data): unknown[] {
  const vec = arrow.makeVector(d);
  return Array.from({ length: vec.length }, (_, i) => {
    const x = vec.get(i);
    if (x === null) return null;
    if (typeof x === 'bigint') return x.toString();
    if (x instanceof Uint32Array) return Array.from(x).join(',');
    if (x instanceof Uint8Array) return Array.from(x);
    if (x instanceof Date) return x.getTime();
    if (x instanceof arrow.Vector) return Array.from(x.toArray() as ArrayLike<unknown>);
    return x;
  });
}

/** Each column whole, sliced at a byte-aligned offset, and at an unaligned one. */
function variants(d: arrow.Data): [string, arrow.Data][] {
  return [['whole', d], ['slice(8, 32)', d.slice(8, 24)], ['slice(3, 30)', d.slice(3, 27)], ['empty', d.slice(5, 0)]];
}

const cases: [string, arrow.Data][] = Object.entries(columns()).flatMap(([name, d]) =>
  variants(d).map(([how, s]) => [`${name} ${how}`, s] as [string, arrow.Data]));

describe('flat Arrow IPC writer', () => {
  for (const [name, d] of cases) {
    test(`${name}: apache-arrow reads the same values as from its own stream`, () => {
      const fast = encodeFlatColumns([d], d.length, 'a');
      assert.ok(fast, 'flat type takes the fast path');
      const ours = arrow.tableFromIPC(fast);
      const theirs = arrow.tableFromIPC(encodeColumnsWithArrow([d], d.length, 'a'));
      assert.equal(ours.numRows, d.length);
      assert.equal(String(ours.schema.fields[0].type), String(theirs.schema.fields[0].type));
      assert.ok(arrow.util.compareTypes(ours.schema.fields[0].type, theirs.schema.fields[0].type));
      assert.equal(ours.schema.fields[0].name, 'a0');
      assert.deepEqual(plain(ours.batches[0].data.children[0]), plain(d));
      assert.equal(ours.batches[0].data.children[0].nullCount, d.nullCount);
    });
  }

  test('several columns, the same column twice, and a multi-column table', () => {
    const all = columns();
    const cols = [all.float64, all.float64, all.utf8.slice(1, 20), all.int64.slice(1, 20).slice(0, 19)].map((c) => c.slice(0, 19));
    const ours = arrow.tableFromIPC(encodeFlatColumns(cols, 19, 'r')!);
    assert.deepEqual(ours.schema.fields.map((f) => f.name), ['r0', 'r1', 'r2', 'r3']);
    cols.forEach((c, i) => assert.deepEqual(plain(ours.batches[0].data.children[i]), plain(c)));
  });

  test('nested and dictionary columns are left to apache-arrow', () => {
    const list = arrow.vectorFromArray([[1, 2], null, [3]], new arrow.List(new arrow.Field('item', new arrow.Int32(), true))).data[0];
    assert.equal(encodeFlatColumns([list], 3, 'a'), null);
    const dict = arrow.vectorFromArray(['a', 'b', 'a'], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())).data[0];
    assert.equal(encodeFlatColumns([dict], 3, 'a'), null);
    // encodeColumns still handles them, through the library.
    assert.deepEqual(plain(arrow.tableFromIPC(encodeColumns([list], 3)).batches[0].data.children[0]), [[1, 2], null, [3]]);
  });
});

describe('flat Arrow IPC reader', () => {
  for (const [name, d] of cases) {
    test(`${name}: reads what apache-arrow wrote`, () => {
      const frame = encodeColumnsWithArrow([d], d.length, 'r');
      rememberSchema(frame, decodeBodyWithArrow(frame).schema);
      const flat = decodeFlatBody(frame);
      assert.ok(flat, 'known flat schema takes the fast path');
      assert.equal(flat.rows, d.length);
      assert.deepEqual(plain(flat.columns[0]), plain(d));
      assert.equal(flat.columns[0].nullCount, d.nullCount);
    });
  }

  test('an unaligned frame is copied, not misread', () => {
    const d = columns().float64;
    const frame = encodeColumns([d], d.length);
    rememberSchema(frame, decodeBodyWithArrow(frame).schema);
    const shifted = new Uint8Array(frame.byteLength + 1);
    shifted.set(frame, 1);
    const flat = decodeFlatBody(shifted.subarray(1));
    assert.ok(flat);
    assert.deepEqual(plain(flat.columns[0]), plain(d));
  });

  test('an unknown schema, several batches or a truncated frame fall back to apache-arrow', () => {
    const a = arrow.vectorFromArray([1.5, 2.5], new arrow.Float64()).data[0];
    const fresh = encodeColumnsWithArrow([a], 2, 'unseen');
    assert.equal(decodeFlatBody(fresh), null, 'schema not seen yet');
    assert.deepEqual(plain(decodeBody(fresh).columns[0]), [1.5, 2.5]);
    assert.ok(decodeFlatBody(fresh), 'remembered after the first decode');
    const two = arrow.tableToIPC(new arrow.Table([
      new arrow.RecordBatch({ unseen0: a }), new arrow.RecordBatch({ unseen0: a }),
    ]), 'stream');
    assert.equal(decodeFlatBody(two), null);
    assert.deepEqual(plain(decodeBody(two).columns[0]), [1.5, 2.5, 1.5, 2.5]);
    assert.equal(decodeFlatBody(fresh.subarray(0, fresh.byteLength - 20)), null);
  });
});

describe('against pyarrow', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-ipc-flat-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const python = (script: string) => execFileSync(resolvePythonExecutable(), ['-c', script, dir], {
    encoding: 'utf8', env: { ...process.env, PYTHONPATH: workerPythonPath(process.env.PYTHONPATH) },
  });

  test('pyarrow validates every stream we write and reads it equal to apache-arrow\'s', () => {
    const names: string[] = [];
    cases.forEach(([name, d], i) => {
      writeFileSync(join(dir, `w${i}.fast`), encodeFlatColumns([d], d.length, 'a')!);
      writeFileSync(join(dir, `w${i}.lib`), encodeColumnsWithArrow([d], d.length, 'a'));
      names.push(name);
    });
    writeFileSync(join(dir, 'names.json'), JSON.stringify(names));
    const out = python(`
import json, sys, pyarrow as pa
d = sys.argv[1]
bad = []
for i, name in enumerate(json.load(open(d + '/names.json'))):
    fast = pa.ipc.open_stream(pa.py_buffer(open(f'{d}/w{i}.fast', 'rb').read())).read_all()
    lib = pa.ipc.open_stream(pa.py_buffer(open(f'{d}/w{i}.lib', 'rb').read())).read_all()
    try:
        fast.validate(full=True)
    except Exception as e:
        bad.append(f'{name}: invalid: {e}')
        continue
    if not fast.equals(lib):
        bad.append(f'{name}: {fast.to_pydict()} != {lib.to_pydict()}')
print(json.dumps(bad))
`);
    assert.deepEqual(JSON.parse(out), []);
  });

  test('streams written by pyarrow (nulls, slices, several columns) read the same as with apache-arrow', () => {
    python(`
import sys, datetime, decimal, pyarrow as pa
d = sys.argv[1]
n = 29
def col(t, f):
    return pa.array([None if i % 4 == 1 else f(i) for i in range(n)], type=t)
cols = {
    'bool': col(pa.bool_(), lambda i: i % 3 == 0),
    'i8': col(pa.int8(), lambda i: i - 10), 'i16': col(pa.int16(), lambda i: i * 300),
    'i32': col(pa.int32(), lambda i: -i * 70000), 'i64': col(pa.int64(), lambda i: i * 10**12),
    'f32': col(pa.float32(), lambda i: i / 4), 'f64': col(pa.float64(), lambda i: i * 1.5),
    'dec': col(pa.decimal128(10, 2), lambda i: decimal.Decimal(i) / 4),
    'date': col(pa.date32(), lambda i: datetime.date(2020, 1, 1 + i)),
    'time': col(pa.time32('ms'), lambda i: datetime.time(0, 0, i)),
    'ts': col(pa.timestamp('us', tz='UTC'), lambda i: datetime.datetime(2020, 1, 1, 0, 0, i, tzinfo=datetime.timezone.utc)),
    'str': col(pa.string(), lambda i: 'v' * (i % 5)), 'bin': col(pa.binary(), lambda i: bytes([i]) * (i % 3)),
}
batch = pa.RecordBatch.from_arrays(list(cols.values()), names=[f'r{k}' for k in range(len(cols))])
for name, b in [('whole', batch), ('sliced', batch.slice(3, 21)), ('sliced8', batch.slice(8, 13)), ('empty', batch.slice(0, 0))]:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, b.schema) as w:
        w.write_batch(b)
    open(f'{d}/p-{name}', 'wb').write(sink.getvalue().to_pybytes())
`);
    for (const name of ['whole', 'sliced', 'sliced8', 'empty']) {
      const frame = new Uint8Array(readFileSync(join(dir, `p-${name}`)));
      const reference = decodeBodyWithArrow(frame);
      rememberSchema(frame, reference.schema);
      const flat = decodeFlatBody(frame);
      assert.ok(flat, `${name}: fast path`);
      assert.equal(flat.rows, reference.rows);
      reference.columns.forEach((c, i) => {
        assert.deepEqual(plain(flat.columns[i]), plain(c), `${name} column ${reference.schema.fields[i].name}`);
        assert.equal(flat.columns[i].nullCount, c.nullCount);
      });
    }
  });
});
