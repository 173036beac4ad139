import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { DataTypes } from '../../../src/types/data-type.ts';
import { isTsScalarFunction, scalarFunction, scalarFunctionSpec } from '../../../src/udf/ts/define.ts';
import { andValidity, bigInt64Values, float64Values, int32Values, isValid, nullable, validity, values } from '../../../src/udf/ts/kernels.ts';
import { toResultColumn } from '../../../src/udf/ts/result-column.ts';
import { literalColumn } from '../../../src/udf/ts/literal-column.ts';
import { ThreadMetricMerger, UdfMetricRegistry } from '../../../src/udf/ts/user-metrics.ts';
import { hasUdfBackend, udfBackend } from '../../../src/udf/udf-backends.ts';
import { tsUdfBackendFactory } from '../../../src/udf/ts/ts-backend.ts';

const vec = (xs: unknown[], t: arrow.DataType) => arrow.vectorFromArray(xs, t);

test('scalarFunction marks a callable and parses its types', () => {
  const f = scalarFunction({ resultType: 'DECIMAL(10, 2) NOT NULL', inputTypes: ['STRING', DataTypes.INT()], name: 'n' }, (a: arrow.Vector) => [...a]);
  assert.ok(isTsScalarFunction(f));
  assert.ok(!isTsScalarFunction(() => 1));
  const spec = scalarFunctionSpec(f);
  assert.deepEqual(spec.resultType, { kind: 'DECIMAL', nullable: false, precision: 10, scale: 2 });
  assert.deepEqual(spec.inputTypes, [DataTypes.STRING(), DataTypes.INT()]);
  assert.equal(spec.deterministic, true);
  assert.equal(f.name, 'n');
  assert.deepEqual(f(vec([1, 2], new arrow.Int32())), [1, 2], 'still callable directly');
  assert.throws(() => scalarFunction({ resultType: 'NOPE' }, () => []), { code: 'TYPE_UNKNOWN' });
});

test('kernel helpers: zero-copy values, validity, AND of validity', () => {
  const a = vec([1.5, null, 3], new arrow.Float64());
  const b = vec([1, 2, null], new arrow.Int32());
  assert.equal(float64Values(a).buffer, a.data[0].values.buffer, 'DOUBLE values are not copied');
  assert.deepEqual([...float64Values(b)].filter((_, i) => i !== 2), [1, 2]);
  assert.deepEqual([...int32Values(b)].slice(0, 2), [1, 2]);
  assert.deepEqual([...bigInt64Values(vec([5n], new arrow.Int64()))], [5n]);
  assert.equal(values(a).length, 3);
  const both = andValidity(a, b)!;
  assert.deepEqual([0, 1, 2].map((i) => isValid(both, i)), [true, false, false]);
  assert.equal(validity(vec([1, 2], new arrow.Float64())), null);
  assert.equal(andValidity(vec([1], new arrow.Float64())), null);
  const sliced = arrow.makeVector(vec([1, null, 3, 4], new arrow.Float64()).data[0].slice(1, 3));
  assert.deepEqual([0, 1, 2].map((i) => isValid(validity(sliced), i)), [false, true, true]);
  assert.throws(() => float64Values(vec(['x'], new arrow.Utf8())), TypeError);
});

test('result conversion: typed arrays, nullable values, JS arrays, vectors; typed errors otherwise', () => {
  const dbl = DataTypes.DOUBLE();
  assert.deepEqual([...arrow.makeVector(toResultColumn(new Float64Array([1, 2]), dbl, 2, 'f'))], [1, 2]);
  const bits = new Uint8Array([0b01]);
  assert.deepEqual([...arrow.makeVector(toResultColumn(nullable(new Float64Array([1, 2]), bits), dbl, 2, 'f'))], [1, null]);
  assert.deepEqual([...arrow.makeVector(toResultColumn([1, null], DataTypes.INT(), 2, 'f'))], [1, null]);
  const date = toResultColumn(new Int32Array([18000]), DataTypes.DATE(), 1, 'f');
  assert.ok(arrow.DataType.isDate(date.type));
  assert.deepEqual([...(date.values as Int32Array)], [18000]);
  const row = toResultColumn([{ a: 1 }], DataTypes.ROW([DataTypes.FIELD('a', DataTypes.INT())]), 1, 'f');
  assert.deepEqual(arrow.makeVector(row).get(0)!.toJSON(), { a: 1 });
  assert.throws(() => toResultColumn(new Float32Array(2), dbl, 2, 'f'), { code: 'UDF_RESULT_TYPE' });
  assert.throws(() => toResultColumn(vec(['a'], new arrow.Utf8()), dbl, 1, 'f'), (e: Error) => /declared to return DOUBLE .*Arrow type Utf8/.test(e.message));
  assert.throws(() => toResultColumn(new Uint8Array(1), DataTypes.BOOLEAN(), 1, 'f'), { code: 'UDF_RESULT_TYPE' });
  assert.throws(() => toResultColumn(42, dbl, 1, 'f'), (e: Error) => /returned a number/.test(e.message));
  assert.throws(() => toResultColumn(new Float64Array(0), dbl, 3, 'f'), (e: Error & { code: string }) => e.code === 'UDF_RESULT_LENGTH' && /allocate a new result buffer/.test(e.message));
});

test('literal columns of every scalar type', () => {
  const read = (d: arrow.Data) => [...arrow.makeVector(d)];
  assert.deepEqual(read(literalColumn(2.5, DataTypes.DOUBLE(), 3)), [2.5, 2.5, 2.5]);
  assert.deepEqual(read(literalColumn('9007199254740993', DataTypes.BIGINT(), 2)), [9007199254740993n, 9007199254740993n]);
  assert.deepEqual(read(literalColumn('abc', DataTypes.STRING(), 2)), ['abc', 'abc']);
  assert.deepEqual(read(literalColumn(null, DataTypes.INT(), 2)), [null, null]);
  assert.deepEqual(read(literalColumn('true', DataTypes.BOOLEAN(), 1)), [true]);
  assert.deepEqual([...(literalColumn('2024-01-02', DataTypes.DATE(), 1).values as Int32Array)], [Date.UTC(2024, 0, 2) / 86_400_000]);
  assert.deepEqual(read(literalColumn('01:00:01.5', DataTypes.TIME(), 1)), [3_601_500]);
  assert.deepEqual([...(literalColumn('2024-01-02 03:04:05', DataTypes.TIMESTAMP(6), 1).values as BigInt64Array)], [1_704_164_645_000_000n]);
  const dec = literalColumn('-12.345', DataTypes.DECIMAL(10, 2), 2);
  assert.deepEqual([...(dec.values as Uint32Array).subarray(0, 4)], [2 ** 32 - 1235, 2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1]);
  assert.throws(() => literalColumn('x', DataTypes.ARRAY(DataTypes.INT()), 1), { code: 'NOT_SUPPORTED' });
});

test('user metrics report changes only, and merge across threads', () => {
  const reg = new UdfMetricRegistry();
  reg.root.counter('c').inc(2);
  reg.root.addGroup('k', 'v').distribution('d').update(4);
  reg.root.meter('m').markEvent(3);
  assert.deepEqual(reg.collectChanges().map((r) => [r.group, r.name, r.kind]), [[[], 'c', 'counter'], [['k', 'v'], 'd', 'distribution'], [[], 'm', 'meter']]);
  assert.deepEqual(reg.collectChanges(), [], 'nothing changed');
  reg.root.counter('c').inc();
  assert.deepEqual(reg.collectChanges().map((r) => r.value), [3]);
  assert.throws(() => reg.root.gauge('c', 1), /already registered as a counter/);

  const merger = new ThreadMetricMerger();
  merger.merge(1, [{ udf: 'f', group: [], name: 'c', kind: 'counter', value: 3 }]);
  const [total] = merger.merge(2, [{ udf: 'f', group: [], name: 'c', kind: 'counter', value: 4 }]);
  assert.equal(total.value, 7);
  merger.merge(1, [{ udf: 'f', group: [], name: 'd', kind: 'distribution', value: { count: 1, sum: 4, min: 4, max: 4, mean: 4 } }]);
  const [d] = merger.merge(2, [{ udf: 'f', group: [], name: 'd', kind: 'distribution', value: { count: 3, sum: 6, min: 1, max: 3, mean: 2 } }]);
  assert.deepEqual(d.value, { count: 4, sum: 10, min: 1, max: 4, mean: 2.5 });
});

test("register.ts makes the factory the registry's 'typescript' backend", async () => {
  await import('../../../src/udf/ts/register.ts');
  assert.ok(hasUdfBackend('typescript'));
  assert.equal(udfBackend('typescript'), tsUdfBackendFactory);
});
