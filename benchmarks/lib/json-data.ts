import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { BENCH_DIR } from './engines.ts';
import { mulberry32 } from '../../test/support/seeded-random.ts';

/** Where generated input files live (gitignored; regenerated on demand, identical on every machine). */
export const DATA_DIR = join(BENCH_DIR, '.data');

export const JSON_SIZES = { '100b': 100, '1kb': 1_000, '10kb': 10_000 } as const;
export type JsonSize = keyof typeof JSON_SIZES;

export const jsonDataPath = (size: JsonSize, rows: number): string => join(DATA_DIR, `json-${size}-${rows}.jsonl`);

/** mulberry32: a small seeded PRNG, so the files are byte-identical wherever they are generated. */
const rng = mulberry32;

const WORDS = ['Alpha', 'BRAVO', 'Charlie', 'delta', 'Echo', 'FOXTROT', 'Golf', 'hotel', 'India', 'JULIET', 'Kilo',
  'Lima', 'MIKE', 'november', 'Oscar', 'Papa', 'QUEBEC', 'Romeo', 'sierra', 'Tango', 'Uniform', 'VICTOR', 'Whiskey',
  'xray', 'Yankee', 'ZULU'];

/**
 * One JSON record of about `target` bytes: a mixed-case `name` (the field the UDF lowercases), a few typed fields,
 * and a `text` field of words padding it to size.
 */
export function jsonRecord(i: number, target: number, r: () => number): string {
  const word = () => WORDS[Math.floor(r() * WORDS.length)];
  const rec: Record<string, unknown> = {
    id: i,
    name: `${word()} ${word()}`,
    score: Math.round(r() * 1e4) / 100,
    ok: r() < 0.5,
  };
  if (target >= 1000) {
    rec.email = `${word().toLowerCase()}.${i}@example.com`;
    rec.tags = [word(), word(), word()];
    rec.address = { city: word(), zip: String(10000 + Math.floor(r() * 89999)) };
  }
  const base = JSON.stringify({ ...rec, text: '' }).length;
  let text = '';
  while (base + text.length < target) text += (text ? ' ' : '') + word();
  rec.text = text.slice(0, Math.max(0, target - base));
  return JSON.stringify(rec);
}

/**
 * Writes (once) `rows` lines `{"id": i, "payload": "<JSON record as a string>"}` to benchmarks/.data/ and returns the
 * path. Every engine reads this same file: the JSON-lines format with a BIGINT and a STRING column.
 */
export async function ensureJsonData(size: JsonSize, rows: number): Promise<string> {
  const path = jsonDataPath(size, rows);
  if (existsSync(path)) return path;
  mkdirSync(DATA_DIR, { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  const r = rng(42 + JSON_SIZES[size]);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += `${JSON.stringify({ id: i, payload: jsonRecord(i, JSON_SIZES[size], r) })}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  renameSync(tmp, path);
  return path;
}
