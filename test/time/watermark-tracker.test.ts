import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WatermarkTracker } from '../../src/time/watermark-tracker.ts';

describe('WatermarkTracker', () => {
  it('advances to the minimum over channels, never backwards', () => {
    const t = new WatermarkTracker(2);
    assert.equal(t.update(0, 10), null, 'channel 1 has no watermark yet');
    assert.equal(t.update(1, 5), 5);
    assert.equal(t.update(1, 20), 10);
    assert.equal(t.update(0, 8), null, 'a late smaller watermark is ignored');
    assert.equal(t.current, 10);
  });

  it('excludes idle and ended channels', () => {
    const t = new WatermarkTracker(3);
    t.update(0, 100);
    t.update(1, 50);
    assert.equal(t.setIdle(2, true), 50);
    assert.equal(t.end(1), 100);
    assert.equal(t.update(2, 200), null, 'an idle channel becomes active again with its watermark');
    assert.equal(t.update(0, 300), 200);
  });

  it('is all idle when every open channel is idle, and active again when one sends a watermark', () => {
    const t = new WatermarkTracker(3);
    assert.equal(t.allIdle, false);
    t.setIdle(0, true);
    t.setIdle(1, true);
    assert.equal(t.allIdle, false, 'channel 2 is active');
    t.end(2);
    assert.equal(t.allIdle, true, 'the ended channel does not count');
    t.update(1, 5);
    assert.equal(t.allIdle, false);
    t.end(0);
    t.end(1);
    assert.equal(t.allIdle, false, 'all ended is not idle');
  });
});
