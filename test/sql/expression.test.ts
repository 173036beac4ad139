import { deepStrictEqual, ok, strictEqual, throws } from 'node:assert';
import { describe, it } from 'node:test';
import { BUILTIN_FUNCTION_NAMES } from '../../src/expr/functions/names.ts';
import { DataTypes, notNull } from '../../src/types/data-type.ts';
import { formatExpr, parseExpression, parseSqlType, walk, type SqlExpr } from '../../src/sql/index.ts';

/** A compact S-expression of an expression tree: (op a b), names dotted, literals as written. */
function sexpr(e: SqlExpr): string {
  switch (e.kind) {
    case 'identifier': return e.names.join('.');
    case 'literal': return e.text ?? JSON.stringify(e.value);
    case 'interval': return `interval(${e.value})`;
    case 'operator': return `(${e.op} ${e.args.map(sexpr).join(' ')})`;
    case 'call': return `${e.canonical}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(sexpr).join(', ')})`;
    case 'star': return [...e.qualifier, '*'].join('.');
    case 'cast': return `cast(${sexpr(e.expr)})`;
    case 'case': return `case(${e.whens.map((w) => `${sexpr(w.when)} -> ${sexpr(w.then)}`).join('; ')}${e.else ? `; else ${sexpr(e.else)}` : ''})`;
    default: return e.kind;
  }
}
const tree = (sql: string): string => sexpr(parseExpression(sql));

describe('SQL expression precedence (Pratt)', () => {
  it('OR < AND < NOT < comparison < + < *', () => {
    strictEqual(tree('a OR b AND NOT c = d + e * f'), '(OR a (AND b (NOT (= c (+ d (* e f))))))');
  });

  it('is left-associative', () => {
    strictEqual(tree('a - b - c'), '(- (- a b) c)');
    strictEqual(tree('a / b * c'), '(* (/ a b) c)');
    strictEqual(tree('a OR b OR c'), '(OR (OR a b) c)');
  });

  it('ranks || with * as Calcite does', () => {
    strictEqual(tree("a || b + c"), '(+ (CONCAT a b) c)');
    strictEqual(tree("a + b || c"), '(+ a (CONCAT b c))');
  });

  it('binds IS below comparison and NOT below IS', () => {
    strictEqual(tree('a = b IS NULL'), '(IS NULL (= a b))');
    strictEqual(tree('NOT a IS NULL'), '(NOT (IS NULL a))');
    strictEqual(tree('a IS NOT DISTINCT FROM b + 1'), '(IS NOT DISTINCT FROM a (+ b 1))');
  });

  it('keeps BETWEEN bounds apart from AND', () => {
    strictEqual(tree('a BETWEEN 1 AND 2 AND b'), '(AND (BETWEEN a 1 2) b)');
    strictEqual(tree('a NOT BETWEEN b + 1 AND c'), '(NOT BETWEEN a (+ b 1) c)');
    strictEqual(tree('a BETWEEN SYMMETRIC 2 AND 1'), '(BETWEEN SYMMETRIC a 2 1)');
  });

  it('binds unary minus tighter than * and looser than []', () => {
    strictEqual(tree('-a * b'), '(* (NEGATE a) b)');
    strictEqual(tree('-a[1]'), '(NEGATE (ITEM a 1))');
    strictEqual(tree('-(a + b)'), '(NEGATE (+ a b))');
  });

  it('folds a minus into a numeric literal', () => {
    const e = parseExpression('-2147483648');
    deepStrictEqual([e.kind, e.kind === 'literal' && e.value, e.kind === 'literal' && e.type.kind], ['literal', -2147483648, 'INT']);
    strictEqual(tree('a - -5'), '(- a -5)');
  });

  it('uses parentheses as written', () => {
    strictEqual(tree('(a OR b) AND c'), '(AND (OR a b) c)');
    strictEqual(tree('a - (b - c)'), '(- a (- b c))');
  });
});

describe('SQL predicates and operators map to canonical names', () => {
  const cases: [string, string][] = [
    ['a <> b', '(<> a b)'], ['a != b', '(<> a b)'], ['a || b', '(CONCAT a b)'], ['a % b', '(% a b)'],
    ["a IN (1, 'x')", "(IN a 1 \"x\")"], ['a NOT IN (1)', '(NOT IN a 1)'],
    ["s LIKE 'a%'", '(LIKE s "a%")'], ["s NOT LIKE 'a%' ESCAPE '!'", '(NOT LIKE s "a%" "!")'],
    ["s SIMILAR TO 'a'", '(SIMILAR TO s "a")'], ["s NOT SIMILAR TO 'a'", '(NOT (SIMILAR TO s "a"))'],
    ['b IS TRUE', '(IS TRUE b)'], ['b IS NOT FALSE', '(IS NOT FALSE b)'], ['b IS UNKNOWN', '(IS NULL b)'],
    ['a[1]', '(ITEM a 1)'], ["m['k']", '(ITEM m "k")'], ['f(x).g', '(FIELD F(x) "g")'], ['t.a.b', 't.a.b'],
  ];
  for (const [sql, expected] of cases) it(sql, () => strictEqual(tree(sql), expected));

  it('only emits operator names the runtime knows (plus BETWEEN SYMMETRIC)', () => {
    const known = new Set<string>([...BUILTIN_FUNCTION_NAMES, 'BETWEEN SYMMETRIC', 'NOT BETWEEN SYMMETRIC']);
    const e = parseExpression("a + b - c * d / e % f || g = h AND i <> j OR NOT k < l AND m <= n AND o > p AND q >= r AND s IS NULL AND t IS NOT NULL AND u IN (1) AND v NOT IN (2) AND w BETWEEN 1 AND 2 AND x NOT BETWEEN 1 AND 2 AND y LIKE 'a' AND z NOT LIKE 'b' AND -aa[1].f > 0 AND bb IS DISTINCT FROM cc AND dd IS NOT DISTINCT FROM ee AND ff IS TRUE AND gg IS FALSE AND hh IS NOT TRUE AND ii IS NOT FALSE");
    walk(e, (n) => { if (n.kind === 'operator') ok(known.has(n.op), n.op); });
  });
});

describe('SQL literals', () => {
  const lit = (sql: string) => {
    const e = parseExpression(sql);
    if (e.kind !== 'literal') throw new Error(`not a literal: ${sql}`);
    return e;
  };
  it('types integers by size', () => {
    deepStrictEqual([lit('7').value, lit('7').type], [7, DataTypes.INT()]);
    deepStrictEqual([lit('2147483648').value, lit('2147483648').type], [2147483648n, DataTypes.BIGINT()]);
    deepStrictEqual([lit('99999999999999999999').value, lit('99999999999999999999').type], ['99999999999999999999', DataTypes.DECIMAL(20, 0)]);
  });
  it('keeps exact decimals and reads exponents as DOUBLE', () => {
    deepStrictEqual([lit('12.30').value, lit('12.30').type, lit('12.30').text], ['12.30', DataTypes.DECIMAL(4, 2), '12.30']);
    deepStrictEqual([lit('.5').value, lit('.5').type], ['0.5', DataTypes.DECIMAL(1, 1)]);
    deepStrictEqual([lit('-0.05').value, lit('-0.05').type], ['-0.05', DataTypes.DECIMAL(2, 2)]);
    deepStrictEqual([lit('1e3').value, lit('1e3').type], [1000, DataTypes.DOUBLE()]);
  });
  it('reads strings, booleans, NULL and date-time literals', () => {
    deepStrictEqual([lit("'it''s'").value, lit("'it''s'").type], ["it's", DataTypes.STRING()]);
    deepStrictEqual([lit('TRUE').value, lit('false').value, lit('NULL').value, lit('NULL').type], [true, false, null, DataTypes.NULL()]);
    deepStrictEqual([lit("DATE '2024-02-29'").value, lit("DATE '2024-02-29'").type], ['2024-02-29', DataTypes.DATE()]);
    deepStrictEqual(lit("TIMESTAMP '2024-02-29 10:00:00.25'").type, DataTypes.TIMESTAMP(2));
    deepStrictEqual(lit("TIME '10:00:00'").type, DataTypes.TIME());
  });
  it('converts intervals to milliseconds or months', () => {
    const iv = (sql: string) => { const e = parseExpression(sql); if (e.kind !== 'interval') throw new Error(sql); return [e.value, e.family, e.from, e.to]; };
    deepStrictEqual(iv("INTERVAL '5' SECOND"), [5000, 'DAY_TIME', 'SECOND', undefined]);
    deepStrictEqual(iv("INTERVAL '10' MINUTES"), [600000, 'DAY_TIME', 'MINUTE', undefined]);
    deepStrictEqual(iv("INTERVAL '1:30' MINUTE TO SECOND"), [90000, 'DAY_TIME', 'MINUTE', 'SECOND']);
    deepStrictEqual(iv("INTERVAL '2 03:04:05.5' DAY TO SECOND"), [2 * 86400000 + 3 * 3600000 + 4 * 60000 + 5500, 'DAY_TIME', 'DAY', 'SECOND']);
    deepStrictEqual(iv("INTERVAL '1-6' YEAR TO MONTH"), [18, 'YEAR_MONTH', 'YEAR', 'MONTH']);
    deepStrictEqual(iv("INTERVAL '-2' HOUR"), [-7200000, 'DAY_TIME', 'HOUR', undefined]);
    throws(() => parseExpression("INTERVAL '1' SECOND TO MINUTE"), /Invalid interval qualifier SECOND TO MINUTE/);
  });
});

describe('SQL special-syntax functions', () => {
  const cases: [string, string][] = [
    ['EXTRACT(YEAR FROM ts)', 'EXTRACT("YEAR", ts)'],
    ['FLOOR(ts TO HOUR)', 'FLOOR_TIME("HOUR", ts)'], ['CEIL(ts TO DAY)', 'CEIL_TIME("DAY", ts)'], ['FLOOR(x)', 'FLOOR(x)'],
    ["POSITION('a' IN s)", 'POSITION("a", s)'],
    ['TRIM(s)', 'TRIM(s)'], ["TRIM(BOTH 'x' FROM s)", 'TRIM(s, "x")'], ['TRIM(LEADING FROM s)', 'LTRIM(s)'],
    ["TRIM(TRAILING 'y' FROM s)", 'RTRIM(s, "y")'],
    ['SUBSTRING(s FROM 2 FOR 3)', 'SUBSTRING(s, 2, 3)'], ['SUBSTRING(s, 2)', 'SUBSTRING(s, 2)'],
    ['TIMESTAMPADD(MINUTE, 5, ts)', 'TIMESTAMPADD("MINUTE", 5, ts)'], ['TIMESTAMPDIFF(DAYS, a, b)', 'TIMESTAMPDIFF("DAY", a, b)'],
    ['CURRENT_TIMESTAMP', 'CURRENT_TIMESTAMP()'], ['current_date', 'CURRENT_DATE()'], ['PROCTIME()', 'PROCTIME()'],
    ['ARRAY[1, 2]', 'ARRAY(1, 2)'], ["MAP['a', 1]", 'MAP("a", 1)'], ["ROW(1, 'a')", 'ROW(1, "a")'], ['(1, 2)', 'ROW(1, 2)'],
    ['COUNT(*)', 'COUNT(*)'], ['count(DISTINCT x)', 'COUNT(DISTINCT x)'], ["LISTAGG(s, ',')", 'LISTAGG(s, ",")'],
    ['CASE x WHEN 1 THEN a ELSE b END', 'case((= x 1) -> a; else b)'],
  ];
  for (const [sql, expected] of cases) it(sql, () => strictEqual(tree(sql), expected));

  it('keeps the name as written next to the canonical name', () => {
    const e = parseExpression('myUdf(x)');
    ok(e.kind === 'call');
    deepStrictEqual([e.name, e.canonical], ['myUdf', 'MYUDF']);
  });

  it('parses FILTER and OVER on calls', () => {
    const e = parseExpression('SUM(x) FILTER (WHERE x > 0) OVER (PARTITION BY k ORDER BY ts ROWS 3 PRECEDING)');
    ok(e.kind === 'call' && e.filter && e.over);
    strictEqual(sexpr(e.filter), '(> x 0)');
    deepStrictEqual(e.over.frame?.start.kind, 'PRECEDING');
    deepStrictEqual(e.over.frame?.end, { kind: 'CURRENT ROW' });
  });

  it('parses CAST to a DataType, including NOT NULL and nested types', () => {
    const e = parseExpression('TRY_CAST(x AS MAP<STRING, ARRAY<DECIMAL(5, 1) NOT NULL>>)');
    ok(e.kind === 'cast' && e.tryCast);
    deepStrictEqual(e.type, DataTypes.MAP(DataTypes.STRING(), DataTypes.ARRAY(notNull(DataTypes.DECIMAL(5, 1)))));
    deepStrictEqual(parseSqlType('ROW<`a b` INT, c TIMESTAMP(3) WITH LOCAL TIME ZONE>'),
      DataTypes.ROW([DataTypes.FIELD('a b', DataTypes.INT()), DataTypes.FIELD('c', DataTypes.TIMESTAMP_LTZ(3))]));
  });
});

describe('formatExpr', () => {
  it('prints minimal parentheses that preserve the tree', () => {
    for (const sql of ['(a OR b) AND c', 'a - (b - c)', '(NOT a) IS NULL', '-(-5)', '-(5)', '(a).f', '(a + b)[1]', 'POSITION((a IN (1)) IN b)']) {
      const e = parseExpression(sql);
      strictEqual(sexpr(parseExpression(formatExpr(e))), sexpr(e), sql);
    }
    strictEqual(formatExpr(parseExpression('a OR b AND NOT c = d + e * f')), 'a OR b AND NOT c = d + e * f');
    strictEqual(formatExpr(parseExpression('`select` + `a b`')), '`select` + `a b`');
  });
});
