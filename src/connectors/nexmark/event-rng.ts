/**
 * The random stream of one event. Beam's Nexmark generator seeds a fresh `java.util.Random` with each event id, so an
 * event's contents depend on its id alone; Weir does the same with a cheap counter-free seeding (three murmur3
 * finalisers of seed and id into an sfc32 state), so any subtask can generate any event and parallel subtasks
 * produce exactly what one subtask would. Not cryptographic.
 */
export class EventRng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(private readonly seed: number) {}

  /** Restarts the stream for event `eventId` (a non-negative safe integer). */
  reseed(eventId: number): void {
    const lo = eventId >>> 0;
    const hi = Math.floor(eventId / 4294967296) >>> 0;
    const s = this.seed | 0;
    this.a = fmix(lo ^ Math.imul(hi + 0x3c6ef372, 0x9e3779b1) ^ s);
    this.b = fmix((lo + 0x7f4a7c15) ^ Math.imul(s + 0x165667b1, 0x85ebca6b) ^ hi);
    this.c = fmix(Math.imul(lo ^ 0x27d4eb2f, 0xc2b2ae35) ^ (hi + s + 0x61c88647));
    this.d = 1;
    this.u32();
    this.u32();
  }

  /** A uniform unsigned 32-bit integer (sfc32). */
  u32(): number {
    const a = this.a, b = this.b, c = this.c, d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    const c2 = (c << 21) | (c >>> 11);
    this.c = (c2 + t) | 0;
    return t >>> 0;
  }

  /** A uniform signed 32-bit integer, as Java's `nextInt()`. */
  int32(): number {
    return this.u32() | 0;
  }

  /** A uniform integer in [0, bound), bound ≤ 2^32, as Java's `nextInt(bound)`. */
  nextInt(bound: number): number {
    return Math.floor((this.u32() / 4294967296) * bound);
  }

  /** A uniform integer in [0, n) for n up to 2^53, as nexmark's `LongGenerator.nextLong`. */
  nextLong(n: number): number {
    return n <= 4294967296 ? this.nextInt(n) : Math.floor(this.nextDouble() * n);
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }
}

/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
