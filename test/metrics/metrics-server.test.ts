import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricGroup } from '../../src/metrics/metric-group.ts';
import { metricName, toPrometheusText } from '../../src/metrics/http/prometheus.ts';
import { startMetricsServer } from '../../src/metrics/http/metrics-server.ts';

function jobMetrics(): MetricGroup {
  const root = new MetricGroup();
  const op = root.group('operator').group('Calc[1]');
  op.counter('numRecordsIn').inc(42);
  const udf = op.group('udf').group('normalize');
  udf.counter('rowsIn').inc(40);
  for (const v of [1, 2, 3, 4, 100]) udf.histogram('latencyMs').record(v);
  udf.group('user').setExternal('calls', { count: 3, rate: 0.5 });
  root.gauge('job.name', () => 'my "job"\nx');
  return root;
}

test('dotted paths map to names and labels', () => {
  assert.deepEqual(metricName('operator.Calc[1].numRecordsIn'), { name: 'weir_operator_num_records_in', labels: [['operator', 'Calc[1]']] });
  assert.deepEqual(metricName('job.operator.Calc[1].0.udf.f.rowsIn'), {
    name: 'weir_job_operator_udf_rows_in', labels: [['operator', 'Calc[1]'], ['subtask', '0'], ['udf', 'f']],
  });
  assert.deepEqual(metricName('subtask.3.busy-ratio'), { name: 'weir_busy_ratio', labels: [['subtask', '3']] });
  assert.deepEqual(metricName('udf'), { name: 'weir_udf', labels: [] }, 'a trailing keyword stays a name');
});

test('Prometheus text: gauges, summaries, structured values, escaped strings', () => {
  const text = toPrometheusText({ ...jobMetrics().snapshot(), 'x.big': 12345678901234567890n as never, 'x.inf': Infinity });
  assert.match(text, /^# TYPE weir_operator_num_records_in gauge\nweir_operator_num_records_in\{operator="Calc\[1\]"\} 42$/m);
  assert.match(text, /^weir_operator_udf_rows_in\{operator="Calc\[1\]",udf="normalize"\} 40$/m);
  assert.match(text, /^# TYPE weir_operator_udf_latency_ms summary$/m);
  assert.match(text, /^weir_operator_udf_latency_ms\{operator="Calc\[1\]",udf="normalize",quantile="0.5"\} 3$/m);
  assert.match(text, /^weir_operator_udf_latency_ms\{operator="Calc\[1\]",udf="normalize",quantile="0.99"\} 100$/m);
  assert.match(text, /^weir_operator_udf_latency_ms_sum\{operator="Calc\[1\]",udf="normalize"\} 110$/m);
  assert.match(text, /^weir_operator_udf_latency_ms_count\{operator="Calc\[1\]",udf="normalize"\} 5$/m);
  assert.match(text, /^weir_operator_udf_user_calls_rate\{operator="Calc\[1\]",udf="normalize"\} 0.5$/m);
  assert.match(text, /^weir_job_name_info\{value="my \\"job\\"\\nx"\} 1$/m);
  assert.match(text, /^weir_x_big 12345678901234567890$/m);
  assert.match(text, /^weir_x_inf \+Inf$/m);
  assert.equal(text.match(/^# TYPE weir_operator_udf_latency_ms /gm)?.length, 1, 'one TYPE line per family');
});

test('GET /metrics and /metrics.json over real HTTP on a port-0 loopback server', async () => {
  const metrics = jobMetrics();
  let extra = 0n;
  const server = await startMetricsServer({ snapshot: () => ({ ...metrics.snapshot(), 'x.big': (extra += 1n) as never }) });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const prom = await fetch(`${server.url}/metrics`);
    assert.equal(prom.status, 200);
    assert.match(prom.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
    assert.match(await prom.text(), /weir_operator_num_records_in\{operator="Calc\[1\]"\} 42/);

    metrics.group('operator').group('Calc[1]').counter('numRecordsIn').inc(8);
    const json = await fetch(`${server.url}/metrics.json`);
    assert.equal(json.status, 200);
    const body = await json.json() as Record<string, unknown>;
    assert.equal(body['operator.Calc[1].numRecordsIn'], 50, 'a fresh snapshot per request');
    assert.equal(body['x.big'], '2', 'bigints as strings');
    assert.equal((body['operator.Calc[1].udf.normalize.latencyMs'] as { count: number }).count, 5);

    assert.equal((await fetch(`${server.url}/nope`)).status, 404);
    const post = await fetch(`${server.url}/metrics`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    const head = await fetch(`${server.url}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  } finally {
    await server.close();
  }
  await assert.rejects(fetch(`${server.url}/metrics`), 'closed servers refuse connections');
});

test('a failing snapshot is a 500, and a taken port rejects start', async () => {
  const server = await startMetricsServer({ snapshot: () => { throw new Error('registry gone'); } });
  try {
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 500);
    assert.match(await res.text(), /registry gone/);
    const port = Number(new URL(server.url).port);
    await assert.rejects(startMetricsServer({ port, snapshot: () => ({}) }), { code: 'EADDRINUSE' });
  } finally {
    await server.close();
  }
});
