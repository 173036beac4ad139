/** RFC 4180 field splitting and quoting, with Flink's configurable delimiter and quote character. */

/** The fields of one record; `quoted[i]` tells an empty quoted field ("" → empty string) from an empty one (NULL). */
export interface CsvFields {
  readonly values: string[];
  readonly quoted: boolean[];
}

/** Splits a record into fields; a doubled quote inside quotes is a literal quote. Throws on an unclosed quote. */
export function splitCsv(text: string, delimiter: string, quote: string): CsvFields {
  const values: string[] = [];
  const quoted: boolean[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === quote) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const k = text.indexOf(quote, j);
        if (k < 0) throw new Error('unclosed quote');
        value += text.slice(j, k);
        if (text[k + 1] === quote) { value += quote; j = k + 2; continue; }
        i = k + 1;
        break;
      }
      values.push(value);
      quoted.push(true);
      if (i < text.length && text[i] !== delimiter) throw new Error(`unexpected text after a closing quote at character ${i + 1}`);
    } else {
      const k = text.indexOf(delimiter, i);
      const end = k < 0 ? text.length : k;
      values.push(text.slice(i, end));
      quoted.push(false);
      i = end;
    }
    if (i >= text.length) return { values, quoted };
    i++; // skip the delimiter
    if (i === text.length) { values.push(''); quoted.push(false); return { values, quoted }; }
  }
}

/** A cell quoted when it holds the delimiter, the quote, CR or LF, or is an empty string (empty unquoted = NULL). */
export function quoteCsv(value: string, delimiter: string, quote: string): string {
  if (value === '' || value.includes(delimiter) || value.includes(quote) || value.includes('\n') || value.includes('\r')) {
    return quote + value.split(quote).join(quote + quote) + quote;
  }
  return value;
}
