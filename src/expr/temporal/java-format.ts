import type { Fields } from './calendar.ts';

/**
 * Java SimpleDateFormat patterns, as Flink's DATE_FORMAT, TO_TIMESTAMP and FROM_UNIXTIME use them: y M d H h k K
 * m s S a E D u, quoted text ('...', '' for a quote) and literal punctuation. Letters outside this set are rejected.
 */

type Token = { letter: string; count: number } | { text: string };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const SUPPORTED = new Set(['y', 'M', 'd', 'H', 'h', 'k', 'K', 'm', 's', 'S', 'a', 'E', 'D', 'u']);
const cache = new Map<string, Token[]>();

/** Tokens of a pattern; throws on an unsupported letter. */
export function tokenize(pattern: string): Token[] {
  let tokens = cache.get(pattern);
  if (tokens) return tokens;
  tokens = [];
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i];
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) { tokens.push({ text: "'" }); i += 2; continue; }
      const stop = end < 0 ? pattern.length : end;
      tokens.push({ text: pattern.slice(i + 1, stop) });
      i = stop + 1;
    } else if (/[A-Za-z]/.test(c)) {
      if (!SUPPORTED.has(c)) throw new Error(`unsupported pattern letter '${c}'`);
      let j = i;
      while (pattern[j] === c) j++;
      tokens.push({ letter: c, count: j - i });
      i = j;
    } else {
      tokens.push({ text: c });
      i++;
    }
  }
  cache.set(pattern, tokens);
  return tokens;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

function dayOfYear(f: Fields): number {
  return Math.round((Date.UTC(f.year, f.month - 1, f.day) - Date.UTC(f.year, 0, 1)) / 86_400_000) + 1;
}

/** Formats calendar fields with a pattern. */
export function formatWithPattern(f: Fields, pattern: string): string {
  let out = '';
  for (const t of tokenize(pattern)) {
    if ('text' in t) { out += t.text; continue; }
    const n = t.count;
    switch (t.letter) {
      case 'y': out += n === 2 ? pad(f.year % 100, 2) : pad(f.year, n); break;
      case 'M': out += n >= 4 ? MONTHS[f.month - 1] : n === 3 ? MONTHS[f.month - 1].slice(0, 3) : pad(f.month, n); break;
      case 'd': out += pad(f.day, n); break;
      case 'H': out += pad(f.hour, n); break;
      case 'k': out += pad(f.hour === 0 ? 24 : f.hour, n); break;
      case 'K': out += pad(f.hour % 12, n); break;
      case 'h': out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, n); break;
      case 'm': out += pad(f.minute, n); break;
      case 's': out += pad(f.second, n); break;
      // S is milliseconds in SimpleDateFormat; more than three letters zero-pads (Flink keeps the nanos then).
      case 'S': out += n <= 3 ? pad(f.milli, n) : (pad(f.milli, 3) + pad(f.nano, 6)).slice(0, n).padEnd(n, '0'); break;
      case 'a': out += f.hour < 12 ? 'AM' : 'PM'; break;
      case 'E': {
        const dow = new Date(Date.UTC(f.year, f.month - 1, f.day)).getUTCDay();
        out += n >= 4 ? DAYS[dow] : DAYS[dow].slice(0, 3);
        break;
      }
      case 'u': { const dow = new Date(Date.UTC(f.year, f.month - 1, f.day)).getUTCDay(); out += String(dow === 0 ? 7 : dow); break; }
      case 'D': out += pad(dayOfYear(f), n); break;
    }
  }
  return out;
}

/** Parses text with a pattern into calendar fields (missing ones default to 1970-01-01 00:00:00); undefined on mismatch. */
export function parseWithPattern(text: string, pattern: string): Fields | undefined {
  const f: Fields = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, milli: 0, nano: 0 };
  let pos = 0;
  let pm: boolean | undefined;
  let hour12: number | undefined;
  const tokens = tokenize(pattern);
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if ('text' in t) {
      if (text.slice(pos, pos + t.text.length) !== t.text) return undefined;
      pos += t.text.length;
      continue;
    }
    if (t.letter === 'a') {
      const m = /^(AM|PM)/i.exec(text.slice(pos));
      if (!m) return undefined;
      pm = m[1].toUpperCase() === 'PM';
      pos += 2;
      continue;
    }
    if ((t.letter === 'M' && t.count >= 3) || t.letter === 'E') {
      const names = t.letter === 'M' ? MONTHS : DAYS;
      const rest = text.slice(pos).toLowerCase();
      const idx = names.findIndex((nm) => rest.startsWith(nm.toLowerCase()) || rest.startsWith(nm.slice(0, 3).toLowerCase()));
      if (idx < 0) return undefined;
      const full = rest.startsWith(names[idx].toLowerCase());
      pos += full ? names[idx].length : 3;
      if (t.letter === 'M') f.month = idx + 1;
      continue;
    }
    // Adjacent numeric fields ('yyyyMMdd') take exactly their width; otherwise read all digits.
    const next = tokens[k + 1];
    const fixed = next !== undefined && 'letter' in next;
    const m = (fixed ? new RegExp(`^[+-]?\\d{1,${t.count}}`) : /^[+-]?\d+/).exec(text.slice(pos));
    if (!m) return undefined;
    pos += m[0].length;
    const v = Number(m[0]);
    switch (t.letter) {
      case 'y': f.year = t.count === 2 && m[0].length <= 2 ? 2000 + v : v; break;
      case 'M': f.month = v; break;
      case 'd': f.day = v; break;
      case 'H': case 'k': f.hour = v % 24; break;
      case 'h': case 'K': hour12 = v % 12; break;
      case 'm': f.minute = v; break;
      case 's': f.second = v; break;
      case 'S': {
        const digits = m[0].padEnd(9, '0').slice(0, 9);
        // SimpleDateFormat reads S as a millisecond count; with a 3-digit field both readings agree.
        if (m[0].length <= 3) f.milli = v; else { f.milli = Number(digits.slice(0, 3)); f.nano = Number(digits.slice(3)); }
        break;
      }
      case 'D': f.month = 1; f.day = v; break;
      default: break;
    }
  }
  if (pos !== text.length) return undefined;
  if (hour12 !== undefined) f.hour = hour12 + (pm ? 12 : 0);
  else if (pm && f.hour < 12) f.hour += 12;
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31 || f.hour > 23 || f.minute > 59 || f.second > 59) return undefined;
  return f;
}
