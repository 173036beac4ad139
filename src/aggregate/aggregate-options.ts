import { option, parseBoolOption, parseDurationOption, parseIntOption, type Configuration } from '../config/configuration.ts';
import { PlanError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';

/** Mini-batch options of group aggregation, with Flink's keys and defaults (ExecutionConfigOptions). */
export const AggregateOptions = {
  MINI_BATCH_ENABLED: option('table.exec.mini-batch.enabled', false,
    'Buffer input rows and fold them per key once per mini-batch, emitting at most one update per key per mini-batch.',
    parseBoolOption('table.exec.mini-batch.enabled')),
  MINI_BATCH_ALLOW_LATENCY: option('table.exec.mini-batch.allow-latency', 0,
    'Longest time rows wait in a mini-batch before it is flushed; required (> 0) when mini-batch is enabled.',
    parseDurationOption('table.exec.mini-batch.allow-latency')),
  MINI_BATCH_SIZE: option('table.exec.mini-batch.size', -1,
    'Most rows buffered in a mini-batch before it is flushed; required (> 0) when mini-batch is enabled.',
    parseIntOption('table.exec.mini-batch.size')),
};

/** The mini-batch settings in effect; null when mini-batch is off. */
export interface MiniBatchSettings {
  readonly latencyMs: number;
  readonly size: number;
}

/**
 * Reads and checks the mini-batch options. As in Flink, enabling mini-batch requires a positive allow-latency and
 * size; otherwise a PlanError CONFIG_INVALID names the missing option.
 */
export function miniBatchSettings(config: Configuration): MiniBatchSettings | null {
  if (!config.get(AggregateOptions.MINI_BATCH_ENABLED)) return null;
  const latencyMs = config.get(AggregateOptions.MINI_BATCH_ALLOW_LATENCY);
  const size = config.get(AggregateOptions.MINI_BATCH_SIZE);
  if (!(latencyMs > 0)) {
    throw new PlanError("'table.exec.mini-batch.allow-latency' must be greater than 0 when mini-batch is enabled", {
      hint: "SET 'table.exec.mini-batch.allow-latency' = '1 s' (for example).",
    }, ErrorCodes.CONFIG_INVALID);
  }
  if (!(size > 0)) {
    throw new PlanError("'table.exec.mini-batch.size' must be greater than 0 when mini-batch is enabled", {
      hint: "SET 'table.exec.mini-batch.size' = '5000' (for example).",
    }, ErrorCodes.CONFIG_INVALID);
  }
  return { latencyMs, size };
}
