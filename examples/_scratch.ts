import { TableEnvironment, col, lit } from 'weir';
const env = TableEnvironment.create();
const t = env.fromValues([[1, 'a'], [2, 'b'], [3, null]], { id: 'INT', name: 'STRING' });
console.log(t.select(col('id'), col('id').plus(1).as('x')).filter(col('id').isGreater(1)).explain());
const rows = await t.select(col('id'), col('id').times(10).as('x'), col('name')).execute().collect();
console.log(rows.map(String));
