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
  const timer = setInterval(async () => {
    let metrics: JobMetrics;
    try { metrics = await job.metrics(); } catch { return; }
    if (stopped) return;
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

function sourceRows(job: JobClient, metrics: JobMetrics): number {
  const sources = new Set(job.graph.vertices.map((v) => v.chain[0]).filter((n) => n.kind === 'source' || n.kind === 'values').map((n) => n.id));
  return metrics.operators.filter((o) => sources.has(o.id)).reduce((a, o) => a + o.recordsOut, 0);
}
