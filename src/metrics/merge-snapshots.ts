import { mergeHistograms, type HistogramSnapshot } from './histogram.ts';
import type { MetricsSnapshot, MetricValue } from './metric-group.ts';

/**
 * Merges the snapshots of parallel subtasks: counters add up, histograms pool their samples, strings (names) and
 * structured values keep the first seen; watermark gauges take the minimum (an operator's watermark is that of its
 * slowest subtask, as Flink's "low watermark"). Subtask snapshots use the same keys, so a merged key is job-wide.
 */
export function mergeSnapshots(parts: readonly MetricsSnapshot[]): MetricsSnapshot {
  const out: MetricsSnapshot = {};
  const histograms = new Map<string, HistogramSnapshot[]>();
  for (const part of parts) {
    for (const [k, v] of Object.entries(part)) {
      if (isHistogram(v)) {
        const list = histograms.get(k) ?? [];
        list.push(v);
        histograms.set(k, list);
      } else if (typeof v === 'number') {
        const prev = out[k];
        out[k] = typeof prev !== 'number' ? v : isWatermark(k) ? Math.min(prev, v) : prev + v;
      } else if (!(k in out)) {
        out[k] = v;
      }
    }
  }
  for (const [k, list] of histograms) out[k] = mergeHistograms(list);
  return out;
}

function isWatermark(key: string): boolean {
  return key.endsWith('currentWatermark') || key.endsWith('currentInputWatermark');
}

function isHistogram(v: MetricValue): v is HistogramSnapshot {
  return typeof v === 'object' && v !== null && 'samples' in v && 'p99' in v;
}
