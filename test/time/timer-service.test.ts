import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InternalTimerService } from '../../src/time/timer-service.ts';
import { MailboxTimers } from '../../src/time/mailbox-timers.ts';

const key = (s: string) => new TextEncoder().encode(s);

test('event-time timers fire in time order up to the watermark, once each, and deletions hold', () => {
  const t = new InternalTimerService(128);
  t.registerEventTimeTimer(key('b'), 2, 0, 2000);
  t.registerEventTimeTimer(key('a'), 1, 0, 1000);
  t.registerEventTimeTimer(key('a'), 1, 0, 1000); // duplicate: a no-op
  t.registerEventTimeTimer(key('c'), 3, 5, 1500);
  t.registerEventTimeTimer(key('d'), 4, 0, 1200);
  t.deleteEventTimeTimer(key('d'), 4, 0, 1200);
  assert.equal(t.size, 3);
  assert.deepEqual(t.advanceWatermark(999), []);
  const fired = t.advanceWatermark(1500);
  assert.deepEqual(fired.map((f) => [new TextDecoder().decode(f.key), f.namespace, f.time]), [['a', 0, 1000], ['c', 5, 1500]]);
  assert.equal(t.currentWatermark, 1500);
  assert.equal(t.nextEventTime(), 2000);
  assert.deepEqual(t.advanceWatermark(1500), []);
  assert.equal(t.advanceWatermark(Infinity).length, 1);
  assert.equal(t.size, 0);
});

test('a deleted then re-registered timer fires exactly once', () => {
  const t = new InternalTimerService(128);
  t.registerEventTimeTimer(key('a'), 1, 0, 10);
  t.deleteEventTimeTimer(key('a'), 1, 0, 10);
  t.registerEventTimeTimer(key('a'), 1, 0, 10);
  assert.equal(t.advanceWatermark(10).length, 1);
  assert.equal(t.advanceWatermark(10).length, 0);
});

test('snapshot groups timers by key group and restore keeps only the groups of the new range', () => {
  const t = new InternalTimerService(4);
  for (let h = 0; h < 8; h++) t.registerEventTimeTimer(key(`k${h}`), h, 0, 100 + h);
  t.registerProcessingTimeTimer(key('p'), 3, 0, 50);
  const snap = t.snapshot();
  assert.deepEqual(snap.map((g) => [g.keyGroup, g.eventTime.length, g.processingTime.length]), [[0, 2, 0], [1, 2, 0], [2, 2, 0], [3, 2, 1]]);
  const low = new InternalTimerService(4);
  low.restore(snap, { start: 0, end: 1 });
  assert.deepEqual(low.advanceWatermark(1000).map((f) => f.hash), [0, 1, 4, 5]);
  const high = new InternalTimerService(4);
  high.restore(snap, { start: 2, end: 3 });
  assert.equal(high.nextProcessingTime(), 50);
  assert.deepEqual(high.advanceProcessingTime(60).map((f) => f.hash), [3]);
});

test('mailbox timers run due callbacks in time order and skip cancelled ones', async () => {
  let now = 0;
  const m = new MailboxTimers(() => now);
  const ran: string[] = [];
  m.schedule(20, () => { ran.push('b'); });
  const cancel = m.schedule(15, () => { ran.push('x'); });
  m.schedule(10, () => { ran.push('a'); m.schedule(12, () => { ran.push('a2'); }); });
  cancel();
  assert.equal(m.nextDue(), 10);
  now = 12;
  await m.runDue();
  assert.deepEqual(ran, ['a', 'a2']);
  now = 30;
  await m.runDue();
  assert.deepEqual(ran, ['a', 'a2', 'b']);
  assert.equal(m.nextDue(), null);
});
