/**
 * Weir's Flink-dialect SQL front end: lexer and parser to a positioned AST, a pretty-printer and a walker.
 * Planning the AST onto the logical plan lives elsewhere.
 */
export * from './ast.ts';
export { parseStatements, parseStatement, parseQuery, parseExpression, parseSqlType } from './parse.ts';
export { formatSql, formatExpr, formatType, quoteIdent } from './format.ts';
export { walk, findExprs, isSqlExpr, stripPositions } from './walk.ts';
export { SqlParseError, type SqlErrorLocation } from './errors.ts';
export { tokenize } from './lexer.ts';
export { RESERVED_WORDS, type Token, type TokenKind } from './tokens.ts';
