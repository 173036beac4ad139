import { cpus } from 'node:os';
import { option, parseBoolOption, parseDurationOption, parseIntOption, parseStringOption } from './configuration.ts';

/** Options of the core runtime and the UDF bridge, with Flink's keys where Flink has one. */
export const CoreOptions = {
  PARALLELISM: option('parallelism.default', 1, 'Default parallelism of operators.', parseIntOption('parallelism.default')),
  MAX_PARALLELISM: option('pipeline.max-parallelism', 128, 'Number of key groups; the upper bound for rescaling.', parseIntOption('pipeline.max-parallelism')),
  BATCH_SIZE: option('table.exec.batch-size', 4096, 'Rows per batch produced by sources.', parseIntOption('table.exec.batch-size')),
  CHANNEL_CAPACITY: option('taskmanager.network.buffers-per-channel', 8, 'Batches a channel buffers before the sender waits (backpressure).', parseIntOption('taskmanager.network.buffers-per-channel')),
  TASK_HEAP_MB: option('taskmanager.memory.task.heap.size', 0, 'Heap limit (MB) of each slot thread; 0 = Node default. A slot over it fails with an out-of-memory error.', parseIntOption('taskmanager.memory.task.heap.size')),
  OPERATOR_CHAINING: option('pipeline.operator-chaining', true, 'Chain forward-connected operators into one task.', parseBoolOption('pipeline.operator-chaining')),
};

export const PythonOptions = {
  EXECUTABLE: option('python.executable', '', 'Python interpreter for UDF workers; default: the project virtual environment.', parseStringOption),
  POOL_SIZE: option('python.worker.pool-size', Math.max(1, cpus().length), 'Python worker processes per job.', parseIntOption('python.worker.pool-size')),
  TRANSPORT: option('python.worker.transport', 'ipc', "'ipc' (private Unix socket) or 'tcp' (loopback).", parseStringOption),
  BUNDLE_SIZE: option('python.fn-execution.bundle.size', 100_000, 'Max rows buffered before in-flight bundles are flushed.', parseIntOption('python.fn-execution.bundle.size')),
  BUNDLE_TIME: option('python.fn-execution.bundle.time', 1000, 'Max time (ms) a row waits in a bundle.', parseDurationOption('python.fn-execution.bundle.time')),
  ARROW_BATCH_SIZE: option('python.fn-execution.arrow.batch.size', 10_000, 'Rows per request sent to a Python worker.', parseIntOption('python.fn-execution.arrow.batch.size')),
  MAX_IN_FLIGHT: option('python.fn-execution.max-in-flight', 4, 'Requests in flight per worker.', parseIntOption('python.fn-execution.max-in-flight')),
  WORKER_START_TIMEOUT: option('python.worker.start-timeout', 30_000, 'How long a worker may take to start.', parseDurationOption('python.worker.start-timeout')),
};

export const TsUdfOptions = {
  POOL_SIZE: option('ts.worker.pool-size', Math.max(1, cpus().length), 'TypeScript UDF worker threads per job.', parseIntOption('ts.worker.pool-size')),
  MAX_IN_FLIGHT: option('ts.fn-execution.max-in-flight', 4, 'Requests in flight per TS UDF worker thread.', parseIntOption('ts.fn-execution.max-in-flight')),
};
