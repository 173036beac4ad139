import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { UdfError } from '../../../src/errors/errors.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import type { UdfArg, UdfProgram } from '../../../src/udf/function-definition.ts';
import type { TableFunctionBackend } from '../../../src/udf/table-backend.ts';
import { tableFunction } from '../../../src/udf/ts/define-table.ts';
import { inspectTsFunction } from '../../../src/udf/ts/inspect.ts';
import { tsTableBackendFactory } from '../../../src/udf/ts/ts-table-backend.ts';
import { livePools } from '../../../src/udf/ts/worker-pool.ts';
import { context, FIXTURES } from './helpers.ts';

const TABLES = `${FIXTURES}tables.ts`;
const opened: TableFunctionBackend[] = [];
after(async () => {
  await Promise.all(opened.map((b) => b.close()));
  assert.equal(livePools(), 0, 'every pool is destroyed once its last backend closes');
});

async function open(exportName: string, args: UdfArg[] = [{ col: 0 }]): Promise<TableFunctionBackend> {
  const fn = await inspectTsFunction(exportName, TABLES, exportName);
  const program: UdfProgram = { language: 'typescript', argColumns: [0], steps: [{ fn, args }], outputs: [0] };
  const b = await tsTableBackendFactory.open(program, context());
  opened.push(b);
  return b;
}

const strings = (values: (string | null)[]) => arrow.vectorFromArray(values, new arrow.Utf8()).data[0];
const read = (d: arrow.Data) => [...arrow.makeVector(d)];

test('registration reads the declared result columns of a table function', async () => {
  const def = await inspectTsFunction('split', TABLES, 'split');
  assert.equal(def.kind, 'table');
  assert.deepEqual(def.table, { resultNames: ['word', 'len'], resultTypes: [DataTypes.STRING(), DataTypes.INT()] });
  assert.equal(def.resultType.kind, 'ROW');
  const letters = await inspectTsFunction('letters', TABLES, 'letters');
  assert.deepEqual(letters.table?.resultNames, ['ch', 'pos']);
});

test('per-row generator: index column, several rows per input row, none for NULL and empty', async () => {
  const b = await open('split');
  const r = await b.eval([strings(['a bb', null, '', 'ccc'])], 4);
  assert.deepEqual([...r.index], [0, 0, 3]);
  assert.deepEqual(read(r.columns[0]), ['a', 'bb', 'ccc']);
  assert.deepEqual(read(r.columns[1]), [1, 2, 3]);
  assert.ok(r.timings.userNs > 0);
});

test('objects by column name, one-column values with a NULL row, and zero output rows', async () => {
  const letters = await open('letters');
  const l = await letters.eval([strings(['ab', null])], 2);
  assert.deepEqual([...l.index], [0, 0]);
  assert.deepEqual(read(l.columns[0]), ['a', 'b']);
  assert.deepEqual(read(l.columns[1]), [0, 1]);
  const words = await open('words');
  const w = await words.eval([strings(['x y', 'null', null])], 3);
  assert.deepEqual([...w.index], [0, 0, 1]);
  assert.deepEqual(read(w.columns[0]), ['x', 'y', null]);
  const none = await words.eval([strings([null, null])], 2);
  assert.equal(none.index.length, 0);
  assert.equal(none.columns[0].length, 0);
});

test('columnar evalBatch with typed arrays and a literal argument', async () => {
  const b = await open('series', [{ lit: 3, type: DataTypes.INT() }]);
  const r = await b.eval([strings(['ignored', 'ignored'])], 2);
  assert.deepEqual([...r.index], [0, 0, 0, 1, 1, 1]);
  assert.deepEqual(read(r.columns[0]), [0, 1, 2, 0, 1, 2]);
  const c = await open('series');
  const n = arrow.vectorFromArray([2, null, 0, 1], new arrow.Int32()).data[0];
  const r2 = await c.eval([n], 4);
  assert.deepEqual([...r2.index], [0, 0, 3]);
  assert.deepEqual(read(r2.columns[0]), [0, 1, 0]);
});

test('errors name the function and the input row, with the stack', async () => {
  const b = await open('explodeOrThrow');
  await assert.rejects(b.eval([strings(['ok', 'bad'])], 2), (e: UdfError) => {
    assert.equal(e.code, 'UDF_ERROR');
    assert.equal(e.udf, 'explodeOrThrow');
    assert.equal(e.row, 1);
    assert.deepEqual(e.values, ['bad']);
    assert.match(e.traceback ?? '', /RangeError: cannot explode 'bad'/);
    return true;
  });
  const w = await open('wrongWidth');
  await assert.rejects(w.eval([strings(['x'])], 1), (e: UdfError) => e.code === 'UDF_RESULT_TYPE' && e.row === 0 && /1 value\(s\) \["x"\] for 2 result column/.test(e.message));
  const i = await open('badIndex');
  await assert.rejects(i.eval([strings(['x', 'y'])], 2), (e: UdfError) => e.code === 'UDF_RESULT_TYPE' && /non-decreasing/.test(e.message));
});

test('tableFunction validates its declaration when the module loads', () => {
  assert.throws(() => tableFunction({ resultTypes: ['INT'] }), /exactly one of eval/);
  assert.throws(() => tableFunction({ resultTypes: ['INT', 'INT'], resultNames: ['a'], eval: () => null }), /2 distinct names/);
  assert.throws(() => tableFunction({ resultTypes: 'NOT_A_TYPE', eval: () => null }), (e: Error & { code?: string }) => e.code === 'TYPE_UNKNOWN');
  const f = tableFunction({ resultTypes: 'STRING', *eval(s: string) { yield s; yield s; } });
  assert.deepEqual([...(f('x') as Iterable<string>)], ['x', 'x'], 'callable directly, as in unit tests');
});
