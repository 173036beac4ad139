// Worker-thread entry. Node 20 does not run `--import` hooks before a worker's entry module, so this plain-JS file
// registers tsx's loader itself and then loads the TypeScript slot thread.
import { register } from 'tsx/esm/api';

register();

// Python UDF workers are started before the runtime modules load: their interpreter start-up and pandas import then
// overlap this thread's module loading instead of following it (see src/udf/python/warm-pools.ts).
try {
  const { workerData } = await import('node:worker_threads');
  const { prestartPythonWorkers } = await import('./python-prestart.ts');
  prestartPythonWorkers(workerData.tasks, workerData.job);
} catch {
  // Only an optimisation: operators start their workers themselves.
}

await import('./slot-thread.ts');
