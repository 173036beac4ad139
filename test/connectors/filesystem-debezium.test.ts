import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ChangeBatch } from '../../src/batch/change-batch.ts';
import { batchFromRows, rowsFromBatch } from '../../src/batch/values/index.ts';
import { filesystemSink, filesystemSource } from '../../src/connectors/index.ts';
import { TableEnvironment, type SqlResult } from '../../src/index.ts';
import { Schema } from '../../src/types/schema.ts';
import { parseDataType as T } from '../../src/types/parse-data-type.ts';
import { context, drain } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'weir-fs-debezium-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The lines of every committed file under `name`, in file order (one file at parallelism 1). */
const lines = (name: string): string[] => readdirSync(join(dir, name)).filter((f) => !f.startsWith('.'))
  .flatMap((f) => readFileSync(join(dir, name, f), 'utf8').split('\n').filter(Boolean));

const table = (name: string, columns: string, format: string) =>
  `CREATE TABLE ${name} (${columns}) WITH ('connector' = 'filesystem', 'path' = '${join(dir, name)}', 'format' = '${format}')`;

function env(): TableEnvironment {
  // One subtask and one row per batch: the aggregation's changelog is then one change per input row, in input order.
  const e = TableEnvironment.create({ config: { 'parallelism.default': '1', 'table.exec.batch-size': '1' } });
  e.createTemporaryView('t', e.fromValues([[1, 10n], [2, 5n], [1, 3n], [1, null]], { k: 'INT', v: 'BIGINT' }));
  return e;
}

async function finished(r: SqlResult): Promise<void> {
  assert.equal(r.kind, 'insert');
  if (r.kind === 'insert') assert.equal((await r.job.done()).status, 'FINISHED');
}

describe("filesystem sink, 'format' = 'debezium-json'", () => {
  it('writes an updating GROUP BY as Debezium change lines: +U as c, -U as d', async () => {
    const e = env();
    await e.executeSql(table('agg', 'k INT, n BIGINT, s BIGINT', 'debezium-json'));
    await finished(await e.executeSql('INSERT INTO agg SELECT k, COUNT(*), SUM(v) FROM t GROUP BY k'));
    assert.deepEqual(readdirSync(join(dir, 'agg')).map((f) => f.replace(/^part-.*-(\d+-\d+\.json)$/, 'part-$1')), ['part-0-0.json']);
    assert.deepEqual(lines('agg'), [
      '{"before":null,"after":{"k":1,"n":1,"s":10},"op":"c"}',
      '{"before":null,"after":{"k":2,"n":1,"s":5},"op":"c"}',
      '{"before":{"k":1,"n":1,"s":10},"after":null,"op":"d"}',
      '{"before":null,"after":{"k":1,"n":2,"s":13},"op":"c"}',
      '{"before":{"k":1,"n":2,"s":13},"after":null,"op":"d"}',
      '{"before":null,"after":{"k":1,"n":3,"s":13},"op":"c"}',
    ]);
  });

  it('writes an insert-only query as c lines', async () => {
    const e = env();
    await e.executeSql(table('plain', 'k INT, v BIGINT', 'debezium-json'));
    await finished(await e.executeSql('INSERT INTO plain SELECT k, v FROM t WHERE k = 1'));
    assert.deepEqual(lines('plain'), [
      '{"before":null,"after":{"k":1,"v":10},"op":"c"}',
      '{"before":null,"after":{"k":1,"v":3},"op":"c"}',
      '{"before":null,"after":{"k":1,"v":null},"op":"c"}',
    ]);
  });

  it('csv and json sinks still refuse an updating query', async () => {
    const e = env();
    for (const format of ['csv', 'json']) {
      await e.executeSql(table(`refuse_${format}`, 'k INT, n BIGINT', format));
      await assert.rejects(e.executeSql(`INSERT INTO refuse_${format} SELECT k, COUNT(*) FROM t GROUP BY k`),
        (err: Error & { code?: string }) => err.code === 'NOT_SUPPORTED' && /only accepts inserts/.test(err.message));
    }
    assert.equal(filesystemSink.acceptsUpdates({ connector: 'filesystem', path: 'x', format: 'Debezium-JSON' }), true);
    assert.equal(filesystemSink.acceptsUpdates({ connector: 'filesystem', path: 'x', format: 'json' }), false);
  });

  it('keeps exactly-once: pre-committed change lines stay invisible until committed; -D is written as d', async () => {
    const schema = Schema.of({ k: T('INT'), ts: T('TIMESTAMP(3)') });
    const options = { connector: 'filesystem', path: join(dir, 'twopc'), format: 'debezium-json', 'debezium-json.timestamp-format.standard': 'ISO-8601' };
    filesystemSink.validateSink(options, schema);
    const w = filesystemSink.createWriter(options, schema, context());
    const data = batchFromRows(schema, [[7, '2024-01-01 12:00:00.5'], [7, '2024-01-01 12:00:00.5']]);
    await w.write(new ChangeBatch(data.data, new Uint8Array([0, 3])));
    const files = await w.preCommit!(1);
    assert.deepEqual(lines('twopc'), []);
    await filesystemSink.createCommitter!(options, { baseDir: dir }).commit(files);
    w.notifyCheckpointComplete!(1);
    await w.close();
    assert.deepEqual(lines('twopc'), [
      '{"before":null,"after":{"k":7,"ts":"2024-01-01T12:00:00.5"},"op":"c"}',
      '{"before":{"k":7,"ts":"2024-01-01T12:00:00.5"},"after":null,"op":"d"}',
    ]);
    // Read back as plain JSON with before/after/op columns (the workaround docs/filesystem.md gives for the source).
    const envelope = Schema.of({ before: T('ROW<k INT, ts TIMESTAMP(3)>'), after: T('ROW<k INT, ts TIMESTAMP(3)>'), op: T('STRING') });
    const json = { connector: 'filesystem', path: join(dir, 'twopc'), format: 'json', 'json.timestamp-format.standard': 'ISO-8601' };
    const read = (await drain(filesystemSource.createReader(json, envelope, context()))).flatMap((b) => rowsFromBatch(b, envelope));
    assert.deepEqual(read.map((r) => [r[0] === null ? null : (r[0] as { k: number }).k, r[1] === null ? null : (r[1] as { k: number }).k, r[2]]),
      [[null, 7, 'c'], [7, null, 'd']]);
  });

  it('refuses other formats\' keys, and reading the format back with a NOT_SUPPORTED error', () => {
    const schema = Schema.of({ k: T('INT') });
    assert.throws(() => filesystemSink.validateSink({ connector: 'filesystem', path: dir, format: 'debezium-json', 'json.ignore-parse-errors': 'true' }, schema),
      /json\.ignore-parse-errors/);
    const options = { connector: 'filesystem', path: join(dir, 'twopc'), format: 'debezium-json' };
    assert.throws(() => filesystemSource.createReader(options, schema, context()),
      (err: Error & { code?: string }) => err.code === 'NOT_SUPPORTED' && /sink-only for now/.test(err.message) && err.message.includes(options.path));
  });

  it('a query reading a debezium-json table fails with NOT_SUPPORTED at its source, naming the table', async () => {
    const e = env();
    await e.executeSql(table('dbz_in', 'k INT', 'debezium-json'));
    await assert.rejects(e.sqlQuery('SELECT k FROM dbz_in').execute().materialize(), (err: Error & { code?: string }) =>
      err.code === 'NOT_SUPPORTED' && /sink-only for now/.test(err.message) && err.message.includes('Source(dbz_in, connector=filesystem)'));
  });
});
