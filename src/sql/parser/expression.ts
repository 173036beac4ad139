import type { SqlExpr, SourcePos } from '../ast.ts';
import { DataTypes } from '../../types/data-type.ts';
import { NILADIC_FUNCTIONS, RESERVED_FUNCTION_NAMES, isReserved, type Token } from '../tokens.ts';
import type { Cursor } from './cursor.ts';
import { functionCall, isSpecialForm, specialForm } from './functions.ts';
import { dateTimeLiteral, intervalLiteral, numericLiteral, stringLiteral } from './literals.ts';
import { isQueryStart, parseQuery } from './query.ts';
import { parseType } from './types.ts';

/**
 * Binding powers, as Calcite (and so Flink) ranks SQL operators: OR < AND < NOT < IS … < comparison <
 * BETWEEN / IN / LIKE < + - < * / % || < unary minus < [] and field access. Higher binds tighter.
 */
export const Prec = {
  OR: 10, AND: 20, NOT: 25, IS: 28, COMPARE: 30, BETWEEN: 32, ADD: 40, MUL: 60, UNARY: 80, POSTFIX: 100,
} as const;

/** Reserved words that start the next clause: an expression expected before one is usually missing. */
const CLAUSE_WORDS = new Set(['FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'FETCH', 'UNION', 'INTERSECT', 'EXCEPT', 'WINDOW', 'ON', 'USING', 'JOIN', 'THEN', 'ELSE', 'END', 'WHEN', 'AND', 'OR', 'AS']);
const COMPARE: Record<string, string> = { '=': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const MUL: Record<string, string> = { '*': '*', '/': '/', '%': '%', '||': 'CONCAT' };

/**
 * Parses an expression whose operators all bind tighter than `minPrec` (Pratt parsing): a prefix part, then
 * infix and postfix operators while they bind tightly enough. Left-associative: the right operand of an
 * operator of power p is parsed with minPrec p.
 */
export function parseExpr(p: Cursor, minPrec = 0): SqlExpr {
  let left = prefix(p);
  for (;;) {
    const power = infixPower(p);
    if (power <= minPrec) return left;
    left = infix(p, left, power);
  }
}

/** Comma-separated expressions (at least one). */
export function parseExprList(p: Cursor): SqlExpr[] {
  const out = [parseExpr(p)];
  while (p.acceptSymbol(',')) out.push(parseExpr(p));
  return out;
}

const op = (name: string, args: SqlExpr[], pos: SourcePos): SqlExpr => ({ kind: 'operator', op: name, args, pos });

/** The binding power of the operator at the cursor, 0 when none follows. */
function infixPower(p: Cursor): number {
  const t = p.peek();
  if (t.kind === 'symbol') {
    if (t.value in COMPARE || t.value === '==') return Prec.COMPARE;
    if (t.value === '+' || t.value === '-') return Prec.ADD;
    if (t.value in MUL) return Prec.MUL;
    if (t.value === '[' || t.value === '.') return Prec.POSTFIX;
    return 0;
  }
  if (t.kind !== 'word') return 0;
  switch (t.upper) {
    case 'OR': return Prec.OR;
    case 'AND': return Prec.AND;
    case 'IS': return Prec.IS;
    case 'IN': case 'BETWEEN': case 'LIKE': case 'SIMILAR': return Prec.BETWEEN;
    case 'NOT': return p.isWord(['IN', 'BETWEEN', 'LIKE', 'SIMILAR'], 1) ? Prec.BETWEEN : 0;
    default: return 0;
  }
}

function infix(p: Cursor, left: SqlExpr, power: number): SqlExpr {
  const t = p.next();
  const pos = left.pos;
  if (t.kind === 'symbol') {
    switch (t.value) {
      case '==': return p.fail("Unexpected '=='", t, "SQL compares with a single '='.");
      case '+': case '-': return op(t.value, [left, parseExpr(p, power)], pos);
      case '[': {
        const index = parseExpr(p);
        p.expectClose(t, 'element access', ']');
        return op('ITEM', [left, index], pos);
      }
      case '.': {
        const field = p.identifier('a field name after \'.\'');
        return op('FIELD', [left, stringLiteral(field.name, field.pos)], pos);
      }
      default:
        if (t.value in COMPARE) return op(COMPARE[t.value], [left, parseExpr(p, power)], pos);
        return op(MUL[t.value], [left, parseExpr(p, power)], pos);
    }
  }
  switch (t.upper) {
    case 'OR': case 'AND': return op(t.upper, [left, parseExpr(p, power)], pos);
    case 'IS': return isOperator(p, left);
    case 'NOT': return predicate(p, left, p.next(), true);
    default: return predicate(p, left, t, false);
  }
}

/** `IS [NOT] NULL | TRUE | FALSE | UNKNOWN | DISTINCT FROM x`. */
function isOperator(p: Cursor, left: SqlExpr): SqlExpr {
  const not = p.acceptWord('NOT') ? ' NOT' : '';
  const t = p.peek();
  if (p.acceptPhrase('DISTINCT FROM')) return op(`IS${not} DISTINCT FROM`, [left, parseExpr(p, Prec.COMPARE)], left.pos);
  const what = t.kind === 'word' ? t.upper : '';
  if (what === 'NULL' || what === 'TRUE' || what === 'FALSE' || what === 'UNKNOWN') {
    p.next();
    return op(`IS${not} ${what === 'UNKNOWN' ? 'NULL' : what}`, [left], left.pos);
  }
  return p.expected(`NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS${not}`);
}

/** `[NOT] IN (…)`, `[NOT] BETWEEN [SYMMETRIC] a AND b`, `[NOT] LIKE p [ESCAPE e]`, `[NOT] SIMILAR TO p`. */
function predicate(p: Cursor, left: SqlExpr, t: Token, negated: boolean): SqlExpr {
  const not = negated ? 'NOT ' : '';
  switch (t.upper) {
    case 'IN': {
      const open = p.expectSymbol('(', `after ${not}IN`, 'IN takes a parenthesised list: x IN (1, 2, 3).');
      if (isQueryStart(p)) {
        const query = parseQuery(p);
        p.expectClose(open, 'IN subquery');
        return { kind: 'inSubquery', expr: left, query, negated, pos: left.pos };
      }
      const list = parseExprList(p);
      p.expectClose(open, 'IN list');
      return op(`${not}IN`, [left, ...list], left.pos);
    }
    case 'BETWEEN': {
      const symmetric = p.acceptWord('SYMMETRIC') ? ' SYMMETRIC' : (p.acceptWord('ASYMMETRIC'), '');
      const low = parseExpr(p, Prec.BETWEEN);
      p.expectWord('AND', `between the bounds of ${not}BETWEEN`);
      const high = parseExpr(p, Prec.BETWEEN);
      return op(`${not}BETWEEN${symmetric}`, [left, low, high], left.pos);
    }
    case 'LIKE': case 'SIMILAR': {
      const name = t.upper === 'LIKE' ? 'LIKE' : 'SIMILAR TO';
      if (t.upper === 'SIMILAR') p.expectWord('TO', 'after SIMILAR');
      const args = [left, parseExpr(p, Prec.BETWEEN)];
      if (p.acceptWord('ESCAPE')) args.push(parseExpr(p, Prec.BETWEEN));
      if (!negated) return op(name, args, left.pos);
      return name === 'LIKE' ? op('NOT LIKE', args, left.pos) : op('NOT', [op(name, args, left.pos)], left.pos);
    }
    default:
      return p.expected('IN, BETWEEN, LIKE or SIMILAR TO after NOT');
  }
}

/** The prefix part of an expression: literals, names, calls, parentheses, CASE, CAST, unary operators. */
function prefix(p: Cursor): SqlExpr {
  const t = p.peek();
  switch (t.kind) {
    case 'number': p.next(); return numericLiteral(p, t.value, t);
    case 'string': p.next(); return stringLiteral(t.value, t.pos);
    case 'quoted': return nameOrCall(p);
    case 'symbol': return symbolPrefix(p, t);
    case 'eof': return p.expected('an expression');
    default: break;
  }
  switch (t.upper) {
    case 'TRUE': case 'FALSE': p.next(); return { kind: 'literal', value: t.upper === 'TRUE', type: DataTypes.BOOLEAN(), pos: t.pos };
    case 'NULL': p.next(); return { kind: 'literal', value: null, type: DataTypes.NULL(), pos: t.pos };
    case 'UNKNOWN': p.next(); return { kind: 'literal', value: null, type: DataTypes.BOOLEAN(), pos: t.pos };
    case 'NOT': p.next(); return op('NOT', [parseExpr(p, Prec.NOT)], t.pos);
    case 'DATE': case 'TIME': case 'TIMESTAMP':
      if (p.isSymbol('(', 1)) break; // a function of that name
      p.next();
      return dateTimeLiteral(p, t);
    case 'INTERVAL': p.next(); return intervalLiteral(p, t);
    case 'CASE': p.next(); return caseExpr(p, t);
    case 'CAST': case 'TRY_CAST':
      if (p.isSymbol('(', 1)) { p.next(); return castExpr(p, t); }
      break;
    case 'EXISTS': {
      p.next();
      const open = p.expectSymbol('(', 'after EXISTS');
      const query = parseQuery(p);
      p.expectClose(open, 'EXISTS subquery');
      return { kind: 'exists', query, pos: t.pos };
    }
    case 'ARRAY': case 'MAP':
      if (p.isSymbol('[', 1)) return constructor(p, t);
      break;
    default: break;
  }
  if (NILADIC_FUNCTIONS.has(t.upper)) {
    p.next();
    if (p.isSymbol('(') && p.isSymbol(')', 1)) { p.next(); p.next(); }
    return { kind: 'call', name: t.value, canonical: t.upper, args: [], distinct: false, pos: t.pos };
  }
  if (isReserved(t.upper) && !(RESERVED_FUNCTION_NAMES.has(t.upper) && p.isSymbol('(', 1))) {
    const hint = CLAUSE_WORDS.has(t.upper)
      ? `Is there a stray comma or a missing expression before ${t.upper}?`
      : `'${t.value}' is a reserved word; if it is a name, quote it with backticks: \`${t.value}\`.`;
    return p.expected('an expression', undefined, hint);
  }
  return nameOrCall(p);
}

function symbolPrefix(p: Cursor, t: Token): SqlExpr {
  switch (t.value) {
    case '-': {
      p.next();
      const n = p.peek();
      if (n.kind === 'number') { p.next(); return { ...numericLiteral(p, `-${n.value}`, n), pos: t.pos }; }
      return op('NEGATE', [parseExpr(p, Prec.UNARY)], t.pos);
    }
    case '+': p.next(); return parseExpr(p, Prec.UNARY);
    case '*': p.next(); return { kind: 'star', qualifier: [], pos: t.pos };
    case '(': return parenthesized(p);
    default: return p.expected('an expression');
  }
}

/** `(expr)`, `(SELECT …)` as a scalar subquery, or `(a, b)` as a ROW. */
function parenthesized(p: Cursor): SqlExpr {
  const open = p.next();
  if (isQueryStart(p)) {
    const query = parseQuery(p);
    p.expectClose(open, 'subquery');
    return { kind: 'subquery', query, pos: open.pos };
  }
  const first = parseExpr(p);
  if (!p.isSymbol(',')) {
    p.expectClose(open, 'parenthesised expression');
    return first;
  }
  const args = [first];
  while (p.acceptSymbol(',')) args.push(parseExpr(p));
  p.expectClose(open, 'row');
  return { kind: 'call', name: 'ROW', canonical: 'ROW', args, distinct: false, pos: open.pos };
}

/** A dotted name, then `(` for a call or `.*` for a qualified star. */
function nameOrCall(p: Cursor): SqlExpr {
  const first = p.next();
  const names = [first.value];
  while (p.isSymbol('.')) {
    if (p.isSymbol('*', 1)) { p.next(); p.next(); return { kind: 'star', qualifier: names, pos: first.pos }; }
    if (!p.isIdentifier(1)) break;
    p.next();
    names.push(p.next().value);
  }
  if (!p.isSymbol('(')) return { kind: 'identifier', names, pos: first.pos };
  const name = names.join('.');
  const canonical = name.toUpperCase();
  if (names.length === 1 && first.kind === 'word' && isSpecialForm(canonical)) {
    return specialForm(p, first);
  }
  return functionCall(p, name, canonical, first.pos);
}

/** `ARRAY[…]`, `MAP[k, v, …]`. */
function constructor(p: Cursor, t: Token): SqlExpr {
  p.next();
  const open = p.next();
  const args = p.isSymbol(']') ? [] : parseExprList(p);
  p.expectClose(open, `${t.upper} constructor`, ']');
  return { kind: 'call', name: t.upper, canonical: t.upper, args, distinct: false, pos: t.pos };
}

/** After CASE: searched (`CASE WHEN c THEN v …`) or simple (`CASE x WHEN v THEN …`, rewritten to `x = v`). */
function caseExpr(p: Cursor, t: Token): SqlExpr {
  const operand = p.isWord('WHEN') ? undefined : parseExpr(p);
  const whens: { when: SqlExpr; then: SqlExpr }[] = [];
  while (p.acceptWord('WHEN')) {
    const value = parseExpr(p);
    const when = operand ? op('=', [operand, value], value.pos) : value;
    p.expectWord('THEN', 'after the WHEN condition');
    whens.push({ when, then: parseExpr(p) });
  }
  if (whens.length === 0) p.expected('WHEN', 'in CASE');
  const otherwise = p.acceptWord('ELSE') ? parseExpr(p) : undefined;
  p.expectWord('END', `to close the CASE opened at line ${t.pos.line}, column ${t.pos.column}`);
  return { kind: 'case', whens, ...(otherwise ? { else: otherwise } : {}), pos: t.pos };
}

/** `CAST(x AS type)` / `TRY_CAST(x AS type)`. */
function castExpr(p: Cursor, t: Token): SqlExpr {
  const open = p.next();
  const expr = parseExpr(p);
  p.expectWord('AS', `in ${t.upper}`, `Write ${t.upper}(value AS TYPE).`);
  const type = parseType(p);
  p.expectClose(open, t.upper);
  return { kind: 'cast', expr, type, tryCast: t.upper === 'TRY_CAST', pos: t.pos };
}
