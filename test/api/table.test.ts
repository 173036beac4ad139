import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TableEnvironment, col, lit, ifThenElse, WeirError } from '../../src/index.ts';

const env = TableEnvironment.create();
const people = () => env.fromValues(
  [[1, 'ann', 31.5], [2, 'bob', null], [3, null, 12.0], [4, 'dan', 48.25]],
  { id: 'INT', name: 'STRING', score: 'DOUBLE' },
);
const objects = async (t: ReturnType<typeof people>) => t.execute().toObjects();

describe('Table API verbs', () => {
  it('select with expressions, aliases and *', async () => {
    const rows = await objects(people().select('*', col('score').times(2).as('double_score'), col('name').upperCase().as('loud')));
    assert.deepEqual(rows.map((r) => [r.id, r.double_score, r.loud]), [[1, 63, 'ANN'], [2, null, 'BOB'], [3, 24, null], [4, 96.5, 'DAN']]);
  });

  it('filter / where drop rows whose condition is FALSE or NULL', async () => {
    const rows = await objects(people().filter(col('score').isGreater(20)).where(col('id').isNotEqual(4)).select('id'));
    assert.deepEqual(rows, [{ id: 1 }]);
  });

  it('addColumns appends and refuses duplicates; addOrReplaceColumns replaces in place', async () => {
    const added = await objects(people().addColumns(col('id').plus(100).as('big')));
    assert.deepEqual(Object.keys(added[0]), ['id', 'name', 'score', 'big']);
    assert.throws(() => people().addColumns(lit(1).as('id')), /already exists/);
    const replaced = await objects(people().addOrReplaceColumns(lit('x').as('name'), lit(true).as('flag')));
    assert.deepEqual(Object.keys(replaced[0]), ['id', 'name', 'score', 'flag']);
    assert.ok(replaced.every((r) => r.name === 'x' && r.flag === true));
  });

  it('dropColumns, renameColumns and as', async () => {
    const t = people().dropColumns('score').renameColumns(col('name').as('who')).as('pid', 'person');
    assert.deepEqual(t.schema.names, ['pid', 'person']);
    assert.deepEqual((await objects(t))[0], { pid: 1, person: 'ann' });
    assert.throws(() => people().dropColumns('nope'), (e: WeirError) => e.code === 'COLUMN_NOT_FOUND');
    assert.throws(() => people().as('a'), /as\(\) got 1 names for 3 columns/);
  });

  it('unionAll keeps duplicates and checks column types', async () => {
    const rows = await objects(people().select('id').unionAll(people().select('id')));
    assert.deepEqual(rows.map((r) => r.id).sort(), [1, 1, 2, 2, 3, 3, 4, 4]);
    assert.throws(() => people().select('id').unionAll(people().select('name')), (e: WeirError) => e.code === 'SCHEMA_MISMATCH');
  });

  it('limit with and without offset', async () => {
    assert.deepEqual((await objects(people().select('id').limit(2))).map((r) => r.id), [1, 2]);
    assert.deepEqual((await objects(people().select('id').limit(1, 2))).map((r) => r.id), [2, 3]);
    assert.deepEqual((await objects(people().select('id').limit(10, 5))), []);
  });

  it('distinct removes duplicate rows, NULLs included', async () => {
    const t = env.fromValues([[1, 'a'], [1, 'a'], [2, null], [2, null], [2, 'b']], { k: 'INT', v: 'STRING' });
    const rows = await objects(t.distinct());
    assert.deepEqual(rows.map((r) => `${r.k}:${r.v}`).sort(), ['1:a', '2:b', '2:null']);
  });

  it('expressions follow SQL NULL semantics end to end', async () => {
    const rows = await objects(people().select(
      col('id'),
      col('score').isGreater(20).or(col('name').isNull()).as('either'),
      ifThenElse(col('score').isNull(), lit(-1.0), col('score')).as('filled'),
      col('id').in(1, 3).as('odd'),
      col('id').between(2, 3).as('mid'),
      col('name').like('%n%').as('has_n'),
    ));
    assert.deepEqual(rows.map((r) => [r.either, r.filled, r.odd, r.mid, r.has_n]), [
      [true, 31.5, true, false, true],
      [null, -1, false, true, false],
      [true, 12, true, true, null],
      [true, 48.25, false, false, true],
    ]);
  });

  it('execute() streams rows with their row kind, once', async () => {
    const result = people().select('id').execute();
    const kinds: string[] = [];
    for await (const row of result) kinds.push(row.kind);
    assert.deepEqual(kinds, ['+I', '+I', '+I', '+I']);
    await assert.rejects(async () => { for await (const _ of result) { /* second pass */ } }, /only once/);
  });

  it('explain() shows the plan as written, optimized, and the job graph', () => {
    const text = people().filter(col('id').isGreater(1)).select(col('id').plus(1).as('x')).explain();
    assert.match(text, /== Abstract Syntax Tree ==/);
    assert.match(text, /Calc\(select=\[\(id \+ 1\) AS x\], where=\[\(id > 1\)\]\)/);
    assert.match(text, /Vertex v0 \[parallelism=1\]/);
  });

  it('mistakes fail where they are made, with a code', () => {
    assert.throws(() => people().select(col('nme')), (e: WeirError) => e.code === 'COLUMN_NOT_FOUND' && /available columns: id, name, score/.test(e.message));
    assert.throws(() => people().filter(col('id').plus(1)), (e: WeirError) => e.code === 'TYPE_MISMATCH');
    assert.throws(() => people().select(col('name').plus(1)), (e: WeirError) => e.code === 'FUNCTION_SIGNATURE');
    assert.throws(() => people().select(col('id').as('a', 'b')), /exactly one name/);
  });
});

describe('parallel execution', () => {
  const penv = TableEnvironment.create({ parallelism: 2 });

  it('runs datagen across two subtasks and hash-partitions distinct', async () => {
    const rows = await penv.from(
      (await import('../../src/index.ts')).TableDescriptor.forConnector('datagen')
        .schema({ k: 'INT' })
        .option('number-of-rows', 2000)
        .option('rows-per-second', 1e9)
        .option('fields.k.min', 0)
        .option('fields.k.max', 49)
        .option('seed', 3)
        .build(),
    ).distinct().execute().toObjects();
    const keys = rows.map((r) => r.k as number);
    assert.equal(new Set(keys).size, keys.length, 'no duplicates across subtasks');
    assert.ok(keys.length <= 50 && keys.length >= 45, `expected close to 50 distinct keys, got ${keys.length}`);
  });

  it('a job at parallelism 2 gives the same rows as at parallelism 1', async () => {
    const { TableDescriptor } = await import('../../src/index.ts');
    const run = async (p: number) => {
      const e = TableEnvironment.create({ parallelism: p });
      const src = TableDescriptor.forConnector('datagen').schema({ id: 'BIGINT', x: 'DOUBLE' })
        .option('number-of-rows', 5000).option('rows-per-second', 1e9)
        .option('fields.id.kind', 'sequence').option('fields.id.start', 1).option('fields.id.end', 5000).build();
      const rows = await e.from(src).filter(col('id').mod(7).isEqual(0)).select(col('id'), col('id').times(2).as('y')).execute().toObjects();
      return rows.map((r) => `${r.id}:${r.y}`).sort();
    };
    const [one, two] = [await run(1), await run(2)];
    assert.equal(one.length, 714);
    assert.deepEqual(two, one);
  });
});
