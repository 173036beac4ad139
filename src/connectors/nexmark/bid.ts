import type * as arrow from 'apache-arrow';
import type { RowType } from '../../types/data-type.ts';
import { Int64Column, StringColumn, structData, Validity } from './columns.ts';
import type { EventRng } from './event-rng.ts';
import { nextPrice } from './price.ts';
import type { NexmarkText } from './text.ts';
import { FIRST_AUCTION_ID, FIRST_PERSON_ID, type Timeline } from './timeline.ts';

/** Hot auctions are the first of each block of this many auctions; hot bidders the second person of each block. */
const HOT_AUCTION_RATIO = 100;
const HOT_BIDDER_RATIO = 100;
/** Half of the bids come through one of the four hot channels. */
const HOT_CHANNELS_RATIO = 2;

/**
 * The bid rows of one batch, generated as nexmark-flink's `BidGenerator.nextBid` does, field by field. One
 * deliberate difference: nexmark-flink adds FIRST_PERSON_ID to the bidder twice (so bidders never match person
 * ids); Weir adds it once, as Apache Beam's generator does, so bids refer to real people.
 */
export class BidColumns {
  readonly validity: Validity;
  private readonly auction: Int64Column;
  private readonly bidder: Int64Column;
  private readonly price: Int64Column;
  private readonly channel: StringColumn;
  private readonly url: StringColumn;
  private readonly dateTime: Int64Column;
  private readonly extra: StringColumn;

  /** For a batch of `n` rows of which about `expectedRows` are bids (sizes the string buffers). */
  constructor(n: number, expectedRows: number, private readonly timeline: Timeline, private readonly text: NexmarkText) {
    this.validity = new Validity(n);
    this.auction = new Int64Column(n);
    this.bidder = new Int64Column(n);
    this.price = new Int64Column(n);
    this.channel = new StringColumn(n, expectedRows * 8);
    this.url = new StringColumn(n, expectedRows * 64);
    this.dateTime = new Int64Column(n);
    this.extra = new StringColumn(n, expectedRows * timeline.config.avgBidByteSize);
  }

  write(row: number, eventId: number, timestamp: number, rng: EventRng): void {
    const t = this.timeline;
    const text = this.text;
    this.validity.mark(row);
    // P(a hot auction) = 1 - 1/hotAuctionRatio; otherwise any auction probably still open.
    const auction = rng.nextInt(t.config.hotAuctionRatio) > 0
      ? Math.floor(t.lastBase0AuctionId(eventId) / HOT_AUCTION_RATIO) * HOT_AUCTION_RATIO
      : t.nextBase0AuctionId(eventId, rng);
    this.auction.set(row, auction + FIRST_AUCTION_ID);
    // P(a hot bidder) = 1 - 1/hotBiddersRatio: the second person of a block, so hot bidders are not hot sellers.
    const bidder = rng.nextInt(t.config.hotBiddersRatio) > 0
      ? Math.floor(t.lastBase0PersonId(eventId) / HOT_BIDDER_RATIO) * HOT_BIDDER_RATIO + 1
      : t.nextBase0PersonId(eventId, rng);
    this.bidder.set(row, bidder + FIRST_PERSON_ID);
    this.price.set(row, nextPrice(rng));
    let channel: Uint8Array, url: Uint8Array;
    if (rng.nextInt(HOT_CHANNELS_RATIO) > 0) {
      const i = rng.nextInt(text.hotChannels.length);
      channel = text.hotChannels[i];
      url = text.hotUrls[i];
    } else {
      const i = rng.nextInt(text.channelCount);
      channel = text.channels[i];
      url = text.channelUrls[i];
    }
    this.channel.append(row, channel, 0, channel.length);
    this.url.append(row, url, 0, url.length);
    text.writeExtra(this.extra, row, rng, 8 + 8 + 8 + 8, t.config.avgBidByteSize);
    this.dateTime.set(row, timestamp);
  }

  data(type: RowType): arrow.Data {
    const { auction, bidder, price, channel, url, dateTime, extra } = this;
    return structData(type, this.validity, { auction, bidder, price, channel, url, dateTime, extra });
  }
}
