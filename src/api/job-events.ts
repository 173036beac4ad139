import type { JobClient } from '../exec/job/job-client.ts';

/** Called for every job submitted in this process; the CLI uses it to show progress and the final metrics table. */
export type JobListener = (job: JobClient, name: string) => void;

const listeners = new Set<JobListener>();

export function onJobSubmitted(listener: JobListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function notifyJobSubmitted(job: JobClient, name: string): void {
  for (const l of listeners) l(job, name);
}
