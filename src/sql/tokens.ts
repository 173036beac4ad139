/**
 * Token model of the Flink-dialect SQL lexer. Keywords are not a separate token kind: a bare word is a `word`
 * token whose `upper` form the parser compares against, because most SQL keywords are non-reserved and may also
 * be identifiers (`window_start`, `key`, `comment`). Only {@link RESERVED_WORDS} can never be a bare identifier.
 */

/** A position in the SQL text. `line` and `column` are 1-based; `offset` is the 0-based UTF-16 index. */
export interface SourcePos {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

export type TokenKind =
  /** A bare word: keyword or unquoted identifier. */
  | 'word'
  /** A back-quoted identifier; `value` has the quotes removed and doubled backticks unescaped. */
  | 'quoted'
  /** A '...' string literal; `value` has the quotes removed and '' unescaped. */
  | 'string'
  /** An unsigned numeric literal; `value` is the exact text. */
  | 'number'
  /** Punctuation or an operator; `value` is its text. */
  | 'symbol'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Decoded text: the word as written, the unquoted identifier or string, the number text, the symbol. */
  readonly value: string;
  /** Upper-case `value` for words (keyword matching); equal to `value` otherwise. */
  readonly upper: string;
  readonly pos: SourcePos;
  /** Offset just past the token's last character. */
  readonly end: number;
  /** Hint comments (`/*+ … *\/`) right before this token, e.g. after SELECT; other comments are dropped. */
  readonly hints?: readonly HintComment[];
}

/** A hint comment's text between `/*+` and `*\/`, and where that text starts. */
export interface HintComment {
  readonly text: string;
  readonly pos: SourcePos;
}

/** Multi-character symbols, longest first so the lexer can match greedily. */
export const SYMBOLS = ['=>', '<>', '<=', '>=', '!=', '||', '==', '(', ')', '[', ']', ',', ';', '.', '+', '-', '*', '/', '%', '=', '<', '>', '?', ':'] as const;

/**
 * Words that cannot be used as bare identifiers (they must be back-quoted: `` `timestamp` ``). A subset of
 * Calcite's reserved words that Flink inherits: the ones this grammar actually relies on to decide where a clause
 * or an expression ends. Keeping the set small keeps ordinary column names (`value`, `key`, `day`) usable.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'ALL', 'AND', 'ARRAY', 'AS', 'BETWEEN', 'BOTH', 'BY', 'CASE', 'CAST', 'CREATE', 'CROSS', 'CURRENT_DATE',
  'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'DATE', 'DISTINCT', 'DROP', 'ELSE', 'END', 'ESCAPE', 'EXCEPT', 'EXISTS',
  'FALSE', 'FETCH', 'FILTER', 'FOR', 'FROM', 'FULL', 'GROUP', 'HAVING', 'IN', 'INNER', 'INSERT', 'INTERSECT',
  'INTERVAL', 'INTO', 'IS', 'JOIN', 'LATERAL', 'LEADING', 'LEFT', 'LIKE', 'LIMIT', 'LOCALTIME', 'LOCALTIMESTAMP',
  'MAP', 'MINUS', 'NATURAL', 'NOT', 'NULL', 'OFFSET', 'ON', 'OR', 'ORDER', 'OUTER', 'OVER', 'PARTITION', 'RANGE',
  'RIGHT', 'ROW', 'ROWS', 'SELECT', 'SET', 'SIMILAR', 'TABLE', 'THEN', 'TIME', 'TIMESTAMP', 'TO', 'TRAILING',
  'TRUE', 'UNION', 'UNKNOWN', 'USING', 'VALUES', 'WHEN', 'WHERE', 'WINDOW', 'WITH',
]);

/** Functions SQL calls without parentheses; written bare they are calls, not column names. */
export const NILADIC_FUNCTIONS: ReadonlySet<string> = new Set([
  'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'LOCALTIME', 'LOCALTIMESTAMP',
]);

/** Reserved words that may still name a function when directly followed by `(`: `LEFT(s, 3)`, `TIMESTAMP(...)` no. */
export const RESERVED_FUNCTION_NAMES: ReadonlySet<string> = new Set(['LEFT', 'RIGHT', 'MAP', 'ROW', 'ARRAY']);

/** True for a word that needs back-quotes to be read as an identifier. */
export const isReserved = (upper: string): boolean => RESERVED_WORDS.has(upper);

/** Human description of a token for error messages: `'WITH'`, `end of input`, `string 'abc'`. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'end of input';
    case 'string': return `string '${t.value.length > 30 ? `${t.value.slice(0, 27)}...` : t.value}'`;
    case 'quoted': return `\`${t.value}\``;
    default: return `'${t.value}'`;
  }
}
