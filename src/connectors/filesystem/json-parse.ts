/**
 * A JSON parser that keeps numbers as their source text ({@link JsonNumber}), so BIGINT beyond 2^53 and DECIMAL(38)
 * values are read exactly; JSON.parse would round them to doubles.
 */
export class JsonNumber {
  constructor(readonly text: string) {}
  toString(): string { return this.text; }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Parses one JSON document; throws SyntaxError with the character position on malformed input. */
export function parseJson(text: string): JsonValue {
  let pos = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${pos + 1}`);
  };
  const ws = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) pos++; else break;
    }
  };
  const value = (): JsonValue => {
    ws();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: { [key: string]: JsonValue } = {};
      ws();
      if (text[pos] === '}') { pos++; return obj; }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail('expected a field name');
        const key = string();
        ws();
        if (text[pos++] !== ':') fail("expected ':'");
        obj[key] = value();
        ws();
        const sep = text[pos++];
        if (sep === '}') return obj;
        if (sep !== ',') fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      pos++;
      const arr: JsonValue[] = [];
      ws();
      if (text[pos] === ']') { pos++; return arr; }
      for (;;) {
        arr.push(value());
        ws();
        const sep = text[pos++];
        if (sep === ']') return arr;
        if (sep !== ',') fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', pos)) { pos += 4; return true; }
    if (text.startsWith('false', pos)) { pos += 5; return false; }
    if (text.startsWith('null', pos)) { pos += 4; return null; }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return fail('unexpected character');
    pos += m[0].length;
    return new JsonNumber(m[0]);
  };
  const string = (): string => {
    const start = pos + 1;
    let end = start;
    // Fast path: no escapes.
    while (end < text.length && text[end] !== '"' && text[end] !== '\\') end++;
    if (text[end] === '"') { pos = end + 1; return text.slice(start, end); }
    let depth = end;
    while (depth < text.length && text[depth] !== '"') depth += text[depth] === '\\' ? 2 : 1;
    if (depth >= text.length) fail('unterminated string');
    pos = depth + 1;
    return JSON.parse(text.slice(start - 1, depth + 1)) as string;
  };
  const result = value();
  ws();
  if (pos < text.length) fail('unexpected text after the JSON value');
  return result;
}
