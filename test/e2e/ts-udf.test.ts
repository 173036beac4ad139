import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TableDescriptor, col, call, lit, WeirError } from '../../src/index.ts';
import { testEnv } from './helpers.ts';

describe('TypeScript UDFs through the Table API', () => {
  it('run in worker threads over whole columns, nested with built-ins and Python UDFs', async () => {
    const env = testEnv({ parallelism: 2 });
    await env.createTypeScriptFunction('mul_add', 'ts-udfs/math.ts', 'mulAdd');
    await env.createTypeScriptFunction('shout', 'ts-udfs/math.ts', 'upper');
    await env.createPythonFunction('p_len', 'udfs/e2e_udfs.py:p_len');
    const src = TableDescriptor.forConnector('datagen').schema({ id: 'BIGINT', a: 'DOUBLE', b: 'DOUBLE', s: 'STRING' })
      .option('number-of-rows', 3000).option('rows-per-second', 1e9)
      .option('fields.id.kind', 'sequence').option('fields.id.start', 1).option('fields.id.end', 3000)
      .option('fields.a.min', -100).option('fields.a.max', 100).option('fields.b.min', -100).option('fields.b.max', 100)
      .option('fields.s.length', 5).option('seed', 11).build();
    const rows = await env.from(src).select(
      col('id'), col('a'), col('b'), col('s'),
      call('mul_add', col('a'), col('b')).as('r'),
      call('p_len', call('shout', col('s'))).plus(lit(1)).as('n'),
    ).execute().toObjects();
    assert.equal(rows.length, 3000);
    for (const r of rows) {
      assert.ok(Math.abs((r.r as number) - ((r.a as number) * (r.b as number) + 1)) < 1e-9);
      assert.equal(r.n, 6n);
    }
    assert.deepEqual(rows.map((r) => r.id).sort((x, y) => Number(x as bigint) - Number(y as bigint)).slice(0, 3), [1n, 2n, 3n]);
  });

  it('an unknown export is caught at registration', async () => {
    const env = testEnv();
    await assert.rejects(env.createTypeScriptFunction('x', 'ts-udfs/math.ts', 'nope'), (e: WeirError) => e.code === 'UDF_FUNCTION_NOT_FOUND');
  });
});
