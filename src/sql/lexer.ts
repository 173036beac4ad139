import { SqlParseError } from './errors.ts';
import { SYMBOLS, type HintComment, type SourcePos, type Token } from './tokens.ts';

const QUOTE_HINT = "Flink uses single quotes for strings ('text') and backticks for identifiers (`name`).";

/**
 * Splits Flink SQL text into tokens, dropping whitespace and comments (`-- …` to end of line, `/* … *\/`).
 * Throws {@link SqlParseError} for unterminated strings, identifiers and comments, double-quoted text and
 * characters SQL does not use.
 */
export function tokenize(sql: string): Token[] {
  return new Lexer(sql).run();
}

class Lexer {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private readonly out: Token[] = [];
  /** Hint comments waiting for the next token. */
  private hints: HintComment[] = [];

  constructor(private readonly sql: string) {}

  run(): Token[] {
    const s = this.sql;
    while (this.skipTrivia()) {
      const start = this.pos();
      const c = s[this.i];
      if (/[A-Za-z_]/.test(c) || c.charCodeAt(0) > 127) this.word(start);
      else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(s[this.i + 1] ?? ''))) this.number(start);
      else if (c === "'") this.push('string', this.quoted("'", start, 'string literal'), start);
      else if (c === '`') this.push('quoted', this.quoted('`', start, 'quoted identifier'), start);
      else if (c === '"') this.doubleQuoted(start);
      else this.symbol(start);
    }
    this.push('eof', '', this.pos());
    return this.out;
  }

  /** Skips whitespace and comments; false at end of input. */
  private skipTrivia(): boolean {
    const s = this.sql;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === '\n') { this.i++; this.line++; this.lineStart = this.i; }
      else if (c === ' ' || c === '\t' || c === '\r' || c === '\f') this.i++;
      else if (c === '-' && s[this.i + 1] === '-') {
        while (this.i < s.length && s[this.i] !== '\n') this.i++;
      } else if (c === '/' && s[this.i + 1] === '*') {
        const start = this.pos();
        const end = s.indexOf('*/', this.i + 2);
        if (end < 0) throw new SqlParseError("Unterminated comment: '/*' is never closed by '*/'", s, start);
        if (s[this.i + 2] === '+') this.hints.push({ text: s.slice(this.i + 3, end), pos: { ...start, column: start.column + 3, offset: start.offset + 3 } });
        this.advanceTo(end + 2);
      } else return true;
    }
    return false;
  }

  private word(start: SourcePos): void {
    const m = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(this.sql.slice(this.i, this.i + 256))!;
    this.i += m[0].length;
    this.push('word', m[0], start);
  }

  private number(start: SourcePos): void {
    const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(this.sql.slice(this.i, this.i + 400))!;
    this.i += m[0].length;
    if (/[A-Za-z_]/.test(this.sql[this.i] ?? '')) {
      throw new SqlParseError(`Invalid number '${m[0]}${this.sql[this.i]}': a number cannot be followed by a letter`, this.sql, this.pos(),
        'Separate the number from the word with a space, or back-quote an identifier that starts with a digit.');
    }
    this.push('number', m[0], start);
  }

  /** Reads a '…' or `…` token whose quote is escaped by doubling; returns the decoded text. */
  private quoted(q: string, start: SourcePos, what: string): string {
    const s = this.sql;
    let out = '';
    let j = this.i + 1;
    for (;;) {
      const k = s.indexOf(q, j);
      if (k < 0) throw new SqlParseError(`Unterminated ${what}: the ${q} at line ${start.line}, column ${start.column} is never closed`, s, start);
      out += s.slice(j, k);
      if (s[k + 1] === q) { out += q; j = k + 2; continue; }
      this.advanceTo(k + 1);
      return out;
    }
  }

  private doubleQuoted(start: SourcePos): void {
    const end = this.sql.indexOf('"', this.i + 1);
    const text = end < 0 ? this.sql.slice(this.i, this.i + 20) : this.sql.slice(this.i, end + 1);
    throw new SqlParseError(`Unexpected double-quoted text ${text}`, this.sql, start, QUOTE_HINT);
  }

  private symbol(start: SourcePos): void {
    const s = this.sql;
    const sym = SYMBOLS.find((x) => s.startsWith(x, this.i));
    if (!sym) {
      throw new SqlParseError(`Unexpected character '${s[this.i]}'`, s, start,
        s[this.i] === '$' ? 'Back-quote identifiers that contain special characters: `a$b`.' : undefined);
    }
    this.i += sym.length;
    this.push('symbol', sym, start);
  }

  /** Moves to `offset`, counting the newlines passed over (comments and strings may span lines). */
  private advanceTo(offset: number): void {
    for (let k = this.i; k < offset; k++) {
      if (this.sql.charCodeAt(k) === 10) { this.line++; this.lineStart = k + 1; }
    }
    this.i = offset;
  }

  private pos(): SourcePos {
    return { line: this.line, column: this.i - this.lineStart + 1, offset: this.i };
  }

  private push(kind: Token['kind'], value: string, pos: SourcePos): void {
    const hints = this.hints.length > 0 ? { hints: this.hints } : {};
    if (this.hints.length > 0) this.hints = [];
    this.out.push({ kind, value, upper: kind === 'word' ? value.toUpperCase() : value, pos, end: this.i, ...hints });
  }
}
