import * as arrow from 'apache-arrow';
import type { RowType } from '../../types/data-type.ts';
import type { Schema } from '../../types/schema.ts';
import { AuctionColumns } from './auction.ts';
import { BidColumns } from './bid.ts';
import { EventRng } from './event-rng.ts';
import type { NexmarkConfig } from './options.ts';
import { PersonColumns } from './person.ts';
import { NexmarkText } from './text.ts';
import { EventType, Timeline } from './timeline.ts';

/**
 * One subtask's share of the event stream, generated a batch at a time straight into Arrow columns.
 *
 * The stream is one global sequence of events n = 0, 1, 2, ...; subtask i of p generates n = i, i + p, i + 2p, ...
 * (its k-th event is n = i + k·p). Every event depends only on n and the seed, so the union over subtasks is the
 * same multiset of events whatever the parallelism, and a subtask can restart at any position.
 */
export class NexmarkGenerator {
  readonly timeline: Timeline;
  private readonly rng: EventRng;
  private readonly text: NexmarkText;
  /** Per-event ids, event numbers and times of the batch being generated, reused across batches. */
  private scratch = new Float64Array(0);

  constructor(
    readonly config: NexmarkConfig,
    private readonly schema: Schema,
    readonly subtaskIndex = 0,
    readonly parallelism = 1,
  ) {
    this.timeline = new Timeline(config);
    this.rng = new EventRng(config.seed);
    this.text = NexmarkText.forSeed(config.seed);
  }

  /** Events this subtask emits in total, or Infinity when `events.num` is not set. */
  get eventCount(): number {
    const total = this.config.numEvents;
    if (total === undefined) return Infinity;
    const p = this.parallelism;
    return Math.floor(total / p) + (total % p > this.subtaskIndex ? 1 : 0);
  }

  /** The global event index of this subtask's `k`-th event. */
  globalIndex(k: number): number {
    return this.subtaskIndex + k * this.parallelism;
  }

  /**
   * When, relative to the start of the stream, this subtask's `k`-th event is due in wall-clock time (ms): its
   * in-order event time minus the base time, as nexmark's `wallclockTimestamp`.
   */
  dueOffsetMs(k: number): number {
    return this.dueOffsetOfEvent(this.globalIndex(k));
  }

  /** When global event n is due in wall-clock time, relative to the start of the stream (ms). */
  dueOffsetOfEvent(n: number): number {
    const t = this.timeline;
    return t.timestampForEvent(t.eventNumber(n)) - this.config.baseTime;
  }

  /** The columns (in schema order) of this subtask's events k = from, ..., from + count - 1. */
  generate(from: number, count: number): arrow.Data[] {
    const indices = new Float64Array(count);
    for (let row = 0; row < count; row++) indices[row] = this.globalIndex(from + row);
    return this.generateEvents(indices, count);
  }

  /**
   * The columns (in schema order) of the global events `indices[0 .. count)`: any events, in any order, so that a
   * subtask can emit any share of the stream (see NexmarkSplit).
   */
  generateEvents(indices: Float64Array, count: number): arrow.Data[] {
    const t = this.timeline;
    const cfg = this.config;
    const expected = (proportion: number): number => Math.ceil((count * proportion) / t.totalProportion) + 8;
    const wants = (name: string): boolean => this.schema.indexOf(name) >= 0;
    const people = wants('person') ? new PersonColumns(count, expected(cfg.personProportion), t, this.text) : undefined;
    const auctions = wants('auction') ? new AuctionColumns(count, expected(cfg.auctionProportion), t, this.text) : undefined;
    const bids = wants('bid') ? new BidColumns(count, expected(cfg.bidProportion), t, this.text) : undefined;
    // First the skeleton of every event, then one loop per kind: each loop stays monomorphic and hot, where a
    // per-row switch between rare person rows and common bid rows kept deoptimising.
    const eventType = new Int32Array(count);
    if (this.scratch.length < 3 * count) this.scratch = new Float64Array(3 * count);
    const eventId = this.scratch.subarray(0, count);
    const eventNumber = this.scratch.subarray(count, 2 * count);
    const timestamp = this.scratch.subarray(2 * count, 3 * count);
    for (let row = 0; row < count; row++) {
      const number = t.adjustedEventNumber(indices[row]);
      const id = t.eventId(number);
      eventNumber[row] = number;
      eventId[row] = id;
      timestamp[row] = t.timestampForEvent(number);
      eventType[row] = t.eventType(id);
    }
    const rng = this.rng;
    if (people) {
      for (let row = 0; row < count; row++) {
        if (eventType[row] !== EventType.PERSON) continue;
        rng.reseed(eventId[row]);
        people.write(row, eventId[row], timestamp[row], rng);
      }
    }
    if (auctions) {
      for (let row = 0; row < count; row++) {
        if (eventType[row] !== EventType.AUCTION) continue;
        rng.reseed(eventId[row]);
        auctions.write(row, eventId[row], eventNumber[row], timestamp[row], rng);
      }
    }
    if (bids) {
      for (let row = 0; row < count; row++) {
        if (eventType[row] !== EventType.BID) continue;
        rng.reseed(eventId[row]);
        bids.write(row, eventId[row], timestamp[row], rng);
      }
    }
    return this.schema.columns.map((c) => {
      switch (c.name) {
        case 'person': return people!.data(c.type as RowType);
        case 'auction': return auctions!.data(c.type as RowType);
        case 'bid': return bids!.data(c.type as RowType);
        default: return arrow.makeData({ type: new arrow.Int32(), length: count, nullCount: 0, data: eventType });
      }
    });
  }
}
