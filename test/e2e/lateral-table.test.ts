import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { call, col, lit, type Table, type TableEnvironment, type UdfError, type WeirError } from '../../src/index.ts';
import { closeInspectors } from '../../src/udf/python/inspect.ts';
import { FIXTURES, testEnv } from './helpers.ts';

after(() => closeInspectors());

/** id, line: a generator yielding several rows, an empty line, a NULL line. */
async function lines(env: TableEnvironment): Promise<Table> {
  const t = env.fromValues([[1, 'hello big world'], [2, ''], [3, null], [4, 'x']], { id: 'INT', line: 'STRING' });
  env.createTemporaryView('lines', t);
  return t;
}

const plain = (rows: Record<string, unknown>[]) => rows.map((r) => Object.values(r));

describe('Table functions through the Table API', () => {
  it('joinLateral with a Python udtf generator, aliased columns, and a predicate', async () => {
    const env = testEnv();
    await env.createPythonFunction('split', 'udfs/table_udfs.py:split');
    const t = await lines(env);
    const joined = t.joinLateral(call('split', col('line')).as('word', 'len'));
    assert.deepEqual(joined.schema.names, ['id', 'line', 'word', 'len']);
    assert.deepEqual(plain(await joined.select(col('id'), col('word'), col('len')).execute().toObjects()),
      [[1, 'hello', 5], [1, 'big', 3], [1, 'world', 5], [4, 'x', 1]]);
    const long = t.joinLateral(call('split', col('line')).as('word', 'len'), col('len').isGreater(3)).select(col('word'));
    assert.deepEqual(plain(await long.execute().toObjects()), [['hello'], ['world']]);
    assert.match(joined.explain(), /PythonCorrelate\(invocation=\[split\(line\)\], select=\[id, line, word, len\], joinType=\[INNER\]\)/);
  });

  it('leftOuterJoinLateral pads rows without output with NULLs; None and yield None differ', async () => {
    const env = testEnv();
    await env.createPythonFunction('maybe_words', 'udfs/table_udfs.py:maybe_words');
    const t = env.fromValues([[1, 'a b'], [2, null], [3, 'null']], { id: 'INT', line: 'STRING' });
    const left = t.leftOuterJoinLateral(call('maybe_words', col('line')).as('w'), lit(true)).select(col('id'), col('w'));
    assert.deepEqual(plain(await left.execute().toObjects()), [[1, 'a'], [1, 'b'], [2, null], [3, null]]);
    const inner = t.joinLateral(call('maybe_words', col('line')).as('w')).select(col('id'), col('w'));
    assert.deepEqual(plain(await inner.execute().toObjects()), [[1, 'a'], [1, 'b'], [3, null]]);
    assert.throws(() => t.leftOuterJoinLateral(call('maybe_words', col('line')).as('w'), col('id').isGreater(1)),
      (e: WeirError) => e.code === 'NOT_SUPPORTED' && /TRUE/.test(e.message));
  });

  it('arguments that are expressions (including a Python scalar UDF) and a TypeScript table function', async () => {
    const env = testEnv();
    await env.createPythonFunction('repeat', 'udfs/table_udfs.py:repeat');
    await env.createPythonFunction('shout', 'udfs/table_udfs.py:shout');
    await env.createTypeScriptFunction('ts_split', `${FIXTURES}/ts-udfs/tables.ts`, 'split');
    const t = await lines(env);
    const rep = t.filter(col('id').isLess(3)).joinLateral(call('repeat', call('shout', col('line')), col('id').plus(1)))
      .select(col('id'), col('item'), col('pos'));
    assert.deepEqual(plain(await rep.execute().toObjects()), [[1, 'HELLO BIG WORLD', 0n], [1, 'HELLO BIG WORLD', 1n], [2, '', 0n], [2, '', 1n], [2, '', 2n]]);
    const ts = t.leftOuterJoinLateral(call('ts_split', col('line'))).select(col('id'), col('word'), col('len'));
    assert.deepEqual(plain(await ts.execute().toObjects()),
      [[1, 'hello', 5], [1, 'big', 3], [1, 'world', 5], [2, null, null], [3, null, null], [4, 'x', 1]]);
  });

  it('runs a PyFlink udtf module with only its imports changed', async () => {
    const env = testEnv({ baseDir: new URL('../../python/tests/fixtures', import.meta.url).pathname });
    await env.createPythonFunction('explode', 'pyflink_style_udtfs.py:explode');
    const t = env.fromValues([['a', 2], [null, 3], ['b', 0]], { s: 'STRING', n: 'BIGINT' });
    const rows = await t.leftOuterJoinLateral(call('explode', col('s'), col('n'))).select(col('s'), col('item'), col('pos')).execute().toObjects();
    assert.deepEqual(plain(rows), [['a', 'a', 0n], ['a', 'a', 1n], [null, null, null], ['b', null, null]]);
  });

  it('clear errors: scalar function joined laterally, table function in select, wrong alias count, name clash', async () => {
    const env = testEnv();
    await env.createPythonFunction('split', 'udfs/table_udfs.py:split');
    await env.createPythonFunction('shout', 'udfs/table_udfs.py:shout');
    const t = await lines(env);
    assert.throws(() => t.joinLateral(call('shout', col('line'))), (e: WeirError) => e.code === 'FUNCTION_SIGNATURE' && /'shout' is a scalar function/.test(e.message));
    assert.throws(() => t.select(call('split', col('line'))), (e: WeirError) => e.code === 'PLAN_INVALID' && /Table function split cannot be called in an expression/.test(e.message));
    assert.throws(() => t.joinLateral(call('split', col('line')).as('only_one')), (e: WeirError) => /returns 2 column\(s\).*1 alias/.test(e.message));
    assert.throws(() => t.joinLateral(call('split', col('line')).as('id', 'len')), (e: WeirError) => /'id' has the name of an input column/.test(e.message));
    assert.throws(() => t.joinLateral(call('nope', col('line'))), (e: WeirError) => e.code === 'FUNCTION_NOT_FOUND');
  });

  it('a failing udtf fails the job with the Python traceback, the function and the row', async () => {
    const env = testEnv();
    await env.createPythonFunction('fail_on_three', 'udfs/table_udfs.py:fail_on_three');
    const t = env.fromValues([[1], [2], [3], [4]], { x: 'BIGINT' });
    await assert.rejects(t.joinLateral(call('fail_on_three', col('x'))).execute().collect(), (e: UdfError) => {
      assert.equal(e.code, 'UDF_ERROR');
      assert.equal(e.udf, 'fail_on_three');
      assert.equal(e.row, 2);
      assert.deepEqual(e.values, [3]);
      assert.match(e.traceback ?? '', /ValueError: three is not allowed \(got 3\)/);
      assert.match(e.message, /PythonCorrelate/);
      return true;
    });
  });
});

describe('Table functions in SQL', () => {
  async function sql(env: TableEnvironment, query: string): Promise<unknown[][]> {
    const r = await env.executeSql(query);
    assert.equal(r.kind, 'query');
    return (await (r as { result: { collect(): Promise<{ values: readonly unknown[] }[]> } }).result.collect()).map((row) => [...row.values]);
  }

  it('comma, CROSS JOIN and LEFT JOIN LATERAL TABLE with aliases, expression arguments and a WHERE', async () => {
    const env = testEnv();
    await lines(env);
    await env.executeSql("CREATE TEMPORARY FUNCTION split AS 'udfs.table_udfs.split' LANGUAGE PYTHON");
    await env.executeSql("CREATE FUNCTION repeat AS 'udfs/table_udfs.py:repeat' LANGUAGE PYTHON");
    assert.deepEqual(await sql(env, 'SELECT id, word, len FROM lines, LATERAL TABLE(split(line)) AS T(word, len) WHERE len > 3'),
      [[1, 'hello', 5], [1, 'world', 5]]);
    assert.deepEqual(await sql(env, 'SELECT l.id, T.f0 FROM lines AS l CROSS JOIN LATERAL TABLE(split(UPPER(l.line))) AS T WHERE l.id = 4'),
      [[4, 'X']]);
    assert.deepEqual(await sql(env, 'SELECT id, word FROM lines LEFT JOIN LATERAL TABLE(split(line)) AS T(word, len) ON TRUE WHERE id > 1'),
      [[2, null], [3, null], [4, 'x']]);
    assert.deepEqual(await sql(env, 'SELECT id, item, pos FROM lines JOIN LATERAL TABLE(repeat(line, id)) ON pos > 0 WHERE id < 3'),
      [[2, '', 1n]]);
    assert.deepEqual(await sql(env, 'SELECT item, pos FROM LATERAL TABLE(repeat(\'ab\', 2))'), [['ab', 0n], ['ab', 1n]]);
  });

  it('a TypeScript table function in SQL', async () => {
    const env = testEnv();
    await lines(env);
    await env.executeSql(`CREATE FUNCTION letters AS '${FIXTURES}/ts-udfs/tables.ts:letters' LANGUAGE TYPESCRIPT`);
    assert.deepEqual(await sql(env, 'SELECT id, ch, pos FROM lines, LATERAL TABLE(letters(line)) WHERE id = 4'), [[4, 'x', 0]]);
  });

  it('clear errors: non-table function, ON other than TRUE for LEFT, wrong alias count, RIGHT JOIN', async () => {
    const env = testEnv();
    await lines(env);
    await env.executeSql("CREATE FUNCTION split AS 'udfs.table_udfs.split' LANGUAGE PYTHON");
    await env.executeSql("CREATE FUNCTION shout AS 'udfs.table_udfs.shout' LANGUAGE PYTHON");
    const cases: [string, string, RegExp][] = [
      ['SELECT * FROM lines, LATERAL TABLE(shout(line))', 'FUNCTION_SIGNATURE', /'shout' is a scalar function.*line 1, column 36/s],
      ['SELECT * FROM lines LEFT JOIN LATERAL TABLE(split(line)) AS T(w, n) ON n > 1', 'NOT_SUPPORTED', /ON TRUE only/],
      ['SELECT * FROM lines, LATERAL TABLE(split(line)) AS T(w)', 'PLAN_INVALID', /returns 2 column\(s\) \(f0, f1\), but 1 alias/],
      ['SELECT * FROM lines RIGHT JOIN LATERAL TABLE(split(line)) ON TRUE', 'NOT_SUPPORTED', /RIGHT JOIN with a lateral table/],
      ['SELECT split(line) FROM lines', 'PLAN_INVALID', /cannot be called in an expression/],
      ['SELECT * FROM lines, LATERAL TABLE(nope(line))', 'FUNCTION_NOT_FOUND', /nope/],
    ];
    for (const [query, code, message] of cases) {
      await assert.rejects(env.executeSql(query), (e: WeirError) => {
        assert.equal(e.code, code, query);
        assert.match(e.message, message, query);
        return true;
      });
    }
  });
});
