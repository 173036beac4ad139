import type { DataType } from '../types/data-type.ts';
import type { CallExpr, FrameBound, OrderItem, SqlExpr, WindowSpec } from './ast.ts';
import { Prec } from './parser/expression.ts';
import { NILADIC_FUNCTIONS, isReserved } from './tokens.ts';

/** Back-quotes a name unless it is a plain, non-reserved identifier. */
export function quoteIdent(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) && !isReserved(name.toUpperCase()) ? name : `\`${name.replace(/`/g, '``')}\``;
}

export const quoteString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** A type in the SQL syntax the parser reads back (field names quoted as identifiers). */
export function formatType(t: DataType): string {
  const nn = t.nullable ? '' : ' NOT NULL';
  switch (t.kind) {
    case 'DECIMAL': return `DECIMAL(${t.precision}, ${t.scale})${nn}`;
    case 'TIMESTAMP': case 'TIMESTAMP_LTZ': return `${t.kind}(${t.precision})${nn}`;
    case 'ARRAY': return `ARRAY<${formatType(t.element)}>${nn}`;
    case 'MAP': return `MAP<${formatType(t.key)}, ${formatType(t.value)}>${nn}`;
    case 'ROW': return `ROW<${t.fields.map((f) => `${quoteIdent(f.name)} ${formatType(f.type)}`).join(', ')}>${nn}`;
    case 'STRING': return `${t.length !== undefined ? `VARCHAR(${t.length})` : 'STRING'}${nn}`;
    default: return `${t.kind}${nn}`;
  }
}

const BINARY: Record<string, { symbol: string; prec: number; rightPrec?: number }> = {
  OR: { symbol: 'OR', prec: Prec.OR }, AND: { symbol: 'AND', prec: Prec.AND },
  '=': { symbol: '=', prec: Prec.COMPARE }, '<>': { symbol: '<>', prec: Prec.COMPARE },
  '<': { symbol: '<', prec: Prec.COMPARE }, '<=': { symbol: '<=', prec: Prec.COMPARE },
  '>': { symbol: '>', prec: Prec.COMPARE }, '>=': { symbol: '>=', prec: Prec.COMPARE },
  'IS DISTINCT FROM': { symbol: 'IS DISTINCT FROM', prec: Prec.IS, rightPrec: Prec.COMPARE },
  'IS NOT DISTINCT FROM': { symbol: 'IS NOT DISTINCT FROM', prec: Prec.IS, rightPrec: Prec.COMPARE },
  '+': { symbol: '+', prec: Prec.ADD }, '-': { symbol: '-', prec: Prec.ADD },
  '*': { symbol: '*', prec: Prec.MUL }, '/': { symbol: '/', prec: Prec.MUL }, '%': { symbol: '%', prec: Prec.MUL },
  CONCAT: { symbol: '||', prec: Prec.MUL },
};
const POSTFIX_IS = new Set(['IS NULL', 'IS NOT NULL', 'IS TRUE', 'IS NOT TRUE', 'IS FALSE', 'IS NOT FALSE']);
const ATOM = 1000;

/** The binding power an expression was parsed at; an operand weaker than its context needs parentheses. */
function precOf(e: SqlExpr): number {
  if (e.kind === 'inSubquery') return Prec.BETWEEN;
  if (e.kind !== 'operator') return ATOM;
  const b = BINARY[e.op];
  if (b) return b.prec;
  if (e.op === 'NOT') return Prec.NOT;
  if (POSTFIX_IS.has(e.op)) return Prec.IS;
  if (e.op === 'NEGATE') return Prec.UNARY;
  if (e.op === 'ITEM' || e.op === 'FIELD') return Prec.POSTFIX;
  return Prec.BETWEEN; // IN, BETWEEN, LIKE, SIMILAR TO and their negations
}

/** Formats `e`, parenthesised unless it binds at least as tightly as `min`. */
function operand(e: SqlExpr, min: number): string {
  const s = formatExpr(e);
  return precOf(e) < min ? `(${s})` : s;
}

/**
 * SQL text of an expression that parses back to the same AST: minimal parentheses by operator precedence,
 * special-syntax functions in their SQL form (`EXTRACT(YEAR FROM ts)`), names back-quoted where needed.
 */
export function formatExpr(e: SqlExpr): string {
  switch (e.kind) {
    case 'identifier': return e.names.map(quoteIdent).join('.');
    case 'literal': return formatLiteral(e);
    case 'interval': return `INTERVAL ${quoteString(e.text)} ${e.from}${e.to ? ` TO ${e.to}` : ''}`;
    case 'star': return [...e.qualifier.map(quoteIdent), '*'].join('.');
    case 'cast': return `${e.tryCast ? 'TRY_CAST' : 'CAST'}(${formatExpr(e.expr)} AS ${formatType(e.type)})`;
    case 'case': {
      const whens = e.whens.map((w) => ` WHEN ${formatExpr(w.when)} THEN ${formatExpr(w.then)}`).join('');
      return `CASE${whens}${e.else ? ` ELSE ${formatExpr(e.else)}` : ''} END`;
    }
    case 'subquery': return `(${indentQuery(e.query)})`;
    case 'exists': return `EXISTS (${indentQuery(e.query)})`;
    case 'inSubquery': return `${operand(e.expr, Prec.BETWEEN)} ${e.negated ? 'NOT ' : ''}IN (${indentQuery(e.query)})`;
    case 'call': return formatCall(e);
    case 'operator': return formatOperator(e.op, e.args);
  }
}

// Set by format.ts: queries inside expressions need the statement formatter (which imports this module).
let queryFormatter: (q: import('./ast.ts').Query) => string = () => '';
/** @internal Wires the query formatter in, avoiding a module cycle. */
export function setQueryFormatter(f: typeof queryFormatter): void { queryFormatter = f; }
const indentQuery = (q: import('./ast.ts').Query): string => `\n  ${queryFormatter(q).replace(/\n/g, '\n  ')}\n`;

function formatLiteral(e: Extract<SqlExpr, { kind: 'literal' }>): string {
  if (e.value === null) return e.type.kind === 'BOOLEAN' ? 'UNKNOWN' : 'NULL';
  switch (e.type.kind) {
    case 'BOOLEAN': return e.value ? 'TRUE' : 'FALSE';
    case 'STRING': return quoteString(String(e.value));
    case 'DATE': case 'TIME': return `${e.type.kind} ${quoteString(String(e.value))}`;
    case 'TIMESTAMP': return `TIMESTAMP ${quoteString(String(e.value))}`;
    default: return e.text ?? String(e.value);
  }
}

function formatOperator(op: string, args: readonly SqlExpr[]): string {
  const b = BINARY[op];
  if (b && args.length === 2) {
    return `${operand(args[0], b.prec)} ${b.symbol} ${operand(args[1], (b.rightPrec ?? b.prec) + 1)}`;
  }
  if (op === 'NOT') return `NOT ${operand(args[0], Prec.NOT)}`;
  if (op === 'NEGATE') {
    const s = operand(args[0], Prec.UNARY);
    return /^[-0-9.]/.test(s) ? `-(${s})` : `-${s}`;
  }
  if (POSTFIX_IS.has(op)) return `${operand(args[0], Prec.IS)} ${op}`;
  if (op === 'ITEM') return `${operand(args[0], Prec.POSTFIX)}[${formatExpr(args[1])}]`;
  if (op === 'FIELD' && args[1].kind === 'literal') {
    const base = args[0].kind === 'identifier' ? `(${formatExpr(args[0])})` : operand(args[0], Prec.POSTFIX);
    return `${base}.${quoteIdent(String(args[1].value))}`;
  }
  const x = operand(args[0], Prec.BETWEEN);
  const bound = (a: SqlExpr): string => operand(a, Prec.BETWEEN + 1);
  if (op === 'IN' || op === 'NOT IN') return `${x} ${op} (${args.slice(1).map(formatExpr).join(', ')})`;
  if (/^(NOT )?BETWEEN( SYMMETRIC)?$/.test(op)) return `${x} ${op} ${bound(args[1])} AND ${bound(args[2])}`;
  if (op === 'LIKE' || op === 'NOT LIKE' || op === 'SIMILAR TO') {
    return `${x} ${op} ${bound(args[1])}${args[2] ? ` ESCAPE ${bound(args[2])}` : ''}`;
  }
  return `${op}(${args.map(formatExpr).join(', ')})`;
}

const unitOf = (e: SqlExpr | undefined): string | undefined =>
  e?.kind === 'literal' && typeof e.value === 'string' ? e.value : undefined;

function formatCall(c: CallExpr): string {
  const upper = c.name.toUpperCase();
  const args = c.args.map(formatExpr);
  let s: string | undefined;
  if (c.args.length === 0 && NILADIC_FUNCTIONS.has(c.canonical)) s = c.name;
  else if ((upper === 'ARRAY' || upper === 'MAP') && c.canonical === upper) s = `${upper}[${args.join(', ')}]`;
  else if (c.canonical === 'EXTRACT' && unitOf(c.args[0])) s = `${c.name}(${unitOf(c.args[0])} FROM ${args[1]})`;
  else if ((c.canonical === 'FLOOR_TIME' || c.canonical === 'CEIL_TIME') && upper !== c.canonical) s = `${c.name}(${args[1]} TO ${unitOf(c.args[0])})`;
  else if ((c.canonical === 'TIMESTAMPADD' || c.canonical === 'TIMESTAMPDIFF') && unitOf(c.args[0])) s = `${c.name}(${[unitOf(c.args[0]), ...args.slice(1)].join(', ')})`;
  else if (c.canonical === 'POSITION' && c.args.length === 2) s = `${c.name}(${operand(c.args[0], Prec.BETWEEN + 1)} IN ${args[1]})`;
  else if (upper === 'TRIM' && (c.canonical !== 'TRIM' || c.args.length === 2)) {
    const mode = c.canonical === 'LTRIM' ? 'LEADING' : c.canonical === 'RTRIM' ? 'TRAILING' : 'BOTH';
    s = `${c.name}(${mode} ${args[1] !== undefined ? `${args[1]} ` : ''}FROM ${args[0]})`;
  } else {
    const name = /^[A-Za-z_][A-Za-z0-9_$.]*$/.test(c.name) ? c.name : quoteIdent(c.name);
    s = `${name}(${c.distinct ? 'DISTINCT ' : ''}${args.join(', ')})`;
  }
  if (c.filter) s += ` FILTER (WHERE ${formatExpr(c.filter)})`;
  if (c.over) s += ` OVER ${formatWindowSpec(c.over)}`;
  return s;
}

/** `w`, or `([w] PARTITION BY … ORDER BY … ROWS BETWEEN … AND …)`. */
export function formatWindowSpec(w: WindowSpec, forceParens = false): string {
  if (w.ref && !forceParens && w.partitionBy.length === 0 && w.orderBy.length === 0 && !w.frame) return quoteIdent(w.ref);
  const parts: string[] = [];
  if (w.ref) parts.push(quoteIdent(w.ref));
  if (w.partitionBy.length > 0) parts.push(`PARTITION BY ${w.partitionBy.map(formatExpr).join(', ')}`);
  if (w.orderBy.length > 0) parts.push(`ORDER BY ${formatOrderItems(w.orderBy)}`);
  if (w.frame) parts.push(`${w.frame.unit} BETWEEN ${formatBound(w.frame.start)} AND ${formatBound(w.frame.end)}`);
  return `(${parts.join(' ')})`;
}

function formatBound(b: FrameBound): string {
  return 'offset' in b ? `${formatExpr(b.offset)} ${b.kind}` : b.kind;
}

export function formatOrderItems(items: readonly OrderItem[]): string {
  return items.map((o) => `${formatExpr(o.expr)}${o.descending ? ' DESC' : ''}${o.nulls ? ` NULLS ${o.nulls}` : ''}`).join(', ');
}
