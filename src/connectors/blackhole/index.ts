import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { Counter } from '../../metrics/metric-group.ts';
import type { Schema } from '../../types/schema.ts';
import type { ConnectorContext, ConnectorOptions, SinkFactory, SinkWriter } from '../connector.ts';
import { checkUnknownOptions } from '../options.ts';

const IDENTIFIER = 'blackhole';

/** Discards every row (any row kind), counting them in the `numRecordsDiscarded` metric (the runtime already counts `numRecordsIn` for every operator) and in {@link rows}. */
export class BlackholeWriter implements SinkWriter {
  /** Rows received so far by this subtask. */
  rows = 0;
  private readonly counter: Counter;

  constructor(ctx: ConnectorContext) {
    this.counter = ctx.metrics.counter('numRecordsDiscarded');
  }

  async write(batch: ChangeBatch): Promise<void> {
    this.rows += batch.numRows;
    this.counter.inc(batch.numRows);
  }

  async finish(): Promise<void> {}
  async close(): Promise<void> {}
}

/**
 * Flink's `blackhole` sink: no options, accepts inserts, updates and deletes; for benchmarks and tests. Not
 * exactly-once: after a restore, rows received since the checkpoint are received (and counted) again.
 */
export const blackholeSink: SinkFactory = {
  identifier: IDENTIFIER,
  validateSink(options: ConnectorOptions, _schema: Schema): void {
    checkUnknownOptions(IDENTIFIER, options, []);
  },
  acceptsUpdates: () => true,
  createWriter: (_options: ConnectorOptions, _schema: Schema, ctx: ConnectorContext): SinkWriter => new BlackholeWriter(ctx),
};
