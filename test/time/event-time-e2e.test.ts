import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TableDescriptor, TableEnvironment } from '../../src/index.ts';
import { at, awaitWatermark, rowsAt, script } from './event-time-helpers.ts';

const blackhole = TableDescriptor.forConnector('blackhole').schema({ k: 'STRING', n: 'BIGINT' }).build();

/** A scripted table; `watermark` adds a WATERMARK clause on ts. */
async function scriptedTable(env: TableEnvironment, steps: string, watermark?: string): Promise<void> {
  const wm = watermark ? `, WATERMARK FOR ts AS ${watermark}` : '';
  await env.executeSql(`CREATE TABLE s (k STRING, ts TIMESTAMP(3)${wm}) WITH ('connector' = 'scripted', 'script' = '${steps}')`);
}

/** Runs `SELECT k, COUNT(*) FROM s GROUP BY k` into a blackhole: the aggregate is a separate, downstream task. */
function runGroupBy(env: TableEnvironment) {
  return env.sqlQuery('SELECT k, COUNT(*) AS n FROM s GROUP BY k').executeInsert(blackhole);
}

describe('event time end to end', () => {
  for (const parallelism of [1, 2]) {
    it(`a DDL watermark reaches the downstream task (parallelism ${parallelism}): the minimum over source subtasks`, async () => {
      const env = TableEnvironment.create({ parallelism, config: { 'pipeline.auto-watermark-interval': '20 ms', 'pipeline.operator-chaining': false } });
      const steps = parallelism === 1
        ? script([rowsAt('a', 3, 10, 7), { hold: true }])
        : script([rowsAt('a', 3, 10, 7), { hold: true }], [rowsAt('b', 5, 6), { hold: true }]);
      await scriptedTable(env, steps, "ts - INTERVAL '1' SECOND");
      const job = runGroupBy(env);
      try {
        const expected = parallelism === 1 ? at(9) : at(5);
        assert.equal(await awaitWatermark(job, 'GroupAggregate', expected), expected);
      } finally {
        await job.cancel();
      }
    });
  }

  it('bounded input ends with the MAX watermark downstream', async () => {
    const env = TableEnvironment.create({ parallelism: 2 });
    await scriptedTable(env, script([rowsAt('a', 1)], [rowsAt('b', 2)]), 'ts');
    const result = await runGroupBy(env).done();
    assert.equal(result.metrics.raw[`operator.${result.metrics.operators.find((o) => o.name.startsWith('GroupAggregate'))!.id}.currentWatermark`], Number.MAX_SAFE_INTEGER);
  });

  it('without a WATERMARK clause, the script\'s explicit watermarks flow downstream; an idle subtask is excluded', async () => {
    const env = TableEnvironment.create({ parallelism: 2 });
    await scriptedTable(env, script(
      [rowsAt('a', 1, 9), { watermark: at(8) }, { hold: true }],
      [rowsAt('b', 2), { watermark: at(2) }, { idle: true }, { hold: true }],
    ));
    const job = runGroupBy(env);
    try {
      assert.equal(await awaitWatermark(job, 'GroupAggregate', at(8)), at(8), 'subtask 1 went idle, so subtask 0 alone sets the watermark');
    } finally {
      await job.cancel();
    }
  });

  it('a source subtask without rows for table.exec.source.idle-timeout stops holding the watermark back', async () => {
    const env = TableEnvironment.create({ parallelism: 2, config: { 'pipeline.auto-watermark-interval': '20 ms', 'table.exec.source.idle-timeout': '100 ms' } });
    // Subtask 1 stops at 2 s and goes quiet; subtask 0 keeps reading, past its idle timeout of subtask 1.
    const busy = [1, 2, 3, 4, 5, 6].flatMap((s) => [rowsAt('a', s * 10), { sleep: 60 }]);
    await scriptedTable(env, script([...busy, { hold: true }], [rowsAt('b', 2), { hold: true }]), 'ts');
    const job = runGroupBy(env);
    try {
      assert.equal(await awaitWatermark(job, 'GroupAggregate', at(60)), at(60));
    } finally {
      await job.cancel();
    }
  });

  it('a source subtask with nothing to read (parallelism above the scripts) does not hold the watermark back', async () => {
    const env = TableEnvironment.create({ parallelism: 2, config: { 'pipeline.auto-watermark-interval': '20 ms' } });
    await scriptedTable(env, script([rowsAt('a', 4), { hold: true }]), 'ts');
    const job = runGroupBy(env);
    try {
      assert.equal(await awaitWatermark(job, 'GroupAggregate', at(4)), at(4));
    } finally {
      await job.cancel();
    }
  });

  it('idleness travels through tasks: a task whose inputs are all idle marks its own output idle', async () => {
    const env = TableEnvironment.create({ parallelism: 1, config: { 'pipeline.operator-chaining': false } });
    await env.executeSql(`CREATE TABLE a (k STRING, ts TIMESTAMP(3)) WITH ('connector' = 'scripted', 'script' = '${script([rowsAt('a', 9), { watermark: at(8) }, { hold: true }])}')`);
    await env.executeSql(`CREATE TABLE b (k STRING, ts TIMESTAMP(3)) WITH ('connector' = 'scripted', 'script' = '${script([{ idle: true }, { hold: true }])}')`);
    // b's filter runs in a task of its own between b's source and the union.
    const job = env.sqlQuery("SELECT k, COUNT(*) AS n FROM (SELECT k, ts FROM a UNION ALL SELECT k, ts FROM b WHERE k <> 'x') GROUP BY k").executeInsert(blackhole);
    try {
      assert.equal(await awaitWatermark(job, 'GroupAggregate', at(8)), at(8));
    } finally {
      await job.cancel();
    }
  });
});
