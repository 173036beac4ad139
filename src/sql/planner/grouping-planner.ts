/**
 * SQL's GROUP BY elements (plain expressions, GROUPING SETS, ROLLUP, CUBE) as one list of distinct key expressions
 * plus the grouping sets over them, and GROUPING() / GROUPING_ID() in terms of the `$e` column of a grouped
 * aggregate (src/plan/grouping-sets.ts).
 */
import { ErrorCodes } from '../../errors/weir-error.ts';
import type { Expression } from '../../expr/expression.ts';
import type { GroupingLayout } from '../../plan/grouping-sets.ts';
import type { GroupingElement, SqlExpr } from '../ast.ts';
import type { PlannerContext } from './context.ts';
import { fail } from './errors.ts';
import { exprKey } from './expr-key.ts';
import type { RelPlan } from './scope.ts';

/** The keys of a GROUP BY and its grouping sets (null: one set of all keys, a plain GROUP BY). */
export interface Grouping {
  /** Distinct key expressions, in order of first appearance. */
  readonly keys: readonly SqlExpr[];
  /** Each grouping set as the exprKeys of its expressions. */
  readonly sets: readonly (readonly string[])[] | null;
}

/** Most grouping sets one GROUP BY may expand to (CUBE of 12 keys); each set repeats every input row once. */
const MAX_SETS = 4096;

/**
 * The grouping of `elements`: a plain expression is in every set; several elements combine by cross product, as
 * in SQL (`GROUP BY a, ROLLUP(b, c)` = sets (a, b, c), (a, b), (a)). `GROUP BY ()` is one empty set.
 */
export function groupingOf(ctx: PlannerContext, rel: RelPlan, elements: readonly GroupingElement[]): Grouping {
  const keys: SqlExpr[] = [];
  const seen = new Set<string>();
  const keyOf = (e: SqlExpr): string => {
    const k = exprKey(ctx, rel, e);
    if (!seen.has(k)) { seen.add(k); keys.push(e); }
    return k;
  };
  let sets: string[][] = [[]];
  let multiple = false;
  for (const g of elements) {
    let options: string[][];
    if (g.kind === 'groupingSets') options = g.sets.map((s) => s.map(keyOf));
    else if (g.kind === 'rollup') { const ks = g.exprs.map(keyOf); options = ks.map((_, i) => ks.slice(0, ks.length - i)).concat([[]]); }
    else if (g.kind === 'cube') options = subsets(g.exprs.map(keyOf));
    else options = [[keyOf(legacyGroupWindowCheck(ctx, g as SqlExpr))]];
    if (options.length > 1) multiple = true;
    const next: string[][] = [];
    for (const s of sets) for (const o of options) next.push([...s, ...o]);
    if (next.length > MAX_SETS) {
      fail(ctx.sql, g.pos, `GROUP BY expands to ${next.length} grouping sets; at most ${MAX_SETS} are supported`, ErrorCodes.NOT_SUPPORTED,
        'Each grouping set repeats every row once: use fewer CUBE keys, or explicit GROUPING SETS.');
    }
    sets = next;
  }
  return { keys, sets: multiple ? sets : null };
}

const LEGACY_GROUP_WINDOWS = new Set(['TUMBLE', 'HOP', 'SESSION']);

/** Flink's deprecated `GROUP BY TUMBLE(ts, size)` group windows: refused with the window TVF to write instead. */
function legacyGroupWindowCheck(ctx: PlannerContext, e: SqlExpr): SqlExpr {
  if (e.kind === 'call' && LEGACY_GROUP_WINDOWS.has(e.canonical) && !e.over) {
    const fn = e.canonical;
    fail(ctx.sql, e.pos, `Group window functions in GROUP BY (${fn}(time, ...)) are not supported; use the ${fn === 'SESSION' ? 'SESSION' : fn} window table function`,
      ErrorCodes.NOT_SUPPORTED,
      `e.g. SELECT k, window_start, window_end, COUNT(*) FROM TABLE(${fn}(TABLE t${fn === 'SESSION' ? ' PARTITION BY k' : ''}, DESCRIPTOR(ts), ...)) GROUP BY k, window_start, window_end (window_start/window_end replace ${fn}_START/${fn}_END).`);
  }
  return e;
}

/** All subsets of `keys`, largest first, in CUBE order: (a, b), (a), (b), (). */
function subsets(keys: readonly string[]): string[][] {
  const n = keys.length;
  const out: string[][] = [];
  for (let mask = (1 << n) - 1; mask >= 0; mask--) out.push(keys.filter((_, i) => (mask & (1 << (n - 1 - i))) !== 0));
  return out.sort((a, b) => b.length - a.length);
}

/** The grouping sets as positions of the group keys (`groupIndex`: exprKey → key position). */
export function groupingSetPositions(grouping: Grouping, groupIndex: ReadonlyMap<string, number>): number[][] | null {
  return grouping.sets === null ? null : grouping.sets.map((s) => s.map((k) => groupIndex.get(k)!));
}

const BIGINT = { kind: 'BIGINT', nullable: false } as const;

/**
 * GROUPING(k) (1 when the row's grouping set leaves k out, else 0) and GROUPING_ID(k1, ..., kn) (those bits, k1
 * the most significant; GROUPING(k1, ..., kn) is the same, as in Flink) as arithmetic on the `$e` column named `idColumn`; undefined for other expressions. Their
 * arguments must be group keys.
 */
export function groupingFunction(ctx: PlannerContext, rel: RelPlan, e: SqlExpr, groupIndex: ReadonlyMap<string, number>, layout: GroupingLayout, idColumn: string | null): Expression | undefined {
  if (e.kind !== 'call' || (e.canonical !== 'GROUPING' && e.canonical !== 'GROUPING_ID') || e.over) return undefined;
  if (e.args.length === 0) fail(ctx.sql, e.pos, `${e.canonical}() needs at least one grouping key`);
  const bits = e.args.map((a): Expression => {
    const position = groupIndex.get(exprKey(ctx, rel, a));
    if (position === undefined) fail(ctx.sql, a.pos, `The argument of ${e.canonical}() must be a GROUP BY key`, ErrorCodes.PLAN_INVALID);
    const bit = layout.varying.indexOf(position);
    if (bit < 0 || idColumn === null) return { kind: 'literal', value: 0n, type: BIGINT };
    const shift = 2n ** BigInt(layout.varying.length - 1 - bit);
    const shifted: Expression = { kind: 'call', name: '/', args: [{ kind: 'column', name: idColumn }, { kind: 'literal', value: shift, type: BIGINT }] };
    return { kind: 'call', name: '%', args: [shifted, { kind: 'literal', value: 2n, type: BIGINT }] };
  });
  return bits.reduce((acc, bit) => ({
    kind: 'call', name: '+',
    args: [{ kind: 'call', name: '*', args: [acc, { kind: 'literal', value: 2n, type: BIGINT }] }, bit],
  }));
}
