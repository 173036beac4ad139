import { Configuration } from '../../config/configuration.ts';
import { poolOptionsFrom } from '../../udf/python/worker-pool.ts';
import { prestartPool } from '../../udf/python/warm-pools.ts';
import type { JobSettings, TaskSpec } from './task-spec.ts';

/**
 * Starts, in the background, one warm Python worker pool per Python UDF-call operator of a slot's tasks, with the
 * options its PythonBackend will ask for (see src/udf/python/warm-pools.ts). Called by the slot thread entry before
 * it loads the rest of the runtime; kept to a small import graph for that reason. Never throws: an invalid
 * configuration is left for the operator's open() to report.
 */
export function prestartPythonWorkers(tasks: readonly TaskSpec[], job: JobSettings): void {
  try {
    const config = new Configuration(job.config);
    for (const task of tasks) {
      for (const node of task.vertex.chain) {
        if (node.kind === 'udf-call' && node.program.language === 'python') {
          prestartPool(poolOptionsFrom(config, job.baseDir, task.vertex.parallelism));
        }
      }
    }
  } catch {
    // Cold start in PythonBackend.open reports the problem with the operator's location.
  }
}
