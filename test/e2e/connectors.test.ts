import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TableDescriptor, TableEnvironment, col, WeirError } from '../../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'weir-e2e-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const csvTable = (path: string, ignore = false) => TableDescriptor.forConnector('filesystem')
  .schema({ id: 'INT', name: 'STRING', price: 'DOUBLE' })
  .option('path', path).format('csv').option('csv.ignore-parse-errors', ignore).build();

describe('connectors in jobs', () => {
  it('filesystem CSV in, transformed, JSON lines out, and read back', async () => {
    const input = join(dir, 'in.csv');
    writeFileSync(input, '1,apple,1.5\n2,"pear, ripe",2.25\n3,,\n');
    const env = TableEnvironment.create({ parallelism: 2 });
    const out = join(dir, 'out-json');
    const sink = TableDescriptor.forConnector('filesystem').schema({ id: 'INT', name: 'STRING', total: 'DOUBLE' })
      .option('path', out).format('json').build();
    await env.from(csvTable(input)).select(col('id'), col('name'), col('price').times(2).as('total')).executeInsert(sink).done();
    const files = readdirSync(out).filter((f) => !f.startsWith('.'));
    assert.ok(files.length >= 1, 'committed part files exist');
    const back = await env.from(TableDescriptor.forConnector('filesystem').schema({ id: 'INT', name: 'STRING', total: 'DOUBLE' })
      .option('path', out).format('json').build()).execute().toObjects();
    assert.deepEqual(back.sort((a, b) => (a.id as number) - (b.id as number)), [
      { id: 1, name: 'apple', total: 3 },
      { id: 2, name: 'pear, ripe', total: 4.5 },
      { id: 3, name: null, total: null },
    ]);
  });

  it('a bad CSV row fails the job with file, line and a hint', async () => {
    const input = join(dir, 'bad.csv');
    writeFileSync(input, '1,a,1.0\n2,b,not-a-number\n3,c,3.0\n');
    const env = TableEnvironment.create();
    await assert.rejects(env.from(csvTable(input)).execute().collect(), (e: WeirError) => {
      assert.equal(e.code, 'BAD_RECORD');
      assert.equal(e.location.file, input);
      assert.equal(e.location.line, 2);
      assert.match(e.message, /not-a-number/);
      assert.match(e.message, /csv\.ignore-parse-errors/);
      return true;
    });
  });

  it('with ignore-parse-errors, bad rows are skipped and counted, never silently lost', async () => {
    const input = join(dir, 'bad2.csv');
    writeFileSync(input, '1,a,1.0\n2,b,oops\nnot,a,row\n4,d,4.0\n');
    const env = TableEnvironment.create();
    const sink = TableDescriptor.forConnector('blackhole').schema({ id: 'INT', name: 'STRING', price: 'DOUBLE' }).build();
    const result = await env.from(csvTable(input, true)).executeInsert(sink).done();
    const errors = Object.entries(result.metrics.raw).filter(([k]) => k.endsWith('numRecordsInErrors')).reduce((n, [, v]) => n + (v as number), 0);
    assert.equal(errors, 2);
    const sinkNode = result.metrics.operators.find((o) => o.name.startsWith('Sink'));
    assert.equal(sinkNode?.recordsIn, 2);
  });

  it('print writes rows as Flink does, from a job run by the CLI', () => {
    const job = join(dir, 'print-job.ts');
    writeFileSync(job, `
      import { TableEnvironment } from 'weir';
      const env = TableEnvironment.create();
      await env.fromValues([[1, 'a'], [2, null]], { id: 'INT', s: 'STRING' }).executeInsert(
        (await import('weir')).TableDescriptor.forConnector('print').schema({ id: 'INT', s: 'STRING' }).option('print-identifier', 'out').build()).done();
    `);
    const root = join(import.meta.dirname, '..', '..');
    const linked = join(root, 'test', '.print-job.ts');
    writeFileSync(linked, readFileSync(job));
    try {
      const stdout = execFileSync(process.execPath, [join(root, 'bin', 'weir.mjs'), 'run', linked, '--quiet'], { encoding: 'utf8', cwd: root });
      assert.deepEqual(stdout.trim().split('\n'), ['out> +I[1, a]', 'out> +I[2, null]']);
    } finally {
      rmSync(linked, { force: true });
    }
  });

  it('an unknown connector or option is a planning error naming the alternatives', () => {
    const env = TableEnvironment.create();
    assert.throws(() => env.createTemporaryTable('t', TableDescriptor.forConnector('kafkaa').schema({ a: 'INT' }).build()),
      (e: WeirError) => e.code === 'CONNECTOR_NOT_FOUND' && /datagen/.test(e.message));
    assert.throws(() => env.createTemporaryTable('t', TableDescriptor.forConnector('datagen').schema({ a: 'INT' }).option('rows-per-secnd', 5).build()),
      (e: WeirError) => e.code === 'CONNECTOR_OPTION' && /rows-per-second/.test(e.message));
  });
});
