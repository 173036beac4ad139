import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeBatch } from '../../../src/batch/change-batch.ts';
import { batchFromRows } from '../../../src/batch/values/index.ts';
import { Configuration } from '../../../src/config/configuration.ts';
import type { BoundExpression } from '../../../src/expr/expression.ts';
import type { OperatorContext } from '../../../src/exec/operator.ts';
import { WatermarkAssignerOperator } from '../../../src/exec/operators/watermark-assigner.ts';
import { MAX_WATERMARK } from '../../../src/exec/stream-message.ts';
import { MetricGroup } from '../../../src/metrics/metric-group.ts';
import type { WatermarkAssignerNode } from '../../../src/plan/physical/physical-node.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { SourceSignals } from '../../../src/time/source-signals.ts';
import { timeContext, type TimeRecorder } from '../test-context.ts';

const schema = new Schema([{ name: 'id', type: DataTypes.INT() }, { name: 'ts', type: DataTypes.TIMESTAMP(3) }]);
const ts: BoundExpression = { kind: 'input', index: 1, type: DataTypes.TIMESTAMP(3) };
/** `ts - INTERVAL '1' SECOND`, as the SQL planner binds it. */
const tsMinus1s: BoundExpression = {
  kind: 'call', name: 'TIMESTAMPADD', type: DataTypes.TIMESTAMP(3),
  args: [{ kind: 'literal', value: 'MILLISECOND', type: DataTypes.STRING() }, { kind: 'literal', value: -1000, type: DataTypes.INT() }, ts],
};

function node(watermark: BoundExpression): WatermarkAssignerNode {
  return { kind: 'watermark-assigner', id: 'wm', name: 'WatermarkAssigner', outputSchema: schema.columns, inputSchema: schema.columns, rowtimeIndex: 1, watermark };
}

const batch = (...times: (number | null)[]): ChangeBatch => batchFromRows(schema, times.map((t, i) => [i, t === null ? null : new Date(t)]));

interface Harness {
  op: WatermarkAssignerOperator;
  time: TimeRecorder;
  out: ChangeBatch[];
  signals: SourceSignals;
  /** Feeds a batch as if it came from `split`. */
  feed(b: ChangeBatch, split?: string): Promise<void>;
}

async function harness(config: Record<string, string>, watermark = ts): Promise<Harness> {
  const { members, recorder } = timeContext();
  const out: ChangeBatch[] = [];
  const signals = new SourceSignals();
  const ctx: OperatorContext = {
    operatorName: 'WatermarkAssigner', operatorId: 'wm', subtaskIndex: 0, parallelism: 1, metrics: new MetricGroup(),
    config: new Configuration(config), output: { emit: async (b) => { out.push(b); } }, signal: new AbortController().signal,
    baseDir: '.', keyedState: () => { throw new Error('no state'); }, sourceSignals: signals, ...members,
  };
  const op = new WatermarkAssignerOperator(node(watermark));
  await op.open(ctx);
  return {
    op, time: recorder, out, signals,
    feed: async (b, split = '') => { signals.currentSplit = split; await op.processBatch(b); },
  };
}

describe('watermark assigner', () => {
  it('emits the largest watermark value seen, evaluated over the whole batch, after every batch at interval 0', async () => {
    const h = await harness({ 'pipeline.auto-watermark-interval': '0' }, tsMinus1s);
    await h.feed(batch(5000, 9000, 7000));
    await h.feed(batch(3000, null));
    await h.feed(batch(12_000));
    assert.deepEqual(h.time.watermarks, [8000, 11_000]);
    assert.equal(h.out.length, 3, 'rows pass through');
    assert.equal(h.out[0].numRows, 3);
  });

  it('emits periodically on the processing-time clock, only when the watermark advanced', async () => {
    const h = await harness({ 'pipeline.auto-watermark-interval': '200 ms' });
    await h.feed(batch(1000));
    await h.feed(batch(4000));
    assert.deepEqual(h.time.watermarks, [], 'nothing before the first period');
    await h.time.clock.advanceTo(200);
    assert.deepEqual(h.time.watermarks, [4000]);
    await h.time.clock.advanceTo(400);
    assert.deepEqual(h.time.watermarks, [4000], 'no repeat without progress');
    await h.feed(batch(2000));
    await h.time.clock.advanceTo(600);
    assert.deepEqual(h.time.watermarks, [4000], 'never goes back');
    await h.feed(batch(6000));
    await h.time.clock.advanceTo(800);
    assert.deepEqual(h.time.watermarks, [4000, 6000]);
  });

  it('per split: the watermark is the minimum over the open splits; a finished split stops holding it back', async () => {
    const h = await harness({ 'pipeline.auto-watermark-interval': '0' });
    await h.feed(batch(10_000), 'a');
    await h.feed(batch(3000), 'b');
    await h.feed(batch(12_000), 'a');
    assert.deepEqual(h.time.watermarks, [10_000], 'split b (3000) holds the watermark below split a');
    await h.feed(batch(5000), 'b');
    assert.deepEqual(h.time.watermarks, [10_000]);
    h.signals.splitFinished('b');
    await h.feed(batch(13_000), 'a');
    assert.deepEqual(h.time.watermarks, [10_000, 13_000]);
  });

  it('emits MAX at end of input and ignores upstream watermarks otherwise', async () => {
    const h = await harness({ 'pipeline.auto-watermark-interval': '0' });
    await h.feed(batch(1000));
    await h.op.processWatermark(50_000);
    assert.deepEqual(h.time.watermarks, [1000], 'an upstream watermark is replaced by the declared one');
    await h.op.processWatermark(MAX_WATERMARK);
    assert.deepEqual(h.time.watermarks, [1000, MAX_WATERMARK]);
    await h.op.close();
  });

  it('marks idle splits after the idle timeout, and the output idle when all are; rows make it active again', async () => {
    const h = await harness({ 'pipeline.auto-watermark-interval': '100 ms', 'table.exec.source.idle-timeout': '300 ms' });
    await h.feed(batch(1000), 'a');
    await h.feed(batch(9000), 'b');
    await h.time.clock.advanceTo(100);
    assert.deepEqual(h.time.watermarks, [1000]);
    await h.time.clock.advanceTo(250);
    await h.feed(batch(9500), 'b');
    await h.time.clock.advanceTo(300);
    assert.deepEqual(h.time.watermarks, [1000, 9500], 'split a idle for 300 ms is excluded');
    assert.deepEqual(h.time.idle, []);
    await h.time.clock.advanceTo(600);
    assert.deepEqual(h.time.idle, [true], 'all splits idle: the output is idle');
    await h.feed(batch(9600), 'b');
    assert.deepEqual(h.time.idle, [true, false], 'rows make the output active again');
    await h.time.clock.advanceTo(700);
    assert.deepEqual(h.time.watermarks, [1000, 9500, 9600]);
    await h.op.close();
  });

  it('an idle report from the reader marks the output idle at once, after emitting what was read', async () => {
    const h = await harness({ 'pipeline.auto-watermark-interval': '1 s' });
    await h.feed(batch(4000));
    assert.equal(await h.signals.reportIdle(true), true, 'the assigner handles idleness');
    assert.deepEqual(h.time.watermarks, [4000]);
    assert.deepEqual(h.time.idle, [true]);
    await h.op.close();
  });
});
