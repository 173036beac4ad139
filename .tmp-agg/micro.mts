import * as arrow from 'apache-arrow';
import { ChangeBatch } from '/work/main/src/batch/change-batch.ts';
import { Schema } from '/work/main/src/types/schema.ts';
import { DataTypes } from '/work/main/src/types/data-type.ts';
import { aggNode, call } from '/work/main/test/aggregate/helpers.ts';
import { Configuration } from '/work/main/src/config/configuration.ts';
import { MetricGroup } from '/work/main/src/metrics/metric-group.ts';
import { createKeyedStateBackend } from '/work/main/src/state/factory.ts';
import { GroupAggregateOperator } from '/work/main/src/exec/operators/group-aggregate.ts';
const s = Schema.of({ k: DataTypes.BIGINT(), v: DataTypes.DOUBLE() });
const node = aggNode(s, [0], [call(s, 'COUNT', []), call(s, 'SUM', [1]), call(s, 'MAX', [1])], false);
const backend = process.argv[2] ?? 'hashmap';
const N = Number(process.argv[3] ?? 1_000_000), K = N / 10, B = 8192;
const configuration = new Configuration({ 'state.backend': backend, ...(process.argv[4] ? { 'table.exec.mini-batch.enabled': 'true', 'table.exec.mini-batch.size': process.argv[4], 'table.exec.mini-batch.allow-latency': '10 s' } : {}) });
let outRows = 0; let state;
const op = new GroupAggregateOperator(node);
await op.open({ operatorName: 'x', operatorId: 'x', subtaskIndex: 0, parallelism: 1, metrics: new MetricGroup('op'), config: configuration,
  output: { emit: async (b) => { outRows += b.numRows; } }, signal: new AbortController().signal, baseDir: '.',
  keyedState: () => (state ??= createKeyedStateBackend({ config: configuration, operatorName: 'x', subtaskIndex: 0, parallelism: 1 })) });
const h = { feed: (b) => op.processBatch(b), close: async () => { await op.endInput(); await op.close(); await state.dispose(); } };
let x = 12345;
const batches = [];
for (let off = 0; off < N; off += B) {
  const n = Math.min(B, N - off);
  const ks = new BigInt64Array(n), vs = new Float64Array(n);
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; ks[i] = BigInt(x % K); vs[i] = (x % 1000) / 7; }
  batches.push(ChangeBatch.fromColumns(s.toArrow(), [arrow.makeData({ type: new arrow.Int64(), length: n, data: ks }), arrow.makeData({ type: new arrow.Float64(), length: n, data: vs })], n));
}
const t0 = performance.now();
for (const b of batches) { await h.feed(b);  }
await op.endInput();
const ms = performance.now() - t0;
console.log(backend, N, 'rows', Math.round(ms), 'ms', Math.round(N / ms * 1000), 'rows/s; out rows', outRows);
await h.close();
