/**
 * The AST of Weir's Flink-dialect SQL. Plain immutable data; every node has a `kind` (unique across all node
 * categories, so {@link SqlNode} is one discriminated union) and the `pos` of its first token.
 *
 * Conventions the planner can rely on:
 * - Names keep their case as written (Flink identifiers are case-sensitive); back-quotes are removed.
 * - Identifier paths (`a.b.c`) stay unresolved: table alias vs column vs row field is the planner's call.
 * - Built-in operators use the canonical upper-case names of src/expr/functions/names.ts (`+`, `=`, `AND`,
 *   `IS NULL`, `NOT IN`, `CONCAT` for `||`, `ITEM` for `a[i]`, `FIELD` for `(expr).f`, `NEGATE` for unary minus),
 *   so an {@link OperatorExpr} maps one to one onto an Expression `call`.
 * - Special-syntax functions become ordinary {@link CallExpr}s with canonical arguments:
 *   `EXTRACT(YEAR FROM x)` → EXTRACT('YEAR', x); `FLOOR(x TO HOUR)` → FLOOR_TIME('HOUR', x) (CEIL_TIME likewise);
 *   `POSITION(a IN b)` → POSITION(a, b); `SUBSTRING(s FROM a FOR b)` → SUBSTRING(s, a, b);
 *   `TRIM([BOTH] c FROM s)` → TRIM(s, c), LEADING → LTRIM(s, c), TRAILING → RTRIM(s, c) (no c when omitted);
 *   `TIMESTAMPADD(MINUTE, n, t)` → TIMESTAMPADD('MINUTE', n, t), TIMESTAMPDIFF likewise; unit names are string
 *   literals, upper-case, singular.
 */
import type { DataType } from '../types/data-type.ts';
import type { SourcePos } from './tokens.ts';

export type { SourcePos } from './tokens.ts';

/** A single name with where it was written. */
export interface Ident {
  readonly name: string;
  readonly pos: SourcePos;
}

/** A possibly qualified object name: `t`, `db.t`, `cat.db.t`. */
export interface ObjectName {
  readonly parts: readonly string[];
  readonly pos: SourcePos;
}

// ---------------------------------------------------------------------------------------------------------------
// Expressions

/** A scalar SQL expression. */
export type SqlExpr =
  | IdentifierExpr | LiteralExpr | IntervalExpr | OperatorExpr | CallExpr | CaseExpr | CastExpr | StarExpr
  | ScalarSubqueryExpr | ExistsExpr | InSubqueryExpr;

/** `a`, `t.a`, `r.f.g`: an unresolved dotted name. */
export interface IdentifierExpr { readonly kind: 'identifier'; readonly names: readonly string[]; readonly pos: SourcePos }

/**
 * A typed literal. Values follow docs/values.md input forms: BOOLEAN boolean; INT number; BIGINT bigint (integers
 * outside the INT range); DECIMAL(p, s) exact string (`1.50`); DOUBLE number (`1e3`); STRING string;
 * DATE / TIME / TIMESTAMP(p) the quoted text (`'2024-01-01'`), validated; NULL null with type NULL.
 * `text` is the number as written (sign folded in) for numeric literals, so printing keeps the exact form.
 */
export interface LiteralExpr {
  readonly kind: 'literal';
  readonly value: string | number | bigint | boolean | null;
  readonly type: DataType;
  readonly text?: string;
  readonly pos: SourcePos;
}

/** Interval fields, singular; `to` is set for ranges such as MINUTE TO SECOND. */
export type TimeUnit = 'YEAR' | 'QUARTER' | 'MONTH' | 'WEEK' | 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND' | 'MILLISECOND' | 'MICROSECOND' | 'NANOSECOND';

/**
 * `INTERVAL '5' SECOND`, `INTERVAL '1:30' MINUTE TO SECOND`, `INTERVAL '1-6' YEAR TO MONTH`. A dedicated node
 * because Weir has no interval DataType: `value` is milliseconds for the DAY_TIME family (DAY … SECOND) and
 * months for the YEAR_MONTH family (YEAR, MONTH), as Flink's INTERVAL_DAY_TIME / INTERVAL_YEAR_MONTH.
 */
export interface IntervalExpr {
  readonly kind: 'interval';
  /** The quoted text as written (`'1:30'`), including any sign. */
  readonly text: string;
  readonly from: TimeUnit;
  readonly to?: TimeUnit;
  readonly family: 'DAY_TIME' | 'YEAR_MONTH';
  readonly value: number;
  readonly pos: SourcePos;
}

/**
 * A built-in operator applied to `args`, `op` being the canonical name (see the module comment). Beyond the
 * names list: `BETWEEN SYMMETRIC` / `NOT BETWEEN SYMMETRIC`. `x IS UNKNOWN` is `IS NULL` (same meaning for
 * BOOLEAN); `x NOT SIMILAR TO p` is `NOT(SIMILAR TO(x, p))`. LIKE / SIMILAR TO take an optional third ESCAPE arg.
 */
export interface OperatorExpr { readonly kind: 'operator'; readonly op: string; readonly args: readonly SqlExpr[]; readonly pos: SourcePos }

/**
 * A function call: built-in, aggregate, window or user-defined; the planner resolves `canonical`.
 * Constructors are calls too: `ARRAY[1, 2]`, `MAP['a', 1]`, `ROW(1, 'a')` and a parenthesised list `(1, 'a')`
 * (canonical ARRAY, MAP, ROW). Niladic `CURRENT_TIMESTAMP` has no args.
 */
export interface CallExpr {
  readonly kind: 'call';
  /** As written, dotted when qualified (`db.fn`). */
  readonly name: string;
  /** Upper-case name, or the canonical name of a special form (FLOOR_TIME for `FLOOR(x TO HOUR)`). */
  readonly canonical: string;
  /** `COUNT(*)` has one {@link StarExpr} argument. */
  readonly args: readonly SqlExpr[];
  /** `COUNT(DISTINCT x)`. */
  readonly distinct: boolean;
  /** `agg(x) FILTER (WHERE cond)`. */
  readonly filter?: SqlExpr;
  /** `f(x) OVER (…)` or `OVER w`. */
  readonly over?: WindowSpec;
  readonly pos: SourcePos;
}

/** Searched CASE; a simple `CASE x WHEN v …` is rewritten to `WHEN x = v …`. */
export interface CaseExpr {
  readonly kind: 'case';
  readonly whens: readonly { readonly when: SqlExpr; readonly then: SqlExpr }[];
  readonly else?: SqlExpr;
  readonly pos: SourcePos;
}

export interface CastExpr { readonly kind: 'cast'; readonly expr: SqlExpr; readonly type: DataType; readonly tryCast: boolean; readonly pos: SourcePos }

/** `*` or `t.*` (qualifier non-empty), in a select list or as `COUNT(*)`. */
export interface StarExpr { readonly kind: 'star'; readonly qualifier: readonly string[]; readonly pos: SourcePos }

/** `(SELECT …)` used as a value. Parsed, not planned by Weir yet. */
export interface ScalarSubqueryExpr { readonly kind: 'subquery'; readonly query: Query; readonly pos: SourcePos }

/** `EXISTS (SELECT …)`. */
export interface ExistsExpr { readonly kind: 'exists'; readonly query: Query; readonly pos: SourcePos }

/** `x [NOT] IN (SELECT …)`. */
export interface InSubqueryExpr { readonly kind: 'inSubquery'; readonly expr: SqlExpr; readonly query: Query; readonly negated: boolean; readonly pos: SourcePos }

/** One ORDER BY key. `nulls` is only set when written. */
export interface OrderItem {
  readonly kind: 'orderItem';
  readonly expr: SqlExpr;
  readonly descending: boolean;
  readonly nulls?: 'FIRST' | 'LAST';
  readonly pos: SourcePos;
}

/** A frame bound; `offset` is a row count or an interval for `n PRECEDING` / `n FOLLOWING`. */
export type FrameBound =
  | { readonly kind: 'UNBOUNDED PRECEDING' | 'CURRENT ROW' | 'UNBOUNDED FOLLOWING' }
  | { readonly kind: 'PRECEDING' | 'FOLLOWING'; readonly offset: SqlExpr };

/**
 * An OVER window. `ref` names a WINDOW-clause window (`OVER w`, or `OVER (w ORDER BY …)` extending it).
 * A frame written without BETWEEN (`ROWS 5 PRECEDING`) is stored with `end` CURRENT ROW, its meaning.
 */
export interface WindowSpec {
  readonly kind: 'windowSpec';
  readonly ref?: string;
  readonly partitionBy: readonly SqlExpr[];
  readonly orderBy: readonly OrderItem[];
  readonly frame?: { readonly unit: 'ROWS' | 'RANGE'; readonly start: FrameBound; readonly end: FrameBound };
  readonly pos: SourcePos;
}

export * from './ast-query.ts';
export * from './ast-statement.ts';
import type { Query } from './ast-query.ts';
import type { FromItem, SelectItem, Cte, NamedWindow, GroupingSets, RollupCube } from './ast-query.ts';
import type { Statement, ColumnDef } from './ast-statement.ts';

/** Any AST node: statements, queries, FROM items, expressions and their parts. */
export type SqlNode = Statement | Query | FromItem | SqlExpr | SelectItem | OrderItem | WindowSpec | Cte | NamedWindow
  | GroupingSets | RollupCube | ColumnDef;
