import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorRegistry, defaultRegistry, OptionReader, checkUnknownOptions, blackholeSink } from '../../src/connectors/index.ts';

test('default registry has the built-ins', () => {
  assert.deepEqual(defaultRegistry.identifiers(), ['blackhole', 'datagen', 'filesystem', 'nexmark', 'print', 'scripted']);
  assert.deepEqual(defaultRegistry.identifiers('source'), ['datagen', 'filesystem', 'nexmark', 'scripted']);
  assert.equal(defaultRegistry.sink('PRINT').identifier, 'print');
});

test('unknown connector lists the known identifiers', () => {
  assert.throws(() => defaultRegistry.source('kafka'), (e: any) => e.code === 'CONNECTOR_NOT_FOUND' && /datagen, filesystem/.test(e.message));
  assert.throws(() => defaultRegistry.source('print'), (e: any) => e.code === 'CONNECTOR_NOT_FOUND' && /is a sink connector/.test(e.message));
  assert.throws(() => new ConnectorRegistry().registerSink(blackholeSink).registerSink(blackholeSink), /already registered/);
});

test('option readers name connector, option, value and what is allowed', () => {
  const r = new OptionReader('x', { n: 'abc', b: 'yes', e: 'c', d: '5 parsecs', ok: '1e12' });
  assert.equal(r.int('ok', 0), 1e12);
  assert.throws(() => r.int('n', 0), (e: any) => e.code === 'CONNECTOR_OPTION' && /'x'.*'n'.*'abc'.*integer/.test(e.message));
  assert.throws(() => r.bool('b', false), /'true' or 'false'/);
  assert.throws(() => r.enumOf('e', ['a', 'b'] as const), /one of 'a', 'b'/);
  assert.throws(() => r.duration('d'), /duration/);
  assert.throws(() => r.requiredString('missing'), /required/);
  assert.equal(new OptionReader('x', { d: '2 min' }).duration('d'), 120_000);
});

test('unknown options are listed with the supported ones and a suggestion', () => {
  assert.throws(() => checkUnknownOptions('datagen', { connector: 'datagen', 'rows-per-secnd': '1' }, ['rows-per-second', 'number-of-rows']),
    (e: any) => e.code === 'CONNECTOR_OPTION' && /rows-per-secnd/.test(e.message) && /Supported options: connector, number-of-rows, rows-per-second/.test(e.message) && /Did you mean 'rows-per-secnd' → 'rows-per-second'/.test(e.message));
});
