import { DataTypes } from '../../types/data-type.ts';
import type { IntervalExpr, LiteralExpr, SourcePos, TimeUnit } from '../ast.ts';
import type { Token } from '../tokens.ts';
import type { Cursor } from './cursor.ts';

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;

/**
 * A numeric literal from its text (sign included), typed as Flink types it: an integer is INT when it fits, else
 * BIGINT, else DECIMAL(p, 0); a number with a point is DECIMAL(p, s) with the exact digits; an exponent makes it
 * DOUBLE.
 */
export function numericLiteral(p: Cursor, text: string, at: Token): LiteralExpr {
  const pos = at.pos;
  if (/[eE]/.test(text)) return { kind: 'literal', value: Number(text), type: DataTypes.DOUBLE(), text, pos };
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  if (!digits.includes('.')) {
    const n = BigInt(digits) * (negative ? -1n : 1n);
    if (n >= INT_MIN && n <= INT_MAX) return { kind: 'literal', value: Number(n), type: DataTypes.INT(), text, pos };
    if (n >= BIGINT_MIN && n <= BIGINT_MAX) return { kind: 'literal', value: n, type: DataTypes.BIGINT(), text, pos };
  }
  const [intPart, frac = ''] = digits.split('.');
  const whole = intPart.replace(/^0+/, '');
  const precision = Math.max(whole.length + frac.length, 1);
  if (precision > 38) {
    p.fail(`Numeric literal ${text} has ${precision} digits; DECIMAL allows at most 38`, at,
      'Write it with an exponent (1.5e40) to make it a DOUBLE.');
  }
  const value = `${negative ? '-' : ''}${whole || '0'}${frac ? `.${frac}` : ''}`;
  return { kind: 'literal', value, type: DataTypes.DECIMAL(precision, frac.length), text, pos };
}

const DATE_RE = /^\d{4}-\d{1,2}-\d{1,2}$/;
const TIME_RE = /^\d{1,2}:\d{2}(?::\d{2}(?:\.(\d{1,9}))?)?$/;
const TIMESTAMP_RE = /^\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.(\d{1,9}))?)?$/;

/** `DATE '2024-01-01'`, `TIME '12:00:00'`, `TIMESTAMP '2024-01-01 12:00:00.123'` (precision from the digits). */
export function dateTimeLiteral(p: Cursor, keyword: Token): LiteralExpr {
  const t = p.peek();
  const what = keyword.upper;
  const example = what === 'DATE' ? "'2024-01-31'" : what === 'TIME' ? "'12:30:00'" : "'2024-01-31 12:30:00.000'";
  if (t.kind !== 'string') {
    p.expected(`a string after ${what} (as in ${what} ${example})`, undefined,
      `If '${keyword.value}' is a column name, quote it with backticks: \`${keyword.value}\`.`);
  }
  p.next();
  const text = t.value.trim();
  const re = what === 'DATE' ? DATE_RE : what === 'TIME' ? TIME_RE : TIMESTAMP_RE;
  const m = re.exec(text);
  if (!m) p.fail(`Invalid ${what} literal '${t.value}'`, t, `Write it as ${what} ${example}.`);
  const type = what === 'DATE' ? DataTypes.DATE() : what === 'TIME' ? DataTypes.TIME() : DataTypes.TIMESTAMP(m[1]?.length ?? 0);
  return { kind: 'literal', value: text, type, pos: keyword.pos };
}

const UNIT_MS: Partial<Record<TimeUnit, number>> = { DAY: 86_400_000, HOUR: 3_600_000, MINUTE: 60_000, SECOND: 1000 };
const UNIT_MONTHS: Partial<Record<TimeUnit, number>> = { YEAR: 12, MONTH: 1 };
const INTERVAL_UNITS = ['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND'] as const;
const DAY_TIME_ORDER: TimeUnit[] = ['DAY', 'HOUR', 'MINUTE', 'SECOND'];

/** Reads a time unit word (`MINUTE`, `minutes`, `SQL_TSI_DAY`) as its singular upper-case name. */
export function timeUnit(p: Cursor, what: string, allowed?: readonly string[]): TimeUnit {
  const t = p.peek();
  if (t.kind !== 'word') p.expected(what);
  const unit = normalizeUnit(t.upper);
  if (allowed && !allowed.includes(unit)) p.expected(what, undefined, `Use one of ${allowed.join(', ')}.`);
  p.next();
  return unit as TimeUnit;
}

function normalizeUnit(word: string): string {
  const w = word.replace(/^SQL_TSI_/, '');
  return w.endsWith('S') && w.length > 3 && !w.endsWith('SS') ? w.slice(0, -1) : w;
}

/**
 * After INTERVAL: `'5' SECOND`, `'1:30' MINUTE TO SECOND`, `'1-6' YEAR TO MONTH`, plural units (`MINUTES`) and
 * an optional precision (`SECOND(3)`) accepted. The text is validated and converted to milliseconds or months.
 */
export function intervalLiteral(p: Cursor, keyword: Token): IntervalExpr {
  const t = p.peek();
  if (t.kind !== 'string' && t.kind !== 'number') p.expected("the interval amount as a string (INTERVAL '5' SECOND)");
  p.next();
  const unitWhat = 'an interval unit (YEAR, MONTH, DAY, HOUR, MINUTE or SECOND)';
  const from = timeUnit(p, unitWhat, INTERVAL_UNITS);
  skipPrecision(p);
  let to: TimeUnit | undefined;
  if (p.acceptWord('TO')) {
    to = timeUnit(p, unitWhat, INTERVAL_UNITS);
    skipPrecision(p);
    const valid = from === 'YEAR' ? to === 'MONTH' : DAY_TIME_ORDER.indexOf(to) > DAY_TIME_ORDER.indexOf(from) && from !== 'MONTH';
    if (!valid) p.fail(`Invalid interval qualifier ${from} TO ${to}`, keyword, 'Valid ranges are YEAR TO MONTH, DAY TO HOUR|MINUTE|SECOND, HOUR TO MINUTE|SECOND and MINUTE TO SECOND.');
  }
  const family = from === 'YEAR' || from === 'MONTH' ? 'YEAR_MONTH' : 'DAY_TIME';
  const value = intervalValue(t.value.trim(), from, to);
  if (value === undefined) {
    p.fail(`Invalid interval '${t.value}' for ${from}${to ? ` TO ${to}` : ''}`, t, `Expected ${intervalFormat(from, to)}.`);
  }
  return { kind: 'interval', text: t.value, from, ...(to ? { to } : {}), family, value, pos: keyword.pos };
}

function skipPrecision(p: Cursor): void {
  const open = p.acceptSymbol('(');
  if (!open) return;
  if (p.peek().kind !== 'number') p.expected('an interval precision');
  p.next();
  if (p.acceptSymbol(',') && p.peek().kind === 'number') p.next();
  p.expectClose(open, 'interval precision');
}

/** The amount of `text` in ms (DAY_TIME) or months (YEAR_MONTH); undefined when the text does not fit the units. */
function intervalValue(text: string, from: TimeUnit, to?: TimeUnit): number | undefined {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[+-]/, '');
  if (!to) {
    if (!(from === 'SECOND' ? /^\d+(\.\d+)?$/ : /^\d+$/).test(body)) return undefined;
    return sign * (from in UNIT_MONTHS ? Number(body) * UNIT_MONTHS[from]! : Math.round(Number(body) * UNIT_MS[from]!));
  }
  if (from === 'YEAR') {
    const m = /^(\d+)-(\d+)$/.exec(body);
    return m ? sign * (Number(m[1]) * 12 + Number(m[2])) : undefined;
  }
  const units = DAY_TIME_ORDER.slice(DAY_TIME_ORDER.indexOf(from), DAY_TIME_ORDER.indexOf(to) + 1);
  const parts = body.split(/[ :]/);
  const seps = body.match(/[ :]/g) ?? [];
  if (parts.length !== units.length) return undefined;
  let ms = 0;
  for (let k = 0; k < units.length; k++) {
    const expectedSep = units[k] === 'HOUR' && from === 'DAY' ? ' ' : ':';
    if (k > 0 && seps[k - 1] !== expectedSep) return undefined;
    const isLastSecond = units[k] === 'SECOND';
    if (!(isLastSecond ? /^\d+(\.\d+)?$/ : /^\d+$/).test(parts[k])) return undefined;
    ms += Number(parts[k]) * UNIT_MS[units[k]]!;
  }
  return sign * Math.round(ms);
}

function intervalFormat(from: TimeUnit, to?: TimeUnit): string {
  if (!to) return from === 'SECOND' ? "a number of seconds such as '5' or '1.5'" : `a whole number of ${from.toLowerCase()}s such as '5'`;
  if (from === 'YEAR') return "'years-months' such as '1-6'";
  const units = DAY_TIME_ORDER.slice(DAY_TIME_ORDER.indexOf(from), DAY_TIME_ORDER.indexOf(to) + 1);
  const sample: Record<string, string> = { DAY: '1', HOUR: '12', MINUTE: '30', SECOND: '15' };
  const text = units.map((u, k) => (k === 0 ? '' : u === 'HOUR' ? ' ' : ':') + sample[u]).join('');
  return `'${units.map((u) => u.toLowerCase()).join(from === 'DAY' ? ' ' : ':')}' such as '${text}'`;
}

/** A string literal as an AST node (unit names and similar canonical arguments). */
export const stringLiteral = (value: string, pos: SourcePos): LiteralExpr => ({ kind: 'literal', value, type: DataTypes.STRING(), pos });
