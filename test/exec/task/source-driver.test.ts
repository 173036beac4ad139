import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Configuration } from '../../../src/config/configuration.ts';
import { driveSource } from '../../../src/exec/task/source-driver.ts';
import { MetricGroup } from '../../../src/metrics/metric-group.ts';
import type { SourceNode } from '../../../src/plan/physical/physical-node.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { MailboxTimers } from '../../../src/time/mailbox-timers.ts';
import { SourceSignals } from '../../../src/time/source-signals.ts';

const node = (script: unknown[]): SourceNode => ({
  kind: 'source', id: 'src', name: 'Source(s)', connector: 'scripted', options: { script: JSON.stringify(script) },
  outputSchema: [{ name: 'k', type: DataTypes.STRING() }],
});

/** Runs a scripted source through the driver, recording what reaches the chain in `log`, in order. */
async function drive(script: unknown[], extra: { timers?: MailboxTimers; signals?: SourceSignals } = {}, log: string[] = []): Promise<string[]> {
  await driveSource(node(script), { emit: async (b) => { log.push(`rows:${b.numRows}${extra.signals ? `@${extra.signals.currentSplit}` : ''}`); } }, {
    subtaskIndex: 0, parallelism: 1, config: new Configuration(), signal: new AbortController().signal, baseDir: '.', metrics: new MetricGroup(),
    emitWatermark: async (t) => { log.push(`watermark:${t}`); },
    markIdle: (idle) => { log.push(`idle:${idle}`); },
    ...extra,
  });
  return log;
}

describe('source driver', () => {
  it('passes a reader\'s watermarks and idleness on; rows after an idle report make the output active again', async () => {
    assert.deepEqual(await drive([{ rows: [['a']] }, { watermark: 5 }, { idle: true }, { idle: true }, { rows: [['b'], ['c']] }, { idle: true }, { watermark: 9 }, { rows: [['d']] }]), [
      'rows:1', 'watermark:5', 'idle:true', 'idle:false', 'rows:2', 'idle:true', 'watermark:9', 'rows:1',
    ], 'a repeated idle is sent once; a watermark reactivates the channel by itself');
  });

  it('a subscribed watermark generator takes idleness reports; finished splits and each batch\'s split reach it', async () => {
    const signals = new SourceSignals();
    const log: string[] = [];
    signals.onIdle((idle) => { log.push(`generator idle:${idle}`); });
    signals.onSplitFinished((split) => { log.push(`finished:${split}`); });
    await drive([{ rows: [['a']], split: 'p1' }, { idle: true }, { 'split-finished': 'p1' }, { rows: [['b']], split: 'p2' }], { signals }, log);
    assert.deepEqual(log, ['rows:1@p1', 'generator idle:true', 'finished:p1', 'rows:1@p2'], 'the driver does not mark the output idle itself');
  });

  it('runs due processing-time callbacks while the reader waits for data', async () => {
    const timers = new MailboxTimers();
    const log: string[] = [];
    // Due 20 ms in, while the reader sleeps 300 ms between its two batches: it must not wait for the second one.
    timers.schedule(Date.now() + 20, () => { log.push('timer'); });
    await drive([{ rows: [['a']] }, { sleep: 300 }, { rows: [['b']] }], { timers }, log);
    assert.deepEqual(log, ['rows:1', 'timer', 'rows:1']);
  });
});
