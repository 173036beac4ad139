/**
 * The quickstart job: generated orders → a pandas UDF, a row-at-a-time Python UDF and a TypeScript UDF → print.
 * Run it with `npm run demo` (or `npx weir run examples/quickstart.ts`); the CLI prints per-UDF metrics at the end.
 */
import { TableDescriptor, TableEnvironment, call, col } from 'weir';

const env = TableEnvironment.create({ baseDir: import.meta.dirname, name: 'quickstart' });

env.createTemporaryTable('orders', TableDescriptor.forConnector('datagen')
  .schema({ order_id: 'BIGINT', customer: 'STRING', price: 'DOUBLE', tax_rate: 'DOUBLE' })
  .option('number-of-rows', 20)
  .option('rows-per-second', 1000)
  .option('fields.order_id.kind', 'sequence')
  .option('fields.order_id.start', 1)
  .option('fields.order_id.end', 20)
  .option('fields.customer.length', 8)
  .option('fields.customer.null-rate', 0.1)
  .option('fields.price.min', 1)
  .option('fields.price.max', 500)
  .option('fields.tax_rate.min', 0)
  .option('fields.tax_rate.max', 0.25)
  .option('seed', 42)
  .build());

env.createTemporaryTable('console', TableDescriptor.forConnector('print')
  .schema({ order_id: 'BIGINT', customer: 'STRING', gross: 'DOUBLE', risk: 'DOUBLE' })
  .build());

await env.createPythonFunction('price_with_tax', 'udfs/demo_udfs.py:price_with_tax');
await env.createPythonFunction('normalize', 'udfs/demo_udfs.py:normalize');
await env.createTypeScriptFunction('risk_score', 'udfs/score.ts', 'riskScore');

const orders = env.from('orders');
const job = orders
  .select(
    col('order_id'),
    call('normalize', col('customer')).as('customer'),
    call('price_with_tax', col('price'), col('tax_rate')).as('gross'),
    call('risk_score', col('price'), col('tax_rate')).as('risk'),
  )
  .executeInsert('console');

await job.done();
