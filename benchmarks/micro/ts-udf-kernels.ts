// The UDF the ts-udf micro benchmark runs in the worker pool (a module of its own: workers import it by path).
import type * as arrow from 'apache-arrow';
import { scalarFunction, type UdfContext } from '../../src/udf/ts/define.ts';
import { andValidity, float64Values, nullable } from '../../src/udf/ts/kernels.ts';

/** a * b + 1 over DOUBLE columns, NULL when either side is NULL. */
export const mulAddOne = scalarFunction({ resultType: 'DOUBLE', inputTypes: ['DOUBLE', 'DOUBLE'] }, (a: arrow.Vector, b: arrow.Vector, ctx: UdfContext) => {
  const x = float64Values(a), y = float64Values(b);
  const out = new Float64Array(ctx.rows);
  for (let i = 0; i < out.length; i++) out[i] = x[i] * y[i] + 1;
  return nullable(out, andValidity(a, b));
});
