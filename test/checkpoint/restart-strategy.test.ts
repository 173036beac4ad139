import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { restartStrategyFrom } from '../../src/checkpoint/restart-strategy.ts';
import { Configuration } from '../../src/config/configuration.ts';

const strategy = (config: Record<string, string>, random = () => 0.5) => restartStrategyFrom(new Configuration(config), random);

describe('restart strategies', () => {
  it('none by default: the first failure fails the job', () => {
    const s = strategy({});
    assert.equal(s.kind, 'none');
    assert.equal(s.onFailure(0), null);
  });

  it('fixed-delay restarts a fixed number of times after a fixed delay', () => {
    const s = strategy({ 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': '2', 'restart-strategy.fixed-delay.delay': '2 s' });
    assert.deepEqual([s.onFailure(0), s.onFailure(10), s.onFailure(20)], [2000, 2000, null]);
    assert.equal(s.describe(), 'fixed-delay (2 attempts, 2000 ms)');
  });

  it('failure-rate fails the job when too many failures fall within the interval', () => {
    const s = strategy({
      'restart-strategy.type': 'failure-rate',
      'restart-strategy.failure-rate.max-failures-per-interval': '2',
      'restart-strategy.failure-rate.failure-rate-interval': '1 min',
      'restart-strategy.failure-rate.delay': '100 ms',
    });
    assert.deepEqual([s.onFailure(0), s.onFailure(30_000), s.onFailure(70_000), s.onFailure(80_000)], [100, 100, 100, null]);
  });

  it('exponential-delay grows the backoff up to the maximum and resets after a quiet spell', () => {
    const s = strategy({
      'restart-strategy.type': 'exponential-delay',
      'restart-strategy.exponential-delay.initial-backoff': '100 ms',
      'restart-strategy.exponential-delay.max-backoff': '1 s',
      'restart-strategy.exponential-delay.backoff-multiplier': '3',
      'restart-strategy.exponential-delay.reset-backoff-threshold': '1 min',
      'restart-strategy.exponential-delay.jitter-factor': '0',
    });
    assert.deepEqual([s.onFailure(0), s.onFailure(1), s.onFailure(2), s.onFailure(3)], [100, 300, 900, 1000]);
    assert.equal(s.onFailure(3 + 60_000), 100);
  });

  it('exponential-delay applies jitter and gives up after its attempts', () => {
    const s = strategy({
      'restart-strategy.type': 'exponential-delay',
      'restart-strategy.exponential-delay.initial-backoff': '1 s',
      'restart-strategy.exponential-delay.jitter-factor': '0.1',
      'restart-strategy.exponential-delay.attempts-before-reset-backoff': '1',
    }, () => 1);
    assert.equal(s.onFailure(0), 1100); // 1 s + 10% jitter (random() = 1)
    assert.equal(s.onFailure(1), null);
  });

  it('rejects an unknown strategy with the accepted names', () => {
    assert.throws(() => strategy({ 'restart-strategy.type': 'sometimes' }), /'restart-strategy.type' = 'sometimes' is not one of: none, fixed-delay, exponential-delay, failure-rate/);
  });
});
