import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { call, col, compileExpression, currentDate, currentTimestamp, lit, resolveExpression } from '../../src/expr/index.ts';
import { DataTypes } from '../../src/types/data-type.ts';
import { Schema } from '../../src/types/schema.ts';
import { evalOne, evaluate } from './helpers.ts';

const ts = (s: string) => lit(s).cast('TIMESTAMP(3)');
const ms = (s: string) => new Date(`${s}Z`);

test('EXTRACT and the field shortcuts', () => {
  const t = ts('2024-02-29 13:45:59.250');
  assert.equal(evalOne(t.extract('YEAR')), 2024n);
  assert.equal(evalOne(t.extract('quarter')), 1n);
  assert.equal(evalOne(t.month()), 2n);
  assert.equal(evalOne(t.dayOfMonth()), 29n);
  assert.equal(evalOne(t.dayOfYear()), 60n);
  assert.equal(evalOne(t.dayOfWeek()), 5n); // Thursday; Sunday = 1
  assert.equal(evalOne(t.week()), 9n);
  assert.equal(evalOne(t.hour()), 13n);
  assert.equal(evalOne(t.minute()), 45n);
  assert.equal(evalOne(t.second()), 59n);
  assert.equal(evalOne(t.extract('MILLISECOND')), 59250n);
  assert.equal(evalOne(lit('2024-02-29').cast('DATE').year()), 2024n);
  assert.deepEqual(evaluate(col('d').month(), { d: ['DATE', ['2020-12-31', null]] }), [12n, null]);
});

test('DATE_FORMAT with SimpleDateFormat patterns', () => {
  const t = ts('2024-03-05 07:08:09.123');
  assert.equal(evalOne(t.dateFormat('yyyy-MM-dd HH:mm:ss')), '2024-03-05 07:08:09');
  assert.equal(evalOne(t.dateFormat("yyyy/M/d 'at' h:mm a")), '2024/3/5 at 7:08 AM');
  assert.equal(evalOne(t.dateFormat('EEE, dd MMM yyyy SSS')), 'Tue, 05 Mar 2024 123');
  assert.equal(evalOne(call('DATE_FORMAT', '2024-03-05 07:08:09', 'yyyyMMdd')), '20240305');
});

test('TO_DATE, TO_TIMESTAMP, UNIX_TIMESTAMP, FROM_UNIXTIME, TO_TIMESTAMP_LTZ', () => {
  assert.deepEqual(evalOne(call('TO_DATE', '2024-03-05')), ms('2024-03-05T00:00:00'));
  assert.deepEqual(evalOne(call('TO_DATE', '05/03/2024', 'dd/MM/yyyy')), ms('2024-03-05T00:00:00'));
  assert.deepEqual(evalOne(call('TO_TIMESTAMP', '2024-03-05 10:11:12')), ms('2024-03-05T10:11:12'));
  assert.deepEqual(evalOne(call('TO_TIMESTAMP', '20240305101112', 'yyyyMMddHHmmss')), ms('2024-03-05T10:11:12'));
  assert.equal(evalOne(call('TO_TIMESTAMP', 'garbage')), null);
  assert.equal(evalOne(call('UNIX_TIMESTAMP', '1970-01-02 00:00:00')), 86400n);
  assert.equal(evalOne(call('FROM_UNIXTIME', 86400)), '1970-01-02 00:00:00');
  assert.equal(evalOne(call('FROM_UNIXTIME', 86400, 'yyyy')), '1970');
  assert.deepEqual(evalOne(call('TO_TIMESTAMP_LTZ', 1000, 0)), new Date(1_000_000));
  assert.deepEqual(evalOne(call('TO_TIMESTAMP_LTZ', 1500, 3)), new Date(1500));
});

test('TIMESTAMPADD, TIMESTAMPDIFF, FLOOR/CEIL to unit, DATE_ADD', () => {
  assert.deepEqual(evalOne(call('TIMESTAMPADD', 'MONTH', 1, ts('2024-01-31 10:00:00'))), ms('2024-02-29T10:00:00'));
  assert.deepEqual(evalOne(call('TIMESTAMPADD', 'HOUR', -2, ts('2024-01-01 01:00:00'))), ms('2023-12-31T23:00:00'));
  assert.equal(evalOne(call('TIMESTAMPDIFF', 'DAY', ts('2024-01-01 00:00:00'), ts('2024-01-03 12:00:00'))), 2);
  assert.equal(evalOne(call('TIMESTAMPDIFF', 'MONTH', ts('2024-01-31 00:00:00'), ts('2024-02-29 00:00:00'))), 0);
  assert.equal(evalOne(call('TIMESTAMPDIFF', 'YEAR', ts('2020-06-01 00:00:00'), ts('2024-06-01 00:00:00'))), 4);
  assert.deepEqual(evalOne(ts('2024-05-17 13:45:10').floorTo('HOUR')), ms('2024-05-17T13:00:00'));
  assert.deepEqual(evalOne(ts('2024-05-17 13:45:10').ceilTo('DAY')), ms('2024-05-18T00:00:00'));
  assert.deepEqual(evalOne(ts('2024-05-17 13:45:10').floorTo('MONTH')), ms('2024-05-01T00:00:00'));
  assert.deepEqual(evalOne(call('DATE_ADD', lit('2024-02-28').cast('DATE'), 2)), ms('2024-03-01T00:00:00'));
});

test('CURRENT_TIMESTAMP is read once per batch from the clock; LTZ honours the session zone', () => {
  const schema = Schema.of({ a: DataTypes.INT() });
  const batch = new arrow.RecordBatch({ a: arrow.vectorFromArray([1, 2], new arrow.Int32()) } as never);
  const now = Date.UTC(2024, 0, 1, 23, 30);
  const c = compileExpression(resolveExpression(currentTimestamp().node, schema), schema, { clock: () => now });
  const out = c.evaluate(batch);
  assert.equal(out.length, 2);
  assert.deepEqual([...(out.values as BigInt64Array).subarray(0, 2)], [BigInt(now), BigInt(now)]);
  const d = compileExpression(resolveExpression(currentDate().node, schema), schema, { clock: () => now, timeZone: '+02:00' });
  assert.equal((d.evaluate(batch).values as Int32Array)[0], Math.floor(now / 86_400_000) + 1);
  const h = compileExpression(resolveExpression(lit('2024-01-01 00:00:00').cast('TIMESTAMP_LTZ(3)').hour().node, schema), schema, { timeZone: 'Asia/Shanghai' });
  assert.equal((h.evaluate(batch).values as BigInt64Array)[0], 0n);
});
