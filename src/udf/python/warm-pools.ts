import { globalMap } from '../../util/global-map.ts';
import { WorkerPool, type WorkerPoolOptions } from './worker-pool.ts';

/**
 * Warm Python worker pools: started by a slot thread as soon as it knows its tasks, before its runtime modules
 * have finished loading, so the interpreter start-up and the pandas import of the workers (~0.4 s) overlap the
 * thread's own start-up instead of following it (pandas-scalar benchmark: ~0.3 s of a ~2.3 s job).
 *
 * Pools are interchangeable: a worker has no function loaded until a client sends `load`, so PythonBackend.open
 * takes any warm pool started with the same options, and starts its own otherwise. A warm pool nobody took is
 * stopped by {@link discardWarmPools} when the slot thread's tasks are done. Only plain options (no logger, no extra
 * environment) are pooled, so tests that inject those always get fresh workers.
 *
 * The table lives on globalThis (like the backend registry) in case this module is loaded twice in one thread.
 */
const warm = globalMap<string, Promise<WorkerPool>[]>('weir.python.warm-pools');

function keyOf(options: WorkerPoolOptions): string | null {
  if (options.logger || options.env) return null;
  const { python, transport, baseDir, startTimeoutMs, size } = options;
  return JSON.stringify([python, transport, baseDir, startTimeoutMs, size]);
}

/** Starts a pool in the background for a later {@link takeWarmPool} with the same options. */
export function prestartPool(options: WorkerPoolOptions): void {
  const key = keyOf(options);
  if (key === null) return;
  const pool = WorkerPool.start(options);
  // A start failure is reported by whoever takes the pool (the same error a cold start would throw).
  pool.catch(() => undefined);
  let list = warm.get(key);
  if (!list) warm.set(key, (list = []));
  list.push(pool);
}

/** A warm pool started with the same options (possibly still starting, possibly failed), or undefined. */
export function takeWarmPool(options: WorkerPoolOptions): Promise<WorkerPool> | undefined {
  const key = keyOf(options);
  if (key === null) return undefined;
  const list = warm.get(key);
  const pool = list?.shift();
  if (list && list.length === 0) warm.delete(key);
  return pool;
}

/** Stops every warm pool nobody took; resolves when their processes have exited. */
export async function discardWarmPools(): Promise<void> {
  const pools = [...warm.values()].flat();
  warm.clear();
  await Promise.all(pools.map((p) => p.then((pool) => pool.stop(0), () => undefined)));
}
