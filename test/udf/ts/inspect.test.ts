import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataTypes } from '../../../src/types/data-type.ts';
import { UdfError } from '../../../src/errors/errors.ts';
import { inspectTsFunction } from '../../../src/udf/ts/inspect.ts';
import { FIXTURES, MATH } from './helpers.ts';

test('reads declared types and determinism', async () => {
  const def = await inspectTsFunction('mul_add', MATH, 'mulAdd');
  assert.deepEqual(def, {
    language: 'typescript', name: 'mul_add', modulePath: MATH, exportName: 'mulAdd', kind: 'scalar',
    inputTypes: [DataTypes.DOUBLE(), DataTypes.DOUBLE()], resultType: DataTypes.DOUBLE(), deterministic: true,
  });
  assert.equal((await inspectTsFunction('c', MATH, 'counted')).deterministic, false);
  assert.equal((await inspectTsFunction('m', MATH, 'mul')).inputTypes, null);
  assert.deepEqual((await inspectTsFunction('s', MATH, 'same')).resultType, DataTypes.DECIMAL(10, 2));
});

test('default export and relative paths against the base directory', async () => {
  const def = await inspectTsFunction('z', 'math.ts', undefined, FIXTURES);
  assert.equal(def.exportName, 'default');
  assert.equal(def.modulePath, MATH);
  assert.deepEqual(def.resultType, DataTypes.INT());
});

test('a module that does not exist: UDF_MODULE_NOT_FOUND', async () => {
  await assert.rejects(inspectTsFunction('f', `${FIXTURES}nope.ts`, 'x'), (e: UdfError) =>
    e instanceof UdfError && e.code === 'UDF_MODULE_NOT_FOUND' && e.udf === 'f' && /nope\.ts/.test(e.message));
  await assert.rejects(inspectTsFunction('f', `${FIXTURES}missing-import.ts`, 'x'), (e: UdfError) =>
    e.code === 'UDF_MODULE_NOT_FOUND' && /weir-no-such-package-xyz/.test(e.message));
});

test('an export that does not exist: UDF_FUNCTION_NOT_FOUND listing the exports', async () => {
  await assert.rejects(inspectTsFunction('f', MATH, 'mulAd'), (e: UdfError) =>
    e.code === 'UDF_FUNCTION_NOT_FOUND' && /has no export 'mulAd'/.test(e.message) && /mulAdd/.test(e.message) && /upper/.test(e.message));
});

test('an export not made by scalarFunction: UDF_NOT_A_FUNCTION with a hint', async () => {
  await assert.rejects(inspectTsFunction('f', MATH, 'plain'), (e: UdfError) =>
    e.code === 'UDF_NOT_A_FUNCTION' && /a plain function/.test(e.message) && /scalarFunction/.test(e.hint ?? ''));
  await assert.rejects(inspectTsFunction('f', MATH, 'answer'), (e: UdfError) => e.code === 'UDF_NOT_A_FUNCTION' && /a number/.test(e.message));
});

test('an unknown type string: TYPE_UNKNOWN from the parser', async () => {
  await assert.rejects(inspectTsFunction('f', `${FIXTURES}bad-type.ts`, 'broken'), (e: Error & { code?: string }) =>
    e.code === 'TYPE_UNKNOWN' && /DOUBLEE/.test(e.message));
});

test('a module that throws while loading: UDF_OPEN_FAILED with its stack', async () => {
  await assert.rejects(inspectTsFunction('f', `${FIXTURES}throws-on-load.ts`, 'x'), (e: UdfError) =>
    e.code === 'UDF_OPEN_FAILED' && /module initialisation failed/.test(e.traceback ?? ''));
});
