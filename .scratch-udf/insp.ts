import { inspectPythonFunction } from '../src/udf/python/inspect.ts';
import { Configuration } from '../src/config/configuration.ts';
import { FIXTURES } from '../test/udf/python/helpers.ts';
process.env.WEIR_PYTHON_LOG='quiet';
const opts = { config: new Configuration(), baseDir: FIXTURES };
console.log(await inspectPythonFunction('ma', 'udfs/arith.py:mul_add', opts));
for (const p of ['udfs/nope.py:x', 'udfs/arith.py:nope', 'udfs/arith.py:not_a_udf', 'udfs/broken_open.py:broken']) {
  try { await inspectPythonFunction('f', p, opts); } catch (e) { console.log((e as any).code, (e as Error).message.slice(0, 300)); }
}
console.log('done');
