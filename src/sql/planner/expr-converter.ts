import { isAggregateFunction } from '../../aggregate/aggregate-functions.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import type { Expression } from '../../expr/expression.ts';
import { DataTypes, withNullable } from '../../types/data-type.ts';
import type { CallExpr, IntervalExpr, SqlExpr } from '../ast.ts';
import type { SourcePos } from '../tokens.ts';
import { fail, unsupported } from './errors.ts';

/** How names and special nodes map onto the relation an expression is evaluated over. */
export interface ConvertHooks {
  /** A column reference `a` / `t.a` / `t.a.f` → a column Expression of the working schema. */
  column(names: readonly string[], pos: SourcePos): Expression;
  /** Tried first on every node: a replacement (a group key or aggregate after GROUP BY), or undefined. */
  replace?(e: SqlExpr): Expression | undefined;
  /** The clause an aggregate call is not allowed in (`WHERE`), for the error message. */
  noAggregatesIn?: string;
}

/** Window functions that only make sense with OVER. */
const WINDOW_ONLY = new Set(['ROW_NUMBER', 'RANK', 'DENSE_RANK', 'PERCENT_RANK', 'CUME_DIST', 'NTILE', 'LEAD', 'LAG']);

/**
 * Converts a SQL expression to the Table API's {@link Expression}, so SQL shares the resolver, the type system and
 * the function library with the Table API. Operators already carry canonical names; special forms map onto
 * built-ins (`ts - INTERVAL '5' SECOND` → TIMESTAMPADD, because Weir has no INTERVAL type).
 */
export function convertExpr(sql: string, e: SqlExpr, hooks: ConvertHooks): Expression {
  const replaced = hooks.replace?.(e);
  if (replaced) return replaced;
  const go = (x: SqlExpr): Expression => convertExpr(sql, x, hooks);
  switch (e.kind) {
    case 'identifier': return hooks.column(e.names, e.pos);
    // A non-NULL literal is NOT NULL, as in Flink (the parser types literals nullable).
    case 'literal': return { kind: 'literal', value: e.value, type: e.value === null ? e.type : withNullable(e.type, false) };
    case 'interval':
      return fail(sql, e.pos, 'An INTERVAL can only be added to or subtracted from a DATE or TIMESTAMP here', ErrorCodes.NOT_SUPPORTED,
        "Write e.g. ts - INTERVAL '5' SECOND, or use TIMESTAMPADD(unit, n, ts).");
    case 'operator': return convertOperator(sql, e.op, e.args, e.pos, go);
    case 'call': return convertCall(sql, e, hooks, go);
    case 'case': {
      const args = e.whens.flatMap((w) => [go(w.when), go(w.then)]);
      return { kind: 'call', name: 'CASE', args: e.else ? [...args, go(e.else)] : args };
    }
    case 'cast': return { kind: 'cast', expr: go(e.expr), type: e.type, tryCast: e.tryCast };
    case 'star':
      return fail(sql, e.pos, '* is only allowed in a SELECT list or as COUNT(*)');
    case 'subquery': case 'exists': case 'inSubquery':
      return unsupported(sql, e.pos, 'A subquery used as an expression', 'Rewrite it as a JOIN.');
  }
}

function convertOperator(sql: string, op: string, args: readonly SqlExpr[], pos: SourcePos, go: (x: SqlExpr) => Expression): Expression {
  if ((op === '+' || op === '-') && args.length === 2) {
    const [a, b] = args;
    if (b.kind === 'interval') return addInterval(go(a), b, op === '-' ? -1 : 1);
    if (a.kind === 'interval' && op === '+') return addInterval(go(b), a, 1);
  }
  if (op === 'BETWEEN SYMMETRIC' || op === 'NOT BETWEEN SYMMETRIC') {
    const [x, lo, hi] = args.map(go);
    const either: Expression = {
      kind: 'call', name: 'OR', args: [
        { kind: 'call', name: 'BETWEEN', args: [x, lo, hi] },
        { kind: 'call', name: 'BETWEEN', args: [x, hi, lo] },
      ],
    };
    return op === 'BETWEEN SYMMETRIC' ? either : { kind: 'call', name: 'NOT', args: [either] };
  }
  void pos;
  return { kind: 'call', name: op, args: args.map(go) };
}

function convertCall(sql: string, e: CallExpr, hooks: ConvertHooks, go: (x: SqlExpr) => Expression): Expression {
  const name = e.canonical;
  if (e.over) {
    return unsupported(sql, e.pos, `${name}() OVER (…) here`,
      'Weir plans ROW_NUMBER() OVER (PARTITION BY … ORDER BY …) in a subquery filtered by rn <= N in the outer query (Top-N).');
  }
  if (WINDOW_ONLY.has(name)) fail(sql, e.pos, `${name}() needs an OVER clause`);
  if (isAggregateFunction(name)) {
    if (hooks.noAggregatesIn === 'WHERE') {
      fail(sql, e.pos, `Aggregate function ${name}() is not allowed in WHERE`, ErrorCodes.PLAN_INVALID, 'Filter on aggregates with HAVING after GROUP BY.');
    }
    fail(sql, e.pos, `Aggregate function ${name}() is not allowed in ${hooks.noAggregatesIn ?? 'this context'}`, ErrorCodes.PLAN_INVALID,
      hooks.noAggregatesIn === 'GROUP BY' ? 'Group by columns or scalar expressions.' : undefined);
  }
  if (e.distinct) fail(sql, e.pos, `DISTINCT is only allowed in aggregate function calls, not in ${name}()`);
  if (e.filter) fail(sql, e.filter.pos, `FILTER (WHERE …) is only allowed on aggregate function calls, not on ${name}()`);
  for (const a of e.args) if (a.kind === 'star') fail(sql, a.pos, `${name}(*) is not valid; only COUNT(*) takes *`);
  // The name as written, so messages and UDF lookups (case-insensitive) see the user's spelling; special forms
  // (FLOOR(x TO HOUR) → FLOOR_TIME) keep their canonical name.
  return { kind: 'call', name: name === e.name.toUpperCase() ? e.name : name, args: e.args.map(go) };
}

/** `x ± INTERVAL …` as TIMESTAMPADD: milliseconds for day-time intervals, months for year-month ones. */
function addInterval(x: Expression, interval: IntervalExpr, sign: 1 | -1): Expression {
  const unit = interval.family === 'YEAR_MONTH' ? 'MONTH' : 'MILLISECOND';
  const n = sign * interval.value;
  return {
    kind: 'call', name: 'TIMESTAMPADD',
    args: [{ kind: 'literal', value: unit, type: DataTypes.STRING() }, { kind: 'literal', value: BigInt(n), type: DataTypes.BIGINT() }, x],
  };
}

/** Row field access `(expr).f.g`. */
export function field(base: Expression, names: readonly string[]): Expression {
  return names.reduce<Expression>((acc, n) => ({ kind: 'call', name: 'FIELD', args: [acc, { kind: 'literal', value: n, type: DataTypes.STRING() }] }), base);
}

/** Direct sub-expressions of `e`, for locating the innermost node an error comes from. */
export function childExprs(e: SqlExpr): SqlExpr[] {
  switch (e.kind) {
    case 'operator': return [...e.args];
    case 'call': return [...e.args, ...(e.filter ? [e.filter] : [])];
    case 'case': return [...e.whens.flatMap((w) => [w.when, w.then]), ...(e.else ? [e.else] : [])];
    case 'cast': return [e.expr];
    case 'inSubquery': return [e.expr];
    default: return [];
  }
}
