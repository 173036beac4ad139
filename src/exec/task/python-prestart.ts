import { Configuration } from '../../config/configuration.ts';
import { poolOptionsFrom } from '../../udf/python/worker-pool.ts';
import { prestartPool } from '../../udf/python/warm-pools.ts';
import type { JobSettings, TaskSpec } from './task-spec.ts';

/**
 * Starts, in the background, one warm Python worker pool per operator of a slot's tasks that opens Python workers
 * (a Python UDF-call operator, an aggregation with Python UDAFs), with the options its PythonBackend or UDAF runner
 * will ask for (see src/udf/python/warm-pools.ts). Called by the slot thread entry before
 * it loads the rest of the runtime; kept to a small import graph for that reason. Never throws: an invalid
 * configuration is left for the operator's open() to report.
 */
export function prestartPythonWorkers(tasks: readonly TaskSpec[], job: JobSettings): void {
  try {
    const config = new Configuration(job.config);
    for (const task of tasks) {
      for (const node of task.vertex.chain) {
        if (opensPythonWorkers(node)) prestartPool(poolOptionsFrom(config, job.baseDir, task.vertex.parallelism));
      }
    }
  } catch {
    // Cold start in PythonBackend.open reports the problem with the operator's location.
  }
}

type ChainNode = TaskSpec['vertex']['chain'][number];

/** A Python UDF-call operator, or an aggregating operator (group, window, OVER) with a Python UDAF call. */
function opensPythonWorkers(node: ChainNode): boolean {
  if (node.kind === 'udf-call') return node.program.language === 'python';
  const aggregates = (node as { aggregates?: readonly { udf?: { language: string } }[] }).aggregates;
  return aggregates?.some((call) => call.udf?.language === 'python') ?? false;
}
