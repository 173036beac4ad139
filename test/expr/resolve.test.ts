import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, col, formatExpression, inferLiteralType, lit, resolveExpression, functionNames, BUILTIN_FUNCTION_NAMES } from '../../src/expr/index.ts';
import { DataTypes, formatDataType, notNull } from '../../src/types/data-type.ts';
import { Schema } from '../../src/types/schema.ts';
import type { FunctionDefinition } from '../../src/udf/function-definition.ts';
import { assertCode, evaluate } from './helpers.ts';

const schema = Schema.of({ a: DataTypes.INT(), s: DataTypes.STRING(), d: notNull(DataTypes.DOUBLE()) });

test('literal type inference', () => {
  assert.equal(formatDataType(inferLiteralType(1)), 'INT NOT NULL');
  assert.equal(formatDataType(inferLiteralType(2 ** 31)), 'DOUBLE NOT NULL');
  assert.equal(formatDataType(inferLiteralType(1.5)), 'DOUBLE NOT NULL');
  assert.equal(formatDataType(inferLiteralType(1n)), 'BIGINT NOT NULL');
  assert.equal(formatDataType(inferLiteralType('x')), 'STRING NOT NULL');
  assert.equal(formatDataType(inferLiteralType(true)), 'BOOLEAN NOT NULL');
  assert.equal(formatDataType(inferLiteralType(new Date(0))), 'TIMESTAMP(3) NOT NULL');
  assert.equal(formatDataType(inferLiteralType(null)), 'NULL');
  assert.equal(formatDataType(inferLiteralType([1, 2.5])), 'ARRAY<DOUBLE NOT NULL> NOT NULL');
});

test('nullability propagates, except for IS NULL and friends', () => {
  const t = (e: ReturnType<typeof col>) => formatDataType(resolveExpression(e.node, schema).type);
  assert.equal(t(col('a').plus(1)), 'INT');
  assert.equal(t(col('d').plus(1)), 'DOUBLE NOT NULL');
  assert.equal(t(col('a').isNull()), 'BOOLEAN NOT NULL');
  assert.equal(t(call('COALESCE', col('a'), 0)), 'INT NOT NULL');
  assert.equal(t(col('a').plus(lit(null))), 'INT');
});

test('unknown column: COLUMN_NOT_FOUND with the available columns', () => {
  assertCode(() => resolveExpression(col('A').node, schema), 'COLUMN_NOT_FOUND', /Column 'A' not found; available columns: a, s, d/);
});

test('unknown function: FUNCTION_NOT_FOUND with close names', () => {
  assertCode(() => resolveExpression(call('UPPPER', col('s')).node, schema), 'FUNCTION_NOT_FOUND', /did you mean UPPER/);
});

test('bad arguments: FUNCTION_SIGNATURE with expected signatures and given types', () => {
  assertCode(() => resolveExpression(col('s').plus(1).node, schema), 'FUNCTION_SIGNATURE', /got \(STRING, INT NOT NULL\).*expected NUMERIC \+ NUMERIC/);
  assertCode(() => resolveExpression(call('UPPER', col('a')).node, schema), 'FUNCTION_SIGNATURE', /UPPER\(STRING\)/);
  assertCode(() => resolveExpression(col('s').isEqual(1).node, schema), 'FUNCTION_SIGNATURE');
  assertCode(() => resolveExpression(call('SUBSTRING', col('s')).node, schema), 'FUNCTION_SIGNATURE');
});

test('bad literal for an explicit type: TYPE_MISMATCH', () => {
  assertCode(() => resolveExpression(lit('abc', 'INT').node, schema), 'TYPE_MISMATCH');
});

const udf = (name: string, inputTypes: FunctionDefinition['inputTypes']): FunctionDefinition => ({
  language: 'typescript', name, modulePath: '/x.ts', exportName: name, kind: 'scalar', inputTypes, resultType: DataTypes.STRING(), deterministic: true,
});

test('user functions shadow built-ins (case-insensitively) and check declared inputs', () => {
  const fns = new Map([['upper', udf('upper', [DataTypes.BIGINT()])]]);
  const lookup = (n: string) => fns.get(n);
  const bound = resolveExpression(call('UPPER', col('a')).node, schema, lookup);
  assert.equal(bound.kind, 'udf');
  // INT widens implicitly to the declared BIGINT.
  assert.equal(bound.kind === 'udf' && bound.args[0].kind, 'cast');
  assertCode(() => resolveExpression(call('upper', col('s')).node, schema, lookup), 'FUNCTION_SIGNATURE', /expected \(BIGINT\)/);
  assertCode(() => resolveExpression(call('upper').node, schema, lookup), 'FUNCTION_SIGNATURE');
});

test('string literals compare with temporal columns', () => {
  assert.deepEqual(evaluate(col('d').isGreater('2024-01-01'), { d: ['DATE', ['2023-12-31', '2024-06-01']] }), [false, true]);
});

test('pretty printer', () => {
  assert.equal(formatExpression(col('a').plus(1).times(col('b')).node), '((a + 1) * b)');
  assert.equal(formatExpression(col('s').isNull().and(col('a').in(1, 2)).node), '(s IS NULL AND (a IN (1, 2)))');
  assert.equal(formatExpression(call('CASE', col('a').isGreater(0), 'p', 'n').node), "CASE WHEN (a > 0) THEN 'p' ELSE 'n' END");
  assert.equal(formatExpression(col('a').cast('DECIMAL(10, 2)').as('x').node), 'CAST(a AS DECIMAL(10, 2)) AS x');
  const bound = resolveExpression(col('a').plus(col('d')).node, schema);
  assert.equal(formatExpression(bound, schema.names), '(CAST(a AS DOUBLE) + d)');
  assert.equal(formatExpression(bound), '(CAST($0 AS DOUBLE) + $2)');
});

test('every canonical name is registered', () => {
  const names = new Set(functionNames());
  for (const n of BUILTIN_FUNCTION_NAMES) assert.ok(names.has(n), `missing ${n}`);
});
