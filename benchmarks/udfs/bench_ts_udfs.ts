// TypeScript UDFs of the benchmark suite (worker threads import this module by path).
import type * as arrow from 'apache-arrow';
import { scalarFunction, type UdfContext } from '../../src/udf/ts/define.ts';
import { andValidity, float64Values, nullable } from '../../src/udf/ts/kernels.ts';

/** ts-worker: a * b + 1 over DOUBLE columns, the TypeScript twin of bench_udfs.py:mul_add. */
export const mulAdd = scalarFunction({ resultType: 'DOUBLE', inputTypes: ['DOUBLE', 'DOUBLE'] }, (a: arrow.Vector, b: arrow.Vector, ctx: UdfContext) => {
  const x = float64Values(a), y = float64Values(b);
  const out = new Float64Array(ctx.rows);
  for (let i = 0; i < out.length; i++) out[i] = x[i] * y[i] + 1;
  return nullable(out, andValidity(a, b));
});
