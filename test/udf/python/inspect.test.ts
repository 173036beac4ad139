import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Configuration } from '../../../src/config/configuration.ts';
import { UdfError } from '../../../src/errors/errors.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { closeInspectors, inspectPythonFunction } from '../../../src/udf/python/inspect.ts';
import { udfBackend } from '../../../src/udf/udf-backends.ts';
import { FIXTURES, workerChildren } from './helpers.ts';

process.env.WEIR_PYTHON_LOG ??= 'quiet';
const opts = { config: new Configuration(), baseDir: FIXTURES };
after(async () => {
  await closeInspectors();
  assert.deepEqual(workerChildren(), [], 'no worker processes left behind');
});

test('inspection learns func_type, types and determinism from the decorator', async () => {
  const def = await inspectPythonFunction('ma', 'udfs/arith.py:mul_add', opts);
  assert.deepEqual(def, {
    language: 'python', name: 'ma', path: 'udfs/arith.py:mul_add', kind: 'scalar', funcType: 'pandas',
    inputTypes: null, resultType: DataTypes.DOUBLE(), deterministic: true,
  });
  const low = await inspectPythonFunction('lower', 'udfs/text.py:lower', opts);
  assert.equal(low.funcType, 'general');
  assert.deepEqual(low.resultType, DataTypes.STRING());
});

test('registration overrides win over the decorator', async () => {
  const def = await inspectPythonFunction('p', 'udfs/arith.py:plus_one', { ...opts, overrides: { resultType: DataTypes.INT(), inputTypes: [DataTypes.INT()] } });
  assert.deepEqual(def.resultType, DataTypes.INT());
  assert.deepEqual(def.inputTypes, [DataTypes.INT()]);
});

test('missing module, missing function and non-UDF attributes are UdfErrors with codes', async () => {
  const cases: [string, string][] = [
    ['udfs/missing.py:f', 'UDF_MODULE_NOT_FOUND'],
    ['udfs/arith.py:nope', 'UDF_FUNCTION_NOT_FOUND'],
    ['udfs/arith.py:not_a_udf', 'UDF_NOT_A_FUNCTION'],
  ];
  for (const [path, code] of cases) {
    await assert.rejects(inspectPythonFunction('f', path, opts), (e: UdfError) => {
      assert.ok(e instanceof UdfError);
      assert.equal(e.code, code);
      assert.equal(e.udf, 'f');
      assert.ok(e.hint, 'has a hint');
      return true;
    }, path);
  }
});

test('the registry serves the python and typescript backend factories', () => {
  assert.equal(udfBackend('python').language, 'python');
  assert.equal(udfBackend('typescript').language, 'typescript');
});
