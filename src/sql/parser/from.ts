import type { FromItem, Ident, JoinRef, SqlExpr, SubqueryRef, TableAlias, TableRef, WindowTvfKind, WindowTvfRef } from '../ast.ts';
import type { Token } from '../tokens.ts';
import type { Cursor } from './cursor.ts';
import { parseExpr, parseExprList } from './expression.ts';
import { functionCall } from './functions.ts';
import { isNestedQueryStart, parseQuery } from './query.ts';

const WINDOW_TVFS = new Set<string>(['TUMBLE', 'HOP', 'CUMULATE', 'SESSION']);

/** A FROM clause: join chains separated by commas (a comma join binds looser than JOIN, as in SQL). */
export function parseFrom(p: Cursor): FromItem {
  let left = joinChain(p);
  while (p.acceptSymbol(',')) {
    const right = joinChain(p);
    left = { kind: 'join', type: 'CROSS', comma: true, left, right, pos: left.pos };
  }
  return left;
}

function joinType(p: Cursor): JoinRef['type'] | undefined {
  if (p.acceptWord('JOIN')) return 'INNER';
  for (const type of ['INNER', 'CROSS', 'LEFT', 'RIGHT', 'FULL'] as const) {
    if (!p.isWord(type)) continue;
    const outer = type !== 'INNER' && type !== 'CROSS' && p.isWord('OUTER', 1);
    p.next();
    if (outer) p.next();
    p.expectWord('JOIN', `after ${type}${outer ? ' OUTER' : ''}`);
    return type;
  }
  return undefined;
}

function joinChain(p: Cursor): FromItem {
  let left = fromPrimary(p);
  for (;;) {
    const joinTok = p.peek();
    const type = joinType(p);
    if (!type) return left;
    const right = fromPrimary(p);
    let on: SqlExpr | undefined;
    let using: Ident[] | undefined;
    if (type !== 'CROSS') {
      if (p.acceptWord('ON')) on = parseExpr(p);
      else if (p.acceptWord('USING')) using = p.identifierList('USING column list');
      else {
        p.expected('ON or USING', `after the table joined at line ${joinTok.pos.line}, column ${joinTok.pos.column}`,
          right.kind === 'lateralTable' ? 'A join with a lateral table function needs ON TRUE.' : `Use CROSS JOIN for a join without a condition.`);
      }
    }
    left = { kind: 'join', type, comma: false, left, right, ...(on ? { on } : {}), ...(using ? { using } : {}), pos: left.pos };
  }
}

function fromPrimary(p: Cursor): FromItem {
  const t = p.peek();
  if (p.isWord('LATERAL')) {
    p.next();
    if (p.isWord('TABLE')) return tableFunction(p, t, true);
    const sub = parenthesizedQuery(p, t, true);
    return sub;
  }
  if (p.isWord('TABLE') && p.isSymbol('(', 1)) return tableFunction(p, t, false);
  if (p.isWord('UNNEST') && p.isSymbol('(', 1)) {
    p.next();
    const call = functionCall(p, t.value, 'UNNEST', t.pos);
    return { kind: 'lateralTable', call, lateral: false, ...optionalAlias(p), pos: t.pos };
  }
  if (p.isSymbol('(')) {
    if (isNestedQueryStart(p)) return parenthesizedQuery(p, t, false);
    const open = p.next();
    const inner = parseFrom(p);
    p.expectClose(open, 'parenthesised join');
    return inner;
  }
  const name = p.objectName('a table name');
  let forSystemTimeAsOf: SqlExpr | undefined;
  if (p.acceptWord('FOR')) {
    p.expectPhrase('SYSTEM_TIME AS OF', 'in FOR SYSTEM_TIME AS OF');
    forSystemTimeAsOf = parseExpr(p);
  }
  return { kind: 'tableRef', name, ...(forSystemTimeAsOf ? { forSystemTimeAsOf } : {}), ...optionalAlias(p), pos: name.pos };
}

function parenthesizedQuery(p: Cursor, start: Token, lateral: boolean): FromItem {
  const open = p.expectSymbol('(', 'to start the subquery');
  const query = parseQuery(p);
  p.expectClose(open, 'subquery');
  const alias = optionalAlias(p);
  if (query.kind === 'values' && !lateral) return { kind: 'valuesRef', values: query, ...alias, pos: start.pos };
  return { kind: 'subqueryRef', query, lateral, ...alias, pos: start.pos };
}

/** `[AS] name [(col, …)]`, returned as a spreadable `{ alias }` (empty when absent). */
function optionalAlias(p: Cursor): { alias?: TableAlias } {
  const as = p.acceptWord('AS');
  if (!as && !p.isIdentifier()) return {};
  const name = p.identifier('an alias');
  const columns = p.isSymbol('(') ? p.identifierList('alias column list') : undefined;
  return { alias: { name, ...(columns ? { columns } : {}) } };
}

/** `TABLE(f(…))` (after an optional LATERAL), a window TVF when f is TUMBLE, HOP, CUMULATE or SESSION. */
function tableFunction(p: Cursor, start: Token, lateral: boolean): FromItem {
  p.expectWord('TABLE');
  const open = p.expectSymbol('(', 'after TABLE', 'Table functions are written TABLE(f(args)).');
  const fn = p.peek();
  let item: FromItem;
  if (fn.kind === 'word' && WINDOW_TVFS.has(fn.upper) && p.isSymbol('(', 1)) {
    item = windowTvf(p, fn, start);
  } else {
    const name = p.objectName('a table function name');
    if (!p.isSymbol('(')) p.expected(`'(' after the table function name`);
    const call = functionCall(p, name.parts.join('.'), name.parts.join('.').toUpperCase(), name.pos);
    item = { kind: 'lateralTable', call, lateral, pos: start.pos };
  }
  p.expectClose(open, 'TABLE(...)');
  const alias = optionalAlias(p);
  return { ...item, ...alias } as FromItem;
}

type TvfArg = { kind: 'table'; table: TableRef | SubqueryRef; partitionBy: SqlExpr[] } | { kind: 'descriptor'; col: Ident } | { kind: 'expr'; expr: SqlExpr };

const PARAMS: Record<WindowTvfKind, readonly string[]> = {
  TUMBLE: ['DATA', 'TIMECOL', 'SIZE', 'OFFSET'],
  HOP: ['DATA', 'TIMECOL', 'SLIDE', 'SIZE', 'OFFSET'],
  CUMULATE: ['DATA', 'TIMECOL', 'STEP', 'SIZE', 'OFFSET'],
  SESSION: ['DATA', 'TIMECOL', 'GAP'],
};

/** `TUMBLE(TABLE t, DESCRIPTOR(ts), size)` and its HOP / CUMULATE / SESSION siblings, positional or named. */
function windowTvf(p: Cursor, fn: Token, start: Token): WindowTvfRef {
  const kind = fn.upper as WindowTvfKind;
  const params = PARAMS[kind];
  p.next();
  const open = p.next();
  const args = new Map<string, TvfArg>();
  let position = 0;
  do {
    const argTok = p.peek();
    let param: string;
    if (p.isSymbol('=>', 1) && p.peek().kind === 'word') {
      param = p.next().upper;
      p.next();
      if (!params.includes(param)) p.fail(`${kind} has no parameter ${argTok.value}`, argTok, `Its parameters are ${params.join(', ')}.`);
    } else {
      if (position >= params.length) p.fail(`Too many arguments for ${kind}`, argTok, `${kind} takes ${params.join(', ')}.`);
      param = params[position++];
    }
    if (args.has(param)) p.fail(`${kind} parameter ${param} is given twice`, argTok);
    args.set(param, tvfArg(p, kind, param));
  } while (p.acceptSymbol(','));
  p.expectClose(open, `${kind} argument list`);
  const data = args.get('DATA');
  const timeCol = args.get('TIMECOL');
  const required = params.filter((x) => x !== 'OFFSET' && !args.has(x));
  if (required.length > 0) p.fail(`${kind} is missing ${required.join(', ')}`, fn, `Write ${usage(kind)}.`);
  const expr = (name: string): { [k: string]: SqlExpr } => {
    const a = args.get(name);
    return a && a.kind === 'expr' ? { [name.toLowerCase()]: a.expr } : {};
  };
  return {
    kind: 'windowTvf', fn: kind,
    table: (data as Extract<TvfArg, { kind: 'table' }>).table,
    partitionBy: (data as Extract<TvfArg, { kind: 'table' }>).partitionBy,
    timeCol: (timeCol as Extract<TvfArg, { kind: 'descriptor' }>).col,
    ...expr('SLIDE'), ...expr('STEP'), ...expr('SIZE'), ...expr('GAP'), ...expr('OFFSET'),
    pos: start.pos,
  };
}

function usage(kind: WindowTvfKind): string {
  const rest: Record<WindowTvfKind, string> = {
    TUMBLE: 'size', HOP: 'slide, size', CUMULATE: 'step, max_size', SESSION: 'gap',
  };
  return `${kind}(TABLE t${kind === 'SESSION' ? ' [PARTITION BY key]' : ''}, DESCRIPTOR(time_col), ${rest[kind]})`;
}

function tvfArg(p: Cursor, kind: WindowTvfKind, param: string): TvfArg {
  const t = p.peek();
  if (param === 'DATA') {
    if (!p.acceptWord('TABLE')) p.expected(`TABLE <name> as the data argument of ${kind}`, undefined, `Write ${usage(kind)}.`);
    let table: TableRef | SubqueryRef;
    if (p.isSymbol('(')) {
      const open = p.next();
      const query = parseQuery(p);
      p.expectClose(open, 'subquery');
      table = { kind: 'subqueryRef', query, lateral: false, pos: open.pos };
    } else {
      const name = p.objectName('a table name');
      table = { kind: 'tableRef', name, pos: name.pos };
    }
    let partitionBy: SqlExpr[] = [];
    if (p.acceptWord('PARTITION')) {
      p.expectWord('BY', 'after PARTITION');
      const paren = p.acceptSymbol('(');
      partitionBy = paren ? parseExprList(p) : [parseExpr(p)];
      if (paren) p.expectClose(paren, 'PARTITION BY list');
    }
    if (partitionBy.length > 0 && kind !== 'SESSION') p.fail(`${kind} does not take PARTITION BY`, t, 'Only SESSION windows are partitioned.');
    return { kind: 'table', table, partitionBy };
  }
  if (param === 'TIMECOL') {
    if (!p.isWord('DESCRIPTOR')) p.expected(`DESCRIPTOR(time_col) as the time column argument of ${kind}`, undefined, `Write ${usage(kind)}.`);
    p.next();
    const open = p.expectSymbol('(', 'after DESCRIPTOR');
    const col = p.identifier('a time attribute column');
    p.expectClose(open, 'DESCRIPTOR');
    return { kind: 'descriptor', col };
  }
  if (p.isWord(['TABLE', 'DESCRIPTOR'])) p.fail(`Unexpected ${t.upper} for the ${param} argument of ${kind}`, t, `Write ${usage(kind)}.`);
  return { kind: 'expr', expr: parseExpr(p) };
}
