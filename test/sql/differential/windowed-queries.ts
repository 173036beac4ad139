/**
 * Window Top-N, window deduplication, window joins and interval joins for the differential check against DuckDB:
 * each kind is a Weir streaming query and the same result computed by DuckDB in batch, with windows derived by
 * epoch-millisecond arithmetic on `t` (a row's time in ms; TUMBLE starts are `t - mod(t, size)`, HOP windows come
 * from a cross join with range()). Orders are total (ties broken by the unique id) so that ROW_NUMBER is
 * deterministic in both engines.
 */
import { rng, type Value } from './harness.ts';

/** id, k, v, t: id unique, k a key 0..5 (NULL ~8%), v -20..20 (NULL ~10%), t epoch ms (unique per table). */
export type TimedRow = readonly [number, Value, Value, number];
export interface TimedQuery { readonly kind: string; readonly weir: string; readonly duck: string }

export const BASE = Date.UTC(2024, 0, 1);
/** Rows are at most this much out of time order; the tables' watermark delay is larger, so no row is late. */
export const MAX_DISORDER_MS = 400;
export const WATERMARK_DELAY = "INTERVAL '1' SECOND";

/**
 * 60–160 rows 100 ms apart (plus a per-table phase so the two tables' times interleave), in file order shuffled
 * within blocks of 5 rows: out of time order by at most 400 ms.
 */
export function generateTimedTable(seed: number, phaseMs: number): TimedRow[] {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const n = int(60, 160);
  const steps = Array.from({ length: n }, (_, i) => i);
  for (let b = 0; b < n; b += 5) {
    for (let i = Math.min(n, b + 5) - 1; i > b; i--) { const j = int(b, i); [steps[i], steps[j]] = [steps[j], steps[i]]; }
  }
  return steps.map((s, i): TimedRow => [i + 1, r() < 0.08 ? null : int(0, 5), r() < 0.1 ? null : int(-20, 20), BASE + phaseMs + 100 * s]);
}

const floorMod = (x: string, m: number): string => `(((${x}) % ${m}) + ${m}) % ${m}`;
const sec = (ms: number): string => `INTERVAL '${ms / 1000}' SECOND`;

/** Queries over a(id, k, v, ts) and b(id, k, v, ts) (DuckDB: t instead of ts, in ms). */
export function timedQueriesFor(seed: number): TimedQuery[] {
  const r = rng(seed * 7717 + 5);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const size = pick([1000, 2000, 3000]);
  const slide = pick([500, 1000].filter((x) => x < size));
  const n = pick([1, 2, 3]);
  const lo = pick([-2000, -700, 0]);
  const hi = pick([0, 300, 1500]);
  const tumble = (t: string) => `TABLE(TUMBLE(TABLE ${t}, DESCRIPTOR(ts), ${sec(size)}))`;
  const duckTumble = (t: string) => `(SELECT *, t - ${floorMod('t', size)} AS ws, t - ${floorMod('t', size)} + ${size} AS we FROM ${t})`;
  const hops = `(SELECT x.*, last - j * ${slide} AS ws, last - j * ${slide} + ${size} AS we FROM (SELECT *, t - ${floorMod('t', slide)} AS last FROM a) x CROSS JOIN range(0, ${Math.ceil(size / slide)}) r(j) WHERE last - j * ${slide} > t - ${size})`;
  const hopsOf = (t: string) => hops.replace('FROM a) x', `FROM ${t}) x`);
  const step = pick([500, 1000]);
  const maxSize = step * pick([2, 3]);
  const cums = `(SELECT x.*, first + j * ${step} AS we FROM (SELECT *, t - ${floorMod('t', maxSize)} AS ws, t - ${floorMod('t', step)} + ${step} AS first FROM b) x `
    + `CROSS JOIN range(0, ${maxSize / step}) r(j) WHERE first + j * ${step} <= ws + ${maxSize})`;
  const joinCols = 'L.id AS lid, R.id AS rid, L.k, L.v AS lv, R.v AS rv';
  const windowJoin = (type: string, extra = '') => ({
    kind: `window-join-${type.toLowerCase().replace(' ', '-')}`,
    weir: `SELECT ${joinCols}, COALESCE(L.window_start, R.window_start) AS ws FROM (SELECT * FROM ${tumble('a')}) L ${type} JOIN (SELECT * FROM ${tumble('b')}) R `
      + `ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.k = R.k${extra}`,
    duck: `SELECT ${joinCols}, COALESCE(L.ws, R.ws) AS ws FROM ${duckTumble('a')} L ${type} JOIN ${duckTumble('b')} R ON L.ws = R.ws AND L.k = R.k${extra}`,
  });
  const intervalJoin = (type: string, weirBound: string, duckBound: string) => ({
    kind: `interval-join-${type.toLowerCase().replace(' ', '-')}`,
    weir: `SELECT ${joinCols}, L.ts AS lt, R.ts AS rt FROM a L ${type} JOIN b R ON L.k = R.k AND ${weirBound}`,
    duck: `SELECT ${joinCols}, L.t AS lt, R.t AS rt FROM a L ${type} JOIN b R ON L.k = R.k AND ${duckBound}`,
  });
  const between = (type: string) => intervalJoin(type,
    `L.ts BETWEEN R.ts ${lo < 0 ? '-' : '+'} ${sec(Math.abs(lo))} AND R.ts + ${sec(hi)}`, `L.t BETWEEN R.t + ${lo} AND R.t + ${hi}`);
  return [
    {
      kind: 'window-topn',
      weir: `SELECT id, k, v, window_start, window_end, rn FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY v DESC NULLS LAST, id) AS rn FROM ${tumble('a')}) WHERE rn <= ${n}`,
      duck: `SELECT id, k, v, ws, we, rn FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ws, k ORDER BY v DESC NULLS LAST, id) AS rn FROM ${duckTumble('a')}) WHERE rn <= ${n}`,
    },
    {
      kind: 'window-topn-hop-range',
      weir: `SELECT id, v, window_end FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY v ASC NULLS FIRST, id DESC) AS rn FROM TABLE(HOP(TABLE a, DESCRIPTOR(ts), ${sec(slide)}, ${sec(size)}))) WHERE rn BETWEEN 2 AND 3`,
      duck: `SELECT id, v, we FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ws ORDER BY v ASC NULLS FIRST, id DESC) AS rn FROM ${hops}) WHERE rn BETWEEN 2 AND 3`,
    },
    {
      kind: 'window-topn-over-aggregate',
      weir: `SELECT window_start, k, s, c FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY s DESC, k NULLS LAST) AS rn FROM `
        + `(SELECT window_start, window_end, k, SUM(v) AS s, COUNT(*) AS c FROM ${tumble('a')} WHERE v IS NOT NULL GROUP BY window_start, window_end, k)) WHERE rn <= 2`,
      duck: `SELECT ws, k, s, c FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ws ORDER BY s DESC, k NULLS LAST) AS rn FROM `
        + `(SELECT ws, k, SUM(v) AS s, COUNT(*) AS c FROM ${duckTumble('a')} WHERE v IS NOT NULL GROUP BY ws, k)) WHERE rn <= 2`,
    },
    {
      kind: 'window-dedup-first',
      weir: `SELECT id, k, window_start FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY ts ASC) AS rn FROM ${tumble('b')}) WHERE rn = 1`,
      duck: `SELECT id, k, ws FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ws, k ORDER BY t ASC) AS rn FROM ${duckTumble('b')}) WHERE rn = 1`,
    },
    {
      kind: 'window-dedup-last',
      weir: `SELECT id, v, window_end FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY ts DESC) AS rn FROM ${tumble('a')}) WHERE rn <= 1`,
      duck: `SELECT id, v, we FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ws, k ORDER BY t DESC) AS rn FROM ${duckTumble('a')}) WHERE rn <= 1`,
    },
    {
      kind: 'window-topn-cumulate',
      weir: `SELECT id, k, window_start, window_end FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY v DESC NULLS FIRST, id) AS rn `
        + `FROM TABLE(CUMULATE(TABLE b, DESCRIPTOR(ts), ${sec(step)}, ${sec(maxSize)}))) WHERE rn <= 2`,
      duck: `SELECT id, k, ws, we FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY ws, we, k ORDER BY v DESC NULLS FIRST, id) AS rn FROM ${cums}) WHERE rn <= 2`,
    },
    {
      kind: 'window-join-hop-full',
      weir: `SELECT ${joinCols}, COALESCE(L.window_end, R.window_end) AS we FROM (SELECT * FROM TABLE(HOP(TABLE a, DESCRIPTOR(ts), ${sec(slide)}, ${sec(size)}))) L `
        + `FULL JOIN (SELECT * FROM TABLE(HOP(TABLE b, DESCRIPTOR(ts), ${sec(slide)}, ${sec(size)}))) R ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.k = R.k`,
      duck: `SELECT ${joinCols}, COALESCE(L.we, R.we) AS we FROM ${hopsOf('a')} L FULL JOIN ${hopsOf('b')} R ON L.ws = R.ws AND L.k = R.k`,
    },
    windowJoin('INNER'),
    windowJoin('LEFT', ' AND L.v < R.v'),
    windowJoin('RIGHT'),
    windowJoin('FULL', ' AND L.v <> R.v'),
    between('INNER'),
    between('LEFT'),
    between('RIGHT'),
    between('FULL'),
    { ...intervalJoin('LEFT', `L.ts > R.ts - ${sec(1500)} AND L.ts < R.ts AND L.v >= R.v`, 'L.t > R.t - 1500 AND L.t < R.t AND L.v >= R.v'), kind: 'interval-join-left-strict-bounds' },
    {
      // The interval join holds its output watermark back: without that, joined rows carrying an older L.ts would be
      // late for the window aggregation after it, and dropped.
      kind: 'interval-join-then-window-aggregate',
      weir: `SELECT window_start, COUNT(*) AS c, SUM(rv) AS s FROM TABLE(TUMBLE(TABLE (SELECT L.ts, R.v AS rv FROM a L JOIN b R ON L.k = R.k `
        + `AND L.ts BETWEEN R.ts - ${sec(2000)} AND R.ts), DESCRIPTOR(ts), ${sec(size)})) GROUP BY window_start, window_end`,
      duck: `SELECT t - ${floorMod('t', size)} AS ws, COUNT(*) AS c, SUM(rv) AS s FROM (SELECT L.t, R.v AS rv FROM a L JOIN b R ON L.k = R.k `
        + `AND L.t BETWEEN R.t - 2000 AND R.t) GROUP BY ws`,
    },
  ];
}
