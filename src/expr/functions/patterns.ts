import { DataTypes } from '../../types/data-type.ts';
import { mapRows, simple } from './helpers.ts';
import { registerFunction, type KernelContext } from './registry.ts';

/**
 * LIKE, SIMILAR TO and the REGEXP functions. Patterns are compiled once per distinct pattern text (usually a
 * constant) and cached. Java regex syntax is close enough to JavaScript's with the 'u' flag for the common subset;
 * an invalid regular expression gives NULL, as in Flink.
 */

const BOOL = DataTypes.BOOLEAN();
const STRING = DataTypes.STRING();
const cache = new Map<string, RegExp | null>();

function cached(key: string, build: () => RegExp): RegExp | null {
  let re = cache.get(key);
  if (re === undefined) {
    try { re = build(); } catch { re = null; }
    if (cache.size > 1000) cache.clear();
    cache.set(key, re);
  }
  return re;
}

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A LIKE pattern as an anchored regex: % any run, _ one character, `escape` quotes the next character. */
export function likeToRegExp(pattern: string, escape?: string): RegExp {
  if (escape !== undefined && [...escape].length !== 1) throw new Error('ESCAPE must be one character');
  let src = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (escape !== undefined && c === escape) {
      const next = chars[++i];
      if (next === undefined) throw new Error('pattern ends with the escape character');
      src += escapeRe(next);
    } else if (c === '%') src += '[\\s\\S]*';
    else if (c === '_') src += '[\\s\\S]';
    else src += escapeRe(c);
  }
  return new RegExp(`^${src}$`, 'u');
}

/** SIMILAR TO: SQL regular expressions (% and _ as in LIKE, the rest regex syntax), matching the whole value. */
function similarToRegExp(pattern: string): RegExp {
  let src = '';
  for (const c of pattern) src += c === '%' ? '[\\s\\S]*' : c === '_' ? '[\\s\\S]' : c === '.' ? '\\.' : c;
  return new RegExp(`^(?:${src})$`, 'u');
}

function likeKernel(negate: boolean) {
  return (args: Parameters<typeof mapRows>[0], ctx: KernelContext) => mapRows(args, ctx, ([s, p, e], row) => {
    const re = cached(`L${e ?? ''}\u0000${p as string}`, () => likeToRegExp(p as string, e as string | undefined));
    if (!re) return ctx.fail('EXECUTION_FAILED', `Invalid LIKE pattern '${p as string}'`, row);
    return re.test(s as string) !== negate;
  });
}

registerFunction({ names: ['LIKE'], signatures: ['STRING LIKE STRING [ESCAPE STRING]'], infer: simple(['STRING', 'STRING', 'STRING?'], BOOL), kernel: likeKernel(false), operator: { symbol: 'LIKE', form: 'infix' } });
registerFunction({ names: ['NOT LIKE'], signatures: ['STRING NOT LIKE STRING [ESCAPE STRING]'], infer: simple(['STRING', 'STRING', 'STRING?'], BOOL), kernel: likeKernel(true), operator: { symbol: 'NOT LIKE', form: 'infix' } });
registerFunction({
  names: ['SIMILAR TO'], signatures: ['STRING SIMILAR TO STRING'], infer: simple(['STRING', 'STRING'], BOOL),
  kernel: (args, ctx) => mapRows(args, ctx, ([s, p], row) => {
    const re = cached(`S\u0000${p as string}`, () => similarToRegExp(p as string));
    if (!re) return ctx.fail('EXECUTION_FAILED', `Invalid SIMILAR TO pattern '${p as string}'`, row);
    return re.test(s as string);
  }),
  operator: { symbol: 'SIMILAR TO', form: 'infix' },
});

const regex = (p: string, flags: string): RegExp | null => cached(`R${flags}\u0000${p}`, () => new RegExp(p, flags));

registerFunction({
  names: ['REGEXP'], signatures: ['REGEXP(STRING, STRING regex)'], infer: simple(['STRING', 'STRING'], BOOL),
  kernel: (args, ctx) => mapRows(args, ctx, ([s, p]) => regex(p as string, 'u')?.test(s as string) ?? null),
});

registerFunction({
  names: ['REGEXP_REPLACE'], signatures: ['REGEXP_REPLACE(STRING, STRING regex, STRING replacement)'],
  infer: simple(['STRING', 'STRING', 'STRING'], STRING),
  kernel: (args, ctx) => mapRows(args, ctx, ([s, p, r]) => {
    const re = regex(p as string, 'gu');
    return re ? (s as string).replace(re, r as string) : null;
  }),
});

registerFunction({
  names: ['REGEXP_EXTRACT'], signatures: ['REGEXP_EXTRACT(STRING, STRING regex[, INT group])'],
  infer: simple(['STRING', 'STRING', 'INT?'], STRING),
  // Without a group index Flink returns group 1 of the first match; NULL when nothing matches.
  kernel: (args, ctx) => mapRows(args, ctx, ([s, p, g]) => {
    const re = regex(p as string, 'u');
    const m = re?.exec(s as string);
    if (!m) return null;
    const v = m[(g as number | undefined) ?? 1];
    return v ?? null;
  }),
});
