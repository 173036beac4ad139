import { deepStrictEqual, equal, ok, strictEqual } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqlParseError, formatSql, parseStatements, stripPositions } from '../../src/sql/index.ts';
import { renderParseExpected } from './expected-format.ts';

const root = join(import.meta.dirname, '..', 'fixtures', 'sql');
const sqlFiles = (dir: string): string[] => readdirSync(join(root, dir)).filter((f) => f.endsWith('.sql')).sort();
const read = (dir: string, file: string): string => readFileSync(join(root, dir, file), 'utf8');

/** parse(formatSql(s)) must equal s, positions aside. */
function assertRoundTrip(sql: string): void {
  for (const statement of parseStatements(sql)) {
    const text = formatSql(statement);
    const again = parseStatements(text);
    strictEqual(again.length, 1, text);
    deepStrictEqual(stripPositions(again[0]), stripPositions(statement), `round trip of:\n${text}`);
  }
}

describe('SQL parse corpus (test/fixtures/sql/parse)', () => {
  for (const file of sqlFiles('parse')) {
    it(`${file} matches ${file.replace(/\.sql$/, '.expected')}`, () => {
      const expected = read('parse', file.replace(/\.sql$/, '.expected'));
      strictEqual(renderParseExpected(read('parse', file)), expected);
    });
    it(`${file} round-trips through formatSql`, () => assertRoundTrip(read('parse', file)));
  }
});

describe('Nexmark queries (benchmarks/nexmark)', () => {
  const nexmarkDir = join(import.meta.dirname, '..', '..', 'benchmarks', 'nexmark');
  const files = readdirSync(nexmarkDir).filter((f) => f.endsWith('.sql')).sort();
  it('has q0 to q22', () => {
    for (let q = 0; q <= 22; q++) ok(files.includes(`q${q}.sql`), `q${q}.sql`);
  });
  for (const file of files) {
    it(`${file} parses and round-trips`, () => {
      const sql = readFileSync(join(nexmarkDir, file), 'utf8');
      const statements = parseStatements(sql);
      ok(statements.length >= 1);
      equal(statements.at(-1)!.kind, 'insert');
      assertRoundTrip(sql);
    });
  }
});

describe('SQL parse errors (test/fixtures/sql/parse-errors)', () => {
  for (const file of sqlFiles('parse-errors')) {
    it(file, () => {
      const sql = read('parse-errors', file);
      const m = /^-- error: (.*) at (\d+):(\d+)$/.exec(sql.split('\n')[0]);
      ok(m, `${file}: first line must be "-- error: <message> at <line>:<column>"`);
      let error: unknown;
      try { parseStatements(sql); } catch (e) { error = e; }
      ok(error instanceof SqlParseError, `${file} should fail to parse`);
      ok(error.message.includes(m[1]), `message:\n${error.message}\nshould contain: ${m[1]}`);
      deepStrictEqual([error.location.line, error.location.column], [Number(m[2]), Number(m[3])], error.message);
      strictEqual(error.code, 'PLAN_INVALID');
      ok(/\n\d+ \| .*\n +\| +\^/.test(error.message), `message should quote the line with a caret:\n${error.message}`);
    });
  }
});
