import { deepStrictEqual, strictEqual, throws } from 'node:assert';
import { describe, it } from 'node:test';
import { SqlParseError, tokenize } from '../../src/sql/index.ts';

const kinds = (sql: string): string[] => tokenize(sql).map((t) => `${t.kind}:${t.value}`);

describe('SQL lexer', () => {
  it('splits words, quoted names, strings, numbers and symbols', () => {
    deepStrictEqual(kinds("SELECT `a b`, 'it''s', 1.5e3, x<>y, a||b, f => 1 FROM t"), [
      'word:SELECT', 'quoted:a b', 'symbol:,', "string:it's", 'symbol:,', 'number:1.5e3', 'symbol:,', 'word:x',
      'symbol:<>', 'word:y', 'symbol:,', 'word:a', 'symbol:||', 'word:b', 'symbol:,', 'word:f', 'symbol:=>',
      'number:1', 'word:FROM', 'word:t', 'eof:',
    ]);
  });

  it('keeps the case of words and offers an upper-case form', () => {
    const [t] = tokenize('mixedCase');
    strictEqual(t.value, 'mixedCase');
    strictEqual(t.upper, 'MIXEDCASE');
  });

  it('unescapes doubled backticks and reads multi-line strings', () => {
    deepStrictEqual(kinds("`a``b` 'x\ny'"), ['quoted:a`b', 'string:x\ny', 'eof:']);
  });

  it('skips -- and /* */ comments and tracks 1-based lines and columns', () => {
    const tokens = tokenize('-- header\nSELECT /* multi\nline */ a\n  FROM t');
    deepStrictEqual(tokens.map((t) => [t.value, t.pos.line, t.pos.column]), [
      ['SELECT', 2, 1], ['a', 3, 9], ['FROM', 4, 3], ['t', 4, 8], ['', 4, 9],
    ]);
    strictEqual(tokens[0].pos.offset, 10);
  });

  it('reads a minus before a number as a symbol (the parser folds the sign)', () => {
    deepStrictEqual(kinds('-5'), ['symbol:-', 'number:5', 'eof:']);
  });

  it('rejects double quotes with a hint about Flink quoting', () => {
    throws(() => tokenize('SELECT "x"'), (e: unknown) => e instanceof SqlParseError && /single quotes/.test(e.message) && e.location.column === 8);
  });

  it('rejects unterminated strings, identifiers and comments', () => {
    throws(() => tokenize("'abc"), /Unterminated string literal/);
    throws(() => tokenize('`abc'), /Unterminated quoted identifier/);
    throws(() => tokenize('/* abc'), /Unterminated comment/);
  });

  it('rejects a number run into a word and stray characters', () => {
    throws(() => tokenize('SELECT 1abc'), /Invalid number/);
    throws(() => tokenize('SELECT #'), /Unexpected character '#'/);
  });
});
