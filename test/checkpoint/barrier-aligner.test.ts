import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BarrierAligner, type MessageSource } from '../../src/checkpoint/barrier-aligner.ts';
import type { ReceivedMessage } from '../../src/exec/channel/input-gate.ts';
import type { StreamMessage } from '../../src/exec/stream-message.ts';

/** A scripted gate: messages as [channel, message]; null once the script is exhausted. */
function scripted(channels: number, script: [number, StreamMessage][]): MessageSource {
  const queue = script.map(([channel, message]) => ({ channel, input: 0, message }));
  return { channelCount: channels, next: async () => queue.shift() ?? null };
}

const barrier = (id: number): StreamMessage => ({ kind: 'barrier', checkpointId: id, timestamp: 0, savepoint: false });
const wm = (ts: number): StreamMessage => ({ kind: 'watermark', timestamp: ts });
const end: StreamMessage = { kind: 'end' };

/** Everything the aligner hands out, rendered `c<channel>:<kind><detail>`. */
async function drain(aligner: BarrierAligner): Promise<string[]> {
  const out: string[] = [];
  for (let m = await aligner.next(); m !== null; m = await aligner.next()) out.push(render(m));
  return out;
}

function render(m: ReceivedMessage): string {
  const msg = m.message;
  switch (msg.kind) {
    case 'barrier': return `barrier${msg.checkpointId}`;
    case 'watermark': return `c${m.channel}:wm${msg.timestamp}`;
    case 'end': return `c${m.channel}:end`;
    default: return `c${m.channel}:${msg.kind}`;
  }
}

describe('BarrierAligner', () => {
  it('passes a barrier straight through with one channel', async () => {
    const a = new BarrierAligner(scripted(1, [[0, wm(1)], [0, barrier(1)], [0, wm(2)]]));
    assert.deepEqual(await drain(a), ['c0:wm1', 'barrier1', 'c0:wm2']);
  });

  it('blocks a channel after its barrier until every channel has delivered it (3 channels)', async () => {
    const a = new BarrierAligner(scripted(3, [
      [0, wm(1)], [0, barrier(1)], [0, wm(10)], // channel 0 blocked: wm10 held
      [1, wm(2)], [2, wm(3)], [1, barrier(1)], [1, wm(11)], // channel 1 blocked too
      [2, wm(4)], [0, wm(12)], [2, barrier(1)], // aligned
      [2, wm(13)],
    ]));
    assert.deepEqual(await drain(a), [
      'c0:wm1', 'c1:wm2', 'c2:wm3', 'c2:wm4',
      'barrier1',
      // held messages in arrival order, then new input
      'c0:wm10', 'c1:wm11', 'c0:wm12', 'c2:wm13',
    ]);
  });

  it('aligns consecutive checkpoints, re-blocking on a held barrier of the next one', async () => {
    const a = new BarrierAligner(scripted(2, [
      [0, barrier(1)], [0, wm(1)], [0, barrier(2)], [0, wm(2)],
      [1, barrier(1)], [1, wm(3)], [1, barrier(2)],
    ]));
    assert.deepEqual(await drain(a), ['barrier1', 'c0:wm1', 'c1:wm3', 'barrier2', 'c0:wm2']);
  });

  it('completes an alignment when the only unaligned channel ends (end first, then the barrier)', async () => {
    const a = new BarrierAligner(scripted(2, [[0, barrier(1)], [0, wm(5)], [1, wm(1)], [1, end], [0, end]]));
    assert.deepEqual(await drain(a), ['c1:wm1', 'c1:end', 'barrier1', 'c0:wm5', 'c0:end']);
  });

  it('ignores channels that ended before the barrier', async () => {
    const a = new BarrierAligner(scripted(3, [[2, end], [0, barrier(4)], [1, barrier(4)], [1, wm(1)]]));
    assert.deepEqual(await drain(a), ['c2:end', 'barrier4', 'c1:wm1']);
    assert.ok(a.lastAlignmentMs >= 0);
  });

  it('aborts an alignment overtaken by a newer barrier and drops the late older one', async () => {
    const aborted: number[] = [];
    const a = new BarrierAligner(scripted(2, [
      [0, barrier(1)], [0, wm(1)], // channel 0 aligned on 1
      [1, barrier(2)], // channel 1 skipped 1: checkpoint 1 can never complete
      [0, barrier(2)], [1, barrier(1)], [1, wm(2)],
    ]), { aborted: (id) => aborted.push(id) });
    // wm1 (held for 1) is released when 1 is aborted; then 2 aligns on both channels; the late barrier 1 is dropped.
    assert.deepEqual(await drain(a), ['c0:wm1', 'barrier2', 'c1:wm2']);
    assert.deepEqual(aborted, [1]);
  });

  it('releases blocked channels when the coordinator aborts the checkpoint', async () => {
    const script: [number, StreamMessage][] = [[0, barrier(3)], [0, wm(7)], [1, wm(1)]];
    const a = new BarrierAligner(scripted(2, script));
    assert.equal(render((await a.next())!), 'c1:wm1');
    assert.equal(a.aligning, 3);
    a.abort(3);
    assert.equal(a.aligning, null);
    assert.deepEqual(await drain(a), ['c0:wm7']);
  });

  it('measures alignment time from the first barrier to the last', async () => {
    let now = 100;
    const source = scripted(2, [[0, barrier(1)], [1, barrier(1)]]);
    const a = new BarrierAligner({ channelCount: 2, next: async () => { now += 5; return source.next(); } }, {}, () => now);
    assert.deepEqual(await drain(a), ['barrier1']);
    assert.equal(a.lastAlignmentMs, 5);
  });
});
