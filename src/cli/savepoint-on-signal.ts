import type { JobClient } from '../exec/job/job-client.ts';
import { WeirError } from '../errors/weir-error.ts';

/**
 * `weir run --stop-with-savepoint <dir>`: on SIGINT or SIGTERM, every job of the run that is still running is stopped
 * with a savepoint into `dir` (the savepoint's path is printed), so `weir run --restore <path>` continues it later. A
 * job whose savepoint fails is cancelled. A second signal exits at once. Returns a function removing the handlers.
 */
export function stopWithSavepointOnSignal(dir: string, jobs: () => Iterable<readonly [JobClient, string]>): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopping = true;
    process.stderr.write(`\n${signal}: stopping the running jobs with a savepoint into ${dir} (send it again to exit at once)\n`);
    for (const [job, name] of jobs()) {
      if (job.currentStatus !== 'RUNNING') continue;
      job.stopWithSavepoint(dir).then(
        (path) => process.stderr.write(`[${name}] stopped with savepoint ${path}\n`),
        (e) => {
          process.stderr.write(`[${name}] could not take a savepoint, cancelling: ${e instanceof WeirError ? `[${e.code}] ${e.message}` : String(e)}\n`);
          void job.cancel();
        },
      );
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
