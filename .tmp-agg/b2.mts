import { resolveAggregate } from '/work/main/src/aggregate/aggregate-functions.ts';
import { Table, TableDescriptor, TableEnvironment } from '/work/main/src/index.ts';
import { Schema } from '/work/main/src/types/schema.ts';
const backend = process.argv[2] ?? 'rocksdb';
const rows = Number(process.argv[3] ?? 100000);
const env = TableEnvironment.create({ config: { 'state.backend': backend, 'table.exec.batch-size': 8192, 'taskmanager.memory.task.heap.size': Number(process.argv[4] ?? 0) } });
env.createTemporaryTable('src', TableDescriptor.forConnector('datagen').schema({ k: 'BIGINT', v: 'DOUBLE' })
  .option('number-of-rows', rows).option('rows-per-second', 1e12).option('fields.k.min', 0).option('fields.k.max', rows / 10 - 1).build());
const input = env.from('src');
const types = input.schema.columns.map((c) => c.type);
const agg = (fn, args, name) => ({ fn, args, distinct: false, filter: null, type: resolveAggregate(fn, args.map((i) => types[i]), false).type, name });
const aggregates = [agg('COUNT', [], 'cnt'), agg('SUM', [1], 'total'), agg('MAX', [1], 'top')];
const schema = new Schema([input.schema.columns[0], ...aggregates.map((a) => ({ name: a.name, type: a.type }))]);
const t = new Table(env, { kind: 'aggregate', schema, input: input.plan, groupKeys: [0], aggregates });
env.createTemporaryTable('sink', TableDescriptor.forConnector('blackhole').schema({ k: 'BIGINT', cnt: 'BIGINT NOT NULL', total: 'DOUBLE', top: 'DOUBLE' }).build());
const t0 = Date.now();
try { const r = await t.executeInsert('sink').done(); console.log('ok', Date.now() - t0, 'ms', rows / (Date.now() - t0) * 1000, 'rows/s'); }
catch (e) { console.log("FAIL", e.code, e.message, e.stack, e.cause?.stack); }
