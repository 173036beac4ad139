import { keyString } from '../state/key-encoding.ts';
import { keyGroupOf } from '../state/key-groups.ts';

/** A timer as it fires: which key (encoded key columns and their exchange hash), which namespace, when. */
export interface Timer {
  readonly time: number;
  readonly key: Uint8Array;
  readonly hash: number;
  /** Operator-defined: e.g. a window's end or start timestamp, or 0 when the operator needs none. */
  readonly namespace: number;
}

/** Timers of one key group, as snapshotted: the unit a checkpoint stores and a rescaled restore redistributes. */
export interface KeyGroupTimers {
  readonly keyGroup: number;
  readonly eventTime: readonly Timer[];
  readonly processingTime: readonly Timer[];
}

/**
 * Event-time and processing-time timers of one operator subtask, keyed like keyed state (each timer belongs to its
 * key's key group, so timers are snapshotted per key group and follow their keys when a job is rescaled).
 *
 * The service never calls back by itself: the operator asks for the timers that are due (`advanceWatermark` inside
 * `processWatermark`; `advanceProcessingTime` from a processing-time callback) and gets them all at once, in time
 * order, so it can process a whole firing a batch at a time. A timer is unique per (key, namespace, time):
 * registering it again is a no-op.
 */
export class InternalTimerService {
  private readonly eventTime = new TimerQueue();
  private readonly processingTime = new TimerQueue();
  private watermark = -Infinity;

  constructor(readonly maxParallelism: number) {}

  /** The last watermark passed to {@link advanceWatermark}. */
  get currentWatermark(): number { return this.watermark; }

  registerEventTimeTimer(key: Uint8Array, hash: number, namespace: number, time: number): void {
    this.eventTime.add({ key, hash, namespace, time });
  }

  deleteEventTimeTimer(key: Uint8Array, hash: number, namespace: number, time: number): void {
    this.eventTime.remove(key, namespace, time);
  }

  registerProcessingTimeTimer(key: Uint8Array, hash: number, namespace: number, time: number): void {
    this.processingTime.add({ key, hash, namespace, time });
  }

  deleteProcessingTimeTimer(key: Uint8Array, hash: number, namespace: number, time: number): void {
    this.processingTime.remove(key, namespace, time);
  }

  /** Removes and returns the event-time timers with `time <= watermark`, in time order (ties: registration order). */
  advanceWatermark(watermark: number): Timer[] {
    if (watermark > this.watermark) this.watermark = watermark;
    return this.eventTime.popUpTo(watermark);
  }

  /** Removes and returns the processing-time timers with `time <= now`, in time order. */
  advanceProcessingTime(now: number): Timer[] {
    return this.processingTime.popUpTo(now);
  }

  /** Earliest pending processing-time timer, to schedule the next wake-up; null when none. */
  nextProcessingTime(): number | null { return this.processingTime.peekTime(); }

  /** Earliest pending event-time timer; null when none. */
  nextEventTime(): number | null { return this.eventTime.peekTime(); }

  get size(): number { return this.eventTime.size + this.processingTime.size; }

  /** All pending timers grouped by key group (for checkpoints and savepoints). */
  snapshot(): KeyGroupTimers[] {
    const groups = new Map<number, { eventTime: Timer[]; processingTime: Timer[] }>();
    const bucket = (t: Timer) => {
      const g = keyGroupOf(t.hash, this.maxParallelism);
      let b = groups.get(g);
      if (!b) groups.set(g, (b = { eventTime: [], processingTime: [] }));
      return b;
    };
    for (const t of this.eventTime.all()) bucket(t).eventTime.push(t);
    for (const t of this.processingTime.all()) bucket(t).processingTime.push(t);
    return [...groups].sort((a, b) => a[0] - b[0]).map(([keyGroup, b]) => ({ keyGroup, ...b }));
  }

  /** Adds the timers of the key groups in [start, end] found in `snapshots` (which may come from any parallelism). */
  restore(snapshots: readonly KeyGroupTimers[], range: { start: number; end: number }): void {
    for (const g of snapshots) {
      if (g.keyGroup < range.start || g.keyGroup > range.end) continue;
      for (const t of g.eventTime) this.eventTime.add(t);
      for (const t of g.processingTime) this.processingTime.add(t);
    }
  }
}

/** A heap entry: the timer, its registration order (ties) and its identity (computed once, at registration). */
interface Entry {
  readonly timer: Timer;
  readonly seq: number;
  readonly id: string;
}

/** A min-heap of timers by time with a set for uniqueness and lazy deletion. */
class TimerQueue {
  private heap: Entry[] = [];
  private readonly live = new Map<string, Timer>();
  private seq = 0;

  get size(): number { return this.live.size; }

  add(t: Timer): void {
    const id = timerId(t.key, t.namespace, t.time);
    if (this.live.has(id)) return;
    this.live.set(id, t);
    this.push({ timer: t, seq: this.seq++, id });
  }

  remove(key: Uint8Array, namespace: number, time: number): void {
    // Lazy: the heap entry stays and is skipped when popped, unless re-added in between (then it fires once).
    this.live.delete(timerId(key, namespace, time));
  }

  peekTime(): number | null {
    this.dropDead();
    return this.heap.length ? this.heap[0].timer.time : null;
  }

  popUpTo(time: number): Timer[] {
    const out: Timer[] = [];
    for (;;) {
      this.dropDead();
      if (this.heap.length === 0 || this.heap[0].timer.time > time) return out;
      const e = this.pop();
      this.live.delete(e.id);
      out.push(e.timer);
    }
  }

  all(): Timer[] { return [...this.live.values()].sort((a, b) => a.time - b.time); }

  private dropDead(): void {
    while (this.heap.length && this.live.get(this.heap[0].id) !== this.heap[0].timer) this.pop();
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i], b = this.heap[j];
    return a.timer.time < b.timer.time || (a.timer.time === b.timer.time && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    [this.heap[i], this.heap[j]] = [this.heap[j], this.heap[i]];
  }

  private push(e: Entry): void {
    this.heap.push(e);
    let i = this.heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private pop(): Entry {
    const top = this.heap[0];
    const last = this.heap.length - 1;
    this.swap(0, last);
    this.heap.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < this.heap.length && this.less(l, m)) m = l;
      if (r < this.heap.length && this.less(r, m)) m = r;
      if (m === i) return top;
      this.swap(i, m);
      i = m;
    }
  }
}

function timerId(key: Uint8Array, namespace: number, time: number): string {
  return `${time}|${namespace}|${keyString(key)}`;
}
