import type { Query, SqlExpr, Statement } from './ast.ts';
import { tokenize } from './lexer.ts';
import { Cursor } from './parser/cursor.ts';
import { parseExpr } from './parser/expression.ts';
import { parseQuery as queryRule } from './parser/query.ts';
import { parseStatement as statementRule, parseStatementList } from './parser/statement.ts';
import type { DataType } from '../types/data-type.ts';
import { parseType } from './parser/types.ts';

/**
 * Parses a script of `;`-separated statements (a trailing `;` is optional; empty statements are skipped).
 * Each statement's `pos` is where it starts. Throws {@link SqlParseError} at the first syntax error.
 */
export function parseStatements(sql: string): Statement[] {
  return parseStatementList(new Cursor(sql, tokenize(sql)));
}

/** Parses exactly one statement (an optional trailing `;` allowed). */
export function parseStatement(sql: string): Statement {
  return whole(sql, statementRule);
}

/** Parses a query: SELECT, VALUES, WITH, set operations, ORDER BY / LIMIT. */
export function parseQuery(sql: string): Query {
  return whole(sql, queryRule);
}

/** Parses a scalar expression, e.g. a computed column or a filter given as text. */
export function parseExpression(sql: string): SqlExpr {
  return whole(sql, (p) => parseExpr(p));
}

/** Parses a data type written in SQL (`DECIMAL(10, 2) NOT NULL`), with SQL error positions. */
export function parseSqlType(sql: string): DataType {
  return whole(sql, parseType);
}

function whole<T>(sql: string, rule: (p: Cursor) => T): T {
  const p = new Cursor(sql, tokenize(sql));
  const result = rule(p);
  p.acceptSymbol(';');
  if (!p.atEnd) p.expected('end of input');
  return result;
}
