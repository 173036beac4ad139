import type { JobClient } from '../exec/job/job-client.ts';
import type { JobMetrics } from '../exec/job/job-metrics.ts';

/**
 * Shows a job's progress on stderr while it runs: rows read by its sources, the current rate and elapsed time. On a
 * terminal it redraws one line; elsewhere (CI logs) it prints a line every few seconds.
 */
export function trackProgress(job: JobClient, name: string, stream: NodeJS.WriteStream = process.stderr): () => void {
  const tty = stream.isTTY === true;
  const interval = tty ? 500 : 5000;
  let lastRows = 0;
  let lastAt = Date.now();
  let stopped = false;
  let reportedRestore = -1;
  const timer = setInterval(async () => {
    let metrics: JobMetrics;
    try { metrics = await job.metrics(); } catch { return; }
    if (stopped) return;
    const restore = metrics.checkpoints?.lastRestore;
    if (restore && restore.restoredAt !== reportedRestore) {
      reportedRestore = restore.restoredAt;
      stream.write(`${tty ? '\r\u001b[K' : ''}${formatRestore(name, restore)}\n`);
    }
    const rows = sourceRows(job, metrics);
    const now = Date.now();
    const rate = ((rows - lastRows) * 1000) / Math.max(1, now - lastAt);
    lastRows = rows;
    lastAt = now;
    const line = `[${name}] ${rows.toLocaleString('en-US')} rows read, ${Math.round(rate).toLocaleString('en-US')} rows/s, ${((now - job.startedAt) / 1000).toFixed(1)} s`;
    stream.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
  }, interval);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    if (tty) stream.write('\r\u001b[K');
  };
}

/** `[job] restored from chk-3 (path); started empty: Join(…) [uid join-…]`: once per restore, when it happened. */
export function formatRestore(name: string, r: NonNullable<NonNullable<JobMetrics['checkpoints']>['lastRestore']>): string {
  const empty = r.startedEmpty.length ? `; started empty (no state in the checkpoint): ${r.startedEmpty.map((o) => `${o.name} [uid ${o.uid}]`).join(', ')}` : '';
  return `[${name}] restored from chk-${r.checkpointId} (${r.path})${empty}`;
}

function sourceRows(job: JobClient, metrics: JobMetrics): number {
  const sources = new Set(job.graph.vertices.map((v) => v.chain[0]).filter((n) => n.kind === 'source' || n.kind === 'values').map((n) => n.id));
  return metrics.operators.filter((o) => sources.has(o.id)).reduce((a, o) => a + o.recordsOut, 0);
}
