/** Query and FROM-clause nodes of the SQL AST (see ast.ts for the conventions). */
import type { Ident, ObjectName, OrderItem, SqlExpr, SourcePos, WindowSpec } from './ast.ts';

/**
 * A query. ORDER BY / LIMIT / OFFSET wrap whatever they apply to in an {@link OrderByQuery}, and WITH wraps its
 * body in a {@link WithQuery}, so `SELECT … UNION SELECT … ORDER BY x` orders the union, as in SQL.
 */
export type Query = SelectQuery | SetOperationQuery | ValuesQuery | WithQuery | OrderByQuery;

/** One item of a select list; `expr` may be a {@link StarExpr}. */
export interface SelectItem { readonly kind: 'selectItem'; readonly expr: SqlExpr; readonly alias?: Ident; readonly pos: SourcePos }

/** `GROUPING SETS ((a, b), (a), ())`; each set a list of expressions, `()` the empty set. */
export interface GroupingSets { readonly kind: 'groupingSets'; readonly sets: readonly (readonly SqlExpr[])[]; readonly pos: SourcePos }
/** `ROLLUP(a, b)` or `CUBE(a, b)`. */
export interface RollupCube { readonly kind: 'rollup' | 'cube'; readonly exprs: readonly SqlExpr[]; readonly pos: SourcePos }
/** A GROUP BY element; `GROUP BY ()` is `GROUPING SETS (())`. */
export type GroupingElement = SqlExpr | GroupingSets | RollupCube;

/** `WINDOW w AS (PARTITION BY …)` in a SELECT. */
export interface NamedWindow { readonly kind: 'namedWindow'; readonly name: Ident; readonly spec: WindowSpec; readonly pos: SourcePos }

export interface SelectQuery {
  readonly kind: 'select';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly from?: FromItem;
  readonly where?: SqlExpr;
  readonly groupBy?: readonly GroupingElement[];
  readonly having?: SqlExpr;
  readonly windows?: readonly NamedWindow[];
  /** `SELECT /*+ UID('name') *\/`: the uid of the operator this SELECT produces (see src/sql/parser/hints.ts). */
  readonly uid?: string;
  readonly pos: SourcePos;
}

/** `left UNION [ALL] right`, INTERSECT, EXCEPT; INTERSECT binds tighter than UNION and EXCEPT. */
export interface SetOperationQuery {
  readonly kind: 'setOperation';
  readonly op: 'UNION' | 'INTERSECT' | 'EXCEPT';
  readonly all: boolean;
  readonly left: Query;
  readonly right: Query;
  readonly pos: SourcePos;
}

/** `VALUES (1, 'a'), (2, 'b')`. */
export interface ValuesQuery { readonly kind: 'values'; readonly rows: readonly (readonly SqlExpr[])[]; readonly pos: SourcePos }

/** One `name [(cols)] AS (query)` of a WITH. */
export interface Cte { readonly kind: 'cte'; readonly name: Ident; readonly columns?: readonly Ident[]; readonly query: Query; readonly pos: SourcePos }

export interface WithQuery { readonly kind: 'with'; readonly ctes: readonly Cte[]; readonly body: Query; readonly pos: SourcePos }

/** ORDER BY / LIMIT / OFFSET on `query`. `FETCH FIRST n ROWS ONLY` is stored as `limit`. */
export interface OrderByQuery {
  readonly kind: 'orderBy';
  readonly query: Query;
  readonly orderBy: readonly OrderItem[];
  readonly limit?: SqlExpr;
  readonly offset?: SqlExpr;
  readonly pos: SourcePos;
}

// ---------------------------------------------------------------------------------------------------------------
// FROM items

export type FromItem = TableRef | SubqueryRef | ValuesRef | JoinRef | LateralTableRef | WindowTvfRef;

/** `AS t(a, b)`; `columns` renames the item's columns. */
export interface TableAlias { readonly name: Ident; readonly columns?: readonly Ident[] }

/** A catalog table or view, or a CTE name. `forSystemTimeAsOf` is a temporal-join version time. */
export interface TableRef {
  readonly kind: 'tableRef';
  readonly name: ObjectName;
  readonly forSystemTimeAsOf?: SqlExpr;
  readonly alias?: TableAlias;
  readonly pos: SourcePos;
}

/** `(query) [AS] t`; `lateral` for `LATERAL (query)`. */
export interface SubqueryRef { readonly kind: 'subqueryRef'; readonly query: Query; readonly lateral: boolean; readonly alias?: TableAlias; readonly pos: SourcePos }

/** `(VALUES …) AS t(a, b)`, split out of SubqueryRef for the planner's convenience. */
export interface ValuesRef { readonly kind: 'valuesRef'; readonly values: ValuesQuery; readonly alias?: TableAlias; readonly pos: SourcePos }

/**
 * A join. CROSS covers both `CROSS JOIN` and the comma join (`comma` true); `on` / `using` are absent for CROSS.
 * A lateral table function on the right side is a {@link LateralTableRef}.
 */
export interface JoinRef {
  readonly kind: 'join';
  readonly type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS';
  readonly comma: boolean;
  readonly left: FromItem;
  readonly right: FromItem;
  readonly on?: SqlExpr;
  readonly using?: readonly Ident[];
  readonly pos: SourcePos;
}

/**
 * A table function: `LATERAL TABLE(f(x)) AS t(a, b)` (`lateral` true) or `TABLE(f(x))` in FROM. `call` is the
 * function call; window table functions are {@link WindowTvfRef} instead.
 */
export interface LateralTableRef { readonly kind: 'lateralTable'; readonly call: SqlExpr; readonly lateral: boolean; readonly alias?: TableAlias; readonly pos: SourcePos }

/** The window table functions Flink defines. */
export type WindowTvfKind = 'TUMBLE' | 'HOP' | 'CUMULATE' | 'SESSION';

/**
 * `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset]))`, positional or with named arguments (`DATA =>`,
 * `TIMECOL =>`, `SIZE =>`, `SLIDE =>`, `STEP =>`, `GAP =>`, `OFFSET =>`). Fields per kind:
 * TUMBLE size, offset?; HOP slide, size, offset?; CUMULATE step, size (the max size), offset?;
 * SESSION gap and `partitionBy` (`TABLE t PARTITION BY k`).
 */
export interface WindowTvfRef {
  readonly kind: 'windowTvf';
  readonly fn: WindowTvfKind;
  /** The input: a table name or a parenthesised query. */
  readonly table: TableRef | SubqueryRef;
  readonly partitionBy: readonly SqlExpr[];
  /** The time attribute named by DESCRIPTOR(...). */
  readonly timeCol: Ident;
  readonly size?: SqlExpr;
  readonly slide?: SqlExpr;
  readonly step?: SqlExpr;
  readonly gap?: SqlExpr;
  readonly offset?: SqlExpr;
  readonly alias?: TableAlias;
  readonly pos: SourcePos;
}
