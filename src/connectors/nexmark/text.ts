import { EventRng } from './event-rng.ts';
import type { StringColumn } from './columns.ts';

/** Shortest random string (nexmark's `StringsGenerator.MIN_STRING_LENGTH`). */
const MIN_STRING_LENGTH = 3;
/** Length of the string that `extra` fields are cut from. */
const REUSABLE_EXTRA_LENGTH = 1024 * 1024;
const CHANNELS_NUMBER = 10_000;
const SPACE = 0x20;
const encoder = new TextEncoder();
const DOT_COM = encoder.encode('.com');

export const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];

/**
 * The shared text of the stream, made once per seed as nexmark's static initialisers make it: the 1 MiB string
 * that every `extra` is a slice of, and the bid channels with their URLs (4 hot channels and 10,000 others, 90% of
 * them with a `channel_id` query parameter).
 */
export class NexmarkText {
  readonly reusableExtra: Uint8Array;
  readonly hotChannels: readonly Uint8Array[] = HOT_CHANNELS.map((c) => encoder.encode(c));
  readonly hotUrls: readonly Uint8Array[];
  readonly channels: readonly Uint8Array[];
  readonly channelUrls: readonly Uint8Array[];

  private static readonly cache = new Map<number, NexmarkText>();

  /** The text for `seed`, shared by the readers of one thread. */
  static forSeed(seed: number): NexmarkText {
    let text = NexmarkText.cache.get(seed);
    if (!text) { text = new NexmarkText(seed); NexmarkText.cache.set(seed, text); }
    return text;
  }

  private constructor(seed: number) {
    const rng = new EventRng(seed ^ 0x5bd1e995);
    rng.reseed(0);
    this.reusableExtra = exactString(rng, REUSABLE_EXTRA_LENGTH);
    rng.reseed(1);
    this.hotUrls = HOT_CHANNELS.map(() => encoder.encode(baseUrl(rng)));
    const channels: Uint8Array[] = [];
    const urls: Uint8Array[] = [];
    for (let i = 0; i < CHANNELS_NUMBER; i++) {
      let url = baseUrl(rng);
      if (rng.nextInt(10) > 0) url += `&channel_id=${javaAbs(reverseBits(i))}`;
      channels.push(encoder.encode(`channel-${i}`));
      urls.push(encoder.encode(url));
    }
    this.channels = channels;
    this.channelUrls = urls;
  }

  /** How many non-hot channels there are. */
  get channelCount(): number { return CHANNELS_NUMBER; }

  /**
   * nexmark's `nextString(random, maxLength, special)` as row `row` of `col`: see {@link putString}. Returns its length.
   */
  writeString(col: StringColumn, row: number, rng: EventRng, maxLength: number, special = SPACE): number {
    const start = col.begin(row, maxLength);
    const end = putString(col.buffer, start, rng, maxLength, special);
    col.commit(row, end);
    return end - start;
  }

  /** nexmark's `nextEmail`: `nextString(7) + "@" + nextString(5) + ".com"`. Returns its length. */
  writeEmail(col: StringColumn, row: number, rng: EventRng): number {
    const start = col.begin(row, 7 + 1 + 5 + 4);
    const buf = col.buffer;
    let at = putString(buf, start, rng, 7, SPACE);
    buf[at++] = 0x40; // '@'
    at = putString(buf, at, rng, 5, SPACE);
    for (let i = 0; i < DOT_COM.length; i++) buf[at++] = DOT_COM[i];
    col.commit(row, at);
    return at - start;
  }

  /** nexmark's `nextCreditCard`: four random groups of four digits separated by spaces. */
  writeCreditCard(col: StringColumn, row: number, rng: EventRng): number {
    const start = col.begin(row, 19);
    const buf = col.buffer;
    let at = start;
    for (let g = 0; g < 4; g++) {
      if (g > 0) buf[at++] = SPACE;
      const v = rng.nextInt(10_000);
      buf[at++] = 0x30 + Math.floor(v / 1000);
      buf[at++] = 0x30 + (Math.floor(v / 100) % 10);
      buf[at++] = 0x30 + (Math.floor(v / 10) % 10);
      buf[at++] = 0x30 + (v % 10);
    }
    col.commit(row, at);
    return 19;
  }

  /**
   * nexmark's `nextExtra`: a string that brings the event's size to `averageSize` on average (±20%), cut from the
   * reusable string at a random place.
   */
  writeExtra(col: StringColumn, row: number, rng: EventRng, currentSize: number, averageSize: number): void {
    if (currentSize > averageSize) { col.append(row, this.reusableExtra, 0, 0); return; }
    const desired = averageSize - currentSize;
    const delta = Math.round(desired * 0.2);
    const size = desired - delta + (delta === 0 ? 0 : rng.nextInt(2 * delta));
    if (size < REUSABLE_EXTRA_LENGTH / 2) {
      col.append(row, this.reusableExtra, rng.nextInt(REUSABLE_EXTRA_LENGTH - size), size);
    } else {
      const s = exactString(rng, size);
      col.append(row, s, 0, s.length);
    }
  }
}

/**
 * nexmark's `nextExactString` without the reusable string: six letters per random int, `'a' + rnd % 26` with Java's
 * signed remainder, so negative ints give characters below 'a' ('H' to '`') exactly as the reference does.
 */
function exactString(rng: EventRng, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let rnd = 0;
  let left = 0;
  for (let i = 0; i < length; i++) {
    if (left === 0) { rnd = rng.int32(); left = 6; }
    out[i] = 0x61 + (rnd % 26);
    rnd = (rnd / 26) | 0;
    left--;
  }
  return out;
}

/**
 * nexmark's `nextString(random, maxLength, special)` written at `buf[at]`: 3 to maxLength - 1 letters, each 1 in 13
 * replaced by `special`, with spaces trimmed at both ends. Returns the end position.
 */
function putString(buf: Uint8Array, at: number, rng: EventRng, maxLength: number, special: number): number {
  const len = MIN_STRING_LENGTH + rng.nextInt(maxLength - MIN_STRING_LENGTH);
  for (let i = 0; i < len; i++) buf[at + i] = rng.nextInt(13) === 0 ? special : 0x61 + rng.nextInt(26);
  let from = at, to = at + len;
  if (special === SPACE) {
    while (from < to && buf[from] === SPACE) from++;
    while (to > from && buf[to - 1] === SPACE) to--;
    if (from > at) buf.copyWithin(at, from, to);
  }
  return at + (to - from);
}

/** A random string as nexmark's `nextString`, for the one-off URLs. */
function randomString(rng: EventRng, maxLength: number, special: string): string {
  let len = MIN_STRING_LENGTH + rng.nextInt(maxLength - MIN_STRING_LENGTH);
  let s = '';
  while (len-- > 0) s += rng.nextInt(13) === 0 ? special : String.fromCharCode(0x61 + rng.nextInt(26));
  return s;
}

function baseUrl(rng: EventRng): string {
  return `https://www.nexmark.com/${randomString(rng, 5, '_')}/${randomString(rng, 5, '_')}/${randomString(rng, 5, '_')}/item.htm?query=1`;
}

/** Java's `Integer.reverse`: the 32 bits in reverse order, as a signed int. */
function reverseBits(v: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) { r = (r << 1) | (v & 1); v >>>= 1; }
  return r | 0;
}

/** Java's `Math.abs(int)`: Integer.MIN_VALUE stays negative. */
const javaAbs = (v: number): number => (v === -2147483648 ? v : Math.abs(v));
