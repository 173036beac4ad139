import { tokenize } from '../lexer.ts';
import type { HintComment, SourcePos, Token } from '../tokens.ts';
import { Cursor } from './cursor.ts';

/**
 * The query hints of the token the cursor is at (hint comments `/*+ NAME(args), … *\/` written right before it,
 * e.g. after SELECT). Only `UID('name')` is read: the uid of the operator the SELECT produces (see
 * src/plan/logical/assign-uid.ts). Other hints (Flink's join and state hints) are parsed for their shape and
 * ignored, as Weir ignored every comment before. Throws SqlParseError on a malformed hint or a second UID.
 */
export function selectUidHint(p: Cursor): string | undefined {
  let uid: string | undefined;
  for (const comment of p.peek().hints ?? []) {
    const h = new Cursor(p.sql, hintTokens(comment));
    do {
      const name = h.peek();
      if (name.kind !== 'word') h.expected('a hint name', 'in the hint comment');
      h.next();
      if (name.upper === 'UID') {
        const open = h.expectSymbol('(', 'after UID', "Write the uid as UID('name').");
        const value = h.string("the operator uid, a string literal like 'orders-per-customer'");
        h.expectClose(open, 'UID hint');
        if (uid !== undefined) h.fail('A SELECT takes one UID hint', name, 'Remove the second UID(...).');
        uid = value;
      } else if (h.isSymbol('(')) {
        skipArguments(h);
      }
    } while (h.acceptSymbol(','));
    if (!h.atEnd) h.expected("',' or the end of the hint comment");
  }
  return uid;
}

/** Skips a hint's parenthesised arguments, nested parentheses included. */
function skipArguments(h: Cursor): void {
  const open = h.next();
  let depth = 1;
  while (depth > 0) {
    if (h.atEnd) h.expectClose(open, 'hint arguments');
    const t = h.next();
    if (t.kind === 'symbol' && t.value === '(') depth++;
    else if (t.kind === 'symbol' && t.value === ')') depth--;
  }
}

/** The comment's tokens, their positions moved from the comment's text into the whole statement's. */
function hintTokens(comment: HintComment): Token[] {
  const base = comment.pos;
  const shift = (pos: SourcePos): SourcePos => ({
    line: base.line + pos.line - 1,
    column: pos.line === 1 ? base.column + pos.column - 1 : pos.column,
    offset: base.offset + pos.offset,
  });
  return tokenize(comment.text).map((t) => ({ ...t, pos: shift(t.pos), end: base.offset + t.end }));
}
