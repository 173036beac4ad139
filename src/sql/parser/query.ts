import type { Cte, GroupingElement, NamedWindow, OrderByQuery, Query, SelectItem, SelectQuery, SqlExpr, ValuesQuery } from '../ast.ts';
import { isReserved } from '../tokens.ts';
import type { Cursor } from './cursor.ts';
import { parseExpr, parseExprList } from './expression.ts';
import { parseFrom } from './from.ts';
import { selectUidHint } from './hints.ts';
import { parseOrderItems, windowSpec } from './functions.ts';

/** True when a query (`SELECT`, `WITH`, `VALUES`) starts `ahead` tokens from the cursor. */
export function isQueryStart(p: Cursor, ahead = 0): boolean {
  return p.isWord(['SELECT', 'WITH', 'VALUES'], ahead);
}

/** True when a query starts after any number of `(` (a parenthesised query rather than an expression or join). */
export function isNestedQueryStart(p: Cursor): boolean {
  let k = 0;
  while (p.isSymbol('(', k)) k++;
  return isQueryStart(p, k);
}

const SET_LEVEL: Record<string, number> = { UNION: 1, EXCEPT: 1, MINUS: 1, INTERSECT: 2 };

/** A full query: `[WITH …] body [ORDER BY …] [LIMIT n] [OFFSET n] [FETCH FIRST n ROWS ONLY]`. */
export function parseQuery(p: Cursor): Query {
  const withTok = p.acceptWord('WITH');
  if (withTok) {
    const ctes: Cte[] = [];
    do ctes.push(cte(p)); while (p.acceptSymbol(','));
    return { kind: 'with', ctes, body: parseQuery(p), pos: withTok.pos };
  }
  return orderByTail(p, setExpression(p, 0));
}

function cte(p: Cursor): Cte {
  const name = p.identifier('a name for the WITH query');
  const columns = p.isSymbol('(') ? p.identifierList('column list of the WITH query') : undefined;
  p.expectWord('AS', `after the WITH query name '${name.name}'`);
  const open = p.expectSymbol('(', `to start the query of '${name.name}'`);
  const query = parseQuery(p);
  p.expectClose(open, `query of '${name.name}'`);
  return { kind: 'cte', name, ...(columns ? { columns } : {}), query, pos: name.pos };
}

/** Set operations, INTERSECT binding tighter than UNION / EXCEPT, all left-associative. */
function setExpression(p: Cursor, minLevel: number): Query {
  let left = queryPrimary(p);
  for (;;) {
    const t = p.peek();
    const level = t.kind === 'word' ? SET_LEVEL[t.upper] ?? 0 : 0;
    if (level <= minLevel) return left;
    p.next();
    const all = p.acceptWord('ALL') !== undefined;
    if (!all) p.acceptWord('DISTINCT');
    const right = setExpression(p, level);
    const op = t.upper === 'MINUS' ? 'EXCEPT' : (t.upper as 'UNION' | 'INTERSECT' | 'EXCEPT');
    left = { kind: 'setOperation', op, all, left, right, pos: left.pos };
  }
}

function queryPrimary(p: Cursor): Query {
  if (p.isWord('SELECT')) return select(p);
  if (p.isWord('VALUES')) return values(p);
  const open = p.acceptSymbol('(');
  if (open) {
    const q = parseQuery(p);
    p.expectClose(open, 'parenthesised query');
    return q;
  }
  return p.expected('SELECT, VALUES, WITH or a parenthesised query');
}

function orderByTail(p: Cursor, query: Query): Query {
  let orderBy: OrderByQuery['orderBy'] = [];
  let limit: SqlExpr | undefined;
  let offset: SqlExpr | undefined;
  if (p.acceptWord('ORDER')) {
    p.expectWord('BY', 'after ORDER');
    orderBy = parseOrderItems(p);
  }
  if (p.acceptWord('LIMIT')) limit = parseExpr(p);
  if (p.acceptWord('OFFSET')) {
    offset = parseExpr(p);
    if (!p.acceptWord('ROWS')) p.acceptWord('ROW');
  }
  if (p.acceptWord('FETCH')) {
    if (!p.acceptWord('FIRST')) p.expectWord('NEXT', 'after FETCH');
    limit = parseExpr(p);
    if (!p.acceptWord('ROWS')) p.expectWord('ROW', 'in FETCH FIRST n ROWS ONLY');
    p.expectWord('ONLY', 'in FETCH FIRST n ROWS ONLY');
  }
  if (orderBy.length === 0 && !limit && !offset) return query;
  return { kind: 'orderBy', query, orderBy, ...(limit ? { limit } : {}), ...(offset ? { offset } : {}), pos: query.pos };
}

/** `VALUES (…), (…)`; a bare `VALUES 1, 2` is one column. */
export function values(p: Cursor): ValuesQuery {
  const start = p.expectWord('VALUES');
  const rows: SqlExpr[][] = [];
  do {
    const open = p.acceptSymbol('(');
    if (!open) { rows.push([parseExpr(p)]); continue; }
    rows.push(parseExprList(p));
    p.expectClose(open, 'VALUES row');
  } while (p.acceptSymbol(','));
  return { kind: 'values', rows, pos: start.pos };
}

function select(p: Cursor): SelectQuery {
  const start = p.next();
  const uid = selectUidHint(p);
  const distinct = p.acceptWord('DISTINCT') !== undefined;
  if (!distinct) p.acceptWord('ALL');
  const items: SelectItem[] = [];
  do items.push(selectItem(p)); while (p.acceptSymbol(','));
  const t = p.peek();
  if (t.kind === 'number' || t.kind === 'string' || t.kind === 'quoted' || (t.kind === 'word' && !isReserved(t.upper))) {
    p.expected("',' or FROM after the select item", undefined, `Is a comma missing before '${t.value}'?`);
  }
  const from = p.acceptWord('FROM') ? parseFrom(p) : undefined;
  const where = p.acceptWord('WHERE') ? parseExpr(p) : undefined;
  let groupBy: GroupingElement[] | undefined;
  if (p.acceptWord('GROUP')) {
    p.expectWord('BY', 'after GROUP');
    groupBy = [];
    do groupBy.push(groupingElement(p)); while (p.acceptSymbol(','));
  }
  const having = p.acceptWord('HAVING') ? parseExpr(p) : undefined;
  let windows: NamedWindow[] | undefined;
  if (p.acceptWord('WINDOW')) {
    windows = [];
    do {
      const name = p.identifier('a window name');
      p.expectWord('AS', `after the window name '${name.name}'`);
      windows.push({ kind: 'namedWindow', name, spec: windowSpec(p), pos: name.pos });
    } while (p.acceptSymbol(','));
  }
  return {
    kind: 'select', distinct, items,
    ...(from ? { from } : {}), ...(where ? { where } : {}), ...(groupBy ? { groupBy } : {}),
    ...(having ? { having } : {}), ...(windows ? { windows } : {}), ...(uid !== undefined ? { uid } : {}), pos: start.pos,
  };
}

function selectItem(p: Cursor): SelectItem {
  const expr = parseExpr(p);
  if (p.acceptWord('AS')) return { kind: 'selectItem', expr, alias: p.identifier('an alias after AS'), pos: expr.pos };
  if (p.isIdentifier()) return { kind: 'selectItem', expr, alias: p.identifier(), pos: expr.pos };
  return { kind: 'selectItem', expr, pos: expr.pos };
}

/** An expression, `()`, `GROUPING SETS (…)`, `ROLLUP(…)` or `CUBE(…)`. */
function groupingElement(p: Cursor): GroupingElement {
  const pos = p.pos;
  if (p.isSymbol('(') && p.isSymbol(')', 1)) { p.next(); p.next(); return { kind: 'groupingSets', sets: [[]], pos }; }
  if (p.isWord(['ROLLUP', 'CUBE']) && p.isSymbol('(', 1)) {
    const kind = p.next().upper === 'ROLLUP' ? 'rollup' : 'cube';
    const open = p.next();
    const exprs = parseExprList(p);
    p.expectClose(open, kind.toUpperCase());
    return { kind, exprs, pos };
  }
  if (p.acceptPhrase('GROUPING SETS')) {
    const open = p.expectSymbol('(', 'after GROUPING SETS');
    const sets: SqlExpr[][] = [];
    do {
      const inner = p.acceptSymbol('(');
      if (!inner) { sets.push([parseExpr(p)]); continue; }
      sets.push(p.isSymbol(')') ? [] : parseExprList(p));
      p.expectClose(inner, 'grouping set');
    } while (p.acceptSymbol(','));
    p.expectClose(open, 'GROUPING SETS list');
    return { kind: 'groupingSets', sets, pos };
  }
  return parseExpr(p);
}
