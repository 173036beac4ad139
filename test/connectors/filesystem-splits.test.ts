import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultRegistry } from '../../src/connectors/builtin.ts';
import { isSourceEvent } from '../../src/connectors/connector.ts';
import { DataTypes } from '../../src/types/data-type.ts';
import { Schema } from '../../src/types/schema.ts';
import { context, tempDir } from './helpers.ts';

const schema = new Schema([{ name: 'id', type: DataTypes.INT() }]);

describe('filesystem source splits', () => {
  it('each file is a split: batches name their file, and a split-finished event follows its last batch', async () => {
    const [dir, cleanup] = await tempDir();
    try {
      await writeFile(join(dir, 'a.csv'), '1\n2\n');
      await writeFile(join(dir, 'b.csv'), '3\n');
      const reader = defaultRegistry.source('filesystem').createReader({ path: dir, format: 'csv' }, schema, context(0, 1));
      const seen: string[] = [];
      for (let e = await reader.next(); e; e = await reader.next()) {
        seen.push(isSourceEvent(e) ? `${e.kind}:${e.kind === 'split-finished' ? e.split.slice(dir.length + 1) : ''}` : `rows:${reader.currentSplit!().slice(dir.length + 1)}:${e.numRows}`);
      }
      await reader.close();
      assert.deepEqual(seen, ['rows:a.csv:2', 'split-finished:a.csv', 'rows:b.csv:1', 'split-finished:b.csv']);
    } finally {
      await cleanup();
    }
  });
});
