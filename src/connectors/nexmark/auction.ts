import type * as arrow from 'apache-arrow';
import type { RowType } from '../../types/data-type.ts';
import { Int64Column, StringColumn, structData, Validity } from './columns.ts';
import type { EventRng } from './event-rng.ts';
import { nextPrice } from './price.ts';
import type { NexmarkText } from './text.ts';
import { FIRST_AUCTION_ID, FIRST_CATEGORY_ID, FIRST_PERSON_ID, type Timeline } from './timeline.ts';

/** Few categories, so that queries find matches even in small inputs. */
const NUM_CATEGORIES = 5;
/** Hot sellers are the first person of each block of this many. */
const HOT_SELLER_RATIO = 100;

/** The auction rows of one batch, generated as nexmark's `AuctionGenerator.nextAuction` does, field by field. */
export class AuctionColumns {
  readonly validity: Validity;
  private readonly id: Int64Column;
  private readonly itemName: StringColumn;
  private readonly description: StringColumn;
  private readonly initialBid: Int64Column;
  private readonly reserve: Int64Column;
  private readonly dateTime: Int64Column;
  private readonly expires: Int64Column;
  private readonly seller: Int64Column;
  private readonly category: Int64Column;
  private readonly extra: StringColumn;

  /** For a batch of `n` rows of which about `expectedRows` are auctions (sizes the string buffers). */
  constructor(n: number, expectedRows: number, private readonly timeline: Timeline, private readonly text: NexmarkText) {
    this.validity = new Validity(n);
    this.id = new Int64Column(n);
    this.itemName = new StringColumn(n, expectedRows * 10);
    this.description = new StringColumn(n, expectedRows * 50);
    this.initialBid = new Int64Column(n);
    this.reserve = new Int64Column(n);
    this.dateTime = new Int64Column(n);
    this.expires = new Int64Column(n);
    this.seller = new Int64Column(n);
    this.category = new Int64Column(n);
    this.extra = new StringColumn(n, expectedRows * timeline.config.avgAuctionByteSize);
  }

  /** Writes the auction of event `eventId`, whose (out-of-order adjusted) event number is `eventNumber`. */
  write(row: number, eventId: number, eventNumber: number, timestamp: number, rng: EventRng): void {
    const t = this.timeline;
    this.validity.mark(row);
    this.id.set(row, t.lastBase0AuctionId(eventId) + FIRST_AUCTION_ID);
    // P(the seller is hot) = 1 - 1/hotSellersRatio: then the first person of the latest block of HOT_SELLER_RATIO.
    const seller = rng.nextInt(t.config.hotSellersRatio) > 0
      ? Math.floor(t.lastBase0PersonId(eventId) / HOT_SELLER_RATIO) * HOT_SELLER_RATIO
      : t.nextBase0PersonId(eventId, rng);
    this.seller.set(row, seller + FIRST_PERSON_ID);
    this.category.set(row, FIRST_CATEGORY_ID + rng.nextInt(NUM_CATEGORIES));
    const initialBid = nextPrice(rng);
    this.initialBid.set(row, initialBid);
    this.expires.set(row, timestamp + this.auctionLengthMs(eventNumber, timestamp, rng));
    const name = this.text.writeString(this.itemName, row, rng, 20);
    const description = this.text.writeString(this.description, row, rng, 100);
    this.reserve.set(row, initialBid + nextPrice(rng));
    const currentSize = 8 + name + description + 8 + 8 + 8 + 8 + 8;
    this.text.writeExtra(this.extra, row, rng, currentSize, t.config.avgAuctionByteSize);
    this.dateTime.set(row, timestamp);
  }

  data(type: RowType): arrow.Data {
    const { id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra } = this;
    return structData(type, this.validity, { id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra });
  }

  /**
   * A random auction length averaging the time until NUM_IN_FLIGHT_AUCTIONS more auctions have been created, so
   * that about that many are open at any time (nexmark's `nextAuctionLengthMs`).
   */
  private auctionLengthMs(eventNumber: number, timestamp: number, rng: EventRng): number {
    const t = this.timeline;
    const horizonMs = t.timestampForEvent(eventNumber + t.eventsForInFlightAuctions) - timestamp;
    return 1 + rng.nextLong(Math.max(horizonMs * 2, 1));
  }
}
