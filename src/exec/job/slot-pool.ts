import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads';
import type { SlotAssignment, SlotCommand, SlotReport, SlotThreadData } from '../task/slot-protocol.ts';
import { slotThreadBundle } from './slot-bundle.ts';

/**
 * Slot threads kept alive between the jobs of a process. Starting a slot thread (spawn, then loading the runtime's
 * module graph) costs 0.1–0.5 s; a job whose slot threads come from this pool skips it. A thread returns here only
 * when its job finished cleanly and the thread itself reports it clean (no failure, no cancellation, no resources
 * left open; see slot-thread.ts) — every other thread is terminated, as before. Idle threads are unref'd (they
 * never keep the process alive) and retire after {@link IDLE_TIMEOUT_MS}.
 *
 * `WEIR_SLOT_POOL=0` turns reuse off (every job starts its own threads).
 */

const SLOT_THREAD_ENTRY = new URL('../task/slot-thread-entry.mjs', import.meta.url);
/** Idle threads kept per thread configuration. */
const MAX_IDLE = 8;
const IDLE_TIMEOUT_MS = 60_000;

export interface SlotThreadOptions {
  readonly execArgv: string[];
  readonly resourceLimits?: ResourceLimits;
}

const idle = new Map<string, Worker[]>();
const idleTimers = new Map<Worker, NodeJS.Timeout>();
const pooling = () => process.env.WEIR_SLOT_POOL !== '0';
const keyOf = (options: SlotThreadOptions) => JSON.stringify([options.execArgv, options.resourceLimits ?? null]);

/**
 * A slot thread running `assignment`: an idle one from the pool if there is one, else a new thread that starts
 * with it (the ports in `transferList` go with the assignment).
 */
export function acquireSlotThread(options: SlotThreadOptions, assignment: SlotAssignment, transferList: TransferListItem[], name: string): Worker {
  const reused = takeIdle(options);
  if (reused) {
    reused.ref();
    reused.postMessage({ type: 'run', ...assignment } satisfies SlotCommand, transferList);
    return reused;
  }
  return spawn(options, { initial: assignment }, transferList, name);
}

/** Hands a thread whose job ended cleanly back to the pool (or terminates it when the pool is full or off). */
export function releaseSlotThread(worker: Worker, options: SlotThreadOptions): void {
  const key = keyOf(options);
  const list = idle.get(key) ?? [];
  if (!pooling() || list.length >= MAX_IDLE || worker.threadId < 0) {
    void worker.terminate();
    return;
  }
  worker.unref();
  list.push(worker);
  idle.set(key, list);
  const timer = setTimeout(() => { if (removeIdle(worker)) void worker.terminate(); }, IDLE_TIMEOUT_MS);
  timer.unref();
  idleTimers.set(worker, timer);
}

/**
 * Starts up to `count` idle threads for later jobs, in the background, when that is cheap (the bundled runtime is
 * available): called where a job is likely to follow, it takes the thread start-up off the first job's path.
 */
export function prewarmSlotThreads(options: SlotThreadOptions, count: number): void {
  if (!pooling() || slotThreadBundle() === null) return;
  const key = keyOf(options);
  const have = idle.get(key)?.length ?? 0;
  for (let i = have; i < Math.min(count, MAX_IDLE); i++) {
    const worker = spawn(options, {}, [], `weir-slot-idle-${i}`);
    releaseSlotThread(worker, options);
  }
}

/** Idle threads in the pool (tests, diagnostics). */
export function idleSlotThreads(): number {
  let n = 0;
  for (const list of idle.values()) n += list.length;
  return n;
}

/** Terminates every idle thread (tests). */
export async function drainSlotPool(): Promise<void> {
  const all = [...idle.values()].flat();
  for (const w of all) removeIdle(w);
  await Promise.all(all.map((w) => w.terminate()));
}

function spawn(options: SlotThreadOptions, workerData: SlotThreadData, transferList: TransferListItem[], name: string): Worker {
  const worker = new Worker(slotThreadBundle() ?? SLOT_THREAD_ENTRY, {
    workerData, transferList, execArgv: options.execArgv, resourceLimits: options.resourceLimits, name,
  });
  // Listeners for the thread's whole life; a job attaches its own while it runs. Without an 'error' listener an
  // idle thread's crash would be rethrown in the main thread.
  worker.on('error', () => undefined);
  worker.on('exit', () => removeIdle(worker));
  worker.on('message', (m: SlotReport) => {
    if (m.type === 'slot-broken' && removeIdle(worker)) void worker.terminate();
  });
  return worker;
}

function takeIdle(options: SlotThreadOptions): Worker | undefined {
  if (!pooling()) return undefined;
  const list = idle.get(keyOf(options));
  while (list?.length) {
    const worker = list.pop()!;
    removeIdle(worker);
    if (worker.threadId >= 0) return worker; // not yet seen to exit
  }
  return undefined;
}

function removeIdle(worker: Worker): boolean {
  clearTimeout(idleTimers.get(worker));
  idleTimers.delete(worker);
  for (const [key, list] of idle) {
    const i = list.indexOf(worker);
    if (i >= 0) {
      list.splice(i, 1);
      if (list.length === 0) idle.delete(key);
      return true;
    }
  }
  return false;
}
