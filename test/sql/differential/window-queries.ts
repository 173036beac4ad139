/**
 * Window queries for the differential check against DuckDB: each kind is a Weir query (window table functions,
 * window aggregation, grouping sets) and the same computation written for DuckDB in batch, windows derived with
 * epoch-millisecond arithmetic (`t` is the row time in ms): TUMBLE and HOP starts are `t - mod(t - offset, size)`,
 * HOP and CUMULATE windows come from a cross join with range(), SESSION windows from gaps-and-islands (LAG and a
 * running SUM over the time order per partition). Window bounds compare as epoch milliseconds.
 */
import { rng, type Value } from './harness.ts';

export interface WindowTable { readonly rows: readonly (readonly [number, Value, Value, Value, number])[] }
export interface WindowQuery { readonly kind: string; readonly weir: string; readonly duck: string }

/** The first row time: 2024-01-01 00:00:00 UTC. */
export const BASE = Date.UTC(2024, 0, 1);

/** w(id, k, v, s, t): 40–250 rows over two minutes, in random (out-of-time) order, ms precision, with NULLs. */
export function generateWindowTable(seed: number): WindowTable {
  const r = rng(seed * 31 + 7);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const maybe = <T>(v: T, p: number): T | null => (r() < p ? null : v);
  const n = int(40, 250);
  const rows: [number, Value, Value, Value, number][] = [];
  for (let i = 1; i <= n; i++) {
    rows.push([i, maybe(int(0, 4), 0.08), maybe(int(-20, 20), 0.1), maybe(['a', 'b', 'c'][int(0, 2)], 0.1), BASE + int(0, 120_000)]);
  }
  return { rows };
}

/** `mod` that is never negative, in DuckDB SQL. */
const floorMod = (x: string, m: number): string => `(((${x}) % ${m}) + ${m}) % ${m}`;
const AGGS_WEIR = 'COUNT(*) AS c, SUM(v) AS sv, MIN(v) AS mv, MAX(s) AS ms, COUNT(DISTINCT v) AS dv';
const AGGS_DUCK = 'COUNT(*) AS c, SUM(v) AS sv, MIN(v) AS mv, MAX(s) AS ms, COUNT(DISTINCT v) AS dv';
const sec = (ms: number): string => `INTERVAL '${ms / 1000}' SECOND`;

export function windowQueriesFor(seed: number): WindowQuery[] {
  const r = rng(seed * 104729 + 3);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const size = pick([5000, 7000, 10_000, 30_000]);
  const offset = pick([0, 2000, -3000]);
  const slide = pick([2000, 3000, 5000].filter((x) => x <= size));
  const step = pick([1000, 2000, 5000]);
  const maxSize = step * pick([2, 3, 4]);
  const gap = pick([1000, 3000, 8000]);
  const vMin = pick([-10, 0, 5]);
  const tumbleStart = `t - ${floorMod(`t - ${offset}`, size)}`;
  const hopLast = `t - ${floorMod(`t - ${offset}`, slide)}`;
  const hops = `(SELECT w.*, last - j * ${slide} AS ws FROM (SELECT *, ${hopLast} AS last FROM w) w CROSS JOIN range(0, ${Math.ceil(size / slide)}) r(j) WHERE last - j * ${slide} > t - ${size})`;
  const cumStart = `t - ${floorMod(`t - ${offset}`, maxSize)}`;
  const cumFirst = `t - ${floorMod(`t - ${offset}`, step)} + ${step}`;
  const cums = `(SELECT x.*, first + j * ${step} AS we FROM (SELECT *, ${cumStart} AS ws, ${cumFirst} AS first FROM w) x CROSS JOIN range(0, ${maxSize / step}) r(j) WHERE first + j * ${step} <= ws + ${maxSize})`;
  const sessions = `(SELECT *, SUM(new) OVER (PARTITION BY k ORDER BY t, id ROWS UNBOUNDED PRECEDING) AS sid FROM (SELECT *, CASE WHEN t - LAG(t) OVER (PARTITION BY k ORDER BY t, id) <= ${gap} THEN 0 ELSE 1 END AS new FROM w))`;
  const off = offset !== 0 ? `, ${offset < 0 ? `INTERVAL '-${-offset / 1000}' SECOND` : sec(offset)}` : '';
  return [
    {
      kind: 'tumble-aggregate',
      weir: `SELECT k, window_start, window_end, ${AGGS_WEIR} FROM TABLE(TUMBLE(TABLE w, DESCRIPTOR(ts), ${sec(size)}${off})) GROUP BY k, window_start, window_end`,
      duck: `SELECT k, ws, ws + ${size} AS we, ${AGGS_DUCK} FROM (SELECT *, ${tumbleStart} AS ws FROM w) GROUP BY k, ws`,
    },
    {
      kind: 'tumble-window-time-filter',
      weir: `SELECT window_time, SUM(v) AS sv, COUNT(s) AS cs FROM TABLE(TUMBLE(DATA => TABLE w, TIMECOL => DESCRIPTOR(ts), SIZE => ${sec(size)})) WHERE v >= ${vMin} GROUP BY window_start, window_end, window_time`,
      duck: `SELECT ws + ${size} - 1 AS wt, SUM(v) AS sv, COUNT(s) AS cs FROM (SELECT *, t - ${floorMod('t', size)} AS ws FROM w WHERE v >= ${vMin}) GROUP BY ws`,
    },
    {
      kind: 'hop-aggregate',
      weir: `SELECT s, window_start, window_end, ${AGGS_WEIR} FROM TABLE(HOP(TABLE w, DESCRIPTOR(ts), ${sec(slide)}, ${sec(size)}${off})) GROUP BY s, window_start, window_end`,
      duck: `SELECT s, ws, ws + ${size} AS we, ${AGGS_DUCK} FROM ${hops} GROUP BY s, ws`,
    },
    {
      kind: 'cumulate-aggregate',
      weir: `SELECT k, window_start, window_end, ${AGGS_WEIR} FROM TABLE(CUMULATE(TABLE w, DESCRIPTOR(ts), ${sec(step)}, ${sec(maxSize)}${off})) GROUP BY k, window_start, window_end`,
      duck: `SELECT k, ws, we, ${AGGS_DUCK} FROM ${cums} GROUP BY k, ws, we`,
    },
    {
      kind: 'session-aggregate',
      weir: `SELECT k, window_start, window_end, ${AGGS_WEIR} FROM TABLE(SESSION(TABLE w PARTITION BY k, DESCRIPTOR(ts), ${sec(gap)})) GROUP BY k, window_start, window_end`,
      duck: `SELECT k, MIN(t) AS ws, MAX(t) + ${gap} AS we, ${AGGS_DUCK} FROM ${sessions} GROUP BY k, sid`,
    },
    {
      kind: 'tumble-rollup',
      weir: `SELECT window_start, k, s, COUNT(*) AS c, SUM(v) AS sv, GROUPING(k) AS gk, GROUPING_ID(k, s) AS gid FROM TABLE(TUMBLE(TABLE w, DESCRIPTOR(ts), ${sec(size)})) GROUP BY window_start, window_end, ROLLUP(k, s)`,
      duck: `SELECT ws, k, s, COUNT(*) AS c, SUM(v) AS sv, GROUPING(k) AS gk, GROUPING(k, s) AS gid FROM (SELECT *, t - ${floorMod('t', size)} AS ws FROM w) GROUP BY ws, ROLLUP(k, s)`,
    },
    {
      kind: 'hop-cube',
      weir: `SELECT window_end, k, s, MAX(v) AS mx FROM TABLE(HOP(TABLE w, DESCRIPTOR(ts), ${sec(slide)}, ${sec(size)})) GROUP BY window_start, window_end, CUBE(k, s)`,
      duck: `SELECT ws + ${size} AS we, k, s, MAX(v) AS mx FROM ${hops.replace(floorMod(`t - ${offset}`, slide), floorMod('t', slide))} GROUP BY ws, CUBE(k, s)`,
    },
    {
      kind: 'grouping-sets',
      weir: `SELECT k, s, COUNT(*) AS c, SUM(v) AS sv, GROUPING_ID(k, s) AS g FROM w GROUP BY GROUPING SETS ((k, s), (k), (s), ())`,
      duck: `SELECT k, s, COUNT(*) AS c, SUM(v) AS sv, GROUPING(k, s) AS g FROM w GROUP BY GROUPING SETS ((k, s), (k), (s), ())`,
    },
    {
      kind: 'hop-tvf',
      weir: `SELECT id, v, window_start, window_end FROM TABLE(HOP(TABLE (SELECT * FROM w WHERE k IS NOT NULL), DESCRIPTOR(ts), ${sec(slide)}, ${sec(size)}${off}))`,
      duck: `SELECT id, v, ws, ws + ${size} AS we FROM ${hops.replace('FROM w)', 'FROM w WHERE k IS NOT NULL)')}`,
    },
  ];
}
