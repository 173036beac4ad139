// Regenerates test/fixtures/sql/parse/*.expected from the *.sql files next to them:
//   node --import tsx scripts/gen-sql-parse-expected.ts [name ...]
// Each statement is printed with its start position and kind, then as formatSql renders it. Review the diff by
// hand before committing: the expected files are the parser's specification, and a wrong one hides a bug.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderParseExpected } from '../test/sql/expected-format.ts';

const dir = join(import.meta.dirname, '..', 'test', 'fixtures', 'sql', 'parse');
const only = process.argv.slice(2);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
  if (only.length > 0 && !only.includes(file.replace(/\.sql$/, ''))) continue;
  const out = join(dir, file.replace(/\.sql$/, '.expected'));
  writeFileSync(out, renderParseExpected(readFileSync(join(dir, file), 'utf8')));
  console.log(`wrote ${out}`);
}
