/**
 * The slot thread's module entry, loaded either as the esbuild bundle (see src/exec/job/slot-bundle.ts) or through
 * tsx (slot-thread-entry.mjs). Python UDF workers of the thread's first job are started before the runtime modules
 * load: their interpreter start-up and pandas import then overlap this thread's module loading instead of following
 * it (see src/udf/python/warm-pools.ts). The dynamic import keeps the runtime out of this module's static graph (in
 * the bundle it becomes a separate chunk).
 */
import { workerData } from 'node:worker_threads';
import { prestartPythonWorkers } from './python-prestart.ts';
import type { SlotThreadData } from './slot-protocol.ts';

const initial = (workerData as SlotThreadData | undefined)?.initial;
// What an idle thread holds open, taken before the prestart opens anything (see isClean in slot-thread.ts).
(globalThis as Record<symbol, unknown>)[Symbol.for('weir.slot.idle-resources')] = process.getActiveResourcesInfo();
// Only an optimisation: operators start their workers themselves.
try { if (initial) prestartPythonWorkers(initial.tasks, initial.job); } catch { /* see above */ }

await import('./slot-thread.ts');
