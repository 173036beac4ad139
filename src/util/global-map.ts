/**
 * A process-thread-wide Map kept on globalThis under `Symbol.for(name)`: a module may be loaded more than once in one
 * thread (tsx and a worker-thread loader, or src/udf/ts importing it while the runtime does too), and every copy must
 * see the same entries (registries, pools).
 */
export function globalMap<K, V>(name: string): Map<K, V> {
  const slots = globalThis as Record<symbol, unknown>;
  const key = Symbol.for(name);
  return (slots[key] as Map<K, V> | undefined) ?? (slots[key] = new Map<K, V>()) as Map<K, V>;
}
