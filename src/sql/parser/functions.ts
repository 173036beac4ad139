import type { CallExpr, FrameBound, OrderItem, SqlExpr, SourcePos, WindowSpec } from '../ast.ts';
import type { Token } from '../tokens.ts';
import type { Cursor } from './cursor.ts';
import { Prec, parseExpr, parseExprList } from './expression.ts';
import { stringLiteral, timeUnit } from './literals.ts';

const SPECIAL = new Set(['EXTRACT', 'POSITION', 'TRIM', 'SUBSTRING', 'FLOOR', 'CEIL', 'CEILING', 'TIMESTAMPADD', 'TIMESTAMPDIFF']);
const TIMESTAMPADD_UNITS = ['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND'];

/** True for functions with keyword-separated arguments (`EXTRACT(YEAR FROM ts)`). */
export const isSpecialForm = (upper: string): boolean => SPECIAL.has(upper);

const call = (name: string, canonical: string, args: SqlExpr[], pos: SourcePos): CallExpr =>
  ({ kind: 'call', name, canonical, args, distinct: false, pos });

/**
 * Parses a call of `name` (cursor on the `(` after it) that may use SQL-standard special syntax; a call that
 * turns out to use the plain comma form (`FLOOR(x)`, `SUBSTRING(s, 1, 2)`) is returned as an ordinary call.
 */
export function specialForm(p: Cursor, name: Token): CallExpr {
  const pos = name.pos;
  switch (name.upper) {
    case 'EXTRACT': {
      const open = p.next();
      const unitPos = p.pos;
      const unit = timeUnit(p, 'a time unit (YEAR, MONTH, DAY, HOUR, …) in EXTRACT');
      p.expectWord('FROM', 'in EXTRACT', 'Write EXTRACT(unit FROM value).');
      const value = parseExpr(p);
      p.expectClose(open, 'EXTRACT call');
      return call(name.value, 'EXTRACT', [stringLiteral(unit, unitPos), value], pos);
    }
    case 'TIMESTAMPADD': case 'TIMESTAMPDIFF': {
      const open = p.next();
      const unitPos = p.pos;
      const unit = timeUnit(p, `a time unit as the first argument of ${name.upper}`, TIMESTAMPADD_UNITS);
      const args: SqlExpr[] = [stringLiteral(unit, unitPos)];
      for (let k = 0; k < 2; k++) { p.expectSymbol(',', `in ${name.upper}(unit, …, …)`); args.push(parseExpr(p)); }
      p.expectClose(open, `${name.upper} call`);
      return call(name.value, name.upper, args, pos);
    }
    case 'TRIM': return trim(p, name);
    default: break;
  }
  // The remaining forms differ from a plain call only after the first argument; look at what follows it.
  const mark = { name, open: p.next() };
  if (name.upper === 'POSITION') {
    const needle = parseExpr(p, Prec.BETWEEN); // stop before IN: it is the separator here, not the operator
    if (!p.acceptWord('IN')) return plainCallAfterFirst(p, mark, needle);
    const haystack = parseExpr(p);
    p.expectClose(mark.open, 'POSITION call');
    return call(name.value, 'POSITION', [needle, haystack], pos);
  }
  const first = parseExpr(p);
  if (name.upper === 'SUBSTRING' && p.acceptWord('FROM')) {
    const args = [first, parseExpr(p)];
    if (p.acceptWord('FOR')) args.push(parseExpr(p));
    p.expectClose(mark.open, 'SUBSTRING call');
    return call(name.value, 'SUBSTRING', args, pos);
  }
  if (name.upper !== 'SUBSTRING' && p.acceptWord('TO')) {
    const unitPos = p.pos;
    const unit = timeUnit(p, `a time unit after ${name.upper}(… TO`);
    p.expectClose(mark.open, `${name.upper} call`);
    return call(name.value, name.upper === 'FLOOR' ? 'FLOOR_TIME' : 'CEIL_TIME', [stringLiteral(unit, unitPos), first], pos);
  }
  return plainCallAfterFirst(p, mark, first);
}

/** Finishes a plain call whose name, `(` and first argument were consumed by a special-form attempt. */
function plainCallAfterFirst(p: Cursor, mark: { name: Token; open: Token }, first: SqlExpr): CallExpr {
  const args = [first];
  while (p.acceptSymbol(',')) args.push(parseExpr(p));
  p.expectClose(mark.open, `argument list of ${mark.name.value}`);
  return callSuffix(p, call(mark.name.value, mark.name.upper, args, mark.name.pos));
}

/** `TRIM([BOTH | LEADING | TRAILING] [chars] FROM s)` or `TRIM(s)`, to TRIM / LTRIM / RTRIM(s [, chars]). */
function trim(p: Cursor, name: Token): CallExpr {
  const open = p.next();
  const mode = p.isWord(['BOTH', 'LEADING', 'TRAILING']) ? p.next().upper : undefined;
  const canonical = mode === 'LEADING' ? 'LTRIM' : mode === 'TRAILING' ? 'RTRIM' : 'TRIM';
  let chars: SqlExpr | undefined;
  let value: SqlExpr;
  if (mode && p.acceptWord('FROM')) value = parseExpr(p);
  else {
    const first = parseExpr(p);
    if (p.acceptWord('FROM')) { chars = first; value = parseExpr(p); }
    else if (mode) return p.expected('FROM', `in TRIM(${mode} …)`, 'Write TRIM(LEADING \'x\' FROM value).');
    else if (p.acceptSymbol(',')) { value = first; chars = parseExpr(p); }
    else value = first;
  }
  p.expectClose(open, 'TRIM call');
  return call(name.value, canonical, chars ? [value, chars] : [value], name.pos);
}

/**
 * A plain call `name(…)` with the cursor on the name's `(`: `DISTINCT` / `ALL`, `*`, the arguments, then
 * `FILTER (WHERE …)` and `OVER …`.
 */
export function functionCall(p: Cursor, name: string, canonical: string, pos: SourcePos): CallExpr {
  const open = p.next();
  let distinct = false;
  if (p.acceptWord('DISTINCT')) distinct = true;
  else p.acceptWord('ALL');
  let args: SqlExpr[] = [];
  if (p.isSymbol('*') && p.isSymbol(')', 1)) args = [{ kind: 'star', qualifier: [], pos: p.next().pos }];
  else if (!p.isSymbol(')')) args = parseExprList(p);
  p.expectClose(open, `argument list of ${name}`);
  return callSuffix(p, { kind: 'call', name, canonical, args, distinct, pos });
}

/** Optional `FILTER (WHERE cond)` and `OVER (…)` / `OVER w` after a call. */
function callSuffix(p: Cursor, c: CallExpr): CallExpr {
  let out = c;
  if (p.isWord('FILTER') && p.isSymbol('(', 1)) {
    p.next();
    const open = p.next();
    p.expectWord('WHERE', 'in FILTER (WHERE …)');
    out = { ...out, filter: parseExpr(p) };
    p.expectClose(open, 'FILTER clause');
  }
  if (p.acceptWord('OVER')) out = { ...out, over: overClause(p) };
  return out;
}

/** After OVER: a window name or a parenthesised specification. */
function overClause(p: Cursor): WindowSpec {
  const pos = p.pos;
  if (!p.isSymbol('(')) return { kind: 'windowSpec', ref: p.identifier('a window name or \'(\' after OVER').name, partitionBy: [], orderBy: [], pos };
  return windowSpec(p);
}

/** `([base] [PARTITION BY …] [ORDER BY …] [ROWS | RANGE frame])`, cursor on `(`. */
export function windowSpec(p: Cursor): WindowSpec {
  const open = p.expectSymbol('(', 'to start the window specification');
  const ref = p.isIdentifier() ? p.identifier().name : undefined;
  let partitionBy: SqlExpr[] = [];
  if (p.acceptWord('PARTITION')) {
    p.expectWord('BY', 'after PARTITION');
    partitionBy = parseExprList(p);
  }
  const orderBy = p.acceptWord('ORDER') ? (p.expectWord('BY', 'after ORDER'), parseOrderItems(p)) : [];
  let frame: WindowSpec['frame'];
  if (p.isWord(['ROWS', 'RANGE'])) {
    const unit = p.next().upper as 'ROWS' | 'RANGE';
    if (p.acceptWord('BETWEEN')) {
      const start = frameBound(p);
      p.expectWord('AND', 'between the frame bounds');
      frame = { unit, start, end: frameBound(p) };
    } else frame = { unit, start: frameBound(p), end: { kind: 'CURRENT ROW' } };
  }
  p.expectClose(open, 'window specification');
  return { kind: 'windowSpec', ...(ref ? { ref } : {}), partitionBy, orderBy, ...(frame ? { frame } : {}), pos: open.pos };
}

function frameBound(p: Cursor): FrameBound {
  if (p.acceptPhrase('UNBOUNDED PRECEDING')) return { kind: 'UNBOUNDED PRECEDING' };
  if (p.acceptPhrase('UNBOUNDED FOLLOWING')) return { kind: 'UNBOUNDED FOLLOWING' };
  if (p.acceptPhrase('CURRENT ROW')) return { kind: 'CURRENT ROW' };
  const offset = parseExpr(p);
  if (p.acceptWord('PRECEDING')) return { kind: 'PRECEDING', offset };
  if (p.acceptWord('FOLLOWING')) return { kind: 'FOLLOWING', offset };
  return p.expected('PRECEDING or FOLLOWING', 'after the frame offset');
}

/** `expr [ASC | DESC] [NULLS FIRST | LAST], …`. */
export function parseOrderItems(p: Cursor): OrderItem[] {
  const out: OrderItem[] = [];
  do {
    const expr = parseExpr(p);
    const descending = p.acceptWord('DESC') ? true : (p.acceptWord('ASC'), false);
    let nulls: 'FIRST' | 'LAST' | undefined;
    if (p.acceptWord('NULLS')) {
      if (!p.isWord(['FIRST', 'LAST'])) p.expected('FIRST or LAST', 'after NULLS');
      nulls = p.next().upper as 'FIRST' | 'LAST';
    }
    out.push({ kind: 'orderItem', expr, descending, ...(nulls ? { nulls } : {}), pos: expr.pos });
  } while (p.acceptSymbol(','));
  return out;
}
