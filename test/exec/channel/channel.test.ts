import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../../src/batch/change-batch.ts';
import { InputGate } from '../../../src/exec/channel/input-gate.ts';
import { OutputChannel } from '../../../src/exec/channel/output-channel.ts';
import { decodeBatch, encodeBatch } from '../../../src/exec/channel/batch-codec.ts';

const batch = (values: number[], kinds: Uint8Array | null = null) =>
  new ChangeBatch(new arrow.Table({ v: arrow.vectorFromArray(Float64Array.from(values)) }).batches[0], kinds);

describe('batch codec', () => {
  it('round-trips data and row kinds, compacting slices', () => {
    const b = batch([1, 2, 3, 4], Uint8Array.from([0, 1, 2, 3])).slice(1, 3);
    const { encoded } = encodeBatch(b);
    const back = decodeBatch(encoded);
    assert.deepEqual([...back.column(0).toArray()], [2, 3]);
    assert.deepEqual([...back.kinds!], [1, 2]);
  });
});

describe('credit-based channel', () => {
  it('stops the sender when the receiver holds every credit, and resumes on release', async () => {
    const { port1, port2 } = new MessageChannel();
    const abort = new AbortController();
    const out = new OutputChannel(port1, 2, abort.signal);
    const gate = new InputGate([{ port: port2, input: 0 }], abort.signal);
    let sent = 0;
    const sender = (async () => {
      for (let i = 0; i < 5; i++) { await out.sendBatch(batch([i])); sent++; }
      out.sendControl({ kind: 'end' });
    })();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(sent, 2, 'two credits allow two batches in flight');
    const seen: number[] = [];
    for (;;) {
      const m = await gate.next();
      assert.ok(m);
      if (m.message.kind === 'end') break;
      if (m.message.kind === 'batch') {
        seen.push(m.message.batch.column(0).get(0) as number);
        gate.release(m.channel);
      }
    }
    await sender;
    assert.deepEqual(seen, [0, 1, 2, 3, 4], 'order is kept');
    out.close();
    gate.close();
  });

  it('a waiting sender fails with JOB_CANCELLED when the job is cancelled', async () => {
    const { port1, port2 } = new MessageChannel();
    const abort = new AbortController();
    const out = new OutputChannel(port1, 1, abort.signal);
    await out.sendBatch(batch([1]));
    const blocked = out.sendBatch(batch([2]));
    abort.abort();
    await assert.rejects(blocked, (e: { code?: string }) => e.code === 'JOB_CANCELLED');
    port1.close();
    port2.close();
  });
});

describe('InputGate decoding', () => {
  it('a batch that cannot be decoded fails next() (the task fails) instead of throwing in the port handler', async () => {
    const { port1, port2 } = new MessageChannel();
    const gate = new InputGate([{ port: port2, input: 0 }], new AbortController().signal);
    try {
      port1.postMessage({ t: 'batch', batch: new Uint8Array([1, 2, 3]) });
      await assert.rejects(gate.next());
    } finally {
      gate.close();
      port1.close();
    }
  });
});
