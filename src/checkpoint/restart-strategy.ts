import type { Configuration } from '../config/configuration.ts';
import { CheckpointOptions, RestartOptions, type RestartStrategyKind } from '../config/options.ts';

/**
 * Decides, after each failure of a job, whether it restarts and after what delay (Flink's RestartBackoffTimeStrategy).
 * `onFailure` is called once per failure with the current time; it returns the delay in ms, or null when the job
 * must fail for good.
 */
export interface RestartStrategy {
  readonly kind: RestartStrategyKind;
  onFailure(now: number): number | null;
  /** A short description for messages: `fixed-delay (3 attempts, 1000 ms)`. */
  describe(): string;
}

/**
 * The restart strategy of a job from `restart-strategy.*` (Flink's keys). `random` is for the jitter (tests pin it).
 * Without `restart-strategy.type` it is Flink's default (1.19+): exponential-delay with its default settings when
 * checkpointing is on, so a job that checkpoints recovers from failures without more configuration; none without.
 */
export function restartStrategyFrom(config: Configuration, random: () => number = Math.random): RestartStrategy {
  const kind = restartStrategyKind(config);
  switch (kind) {
    case 'none': return { kind, onFailure: () => null, describe: () => 'none' };
    case 'fixed-delay': return fixedDelay(config.get(RestartOptions.FIXED_DELAY_ATTEMPTS), config.get(RestartOptions.FIXED_DELAY_DELAY));
    case 'failure-rate': return failureRate(config.get(RestartOptions.FAILURE_RATE_MAX), config.get(RestartOptions.FAILURE_RATE_INTERVAL), config.get(RestartOptions.FAILURE_RATE_DELAY));
    case 'exponential-delay': return exponentialDelay({
      initial: config.get(RestartOptions.EXP_INITIAL_BACKOFF),
      max: config.get(RestartOptions.EXP_MAX_BACKOFF),
      multiplier: config.get(RestartOptions.EXP_MULTIPLIER),
      resetThreshold: config.get(RestartOptions.EXP_RESET_THRESHOLD),
      jitter: config.get(RestartOptions.EXP_JITTER),
      attempts: config.get(RestartOptions.EXP_ATTEMPTS),
    }, random);
  }
}

/** `restart-strategy.type`, or its default: exponential-delay when the job checkpoints, none when it does not. */
export function restartStrategyKind(config: Configuration): RestartStrategyKind {
  if (config.has(RestartOptions.TYPE.key)) return config.get(RestartOptions.TYPE);
  return config.get(CheckpointOptions.INTERVAL) > 0 ? 'exponential-delay' : 'none';
}

/** Up to `attempts` restarts in the life of the job, each after `delay` ms. */
export function fixedDelay(attempts: number, delay: number): RestartStrategy {
  let used = 0;
  return {
    kind: 'fixed-delay',
    onFailure: () => (used++ < attempts ? delay : null),
    describe: () => `fixed-delay (${attempts} attempts, ${delay} ms)`,
  };
}

/** Restarts after `delay` ms as long as no more than `maxFailures` failures fall within any `interval` ms. */
export function failureRate(maxFailures: number, interval: number, delay: number): RestartStrategy {
  const failures: number[] = [];
  return {
    kind: 'failure-rate',
    onFailure: (now) => {
      failures.push(now);
      while (failures.length && failures[0] <= now - interval) failures.shift();
      return failures.length <= maxFailures ? delay : null;
    },
    describe: () => `failure-rate (${maxFailures} per ${interval} ms, ${delay} ms)`,
  };
}

export interface ExponentialDelaySettings {
  readonly initial: number;
  readonly max: number;
  readonly multiplier: number;
  /** A failure this long after the previous one starts again from `initial` (and resets the attempt count). */
  readonly resetThreshold: number;
  /** 0..1: the delay is moved by up to this share, up or down, at random. */
  readonly jitter: number;
  readonly attempts: number;
}

/** Waits `initial`, then × `multiplier` per failure up to `max`; a long quiet spell resets it. */
export function exponentialDelay(s: ExponentialDelaySettings, random: () => number = Math.random): RestartStrategy {
  let backoff = 0;
  let attempts = 0;
  let lastFailure = -Infinity;
  return {
    kind: 'exponential-delay',
    onFailure: (now) => {
      if (now - lastFailure >= s.resetThreshold) { backoff = 0; attempts = 0; }
      lastFailure = now;
      if (attempts++ >= s.attempts) return null;
      backoff = backoff === 0 ? s.initial : Math.min(s.max, backoff * s.multiplier);
      const jitter = backoff * s.jitter * (2 * random() - 1);
      return Math.max(0, Math.round(Math.min(s.max, backoff + jitter)));
    },
    describe: () => `exponential-delay (${s.initial} ms to ${s.max} ms, ×${s.multiplier}, ${s.attempts >= Number.MAX_SAFE_INTEGER ? 'unlimited attempts' : `${s.attempts} attempts`})`,
  };
}
