import { createHash } from 'node:crypto';
import { DataTypes, notNull, type DataType } from '../../types/data-type.ts';
import { BinaryBuilder } from '../eval/utf8.ts';
import type { Vec } from '../eval/vec.ts';
import { mapRows, simple, strictValidity } from './helpers.ts';
import { registerFunction, type Kernel } from './registry.ts';

/**
 * String functions. Positions and lengths count Unicode code points (Flink counts characters of its UTF-8
 * strings the same way), so 'héllo' has length 5 and emoji count once. Any NULL argument gives NULL unless noted.
 */

const STRING = DataTypes.STRING();
const INT = DataTypes.INT();
const cps = (s: string): string[] => Array.from(s);

function fn(names: string[], params: string[], result: DataType, f: (v: unknown[]) => unknown, signature?: string): void {
  const kernel: Kernel = (args, ctx) => mapRows(args, ctx, (v) => f(v));
  registerFunction({ names, signatures: [signature ?? `${names[0]}(${params.join(', ')})`], infer: simple(params, result), kernel });
}

fn(['UPPER', 'UCASE'], ['STRING'], STRING, ([s]) => (s as string).toUpperCase());
fn(['LOWER', 'LCASE'], ['STRING'], STRING, ([s]) => (s as string).toLowerCase());

/** SQL TRIM removes the given characters (default: space only, not all whitespace). */
function trimmer(leading: boolean, trailing: boolean) {
  return ([s, chars]: unknown[]): string => {
    const set = new Set(cps((chars as string | undefined) ?? ' '));
    const a = cps(s as string);
    let i = 0;
    let j = a.length;
    if (leading) while (i < j && set.has(a[i])) i++;
    if (trailing) while (j > i && set.has(a[j - 1])) j--;
    return a.slice(i, j).join('');
  };
}
fn(['TRIM', 'BTRIM'], ['STRING', 'STRING?'], STRING, trimmer(true, true));
fn(['LTRIM'], ['STRING', 'STRING?'], STRING, trimmer(true, false));
fn(['RTRIM'], ['STRING', 'STRING?'], STRING, trimmer(false, true));

/** CHAR_LENGTH counts code points straight from UTF-8 (bytes that are not continuation bytes), no decoding. */
const charLength: Kernel = (args, ctx) => {
  const a = args[0];
  const out = new Int32Array(ctx.n);
  const { offsets, bytes } = a as Required<Pick<Vec, 'offsets' | 'bytes'>>;
  for (let i = 0; i < ctx.n; i++) {
    let c = 0;
    for (let k = offsets[i]; k < offsets[i + 1]; k++) c += (bytes[k] & 0xc0) !== 0x80 ? 1 : 0;
    out[i] = c;
  }
  return { type: ctx.node.type, length: ctx.n, isConst: false, valid: a.valid, num: out };
};
registerFunction({ names: ['CHAR_LENGTH', 'CHARACTER_LENGTH', 'LENGTH'], signatures: ['CHAR_LENGTH(STRING)'], infer: simple(['STRING'], INT), kernel: charLength });

/** CONCAT: NULL if any argument is NULL (Flink); bytes are copied without decoding. */
const concatKernel: Kernel = (args, ctx) => {
  const n = ctx.n;
  const valid = strictValidity(args, n);
  const b = new BinaryBuilder(n);
  for (let i = 0; i < n; i++) {
    if (valid && !valid[i]) { b.appendEmpty(); continue; }
    b.appendConcat(args.map((a) => [a.bytes!, a.offsets![i], a.offsets![i + 1]] as const));
  }
  return { type: ctx.node.type, length: n, isConst: false, valid, offsets: b.offsets, bytes: b.bytes };
};
registerFunction({ names: ['CONCAT'], signatures: ['CONCAT(STRING, ...)'], infer: simple(['STRING...'], STRING), kernel: concatKernel });
registerFunction({ names: ['||'], signatures: ['STRING || STRING'], infer: simple(['STRING', 'STRING'], STRING), kernel: concatKernel, operator: { symbol: '||', form: 'infix' } });

registerFunction({
  names: ['CONCAT_WS'],
  signatures: ['CONCAT_WS(STRING separator, STRING, ...)'],
  // NULL values are skipped; only a NULL separator makes the result NULL.
  infer: (args) => {
    const r = simple(['STRING', 'STRING...'], STRING)(args);
    return r && { ...r, result: { ...r.result, nullable: args[0].type.nullable } };
  },
  kernel: (args, ctx) => mapRows(args, ctx, (v) => (v[0] === null ? null : v.slice(1).filter((x) => x !== null).join(v[0] as string)), true),
});

/** SUBSTRING(s, start[, length]): 1-based; a negative start counts from the end; 0 acts as 1. */
function substring(s: string, start: number, length?: number): string {
  const a = cps(s);
  let from = start > 0 ? start - 1 : start < 0 ? Math.max(a.length + start, 0) : 0;
  if (from > a.length) from = a.length;
  if (length === undefined) return a.slice(from).join('');
  if (length < 0) return '';
  return a.slice(from, from + length).join('');
}
fn(['SUBSTRING', 'SUBSTR'], ['STRING', 'INT', 'INT?'], STRING, ([s, p, l]) => substring(s as string, p as number, l as number | undefined));

fn(['POSITION', 'LOCATE'], ['STRING', 'STRING'], INT, ([needle, hay]) => {
  const idx = (hay as string).indexOf(needle as string);
  return idx < 0 ? 0 : cps((hay as string).slice(0, idx)).length + 1;
}, 'POSITION(STRING needle IN STRING haystack)');

fn(['REPLACE'], ['STRING', 'STRING', 'STRING'], STRING, ([s, a, b]) => ((a as string) === '' ? s : (s as string).split(a as string).join(b as string)));

/** LPAD/RPAD to `len` code points; a result longer than len is cut (Flink); NULL for a negative length. */
function pad(left: boolean) {
  return ([s, len, p]: unknown[]): string | null => {
    const n = len as number;
    if (n < 0) return null;
    const a = cps(s as string);
    if (a.length >= n) return a.slice(0, n).join('');
    const fill = cps(p as string);
    if (fill.length === 0) return a.join('');
    const extra: string[] = [];
    while (extra.length < n - a.length) extra.push(fill[extra.length % fill.length]);
    return left ? extra.join('') + a.join('') : a.join('') + extra.join('');
  };
}
fn(['LPAD'], ['STRING', 'INT', 'STRING'], STRING, pad(true));
fn(['RPAD'], ['STRING', 'INT', 'STRING'], STRING, pad(false));

fn(['INITCAP'], ['STRING'], STRING, ([s]) => (s as string).toLowerCase().replace(/(^|[^\p{L}\p{N}])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase()));
fn(['REVERSE'], ['STRING'], STRING, ([s]) => cps(s as string).reverse().join(''));
fn(['REPEAT'], ['STRING', 'INT'], STRING, ([s, n]) => ((n as number) <= 0 ? '' : (s as string).repeat(n as number)));
fn(['LEFT'], ['STRING', 'INT'], STRING, ([s, n]) => ((n as number) <= 0 ? '' : cps(s as string).slice(0, n as number).join('')));
fn(['RIGHT'], ['STRING', 'INT'], STRING, ([s, n]) => ((n as number) <= 0 ? '' : cps(s as string).slice(-(n as number)).join('')));
fn(['ASCII'], ['STRING'], INT, ([s]) => ((s as string).length === 0 ? 0 : (s as string).codePointAt(0)! & 0xff));
fn(['CHR'], ['INT'], STRING, ([n]) => ((n as number) < 0 ? null : String.fromCharCode((n as number) % 256)));

/** SPLIT_INDEX(s, sep, i): the i-th (0-based) piece, NULL when out of range. */
fn(['SPLIT_INDEX'], ['STRING', 'STRING', 'INT'], STRING, ([s, sep, i]) => {
  const idx = i as number;
  if (idx < 0 || sep === '') return null;
  return (s as string).split(sep as string)[idx] ?? null;
});

fn(['TO_BASE64'], ['STRING'], STRING, ([s]) => Buffer.from(s as string, 'utf8').toString('base64'));
fn(['FROM_BASE64'], ['STRING'], STRING, ([s]) => Buffer.from(s as string, 'base64').toString('utf8'));

const hash = (algo: string) => ([s]: unknown[]): string => createHash(algo).update(s as string, 'utf8').digest('hex');
fn(['MD5'], ['STRING'], notNull(STRING), hash('md5'));
fn(['SHA1'], ['STRING'], notNull(STRING), hash('sha1'));
fn(['SHA256'], ['STRING'], notNull(STRING), hash('sha256'));
