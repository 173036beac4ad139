import type { Ident, ObjectName } from '../ast.ts';
import { SqlParseError } from '../errors.ts';
import { describeToken, isReserved, type SourcePos, type Token } from '../tokens.ts';

/**
 * The token cursor every grammar module works on: look-ahead, keyword and symbol matching, and the error
 * reporting that turns "expected X, found Y" into a {@link SqlParseError} with an excerpt and a hint.
 */
export class Cursor {
  private i = 0;

  constructor(readonly sql: string, private readonly tokens: readonly Token[]) {}

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)];
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  /** The position of the next token. */
  get pos(): SourcePos { return this.peek().pos; }

  /** The token just consumed (for positions of what ended a construct). */
  previous(): Token { return this.tokens[Math.max(0, this.i - 1)]; }

  get atEnd(): boolean { return this.peek().kind === 'eof'; }

  /** True when the token `ahead` is a bare word equal to one of `words` (upper-case). Quoted names never match. */
  isWord(words: string | readonly string[], ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'word' && (typeof words === 'string' ? t.upper === words : words.includes(t.upper));
  }

  /** True when the next tokens are exactly the words of `phrase` (`'NOT NULL'`). */
  isPhrase(phrase: string): boolean {
    return phrase.split(' ').every((w, k) => this.isWord(w, k));
  }

  acceptWord(word: string): Token | undefined {
    return this.isWord(word) ? this.next() : undefined;
  }

  /** Consumes the words of `phrase` if they all come next. */
  acceptPhrase(phrase: string): boolean {
    if (!this.isPhrase(phrase)) return false;
    for (const _ of phrase.split(' ')) this.next();
    return true;
  }

  expectWord(word: string, context?: string, hint?: string): Token {
    if (this.isWord(word)) return this.next();
    return this.expected(word, context, hint);
  }

  expectPhrase(phrase: string, context?: string): void {
    for (const w of phrase.split(' ')) this.expectWord(w, context);
  }

  isSymbol(symbol: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'symbol' && t.value === symbol;
  }

  acceptSymbol(symbol: string): Token | undefined {
    return this.isSymbol(symbol) ? this.next() : undefined;
  }

  expectSymbol(symbol: string, context?: string, hint?: string): Token {
    if (this.isSymbol(symbol)) return this.next();
    return this.expected(`'${symbol}'`, context, hint);
  }

  /** Expects the `close` symbol matching `open`, naming what the pair encloses in the error. */
  expectClose(open: Token, what: string, close = ')'): Token {
    if (this.isSymbol(close)) return this.next();
    const t = this.peek();
    const nameLike = (t.kind === 'word' && !isReserved(t.upper)) || t.kind === 'quoted' || t.kind === 'number' || t.kind === 'string';
    const hint = nameLike ? `Is a comma missing before ${describeToken(t)}?` : undefined;
    return this.fail(`Expected '${close}' to close the ${what} opened at line ${open.pos.line}, column ${open.pos.column}, but found ${describeToken(t)}`, t, hint);
  }

  /** True when the next token can be an identifier: a non-reserved word or a back-quoted name. */
  isIdentifier(ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'quoted' || (t.kind === 'word' && !isReserved(t.upper));
  }

  /** Consumes an identifier; `what` names it in the error (`a column name`). */
  identifier(what = 'an identifier'): Ident {
    const t = this.peek();
    if (this.isIdentifier()) { this.next(); return { name: t.value, pos: t.pos }; }
    if (t.kind === 'word') {
      return this.fail(`Expected ${what} but found reserved word '${t.value}'`, t,
        `'${t.value}' is a reserved word; to use it as a name, quote it with backticks: \`${t.value}\`.`);
    }
    return this.expected(what);
  }

  /** `a`, `a.b`, `a.b.c`: a catalog object name. */
  objectName(what = 'a table name'): ObjectName {
    const first = this.identifier(what);
    const parts = [first.name];
    while (this.isSymbol('.') && this.isIdentifier(1)) { this.next(); parts.push(this.identifier(what).name); }
    return { parts, pos: first.pos };
  }

  /** A parenthesised, comma-separated list of identifiers; `what` names the list for errors. */
  identifierList(what: string, itemWhat = 'a column name'): Ident[] {
    const open = this.expectSymbol('(', `to start the ${what}`);
    const out: Ident[] = [this.identifier(itemWhat)];
    while (this.acceptSymbol(',')) out.push(this.identifier(itemWhat));
    this.expectClose(open, what);
    return out;
  }

  /** A '…' string literal's text. */
  string(what = 'a string literal'): string {
    const t = this.peek();
    if (t.kind === 'string') { this.next(); return t.value; }
    if (t.kind === 'quoted') {
      return this.fail(`Expected ${what} but found quoted identifier \`${t.value}\``, t, 'String values use single quotes: \'text\'.');
    }
    return this.expected(what);
  }

  /** Throws "Expected <what> [context] but found <next token>". */
  expected(what: string, context?: string, hint?: string): never {
    const t = this.peek();
    return this.fail(`Expected ${what}${context ? ` ${context}` : ''} but found ${describeToken(t)}`, t, hint ?? defaultHint(t));
  }

  fail(message: string, at: Token | SourcePos, hint?: string): never {
    throw new SqlParseError(message, this.sql, 'pos' in at ? at.pos : at, hint);
  }
}

/** Hints for tokens that usually signal a well-known mistake. */
function defaultHint(t: Token): string | undefined {
  if (t.kind === 'symbol' && t.value === '==') return "SQL compares with a single '='.";
  if (t.kind === 'symbol' && t.value === '"') return "Flink uses single quotes for strings and backticks for identifiers.";
  return undefined;
}
