import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datagenSource } from '../../src/connectors/index.ts';
import { rowsFromBatch } from '../../src/batch/values/index.ts';
import { Schema } from '../../src/types/schema.ts';
import type { DatagenReader } from '../../src/connectors/datagen/reader.ts';
import { parseDataType as T } from '../../src/types/parse-data-type.ts';
import { context, drain } from './helpers.ts';

const FAST = { connector: 'datagen', 'rows-per-second': '1e12', seed: '42' };

async function rows(schema: Schema, options: Record<string, string>, index = 0, parallelism = 1, batch = '4096'): Promise<unknown[][]> {
  datagenSource.validateSource(options, schema);
  const batches = await drain(datagenSource.createReader(options, schema, context(index, parallelism, { 'table.exec.batch-size': batch })));
  return batches.flatMap((b) => rowsFromBatch(b, schema));
}

test('random fields honour min, max, length, null-rate for every type', async () => {
  const schema = new Schema([
    'BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL(10, 2)', 'STRING', 'VARCHAR(5)', 'BYTES', 'DATE', 'TIME',
    'TIMESTAMP(3)', 'TIMESTAMP_LTZ(9)', 'ARRAY<INT>', 'MAP<STRING, INT>', 'ROW<a INT, b STRING>', 'DECIMAL(38, 0)', 'BIGINT',
  ].map((t, i) => ({ name: `c${i}`, type: T(t) })));
  const out = await rows(schema, {
    ...FAST, 'number-of-rows': '1000', 'fields.c3.min': '-5', 'fields.c3.max': '5', 'fields.c6.min': '0', 'fields.c6.max': '1',
    'fields.c7.min': '-1.5', 'fields.c7.max': '1.5', 'fields.c8.length': '7', 'fields.c10.length': '3', 'fields.c1.null-rate': '0.5',
    'fields.c13.max-past': '1 h', 'fields.c15.length': '2', 'fields.c17.a.min': '1', 'fields.c17.a.max': '1', 'fields.c19.min': '10', 'fields.c19.max': '20',
  });
  assert.equal(out.length, 1000);
  const nulls = out.filter((r) => r[1] === null).length;
  assert.ok(nulls > 350 && nulls < 650, `null-rate 0.5 gave ${nulls} nulls`);
  for (const r of out) {
    assert.ok((r[3] as number) >= -5 && (r[3] as number) <= 5);
    assert.ok((r[6] as number) >= 0 && (r[6] as number) < 1);
    assert.ok(Math.abs(Number(r[7])) <= 1.5 && /^-?\d+\.\d\d$/.test(r[7] as string));
    assert.match(r[8] as string, /^[0-9a-f]{7}$/);
    assert.equal((r[9] as string).length, 5);
    assert.equal((r[10] as Uint8Array).length, 3);
    assert.ok(Date.now() - (r[13] as Date).getTime() <= 3_600_000 + 5000);
    assert.equal((r[15] as unknown[]).length, 2);
    assert.equal((r[17] as { a: number }).a, 1);
    assert.ok((r[19] as bigint) >= 10n && (r[19] as bigint) <= 20n);
    assert.ok((r[18] as string).replace('-', '').length <= 38);
  }
});

test('seed makes data reproducible', async () => {
  const schema = Schema.of({ x: T('DOUBLE'), s: T('STRING') });
  const opts = { ...FAST, 'number-of-rows': '50' };
  assert.deepEqual(await rows(schema, opts), await rows(schema, opts));
});

test('number-of-rows is cut into splits dealt across subtasks; the rows do not depend on the parallelism', async () => {
  const schema = Schema.of({ x: T('INT'), d: T('DOUBLE'), s: T('STRING') });
  const opts = { ...FAST, 'number-of-rows': '10001' };
  const serial = (await rows(schema, opts, 0, 1, '700')).map((r) => JSON.stringify(r));
  assert.equal(serial.length, 10001);
  for (const p of [2, 3]) {
    const parts = await Promise.all(Array.from({ length: p }, (_, i) => rows(schema, opts, i, p, '700')));
    // 10 splits of about 1000 rows: 2 subtasks get 5 each, 3 get 4, 3 and 3.
    assert.ok(parts.every((part) => part.length >= 3000), `parallelism ${p}: ${parts.map((x) => x.length)}`);
    assert.deepEqual(parts.flat().map((r) => JSON.stringify(r)).sort(), [...serial].sort(), `parallelism ${p}`);
  }
  assert.equal(datagenSource.isBounded(opts), true);
  assert.equal(datagenSource.isBounded({ connector: 'datagen' }), false);
});

test('at a limited rate, smaller batches at a higher parallelism do not change the values', async () => {
  const schema = Schema.of({ x: T('INT'), s: T('STRING'), b: T('BOOLEAN') });
  const opts = { ...FAST, 'rows-per-second': '9000', 'number-of-rows': '3000', 'fields.s.length': '3', 'fields.b.null-rate': '0.5' };
  const serial = (await rows(schema, opts)).map((r) => JSON.stringify(r)).sort();
  // 3 splits of 1000 rows, generated a split at a time; at parallelism 3 emitted in batches of 900 rows at parallelism 1 and 9000 / 3 / 10 = 300 at 3.
  const parts = await Promise.all([0, 1, 2].map((i) => rows(schema, opts, i, 3)));
  assert.deepEqual(parts.map((p) => p.length), [1000, 1000, 1000]);
  assert.deepEqual(parts.flat().map((r) => JSON.stringify(r)).sort(), serial);
});

test('a sequence is cut into splits: each value once at any parallelism, in order within a subtask', async () => {
  const schema = Schema.of({ id: T('BIGINT'), s: T('STRING'), d: T('DECIMAL(10, 2)') });
  const opts = { ...FAST, 'fields.id.kind': 'sequence', 'fields.id.start': '1', 'fields.id.end': '3001',
    'fields.s.kind': 'sequence', 'fields.s.start': '1', 'fields.s.end': '3001', 'fields.d.kind': 'sequence', 'fields.d.start': '1', 'fields.d.end': '3001' };
  assert.equal(datagenSource.isBounded(opts), true);
  const [a, b] = await Promise.all([rows(schema, opts, 0, 2, '64'), rows(schema, opts, 1, 2, '64')]);
  // Three splits: subtask 0 gets rows 1-1000 and 2001-3001, subtask 1 rows 1001-2000.
  assert.equal(a.length, 2001);
  assert.equal(b.length, 1000);
  const ids = [...a, ...b].map((r) => Number(r[0])).sort((x, y) => x - y);
  assert.deepEqual(ids, Array.from({ length: 3001 }, (_, i) => i + 1));
  assert.deepEqual(a[2], [3n, '3', '3.00']);
  assert.deepEqual(b[0], [1001n, '1001', '1001.00']);
  const serial = (await rows(schema, opts)).map((r) => Number(r[0]));
  assert.deepEqual(serial, Array.from({ length: 3001 }, (_, i) => i + 1));
});

test('unbounded datagen takes turns between its lanes; random values depend on the lane, not the parallelism', async () => {
  const schema = Schema.of({ x: T('BIGINT') });
  const lanes = async (index: number, parallelism: number, batches: number): Promise<Map<string, unknown[]>> => {
    const reader = datagenSource.createReader({ ...FAST }, schema, context(index, parallelism, { 'table.exec.batch-size': '5' }));
    const byLane = new Map<string, unknown[]>();
    for (let n = 0; n < batches;) {
      const e = await reader.next();
      if (!e || 'kind' in e) continue;
      const lane = String((reader as DatagenReader).lastSplit());
      byLane.set(lane, [...(byLane.get(lane) ?? []), ...rowsFromBatch(e, schema).map((r) => r[0])]);
      n++;
    }
    await reader.close();
    return byLane;
  };
  const serial = await lanes(0, 1, 256);
  assert.equal(serial.size, 128);
  const second = await lanes(1, 2, 128);
  assert.equal(second.size, 64);
  for (const [lane, values] of second) {
    assert.equal(Number(lane) % 2, 1);
    assert.deepEqual(values, serial.get(lane));
  }
});

test('rate limit throttles (300 rows at 1000 rows/s take at least ~200 ms)', async () => {
  const schema = Schema.of({ x: T('INT') });
  const t0 = performance.now();
  const out = await rows(schema, { connector: 'datagen', 'rows-per-second': '1000', 'number-of-rows': '300' });
  assert.equal(out.length, 300);
  assert.ok(performance.now() - t0 >= 150);
});

test('option validation errors are actionable', () => {
  const schema = Schema.of({ id: T('INT'), ts: T('TIMESTAMP(3)'), m: T('MAP<STRING, INT>') });
  const bad: [Record<string, string>, RegExp][] = [
    [{ 'fields.nope.kind': 'random' }, /Unsupported options.*fields\.nope\.kind/],
    [{ 'fields.id.kind': 'sequence', 'fields.id.start': '1' }, /fields\.id\.end' is required/],
    [{ 'fields.id.kind': 'sequence', 'fields.id.start': '5', 'fields.id.end': '1' }, /fields\.id\.end/],
    [{ 'fields.id.kind': 'seq' }, /one of 'random', 'sequence'/],
    [{ 'fields.id.min': '1', 'fields.id.max': 'x' }, /fields\.id\.max.*'x'/],
    [{ 'fields.id.min': '3000000000' }, /INT range/],
    [{ 'fields.id.max-past': '1 s' }, /does not apply/],
    [{ 'fields.ts.kind': 'sequence', 'fields.ts.start': '1', 'fields.ts.end': '2' }, /cannot be 'sequence'/],
    [{ 'fields.id.null-rate': '2' }, /between 0 and 1|<= 1/],
    [{ 'rows-per-second': '-1' }, /rows-per-second/],
  ];
  for (const [opts, re] of bad) {
    assert.throws(() => datagenSource.validateSource({ connector: 'datagen', ...opts }, schema), (e: any) => e.code === 'CONNECTOR_OPTION' && re.test(e.message), JSON.stringify(opts));
  }
  datagenSource.validateSource({ connector: 'datagen', 'fields.m.key.length': '3', 'fields.m.value.min': '1' }, schema);
});
