import type { HistogramSnapshot } from '../histogram.ts';
import type { MetricsSnapshot, MetricValue } from '../metric-group.ts';

/**
 * Prometheus text exposition (format 0.0.4) of a Weir metrics snapshot.
 *
 * ## Name and label mapping
 * A dotted path is split into segments. Segments that *identify* something become labels, the rest the name:
 * - `operator.<id>` → name segment `operator`, label `operator="<id>"`; an integer segment right after the id (a
 *   per-subtask snapshot: `operator.<id>.<n>`) becomes `subtask="<n>"`;
 * - `subtask.<n>` → label `subtask="<n>"` (the segment pair leaves the name);
 * - `udf.<name>` → name segment `udf`, label `udf="<name>"`.
 * The name is `weir_` + the remaining segments joined by `_`, camelCase turned into snake_case and every character
 * outside `[a-zA-Z0-9_]` replaced by `_`. Example: `operator.Calc[1].udf.normalize.rowsIn` →
 * `weir_operator_udf_rows_in{operator="Calc[1]",udf="normalize"}`.
 *
 * ## Values
 * - numbers → `gauge` (counters too: a snapshot does not say which is which, and Flink's Prometheus reporter
 *   exports counters as gauges as well);
 * - histograms → `summary` with quantiles 0.5, 0.95, 0.99 plus `_sum` and `_count`;
 * - structured values (a UDF's meter `{count, rate}` or distribution `{count, sum, min, max, mean}`) → one gauge
 *   per numeric field, named `<name>_<field>`;
 * - strings → `<name>_info{value="..."} 1`; bigints → their decimal value.
 * Samples of one name are grouped under one `# TYPE` line, families sorted by name.
 */
export function toPrometheusText(snapshot: MetricsSnapshot): string {
  const families = new Map<string, { type: 'gauge' | 'summary'; lines: string[] }>();
  const add = (name: string, type: 'gauge' | 'summary', line: string) => {
    let f = families.get(name);
    if (!f) { f = { type, lines: [] }; families.set(name, f); }
    f.lines.push(line);
  };

  for (const [path, value] of Object.entries(snapshot)) {
    const { name, labels } = metricName(path);
    emit(name, labels, value, add);
  }

  let out = '';
  for (const name of [...families.keys()].sort()) {
    const f = families.get(name)!;
    out += `# TYPE ${name} ${f.type}\n${f.lines.join('\n')}\n`;
  }
  return out;
}

type Add = (family: string, type: 'gauge' | 'summary', line: string) => void;

function emit(name: string, labels: [string, string][], value: MetricValue | bigint, add: Add): void {
  if (typeof value === 'number' || typeof value === 'bigint') {
    add(name, 'gauge', sample(name, labels, value));
  } else if (typeof value === 'string') {
    add(`${name}_info`, 'gauge', sample(`${name}_info`, [...labels, ['value', value]], 1));
  } else if (isHistogram(value)) {
    for (const [q, v] of [['0.5', value.p50], ['0.95', value.p95], ['0.99', value.p99]] as const) {
      add(name, 'summary', sample(name, [...labels, ['quantile', q]], v));
    }
    add(name, 'summary', sample(`${name}_sum`, labels, value.sum));
    add(name, 'summary', sample(`${name}_count`, labels, value.count));
  } else if (value && typeof value === 'object') {
    for (const [field, v] of Object.entries(value)) {
      if (typeof v === 'number' || typeof v === 'bigint') {
        const n = `${name}_${sanitize(field)}`;
        add(n, 'gauge', sample(n, labels, v));
      }
    }
  }
}

/** Splits a dotted path into a Prometheus name and labels (see the module comment). */
export function metricName(path: string): { name: string; labels: [string, string][] } {
  const segments = path.split('.');
  const parts: string[] = [];
  const labels: [string, string][] = [];
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    const next = segments[i + 1];
    if (s === 'operator' && next !== undefined && i + 1 < segments.length - 1) {
      parts.push('operator');
      labels.push(['operator', next]);
      i++;
      if (/^\d+$/.test(segments[i + 1] ?? '') && i + 1 < segments.length - 1) labels.push(['subtask', segments[++i]]);
    } else if (s === 'subtask' && /^\d+$/.test(next ?? '') && i + 1 < segments.length - 1) {
      labels.push(['subtask', next]);
      i++;
    } else if (s === 'udf' && next !== undefined && i + 1 < segments.length - 1) {
      parts.push('udf');
      labels.push(['udf', next]);
      i++;
    } else {
      parts.push(s);
    }
  }
  return { name: `weir_${parts.map(sanitize).filter(Boolean).join('_')}`, labels };
}

function sanitize(segment: string): string {
  return segment
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^a-zA-Z0-9_]/g, '_')
    .toLowerCase();
}

function sample(name: string, labels: [string, string][], value: number | bigint): string {
  const l = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
  return `${name}${l} ${formatValue(value)}`;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function isHistogram(v: object): v is HistogramSnapshot {
  return 'p50' in v && 'p99' in v && 'count' in v && 'sum' in v;
}
