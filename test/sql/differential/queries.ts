/**
 * The query kinds of the differential check. Each is a template whose constants come from the seed, so different
 * seeds exercise different predicates. `ordered`: ORDER BY ... LIMIT with a total order, compared in order.
 * `upd` is a view whose plan is an aggregate (an updating, retracting input: a changelog source without VALUES).
 */
import { rng } from './harness.ts';

export interface DiffQuery { readonly kind: string; readonly sql: string; readonly ordered?: boolean }

/** The updating view registered on both sides before the queries run. */
export const UPDATING_VIEW = 'SELECT k, SUM(a) AS sa, COUNT(*) AS c, MAX(d) AS md FROM t1 GROUP BY k';

export function queriesFor(seed: number): DiffQuery[] {
  const r = rng(seed * 7919 + 1);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const letter = (): string => ['a', 'b', 'c', 'd'][int(0, 3)];
  const c1 = int(-30, 30);
  const c2 = int(1, 4);
  const s1 = letter();
  const n = int(1, 3);
  return [
    { kind: 'filter+project', sql: `SELECT id, a + k AS x, UPPER(s) AS us, d * 2 AS d2 FROM t1 WHERE (a > ${c1} AND s <> '${s1}') OR k IS NULL` },
    {
      kind: 'group-by+having',
      sql: `SELECT k, COUNT(*) AS n, COUNT(a) AS na, SUM(a) AS sa, MIN(a) AS mi, MAX(s) AS ms, AVG(d) AS ad, COUNT(DISTINCT s) AS ds FROM t1 GROUP BY k HAVING COUNT(*) > ${c2}`,
    },
    { kind: 'distinct', sql: `SELECT DISTINCT s, MOD(k, 3) AS m FROM t1 WHERE a IS NOT NULL` },
    { kind: 'union', sql: `SELECT k, s FROM t1 WHERE a > ${c1} UNION SELECT k, s FROM t2` },
    { kind: 'union-all', sql: `SELECT k, s FROM t1 WHERE a > ${c1} UNION ALL SELECT k, s FROM t2 WHERE b < 0` },
    { kind: 'join-inner', sql: `SELECT t1.id, t2.id, t1.a, t2.b FROM t1 JOIN t2 ON t1.k = t2.k AND t1.s = t2.s` },
    { kind: 'join-left', sql: `SELECT t1.id, t2.id, t2.e FROM t1 LEFT JOIN t2 ON t1.k = t2.k AND t2.b > ${c1}` },
    { kind: 'join-right', sql: `SELECT t1.id, t2.id FROM t1 RIGHT JOIN t2 ON t1.k = t2.k AND t1.s = '${s1}'` },
    { kind: 'join-full', sql: `SELECT t1.id, t2.id FROM t1 FULL OUTER JOIN t2 ON t1.k = t2.k AND t1.a < t2.b` },
    { kind: 'join+aggregate', sql: `SELECT t1.k, COUNT(*) AS n, SUM(t2.b) AS sb, MAX(t1.d) AS md FROM t1 JOIN t2 ON t1.k = t2.k GROUP BY t1.k` },
    {
      kind: 'top-n',
      sql: `SELECT k, id, d FROM (SELECT k, id, d, ROW_NUMBER() OVER (PARTITION BY k ORDER BY d DESC, id) AS rn FROM t1) WHERE rn <= ${n}`,
    },
    { kind: 'dedup-first', sql: `SELECT id, k, a FROM (SELECT id, k, a, ROW_NUMBER() OVER (PARTITION BY k ORDER BY pt ASC) AS rn FROM t1) WHERE rn = 1` },
    { kind: 'dedup-last', sql: `SELECT id, s, b FROM (SELECT id, s, b, ROW_NUMBER() OVER (PARTITION BY s ORDER BY pt DESC) AS rn FROM t2) WHERE rn = 1` },
    { kind: 'agg-of-agg', sql: `SELECT c, COUNT(*) AS n, SUM(sa) AS s FROM (SELECT k, COUNT(*) AS c, SUM(a) AS sa FROM t1 GROUP BY k) GROUP BY c` },
    { kind: 'max-min-over-updates', sql: `SELECT MAX(sa), MIN(sa), SUM(sa), COUNT(*) FROM (SELECT s, SUM(a) AS sa FROM t1 GROUP BY s)` },
    { kind: 'order-by-limit', sql: `SELECT id, d, s FROM t1 ORDER BY d DESC, id LIMIT ${3 + n}`, ordered: true },
    // over the updating view `upd` (aggregate → retractions flowing into filter, join, aggregate)
    { kind: 'updating:filter', sql: `SELECT k, sa, c FROM upd WHERE c > ${c2}` },
    { kind: 'updating:join', sql: `SELECT upd.k, upd.c, t2.id FROM upd JOIN t2 ON upd.k = t2.k WHERE t2.b > ${c1}` },
    { kind: 'updating:aggregate', sql: `SELECT MOD(c, 3) AS m, COUNT(*) AS n, MAX(md) AS mx, SUM(sa) AS ss FROM upd GROUP BY MOD(c, 3)` },
  ];
}
