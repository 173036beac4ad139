import type { RestartDecision } from '../../checkpoint/job-checkpointing.ts';

/**
 * One line telling that a job failed and restarts, with the cause, the restart number and the wait before it:
 * `failed (UDF_FAILED: ...); restart 3 in 2.3 s (exponential-delay (...))`. When the same failure came back on
 * every attempt it says so: such a failure is likely deterministic (a bad record, a UDF bug), and with an unlimited
 * strategy the job would restart forever.
 */
export function describeRestart(d: RestartDecision): string {
  const cause = `${d.cause.code}: ${d.cause.message.split('\n')[0]}`;
  let line = `failed (${cause}); restart ${d.restart} in ${(d.delayMs / 1000).toFixed(1)} s from ${d.fromCheckpoint === null ? 'the start' : `chk-${d.fromCheckpoint}`} (restart-strategy ${d.strategy})`;
  if (d.sameCauseInARow >= 2) {
    line += `\n  the same failure ${d.sameCauseInARow} times in a row: it may be deterministic (a bad record, a UDF bug) and restarting will not help;`
      + ' stop the job (Ctrl-C) and fix it, or set restart-strategy.type (none, or fixed-delay with attempts) to let it fail';
  }
  return line;
}
