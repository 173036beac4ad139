import type { Configuration } from '../../config/configuration.ts';
import { PythonOptions } from '../../config/options.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { PlanError } from '../../errors/errors.ts';
import { resolvePythonExecutable } from './interpreter.ts';
import { WorkerProcess, type WorkerLogger } from './worker-process.ts';

/** Settings of a pool, resolved from the job configuration. */
export interface WorkerPoolOptions {
  readonly python: string;
  readonly transport: 'ipc' | 'tcp';
  readonly baseDir: string;
  readonly startTimeoutMs: number;
  readonly size: number;
  readonly logger?: WorkerLogger;
  readonly env?: Record<string, string>;
}

let nextWorkerId = 0;

/**
 * Workers for one parallel subtask: `python.worker.pool-size` is per job, so a subtask gets
 * max(1, ceil(poolSize / parallelism)) of them.
 */
export function workersPerSubtask(poolSize: number, parallelism: number): number {
  return Math.max(1, Math.ceil(poolSize / Math.max(1, parallelism)));
}

/** Pool options from the job configuration (`python.*` keys). */
export function poolOptionsFrom(config: Configuration, baseDir: string, parallelism: number): WorkerPoolOptions {
  const transport = config.get(PythonOptions.TRANSPORT);
  if (transport !== 'ipc' && transport !== 'tcp') {
    throw new PlanError(`Configuration 'python.worker.transport' = '${transport}' is not 'ipc' or 'tcp'`, {}, ErrorCodes.CONFIG_INVALID);
  }
  return {
    python: resolvePythonExecutable(config),
    transport,
    baseDir,
    startTimeoutMs: config.get(PythonOptions.WORKER_START_TIMEOUT),
    size: workersPerSubtask(config.get(PythonOptions.POOL_SIZE), parallelism),
  };
}

/**
 * A set of worker processes started together and stopped together. If any fails to start, the others are stopped
 * and the first error is thrown, so a half-started pool never leaks processes.
 */
export class WorkerPool {
  private constructor(readonly workers: readonly WorkerProcess[]) {}

  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const starts = Array.from({ length: options.size }, () => WorkerProcess.start({ ...options, workerId: nextWorkerId++ }));
    const settled = await Promise.allSettled(starts);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    const ok = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    if (failed) {
      await Promise.all(ok.map((w) => w.stop(0)));
      throw failed.reason;
    }
    return new WorkerPool(ok);
  }

  /** SIGTERM every worker, SIGKILL after `graceMs`; resolves when all have exited. */
  async stop(graceMs = 2000): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop(graceMs)));
  }
}
