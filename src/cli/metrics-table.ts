import type { CheckpointMetrics } from '../checkpoint/job-checkpointing.ts';
import type { JobMetrics, UdfMetrics } from '../exec/job/job-metrics.ts';

/** The per-UDF metrics table printed at the end of a bounded job. */
export function formatUdfTable(metrics: JobMetrics): string {
  if (metrics.udfs.length === 0) return 'No user-defined functions ran in this job.';
  const header = ['UDF', 'rows in', 'rows out', 'batches', 'MB sent', 'MB recv', 'errors', 'user ms', 'serde ms', 'transport ms', 'p50 ms', 'p99 ms', 'max ms'];
  const rows = metrics.udfs.map((u) => udfRow(u));
  const lines = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const fmt = (l: string[]) => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)];
  for (const u of metrics.udfs) {
    const user = Object.entries(u.user);
    if (user.length) out.push(`  ${u.name} user metrics: ${user.map(([k, v]) => `${k}=${renderUser(v)}`).join(', ')}`);
  }
  return out.join('\n');
}

function udfRow(u: UdfMetrics): string[] {
  const n = (x: number) => x.toLocaleString('en-US');
  const ms = (x: number) => x.toFixed(1);
  return [
    u.name, n(u.rowsIn), n(u.rowsOut), n(u.batches), (u.bytesSent / 1e6).toFixed(1), (u.bytesReceived / 1e6).toFixed(1), n(u.errors),
    ms(u.userTimeMs), ms(u.serializationTimeMs), ms(u.transportTimeMs),
    ms(u.bundleLatencyMs.p50), ms(u.bundleLatencyMs.p99), ms(u.bundleLatencyMs.max),
  ];
}

function renderUser(v: unknown): string {
  if (typeof v === 'object' && v !== null) {
    return JSON.stringify(v, (_, x) => (typeof x === 'number' && !Number.isInteger(x) ? Number(x.toFixed(3)) : x));
  }
  return String(v);
}

/**
 * One line on checkpoints and recovery, printed when a job that checkpoints, restores or may restart ends:
 * `checkpoints: 12 completed (latest chk-12), 0 failed; last took 35 ms, 1.2 MB, alignment 0.4 ms; restarts: 1; restored from chk-3 (path)`.
 * Duration and size are those of the last periodic checkpoint (a bounded job's final checkpoint holds no state).
 */
export function formatCheckpointSummary(c: CheckpointMetrics): string {
  let line = `checkpoints: ${c.completed} completed${c.lastCompletedId !== null ? ` (latest chk-${c.lastCompletedId})` : ''}, ${c.failed} failed`;
  if (c.completed > 0) line += `; last took ${c.lastDurationMs.toFixed(0)} ms, ${formatBytes(c.lastSizeBytes)}, alignment ${c.lastAlignmentMs.toFixed(1)} ms`;
  line += `; restarts: ${c.restarts}${c.lastRestartCause ? ` (last: ${c.lastRestartCause})` : ''}`;
  if (c.lastRestore) line += `; restored from chk-${c.lastRestore.checkpointId} (${c.lastRestore.path})`;
  const empty = c.lastRestore?.startedEmpty ?? [];
  if (empty.length) line += `\n  started empty (no state in the checkpoint): ${empty.map((o) => `${o.name} [uid ${o.uid}]`).join(', ')}`;
  if (c.lastFailure) line += `\n  last failed checkpoint: ${c.lastFailure}`;
  return line;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
