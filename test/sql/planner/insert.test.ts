import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SqlResult } from '../../../src/index.ts';
import { expectSqlRejects, findNode, sqlEnv } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-insert-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every line the filesystem sink wrote under `name`, sorted. */
const written = (name: string): string[] => readdirSync(join(dir, name))
  .flatMap((f) => readFileSync(join(dir, name, f), 'utf8').split('\n').filter(Boolean)).sort();

const sink = (name: string, columns: string) =>
  `CREATE TABLE ${name} (${columns}) WITH ('connector' = 'filesystem', 'path' = '${join(dir, name)}', 'format' = 'csv')`;

async function finished(r: SqlResult): Promise<void> {
  assert.equal(r.kind, 'insert');
  if (r.kind === 'insert') assert.equal((await r.job.done()).status, 'FINISHED');
}

describe('INSERT INTO and statement sets', () => {
  it('reorders and pads a column list with NULL and widens INT into BIGINT with a CAST', async () => {
    const env = sqlEnv();
    await env.executeSql(sink('o1', 'k BIGINT, label STRING, extra DOUBLE'));
    await finished(await env.executeSql('INSERT INTO o1 (label, k) SELECT name, id FROM people WHERE id <= 2'));
    assert.deepEqual(written('o1'), ['1,ann,', '2,bob,']);
  });

  it('EXECUTE STATEMENT SET runs its INSERTs as one job with one sink each', async () => {
    const env = sqlEnv();
    await env.executeSqlScript(`${sink('a', 'id INT')}; ${sink('b', 'name STRING')};`);
    const [r] = await env.executeSqlScript(`EXECUTE STATEMENT SET BEGIN
      INSERT INTO a SELECT id FROM people WHERE id > 3;
      INSERT INTO b SELECT dname FROM depts;
    END;`);
    assert.ok(r.kind === 'insert');
    const sinks = r.job.graph.vertices.flatMap((v) => v.chain).filter((n) => n.kind === 'sink');
    assert.equal(sinks.length, 2);
    await finished(r);
    assert.deepEqual(written('a'), ['4', '5']);
    assert.deepEqual(written('b'), ['eng', 'hr', 'ops']);
  });

  it('BEGIN STATEMENT SET; … END; and EXPLAIN of a statement set', async () => {
    const env = sqlEnv();
    await env.executeSqlScript(`${sink('c', 'id INT')}; ${sink('c2', 'id INT')};`);
    // Two different tables: the filesystem sink names part files by subtask, so two sinks on one path would collide.
    const [r] = await env.executeSqlScript('BEGIN STATEMENT SET; INSERT INTO c SELECT id FROM people WHERE id = 1; INSERT INTO c2 VALUES (7); END;');
    await finished(r);
    assert.deepEqual([written('c'), written('c2')], [['1'], ['7']]);
    const explained = await env.executeSql('EXPLAIN STATEMENT SET BEGIN INSERT INTO c SELECT 1; INSERT INTO c SELECT 2; END');
    assert.ok(explained.kind === 'rows');
    assert.equal(String(explained.rows[0][0]).match(/Sink\(table=\[c\]/g)?.length, 4);
  });

  it('type mismatches and wrong column counts are SCHEMA_MISMATCH errors at the query', async () => {
    const env = sqlEnv();
    await env.executeSql(sink('d', 'id INT, name STRING'));
    await expectSqlRejects(env.executeSql('INSERT INTO d SELECT name, id FROM people'), 'SCHEMA_MISMATCH', 1, 15, /cannot be written to column 'id' INT/);
    await expectSqlRejects(env.executeSql('INSERT INTO d SELECT id FROM people'), 'SCHEMA_MISMATCH', 1, 15, /returns 1 columns/);
    await expectSqlRejects(env.executeSql('INSERT INTO d (nope) SELECT id FROM people'), 'COLUMN_NOT_FOUND', 1, 16);
    await expectSqlRejects(env.executeSql('INSERT INTO people SELECT * FROM people'), 'PLAN_INVALID', 1, 13, /Cannot insert into view/);
  });

  it('an append-only sink refuses an updating query', async () => {
    const env = sqlEnv();
    await env.executeSql(sink('e', 'dept INT, n BIGINT'));
    await expectSqlRejects(env.executeSql('INSERT INTO e SELECT dept, COUNT(*) FROM people GROUP BY dept'), 'NOT_SUPPORTED', 1, 1, /only accepts inserts/);
    const plan = env.sqlQuery('SELECT dept, COUNT(*) FROM people GROUP BY dept').plan;
    assert.equal(findNode(plan, 'aggregate').groupKeys.length, 1);
  });
});
