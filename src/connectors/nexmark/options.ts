import type { ConnectorOptions } from '../connector.ts';
import { OptionReader } from '../options.ts';

export const IDENTIFIER = 'nexmark';

/**
 * The generator settings, named after nexmark-flink's `NexmarkConfiguration` fields. Immutable plain data: it is
 * sent to every source subtask.
 */
export interface NexmarkConfig {
  /** Events per second of event time: the inter-event delay is 1e6 / rate microseconds. */
  readonly eventsPerSecond: number;
  /** Total events over all subtasks; undefined (`events.num` unset or 0, as in nexmark-flink) = unbounded. */
  readonly numEvents?: number;
  /** Emit events when they are due in wall-clock time (at `eventsPerSecond`), instead of as fast as possible. */
  readonly rateLimited: boolean;
  /** Events per out-of-order group (1 = in order); derived from `out-of-orderness`. */
  readonly outOfOrderGroupSize: number;
  readonly personProportion: number;
  readonly auctionProportion: number;
  readonly bidProportion: number;
  readonly avgPersonByteSize: number;
  readonly avgAuctionByteSize: number;
  readonly avgBidByteSize: number;
  readonly hotAuctionRatio: number;
  readonly hotSellersRatio: number;
  readonly hotBiddersRatio: number;
  /** Event time (epoch ms) of event number 0. */
  readonly baseTime: number;
  readonly seed: number;
}

/** nexmark-flink's defaults (`NexmarkConfiguration`), and Beam's fixed base time 2015-07-15T00:00:00Z. */
export const DEFAULTS = {
  eventsPerSecond: 10_000,
  personProportion: 1,
  auctionProportion: 3,
  bidProportion: 46,
  avgPersonByteSize: 200,
  avgAuctionByteSize: 500,
  avgBidByteSize: 100,
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  baseTime: Date.UTC(2015, 6, 15),
  seed: 0,
} as const;

/** Every option key the connector accepts: nexmark-flink's names plus Weir's `events-per-second`, `out-of-orderness`, `seed`, `base-time`. */
export const SUPPORTED_KEYS = [
  'first-event.rate', 'next-event.rate', 'events-per-second', 'events.num', 'rate.limited', 'max-emit-speed',
  'out-of-orderness', 'person.proportion', 'auction.proportion', 'bid.proportion', 'person.avg-size',
  'auction.avg-size', 'bid.avg-size', 'bid.hot-ratio.auctions', 'bid.hot-ratio.bidders', 'auction.hot-ratio.sellers',
  'seed', 'base-time',
] as const;

const MAX_INT = 2147483647;

/** Reads and checks the options; every failure is a CONNECTOR_OPTION error naming the key. */
export function nexmarkConfig(options: ConnectorOptions): NexmarkConfig {
  const r = new OptionReader(IDENTIFIER, options);
  const eventsPerSecond = eventRate(r);
  const rateLimited = r.bool('rate.limited', false) || !r.bool('max-emit-speed', true);
  const outOfOrdernessMs = r.duration('out-of-orderness', 0)!;
  if (!Number.isInteger(outOfOrdernessMs)) throw r.bad('out-of-orderness', options['out-of-orderness'], 'a whole number of milliseconds');
  const proportion = (key: string, d: number): number => r.int(key, d, 0, MAX_INT);
  const personProportion = proportion('person.proportion', DEFAULTS.personProportion);
  const auctionProportion = proportion('auction.proportion', DEFAULTS.auctionProportion);
  const bidProportion = proportion('bid.proportion', DEFAULTS.bidProportion);
  // The id arithmetic (lastBase0PersonId / lastBase0AuctionId) divides by these proportions.
  if (personProportion === 0 || auctionProportion === 0) {
    throw r.bad(personProportion === 0 ? 'person.proportion' : 'auction.proportion', '0',
      'an integer >= 1 (bids and auctions refer to the latest person and auction ids, so both must be generated)');
  }
  const ratio = (key: string, d: number): number => r.int(key, d, 1, MAX_INT);
  const size = (key: string, d: number): number => {
    const bytes = r.memorySize(key, d)!;
    if (bytes > 64 * 1024 * 1024) throw r.bad(key, options[key], 'a size of at most 64 mb');
    return bytes;
  };
  return {
    eventsPerSecond,
    numEvents: r.int('events.num', 0, 0) || undefined,
    rateLimited,
    // Events in one group of g are emitted in a permuted order, so an event's time lags the latest one emitted
    // before it by at most (g - 1) inter-event delays; g = rate × out-of-orderness keeps that within the bound.
    outOfOrderGroupSize: Math.max(1, Math.floor((outOfOrdernessMs * eventsPerSecond) / 1000)),
    personProportion,
    auctionProportion,
    bidProportion,
    avgPersonByteSize: size('person.avg-size', DEFAULTS.avgPersonByteSize),
    avgAuctionByteSize: size('auction.avg-size', DEFAULTS.avgAuctionByteSize),
    avgBidByteSize: size('bid.avg-size', DEFAULTS.avgBidByteSize),
    hotAuctionRatio: ratio('bid.hot-ratio.auctions', DEFAULTS.hotAuctionRatio),
    hotSellersRatio: ratio('auction.hot-ratio.sellers', DEFAULTS.hotSellersRatio),
    hotBiddersRatio: ratio('bid.hot-ratio.bidders', DEFAULTS.hotBiddersRatio),
    baseTime: baseTime(r),
    seed: r.int('seed', DEFAULTS.seed, 0, 0xffffffff),
  };
}

/**
 * `events-per-second` (Weir) or `first-event.rate` (nexmark-flink). `next-event.rate` must equal it: nexmark-flink
 * reads it but its generator only ever uses the first rate, and Weir does not pretend to vary the rate.
 */
function eventRate(r: OptionReader): number {
  const first = r.int('first-event.rate', undefined, 1, MAX_INT);
  const alias = r.int('events-per-second', undefined, 1, MAX_INT);
  if (first !== undefined && alias !== undefined && first !== alias) {
    throw r.bad('events-per-second', String(alias), `the same value as 'first-event.rate' (${first}), or set only one of them`);
  }
  const rate = first ?? alias ?? DEFAULTS.eventsPerSecond;
  const next = r.int('next-event.rate', undefined, 1, MAX_INT);
  if (next !== undefined && next !== rate) {
    throw r.bad('next-event.rate', String(next), `the same value as the first event rate (${rate}); a changing event rate (rate.shape) is not supported`);
  }
  return rate;
}

/** `base-time`: epoch milliseconds or an ISO-8601 instant such as 2015-07-15T00:00:00Z. */
function baseTime(r: OptionReader): number {
  const raw = r.string('base-time');
  if (raw === undefined) return DEFAULTS.baseTime;
  const ms = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isSafeInteger(ms) || ms < 0) throw r.bad('base-time', raw, "epoch milliseconds or an ISO-8601 instant such as '2015-07-15T00:00:00Z'");
  return ms;
}
