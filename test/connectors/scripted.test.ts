import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rowsFromBatch } from '../../src/batch/values/index.ts';
import { defaultRegistry } from '../../src/connectors/builtin.ts';
import { isSourceEvent, type SourceElement, type SourceReader } from '../../src/connectors/connector.ts';
import type { WeirError } from '../../src/errors/weir-error.ts';
import { DataTypes } from '../../src/types/data-type.ts';
import { Schema } from '../../src/types/schema.ts';
import { context } from './helpers.ts';

const schema = new Schema([{ name: 'k', type: DataTypes.STRING() }, { name: 'ts', type: DataTypes.TIMESTAMP(3) }]);
const scripted = defaultRegistry.source('scripted');

async function all(reader: SourceReader): Promise<(SourceElement | string)[]> {
  const out: (SourceElement | string)[] = [];
  for (let e = await reader.next(); e; e = await reader.next()) {
    out.push(isSourceEvent(e) ? e : `${reader.currentSplit?.()}:${JSON.stringify(rowsFromBatch(e, schema))}:${e.kinds ? Array.from(e.kinds) : '+I'}`);
  }
  return out;
}

describe('scripted source', () => {
  it('plays one subtask\'s steps in order: rows (with kinds and split), watermarks, idle, finished splits', async () => {
    const options = {
      script: JSON.stringify([
        [
          { rows: [['a', '2024-01-01 00:00:05'], { k: 'b', ts: 0 }], split: 'p0' },
          { watermark: '2024-01-01 00:00:04' },
          { rows: [['a', '2024-01-01 00:00:01']], kinds: ['-D'] },
          { idle: true },
          { 'split-finished': 'p0' },
          { watermark: 1000 },
        ],
        [{ rows: [['z', null]] }],
      ]),
    };
    scripted.validateSource(options, schema);
    assert.equal(scripted.isBounded(options), true);
    const events = await all(scripted.createReader(options, schema, context(0, 2)));
    assert.deepEqual(events, [
      'p0:[["a","2024-01-01T00:00:05.000Z"],["b","1970-01-01T00:00:00.000Z"]]:+I',
      { kind: 'watermark', timestamp: Date.UTC(2024, 0, 1, 0, 0, 4) },
      ':[["a","2024-01-01T00:00:01.000Z"]]:3',
      { kind: 'idle', idle: true },
      { kind: 'split-finished', split: 'p0' },
      { kind: 'watermark', timestamp: 1000 },
    ]);
    assert.deepEqual(await all(scripted.createReader(options, schema, context(1, 2))), [':[["z",null]]:+I']);
    assert.deepEqual(await all(scripted.createReader(options, schema, context(2, 3))), [], 'a bounded subtask without a script ends');
  });

  it('a flat list of steps is subtask 0\'s script; a hold step makes the table unbounded and waits until cancelled', async () => {
    const options = { script: JSON.stringify([{ rows: [['a', 0]] }, { hold: true }]) };
    assert.equal(scripted.isBounded(options), false);
    const controller = new AbortController();
    const reader = scripted.createReader(options, schema, { ...context(0, 2), signal: controller.signal });
    assert.ok(!isSourceEvent((await reader.next())!));
    const held = reader.next();
    controller.abort();
    await assert.rejects(held, { name: 'AbortError' });
    const other = scripted.createReader(options, schema, context(1, 2));
    assert.deepEqual(await other.next(), { kind: 'idle', idle: true }, 'an unbounded subtask without a script reports idle');
  });

  it('rejects bad scripts at validation with CONNECTOR_OPTION, naming the subtask and step', () => {
    const bad = (script: string, pattern: RegExp) => assert.throws(() => scripted.validateSource({ script }, schema), (e: WeirError) => {
      assert.equal(e.code, 'CONNECTOR_OPTION');
      assert.match(e.message, pattern);
      return true;
    });
    bad('[{"rows": [["a"]]}]', /subtask 0, step 0: row 0 has 1 values for 2 columns/);
    bad('[[], [{"watermark": "soon"}]]', /subtask 1, step 0: watermark must be/);
    bad('[{"rows": [["a", "not a time"]]}]', /ts/);
    bad('[{"idle": true, "sleep": 1}]', /exactly one of/);
    bad('[{"rows": [["a", 0]], "kinds": ["+X"]}]', /unknown row kind/);
    bad('{"rows": []}', /must be a JSON list/);
    bad('[oops', /not valid JSON/);
    assert.throws(() => scripted.validateSource({}, schema), /'script' is required/);
    assert.throws(() => scripted.validateSource({ script: '[]', scrpit: 'x' }, schema), /Unsupported options/);
  });

  it('reports its position (the next step) and a restored reader continues from it, at the same parallelism only', async () => {
    const options = { script: JSON.stringify([[{ rows: [['a', 0]], split: 's1' }, { watermark: 5 }, { rows: [['b', 0]] }]]) };
    const first = scripted.createReader(options, schema, context(0, 1));
    await first.next();
    const position = first.snapshotPosition!();
    assert.deepEqual(position, { step: 1 });
    const restored = scripted.createReader(options, schema, { ...context(0, 1), restoredPositions: [position] });
    assert.equal(restored.currentSplit!(), 's1', 'the split of the last rows before the position');
    assert.deepEqual((await all(restored)).slice(0, 1), [{ kind: 'watermark', timestamp: 5 }]);
    assert.throws(() => scripted.createReader(options, schema, { ...context(0, 2), restoredPositions: [position] }), (e: WeirError) => e.code === 'RESTORE_FAILED');
  });
});
