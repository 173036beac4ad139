import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TableDescriptor, TableEnvironment, col } from '../../src/index.ts';

describe('unbounded jobs', () => {
  it('keep memory flat: RSS does not grow with rows processed', async () => {
    const env = TableEnvironment.create();
    const src = TableDescriptor.forConnector('datagen').schema({ a: 'DOUBLE', b: 'BIGINT', s: 'STRING' })
      .option('rows-per-second', 1e9).option('fields.s.length', 16).build();
    const sink = TableDescriptor.forConnector('blackhole').schema({ x: 'DOUBLE', s: 'STRING' }).build();
    const job = env.from(src).filter(col('b').isGreater(0)).select(col('a').times(2).plus(1).as('x'), col('s').upperCase().as('s')).executeInsert(sink);
    const sample = async () => {
      const m = await job.metrics();
      return { rows: m.operators[0].recordsOut, rss: process.memoryUsage().rss };
    };
    try {
      await new Promise((r) => setTimeout(r, 2500)); // warm up: threads started, JIT done, buffers allocated
      const first = await sample();
      await new Promise((r) => setTimeout(r, 4000));
      const second = await sample();
      const rows = second.rows - first.rows;
      const growthMb = (second.rss - first.rss) / 1e6;
      assert.ok(rows > 1_000_000, `processed ${rows} rows in the window`);
      // Bounded channels and reservoir histograms: memory must not track rows. 64 MB leaves room for GC timing.
      assert.ok(growthMb < 64, `RSS grew ${growthMb.toFixed(1)} MB while ${rows} rows were processed`);
    } finally {
      await job.cancel();
    }
    const result = await job.done();
    assert.equal(result.status, 'CANCELED');
  });
});
