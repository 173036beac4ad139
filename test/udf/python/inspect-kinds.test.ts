import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Configuration } from '../../../src/config/configuration.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { closeInspectors, inspectPythonFunction } from '../../../src/udf/python/inspect.ts';
import { FIXTURES, workerChildren } from './helpers.ts';

process.env.WEIR_PYTHON_LOG ??= 'quiet';
const opts = { config: new Configuration(), baseDir: FIXTURES };
after(async () => {
  await closeInspectors();
  assert.deepEqual(workerChildren(), [], 'no worker processes left behind');
});

test('a udtf registers as a table function with its result columns', async () => {
  const split = await inspectPythonFunction('split', 'udfs/table_udfs.py:split', opts);
  assert.equal(split.kind, 'table');
  assert.deepEqual(split.table, { resultNames: ['f0', 'f1'], resultTypes: [DataTypes.STRING(), DataTypes.INT()] });
  assert.deepEqual(split.resultType, DataTypes.ROW([DataTypes.FIELD('f0', DataTypes.STRING()), DataTypes.FIELD('f1', DataTypes.INT())]));
  const repeat = await inspectPythonFunction('rep', 'udfs/table_udfs.py:repeat', opts);
  assert.deepEqual(repeat.table?.resultNames, ['item', 'pos']);
  assert.deepEqual(repeat.table?.resultTypes, [DataTypes.STRING(), DataTypes.BIGINT()]);
});

test('scalar functions still register as scalar, aggregate functions as aggregate', async () => {
  const shout = await inspectPythonFunction('shout', 'udfs/table_udfs.py:shout', opts);
  assert.equal(shout.kind, 'scalar');
  assert.equal(shout.table, undefined);
  const base = new URL('../../../python/tests/fixtures', import.meta.url).pathname;
  const wavg = await inspectPythonFunction('wavg', 'pyflink_style_udafs.py:weighted_avg', { ...opts, baseDir: base });
  assert.equal(wavg.kind, 'aggregate');
  assert.deepEqual(wavg.resultType, DataTypes.DOUBLE());
  assert.equal(wavg.aggregate?.hasRetract, true);
  assert.equal(wavg.aggregate?.accumulatorType?.kind, 'ROW');
});
