import type { EventRng } from './event-rng.ts';
import type { NexmarkConfig } from './options.ts';

/** Ids start at these values so that queries find matches even on small inputs (nexmark's `GeneratorConfig`). */
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
/** Auctions likely still open at any time, and people considered active for new auctions and bids. */
export const NUM_IN_FLIGHT_AUCTIONS = 100;
export const NUM_ACTIVE_PEOPLE = 1000;
/** How many not-yet-created person and auction ids a random pick may reach ahead. */
const PERSON_ID_LEAD = 10;
const AUCTION_ID_LEAD = 10;
/**
 * nexmark-flink's table source numbers events from 1 and gives event number k the id 1 + k (firstEventId = 1,
 * firstEventNumber = 1), so the first event of a default stream is an auction, not a person.
 */
const FIRST_EVENT_ID = 1;
const FIRST_EVENT_NUMBER = 1;

export const enum EventType { PERSON = 0, AUCTION = 1, BID = 2 }

/**
 * The deterministic skeleton of the event stream, as nexmark's `GeneratorConfig`, `PersonGenerator` and
 * `AuctionGenerator` define it: which event (person, auction or bid) the n-th event is, its id, its event time and
 * the ids it may refer to. Everything is a function of the global event index n = 0, 1, 2, ... alone.
 *
 * Unlike nexmark-flink, which gives each parallel generator its own timeline (event time advancing p× faster per
 * generator), one global timeline is split between subtasks, so the output does not depend on the parallelism.
 */
export class Timeline {
  readonly totalProportion: number;
  /** Microseconds between consecutive events. */
  private readonly interEventDelayUs: number;

  constructor(readonly config: NexmarkConfig) {
    this.totalProportion = config.personProportion + config.auctionProportion + config.bidProportion;
    this.interEventDelayUs = 1_000_000 / config.eventsPerSecond;
  }

  /** The in-order event number of global index n (`nextEventNumber`): it sets when the event is due. */
  eventNumber(n: number): number {
    return FIRST_EVENT_NUMBER + n;
  }

  /** The event number of global index n, permuted within out-of-order groups (`nextAdjustedEventNumber`). */
  adjustedEventNumber(n: number): number {
    const g = this.config.outOfOrderGroupSize;
    const eventNumber = FIRST_EVENT_NUMBER + n;
    if (g === 1) return eventNumber;
    const base = Math.floor(eventNumber / g) * g;
    return base + mulMod(eventNumber, 953, g);
  }

  /** The event time (epoch ms) of an event number, as Java's `baseTime + (long) (number * delayUs) / 1000`. */
  timestampForEvent(eventNumber: number): number {
    return this.config.baseTime + Math.floor(Math.trunc(eventNumber * this.interEventDelayUs) / 1000);
  }

  /** The id of the event with this adjusted event number; it decides the event's type and seeds its contents. */
  eventId(adjustedNumber: number): number {
    return FIRST_EVENT_ID + adjustedNumber;
  }

  /** Person, auction or bid, from the event id's place in the person : auction : bid proportions. */
  eventType(eventId: number): EventType {
    const rem = eventId % this.totalProportion;
    if (rem < this.config.personProportion) return EventType.PERSON;
    if (rem < this.config.personProportion + this.config.auctionProportion) return EventType.AUCTION;
    return EventType.BID;
  }

  /** The last person id (base 0) created at or before this event; the current one for a person event. */
  lastBase0PersonId(eventId: number): number {
    const epoch = Math.floor(eventId / this.totalProportion);
    let offset = eventId % this.totalProportion;
    if (offset >= this.config.personProportion) offset = this.config.personProportion - 1;
    return epoch * this.config.personProportion + offset;
  }

  /** The last auction id (base 0) created at or before this event; the current one for an auction event. */
  lastBase0AuctionId(eventId: number): number {
    const { personProportion, auctionProportion } = this.config;
    let epoch = Math.floor(eventId / this.totalProportion);
    let offset = eventId % this.totalProportion;
    if (offset < personProportion) {
      epoch--;
      offset = auctionProportion - 1;
    } else if (offset >= personProportion + auctionProportion) {
      offset = auctionProportion - 1;
    } else {
      offset -= personProportion;
    }
    return epoch * auctionProportion + offset;
  }

  /** A random active person (base 0), possibly a few ids ahead of the last one created. */
  nextBase0PersonId(eventId: number, rng: EventRng): number {
    const numPeople = this.lastBase0PersonId(eventId) + 1;
    const activePeople = Math.min(numPeople, NUM_ACTIVE_PEOPLE);
    return numPeople - activePeople + rng.nextLong(activePeople + PERSON_ID_LEAD);
  }

  /** A random auction (base 0) among those probably still in flight, plus a few ids ahead. */
  nextBase0AuctionId(eventId: number, rng: EventRng): number {
    const maxAuction = this.lastBase0AuctionId(eventId);
    const minAuction = Math.max(maxAuction - NUM_IN_FLIGHT_AUCTIONS, 0);
    return minAuction + rng.nextLong(maxAuction - minAuction + 1 + AUCTION_ID_LEAD);
  }

  /** Events until NUM_IN_FLIGHT_AUCTIONS more auctions exist: an auction's expected lifetime, in events. */
  get eventsForInFlightAuctions(): number {
    return Math.floor((NUM_IN_FLIGHT_AUCTIONS * this.totalProportion) / this.config.auctionProportion);
  }
}

/** (a × b) mod m without losing precision when a × b exceeds 2^53. */
function mulMod(a: number, b: number, m: number): number {
  const p = a * b;
  return Number.isSafeInteger(p) ? p % m : Number((BigInt(a) * BigInt(b)) % BigInt(m));
}
