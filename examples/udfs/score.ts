import { scalarFunction } from 'weir';

/**
 * A TypeScript UDF: runs in a worker-thread pool and receives whole Arrow columns, so the loop below runs over
 * typed arrays with no per-row objects.
 */
export const riskScore = scalarFunction({ resultType: 'DOUBLE', inputTypes: ['DOUBLE', 'DOUBLE'] }, (price, rate) => {
  const p = price.toArray() as Float64Array;
  const r = rate.toArray() as Float64Array;
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = Math.round(Math.log1p(p[i]) * (1 + 10 * r[i]) * 100) / 100;
  return out;
});
