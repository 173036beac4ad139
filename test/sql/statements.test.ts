import { deepStrictEqual, ok, strictEqual, throws } from 'node:assert';
import { describe, it } from 'node:test';
import { DataTypes, notNull } from '../../src/types/data-type.ts';
import {
  SqlParseError, findExprs, formatSql, parseQuery, parseStatement, parseStatements, stripPositions,
  type FromItem, type Query, type Statement, type WindowTvfRef,
} from '../../src/sql/index.ts';

const only = <K extends Statement['kind']>(sql: string, kind: K): Extract<Statement, { kind: K }> => {
  const s = parseStatement(sql);
  strictEqual(s.kind, kind);
  return s as Extract<Statement, { kind: K }>;
};
const fromOf = (sql: string): FromItem => {
  const q = parseQuery(sql);
  ok(q.kind === 'select' && q.from);
  return q.from;
};
const tvf = (sql: string): WindowTvfRef => {
  const f = fromOf(sql);
  ok(f.kind === 'windowTvf');
  return f;
};

describe('SQL statements', () => {
  it('CREATE TABLE with every column kind, watermark, key, partitioning and options', () => {
    const s = only(`CREATE TEMPORARY TABLE IF NOT EXISTS cat.db.t (
      id BIGINT NOT NULL, price AS id * 2 COMMENT 'x', m STRING METADATA FROM 'k' VIRTUAL, ts TIMESTAMP(3),
      WATERMARK FOR ts AS ts - INTERVAL '5' SECOND, PRIMARY KEY (id) NOT ENFORCED)
      COMMENT 'tbl' PARTITIONED BY (id) WITH ('connector' = 'datagen', 'a' = 'b')`, 'createTable');
    deepStrictEqual([s.temporary, s.ifNotExists, s.name.parts], [true, true, ['cat', 'db', 't']]);
    deepStrictEqual(s.columns.map((c) => c.kind), ['physicalColumn', 'computedColumn', 'metadataColumn', 'physicalColumn']);
    ok(s.columns[0].kind === 'physicalColumn');
    deepStrictEqual(s.columns[0].type, notNull(DataTypes.BIGINT()));
    ok(s.columns[2].kind === 'metadataColumn');
    deepStrictEqual([s.columns[2].from, s.columns[2].virtual], ['k', true]);
    deepStrictEqual(s.watermarks.map((w) => w.column), [['ts']]);
    deepStrictEqual([s.primaryKey?.columns.map((c) => c.name), s.primaryKey?.enforced], [['id'], false]);
    deepStrictEqual([s.comment, s.partitionedBy.map((c) => c.name)], ['tbl', ['id']]);
    deepStrictEqual(s.options.map((o) => [o.key, o.value]), [['connector', 'datagen'], ['a', 'b']]);
    deepStrictEqual([s.columns[1].pos.line, s.columns[1].pos.column], [2, 27]);
  });

  it('CREATE TABLE … LIKE and … AS SELECT', () => {
    const like = only("CREATE TABLE t WITH ('x' = 'y') LIKE src (EXCLUDING ALL INCLUDING OPTIONS)", 'createTable');
    deepStrictEqual(like.like, { table: like.like!.table, options: [{ mode: 'EXCLUDING', what: 'ALL' }, { mode: 'INCLUDING', what: 'OPTIONS' }] });
    strictEqual(only("CREATE TABLE t WITH ('x' = 'y') AS SELECT 1", 'createTable').asQuery?.kind, 'select');
  });

  it('CREATE VIEW, CREATE FUNCTION and DROP', () => {
    const v = only('CREATE TEMPORARY VIEW v (a, b) AS SELECT 1, 2', 'createView');
    deepStrictEqual([v.temporary, v.columns?.map((c) => c.name), v.query.kind], [true, ['a', 'b'], 'select']);
    const f = only("CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS f AS 'm.f' LANGUAGE PYTHON", 'createFunction');
    deepStrictEqual([f.temporary, f.system, f.ifNotExists, f.identifier, f.language], [true, true, true, 'm.f', 'PYTHON']);
    const d = only('DROP TEMPORARY FUNCTION IF EXISTS f', 'drop');
    deepStrictEqual([d.objectType, d.temporary, d.ifExists, d.name.parts], ['FUNCTION', true, true, ['f']]);
    strictEqual(only('drop view v', 'drop').objectType, 'VIEW');
  });

  it('SHOW, DESCRIBE, SET, RESET', () => {
    deepStrictEqual(['TABLES', 'VIEWS', 'FUNCTIONS', 'CATALOGS', 'DATABASES'].map((w) => only(`SHOW ${w.toLowerCase()}`, 'show').what),
      ['TABLES', 'VIEWS', 'FUNCTIONS', 'CATALOGS', 'DATABASES']);
    deepStrictEqual(only('DESC db.t', 'describe').name.parts, ['db', 't']);
    deepStrictEqual(stripPositions(only("SET 'a.b' = 'c'", 'set')), { kind: 'set', key: 'a.b', value: 'c' });
    deepStrictEqual(stripPositions(only('SET', 'set')), { kind: 'set' });
    deepStrictEqual(stripPositions(only("RESET 'a.b'", 'reset')), { kind: 'reset', key: 'a.b' });
    deepStrictEqual(stripPositions(only('RESET', 'reset')), { kind: 'reset' });
    throws(() => parseStatement('SET a = b'), /quoted configuration key/);
  });

  it('EXPLAIN with PLAN FOR, details, INSERT and statement sets', () => {
    const e = only('EXPLAIN PLAN FOR SELECT 1', 'explain');
    deepStrictEqual([e.planFor, e.details, e.statement.kind], [true, [], 'query']);
    const d = only('EXPLAIN CHANGELOG_MODE, ESTIMATED_COST INSERT INTO s SELECT 1', 'explain');
    deepStrictEqual([d.details, d.statement.kind], [['CHANGELOG_MODE', 'ESTIMATED_COST'], 'insert']);
    const ss = only('EXPLAIN STATEMENT SET BEGIN INSERT INTO a SELECT 1; END', 'explain');
    ok(ss.statement.kind === 'statementSet' && ss.statement.syntax === 'BARE');
    throws(() => parseStatement('EXPLAIN DROP TABLE t'), /EXPLAIN takes a query/);
  });

  it('INSERT INTO / OVERWRITE with columns, partitions and EXECUTE', () => {
    const i = only('INSERT INTO db.s (a, b) SELECT x, y FROM t', 'insert');
    deepStrictEqual([i.overwrite, i.table.parts, i.columns?.map((c) => c.name), i.execute], [false, ['db', 's'], ['a', 'b'], false]);
    const o = only("INSERT OVERWRITE s PARTITION (dt = '1') SELECT 1", 'insert');
    deepStrictEqual([o.overwrite, o.partition?.map((p) => p.column.name)], [true, ['dt']]);
    strictEqual(only('EXECUTE INSERT INTO s VALUES (1)', 'insert').execute, true);
    strictEqual(only('INSERT INTO s (SELECT 1)', 'insert').columns, undefined);
  });

  it('statement sets in both spellings', () => {
    const [a, b, c] = parseStatements(`
      EXECUTE STATEMENT SET BEGIN INSERT INTO x SELECT 1; INSERT INTO y SELECT 2; END;
      BEGIN STATEMENT SET;
        INSERT INTO x SELECT 1;
        INSERT INTO y SELECT 2;
      END;
      SELECT 3`);
    ok(a.kind === 'statementSet' && b.kind === 'statementSet');
    deepStrictEqual([a.syntax, a.inserts.length, b.syntax, b.inserts.map((i) => i.table.parts[0])], ['EXECUTE', 2, 'BEGIN', ['x', 'y']]);
    deepStrictEqual([b.pos.line, c.kind, c.pos.line], [3, 'query', 7]);
    throws(() => parseStatements('BEGIN STATEMENT SET; SELECT 1; END'), /INSERT or END in the statement set/);
  });

  it('statement lists record each start position and skip empty statements', () => {
    const list = parseStatements(';; SELECT 1;\n\n  -- note\n  SHOW TABLES ;;');
    deepStrictEqual(list.map((s) => [s.kind, s.pos.line, s.pos.column]), [['query', 1, 4], ['show', 4, 3]]);
    deepStrictEqual(parseStatements('  \n -- only a comment\n'), []);
  });
});

describe('SQL queries', () => {
  it('ORDER BY / LIMIT wrap the whole set operation; INTERSECT binds tighter than UNION', () => {
    const q = parseQuery('SELECT a FROM t UNION ALL SELECT a FROM u INTERSECT SELECT a FROM v ORDER BY a LIMIT 3 OFFSET 1');
    ok(q.kind === 'orderBy' && q.query.kind === 'setOperation');
    deepStrictEqual([q.query.op, q.query.all, q.query.right.kind], ['UNION', true, 'setOperation']);
    ok(q.query.right.kind === 'setOperation' && q.query.right.op === 'INTERSECT');
    ok(q.limit && q.offset);
    const fetch = parseQuery('SELECT a FROM t FETCH FIRST 5 ROWS ONLY');
    ok(fetch.kind === 'orderBy' && fetch.limit?.kind === 'literal' && fetch.limit.value === 5);
  });

  it('WITH, VALUES and GROUP BY forms', () => {
    const w = parseQuery('WITH a (x) AS (SELECT 1), b AS (VALUES (2)) SELECT * FROM a, b');
    ok(w.kind === 'with');
    deepStrictEqual(w.ctes.map((c) => [c.name.name, c.columns?.map((x) => x.name), c.query.kind]), [['a', ['x'], 'select'], ['b', undefined, 'values']]);
    const v = parseQuery("VALUES (1, 'a'), (2, 'b')");
    ok(v.kind === 'values' && v.rows.length === 2 && v.rows[0].length === 2);
    const g = parseQuery('SELECT 1 FROM t GROUP BY GROUPING SETS ((a, b), a, ()), ROLLUP(a), CUBE(a, b), c');
    ok(g.kind === 'select');
    deepStrictEqual(g.groupBy?.map((x) => x.kind), ['groupingSets', 'rollup', 'cube', 'identifier']);
    ok(g.groupBy?.[0].kind === 'groupingSets');
    deepStrictEqual(g.groupBy[0].sets.map((s) => s.length), [2, 1, 0]);
  });

  it('joins: types, ON / USING, comma joins binding looser than JOIN', () => {
    const f = fromOf('SELECT * FROM a, b LEFT OUTER JOIN c USING (k) FULL JOIN d ON TRUE');
    ok(f.kind === 'join' && f.comma && f.type === 'CROSS');
    ok(f.right.kind === 'join' && f.right.type === 'FULL' && f.right.left.kind === 'join');
    deepStrictEqual(f.right.left.type, 'LEFT');
    deepStrictEqual(f.right.left.using?.map((u) => u.name), ['k']);
  });

  it('lateral table functions, temporal joins, subqueries, VALUES and UNNEST in FROM', () => {
    const l = fromOf('SELECT * FROM t LEFT JOIN LATERAL TABLE(split(s, \',\')) AS T(w, n) ON TRUE');
    ok(l.kind === 'join' && l.right.kind === 'lateralTable');
    deepStrictEqual([l.right.lateral, l.right.alias?.name.name, l.right.alias?.columns?.map((c) => c.name)], [true, 'T', ['w', 'n']]);
    const t = fromOf('SELECT * FROM o JOIN r FOR SYSTEM_TIME AS OF o.ts AS r2 ON o.k = r2.k');
    ok(t.kind === 'join' && t.right.kind === 'tableRef' && t.right.forSystemTimeAsOf?.kind === 'identifier');
    deepStrictEqual(t.right.alias?.name.name, 'r2');
    const s = fromOf('SELECT * FROM (SELECT 1) x');
    ok(s.kind === 'subqueryRef' && s.alias?.name.name === 'x');
    const v = fromOf('SELECT * FROM (VALUES (1)) AS v(a)');
    ok(v.kind === 'valuesRef' && v.alias?.columns?.[0].name === 'a');
    const u = fromOf('SELECT * FROM t CROSS JOIN UNNEST(t.arr) AS x(e)');
    ok(u.kind === 'join' && u.right.kind === 'lateralTable' && !u.right.lateral);
  });

  it('subqueries in WHERE are parsed', () => {
    const q = parseQuery('SELECT 1 FROM t WHERE a IN (SELECT b FROM u) AND NOT EXISTS (SELECT 1) AND c > (SELECT 2)');
    deepStrictEqual(findExprs(q, (e) => ['inSubquery', 'exists', 'subquery'].includes(e.kind)).map((e) => e.kind), ['inSubquery', 'exists', 'subquery']);
  });
});

describe('window table functions', () => {
  const ms = (e: unknown): number | undefined => (e as { value?: number } | undefined)?.value;
  it('TUMBLE, positional and named, with offset', () => {
    for (const sql of [
      "SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' MINUTES, INTERVAL '1' MINUTE))",
      "SELECT * FROM TABLE(TUMBLE(DATA => TABLE bids, TIMECOL => DESCRIPTOR(ts), SIZE => INTERVAL '10' MINUTES, OFFSET => INTERVAL '1' MINUTE))",
      "SELECT * FROM TABLE(TUMBLE(OFFSET => INTERVAL '1' MINUTE, SIZE => INTERVAL '10' MINUTES, TIMECOL => DESCRIPTOR(ts), DATA => TABLE bids))",
    ]) {
      const w = tvf(sql);
      deepStrictEqual([w.fn, w.table.kind === 'tableRef' && w.table.name.parts, w.timeCol.name, ms(w.size), ms(w.offset)], ['TUMBLE', ['bids'], 'ts', 600000, 60000]);
    }
  });

  it('HOP: slide then size', () => {
    const w = tvf("SELECT * FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '1' MINUTE))");
    deepStrictEqual([w.fn, ms(w.slide), ms(w.size), w.offset], ['HOP', 5000, 60000, undefined]);
    const n = tvf("SELECT * FROM TABLE(HOP(DATA => TABLE t, TIMECOL => DESCRIPTOR(ts), SLIDE => INTERVAL '5' SECOND, SIZE => INTERVAL '1' MINUTE))");
    deepStrictEqual(stripPositions(n), stripPositions(w));
  });

  it('CUMULATE: step then max size', () => {
    const w = tvf("SELECT * FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '1' HOUR))");
    deepStrictEqual([w.fn, ms(w.step), ms(w.size)], ['CUMULATE', 60000, 3600000]);
    const n = tvf("SELECT * FROM TABLE(CUMULATE(DATA => TABLE t, TIMECOL => DESCRIPTOR(ts), STEP => INTERVAL '1' MINUTE, SIZE => INTERVAL '1' HOUR))");
    deepStrictEqual(stripPositions(n), stripPositions(w));
  });

  it('SESSION with and without PARTITION BY', () => {
    const w = tvf("SELECT * FROM TABLE(SESSION(TABLE t PARTITION BY (a, b), DESCRIPTOR(ts), INTERVAL '5' MINUTE)) AS s");
    deepStrictEqual([w.fn, w.partitionBy.length, ms(w.gap), w.alias?.name.name], ['SESSION', 2, 300000, 's']);
    const one = tvf("SELECT * FROM TABLE(SESSION(DATA => TABLE t PARTITION BY a, TIMECOL => DESCRIPTOR(ts), GAP => INTERVAL '5' MINUTE))");
    deepStrictEqual([one.partitionBy.length, ms(one.gap)], [1, 300000]);
    strictEqual(tvf("SELECT * FROM TABLE(SESSION(TABLE t, DESCRIPTOR(ts), INTERVAL '5' MINUTE))").partitionBy.length, 0);
  });

  it('rejects malformed window TVF calls with a usage hint', () => {
    throws(() => parseQuery("SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts)))"), (e: unknown) => e instanceof SqlParseError && /TUMBLE is missing SIZE/.test(e.message) && /Hint: Write TUMBLE\(TABLE t/.test(e.message));
    throws(() => parseQuery("SELECT * FROM TABLE(HOP(TABLE t PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '2' SECOND))"), /HOP does not take PARTITION BY/);
    throws(() => parseQuery("SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '1' SECOND, INTERVAL '1' SECOND))"), /Too many arguments for TUMBLE/);
    throws(() => parseQuery("SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), SIZE => INTERVAL '1' SECOND, SIZE => INTERVAL '1' SECOND))"), /SIZE is given twice/);
  });

  it('prints window TVFs back in positional form', () => {
    const q: Query = parseQuery("SELECT * FROM TABLE(HOP(SIZE => INTERVAL '1' MINUTE, SLIDE => INTERVAL '5' SECOND, DATA => TABLE t, TIMECOL => DESCRIPTOR(ts)))");
    strictEqual(formatSql(q), "SELECT *\nFROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '1' MINUTE))");
  });
});

describe('SqlParseError', () => {
  it('carries a 1-based location, an excerpt with a caret and a hint', () => {
    let err: unknown;
    try { parseStatements('SELECT 1;\nCREATE TABLE t (\n  a INT\n  b INT\n)'); } catch (e) { err = e; }
    ok(err instanceof SqlParseError);
    deepStrictEqual(err.location, { line: 4, column: 3, offset: 37 });
    strictEqual(err.code, 'PLAN_INVALID');
    strictEqual(err.reason, "Expected ')' to close the column list opened at line 2, column 16, but found 'b'");
    ok(err.message.includes('4 |   b INT\n  |   ^'), err.message);
    strictEqual(err.hint, "Is a comma missing before 'b'?");
  });

  it('suggests backticks for reserved words used as names and the right keyword for typos', () => {
    throws(() => parseStatement('CREATE TABLE t (`ok` INT, order INT)'), (e: unknown) => e instanceof SqlParseError && e.hint === "'order' is a reserved word; to use it as a name, quote it with backticks: `order`.");
    throws(() => parseStatement('SELEC 1'), (e: unknown) => e instanceof SqlParseError && e.hint === 'Did you mean SELECT?');
    throws(() => parseStatement('CREATE TABLE t (a INT) WITH (connector = \'x\')'), (e: unknown) => e instanceof SqlParseError && /single-quoted/.test(e.hint ?? ''));
  });
});
