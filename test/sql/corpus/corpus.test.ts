/**
 * The SQL corpus: every `test/fixtures/sql/corpus/*.sql` file runs in a fresh TableEnvironment (records share its
 * catalog in order, like a script); one test per record, named `<file>:<line>`. See runner.ts for the format.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TableEnvironment } from '../../../src/index.ts';
import {
  changelogRows, loadCorpus, multisetDiff, normalizeLine, queryResult, queryRows, runExpectingError, runStatements, setParallelism,
  sqlEnv, type CorpusRecord,
} from './runner.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const CORPUS = join(FIXTURES, 'sql', 'corpus');

const files = readdirSync(CORPUS).filter((f) => f.endsWith('.sql')).sort();

for (const file of files) {
  const records = loadCorpus(join(CORPUS, file), file);
  describe(`sql corpus ${file}`, () => {
    let env: TableEnvironment;
    let tmp: string;
    before(() => {
      tmp = mkdtempSync(join(tmpdir(), 'weir-corpus-'));
      env = TableEnvironment.create({
        baseDir: FIXTURES,
        name: `corpus-${file}`,
        config: { 'python.worker.pool-size': 1, 'python.fn-execution.bundle.time': 20 },
      });
    });
    after(() => rmSync(tmp, { recursive: true, force: true }));

    for (const rec of records) {
      const name = `${file}:${rec.line} ${rec.directive}${rec.errorCode ? ` ${rec.errorCode}` : ''}`;
      const skip = rec.skip ?? false;
      it(name, { skip }, async (t) => {
        if (!sqlEnv(env)) { t.skip('env.executeSql is not implemented yet'); return; }
        await runRecord(env, rec, tmp);
      });
    }
  });
}

async function runRecord(env: TableEnvironment, rec: CorpusRecord, tmp: string): Promise<void> {
  const sql = rec.sql.replaceAll('${TMP}', tmp);
  const where = `${rec.file}:${rec.line}`;
  switch (rec.directive) {
    case 'statement':
      setParallelism(env, 1);
      await runStatements(env, sql);
      return;
    case 'query':
    case 'query-ordered':
      for (const p of rec.parallelism) {
        setParallelism(env, p);
        const { rows: actual, insertOnly } = await queryResult(env, sql);
        // An ordered result must be insert-only: with retractions the final rows have no order to check.
        if (rec.directive === 'query-ordered' && !insertOnly) {
          const diff = multisetDiff(rec.expect, actual);
          if (diff) assert.fail(`${where} (parallelism ${p}, updating result compared as a multiset):\n${diff}`);
        } else if (rec.directive === 'query-ordered') {
          assert.deepEqual(actual.map(normalizeLine), rec.expect.map(normalizeLine), `${where} (parallelism ${p}): ordered rows differ`);
        } else {
          const diff = multisetDiff(rec.expect, actual);
          if (diff) assert.fail(`${where} (parallelism ${p}):\n${diff}`);
        }
      }
      return;
    case 'query-contains':
      for (const p of rec.parallelism) {
        setParallelism(env, p);
        const text = (await queryRows(env, sql)).join('\n');
        for (const e of rec.expect) assert.ok(text.includes(e), `${where}: output lacks '${e}'; output:\n${text}`);
      }
      return;
    case 'changelog': {
      setParallelism(env, 1);
      const actual = await changelogRows(env, sql);
      assert.deepEqual(actual.map(normalizeLine), rec.expect.map(normalizeLine), `${where}: changelog differs`);
      return;
    }
    case 'error': {
      setParallelism(env, 1);
      const err = await runExpectingError(env, sql) as { code?: string; message?: string; location?: { line?: number; column?: number } };
      const msg = String(err?.message ?? err);
      if (rec.errorCode) assert.equal(err?.code, rec.errorCode, `${where}: error code; message: ${msg}`);
      if (rec.expect[0]) assert.ok(msg.includes(rec.expect[0]), `${where}: message lacks '${rec.expect[0]}': ${msg}`);
      if (rec.errorAt) {
        const at = { line: err?.location?.line, column: err?.location?.column };
        assert.deepEqual(at, rec.errorAt, `${where}: error position; message: ${msg}`);
      }
      return;
    }
  }
}
