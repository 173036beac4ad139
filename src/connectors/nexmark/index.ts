import type { ConnectorContext, ConnectorOptions, SourceFactory, SourceReader } from '../connector.ts';
import { checkUnknownOptions } from '../options.ts';
import type { Schema } from '../../types/schema.ts';
import { IDENTIFIER, nexmarkConfig, SUPPORTED_KEYS } from './options.ts';
import { NexmarkReader } from './reader.ts';
import { checkSchema } from './schema.ts';

export { NexmarkGenerator } from './generator.ts';
export { NexmarkReader } from './reader.ts';
export { nexmarkConfig, type NexmarkConfig } from './options.ts';
export { NEXMARK_COLUMNS } from './schema.ts';

/**
 * The Nexmark benchmark source (nexmark-flink's `nexmark` connector): one stream of Person, Auction and Bid events in
 * the proportions 1 : 3 : 46, with nexmark's id ranges, hot sellers, bidders and auctions, and event times spaced by
 * the event rate. Columns: `event_type INT` (0 person, 1 auction, 2 bid) and the rows `person`, `auction`, `bid`
 * (the other two are NULL), as in nexmark-flink's `ddl_gen.sql`.
 *
 * Options (nexmark-flink names): `first-event.rate` / `next-event.rate` (events per second of event time, default
 * 10000; must be equal), `events.num` (total events; bounded when set and not 0), `rate.limited` (emit at the event rate in
 * wall-clock time; default false = as fast as possible, also `max-emit-speed`), `person.proportion`,
 * `auction.proportion`, `bid.proportion`, `person.avg-size`, `auction.avg-size`, `bid.avg-size`,
 * `bid.hot-ratio.auctions`, `bid.hot-ratio.bidders`, `auction.hot-ratio.sellers`. Weir extensions:
 * `events-per-second` (alias of `first-event.rate`), `out-of-orderness` (events lag the latest earlier event by at
 * most this, e.g. '2 s'; default 0), `seed` (default 0: reproducible) and `base-time` (event time of the start,
 * default 2015-07-15T00:00:00Z as in Beam).
 *
 * Subtask i of p emits the events i, i + p, ...: the events do not depend on the parallelism, and a checkpoint's
 * positions (strided splits of the stream, see `splits.ts`) restore at any parallelism.
 */
export const nexmarkSource: SourceFactory = {
  identifier: IDENTIFIER,

  validateSource(options: ConnectorOptions, schema: Schema): void {
    checkUnknownOptions(IDENTIFIER, options, SUPPORTED_KEYS);
    nexmarkConfig(options);
    checkSchema(schema);
  },

  isBounded(options: ConnectorOptions): boolean {
    return nexmarkConfig(options).numEvents !== undefined;
  },

  createReader(options: ConnectorOptions, schema: Schema, ctx: ConnectorContext): SourceReader {
    return new NexmarkReader(nexmarkConfig(options), schema, ctx);
  },
};
