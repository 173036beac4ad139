import { test } from 'node:test';
import assert from 'node:assert/strict';
import { col, concat, concatWs, lit } from '../../src/expr/index.ts';
import { call } from '../../src/expr/index.ts';
import { evalOne, evaluate } from './helpers.ts';

test('case, trim, length with unicode', () => {
  assert.equal(evalOne(lit('Straße').upperCase()), 'STRASSE');
  assert.equal(evalOne(lit('ÀB').lowerCase()), 'àb');
  assert.equal(evalOne(lit('  a b  ').trim()), 'a b');
  assert.equal(evalOne(lit('\ta ').trim()), '\ta');
  assert.equal(evalOne(lit('  x').trimLeading()), 'x');
  assert.equal(evalOne(lit('x  ').trimTrailing()), 'x');
  assert.deepEqual(evaluate(col('s').charLength(), { s: ['STRING', ['héllo', '😀a', '', null]] }), [5, 2, 0, null]);
});

test('substring, position, replace, pad, reverse', () => {
  assert.equal(evalOne(lit('hello').substring(2, 3)), 'ell');
  assert.equal(evalOne(lit('hello').substring(2)), 'ello');
  assert.equal(evalOne(lit('hello').substring(-3)), 'llo');
  assert.equal(evalOne(lit('😀bc').substring(2, 1)), 'b');
  assert.equal(evalOne(lit('ll').position('hello')), 3);
  assert.equal(evalOne(lit('z').position('hello')), 0);
  assert.equal(evalOne(lit('a-b-c').replace('-', '+')), 'a+b+c');
  assert.equal(evalOne(lit('7').lpad(3, '0')), '007');
  assert.equal(evalOne(lit('hello').lpad(2, '0')), 'he');
  assert.equal(evalOne(lit('ab').rpad(5, 'xy')), 'abxyx');
  assert.equal(evalOne(lit('añb😀').reverse()), '😀bña');
  assert.equal(evalOne(lit('hello wORLD').initCap()), 'Hello World');
});

test('concat family and NULL handling', () => {
  assert.deepEqual(evaluate(concat(col('a'), '-', col('b')), { a: ['STRING', ['x', null]], b: ['STRING', ['y', 'z']] }), ['x-y', null]);
  assert.deepEqual(evaluate(concatWs(',', col('a'), col('b')), { a: ['STRING', ['x', null]], b: ['STRING', ['y', 'z']] }), ['x,y', 'z']);
  assert.equal(evalOne(call('||', 'a', 'b')), 'ab');
});

test('regex, split, base64, md5, misc', () => {
  assert.equal(evalOne(lit('foo123bar').regexpReplace('[0-9]+', '#')), 'foo#bar');
  assert.equal(evalOne(lit('foo123bar').regexpExtract('([a-z]+)([0-9]+)', 2)), '123');
  assert.equal(evalOne(lit('foo').regexpExtract('(x)')), null);
  assert.equal(evalOne(lit('abc').regexp('^a')), true);
  assert.equal(evalOne(lit('a,b,c').splitIndex(',', 1)), 'b');
  assert.equal(evalOne(lit('a,b,c').splitIndex(',', 5)), null);
  assert.equal(evalOne(lit('hi').toBase64()), 'aGk=');
  assert.equal(evalOne(lit('aGk=').fromBase64()), 'hi');
  assert.equal(evalOne(lit('abc').md5()), '900150983cd24fb0d6963f7d28e17f72');
  assert.equal(evalOne(lit('ab').repeat(3)), 'ababab');
  assert.equal(evalOne(call('LEFT', 'hello', 2)), 'he');
  assert.equal(evalOne(call('RIGHT', 'hello', 2)), 'lo');
  assert.equal(evalOne(call('ASCII', 'A')), 65);
  assert.equal(evalOne(call('CHR', 97)), 'a');
  assert.equal(evalOne(lit('abc').similar('a(b|x)c')), true);
});

test('string comparison is by UTF-8 bytes (code point order)', () => {
  const cols = { a: ['STRING', ['a', 'b', 'é', 'Z', null]] as [string, unknown[]] };
  assert.deepEqual(evaluate(col('a').isLess('b'), cols), [true, false, false, true, null]);
  assert.deepEqual(evaluate(col('a').isEqual('é'), cols), [false, false, true, false, null]);
  assert.deepEqual(evaluate(call('GREATEST', col('a'), 'c'), cols), ['c', 'c', 'é', 'c', null]);
});
