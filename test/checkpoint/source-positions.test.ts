import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as arrow from 'apache-arrow';
import { rowsFromBatch } from '../../src/batch/values/index.ts';
import { datagenSource, filesystemSource, type ConnectorContext, type ConnectorOptions, type SourceFactory, type SourceReader } from '../../src/connectors/index.ts';
import { isSourceEvent } from '../../src/connectors/connector.ts';
import { Schema } from '../../src/types/schema.ts';
import type { DatagenReader } from '../../src/connectors/datagen/reader.ts';
import { parseDataType as T } from '../../src/types/parse-data-type.ts';
import { context, tempDir } from '../connectors/helpers.ts';

const schemaOf = (cols: [string, string][]) => new Schema(cols.map(([name, t]) => ({ name, type: T(t) })));

/** Rows of the next `batches` batches (events skipped); fewer when the reader ends. */
async function take(reader: SourceReader, schema: Schema, batches = Infinity): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for (let n = 0; n < batches;) {
    const e = await reader.next();
    if (e === null) break;
    if (isSourceEvent(e)) continue;
    rows.push(...rowsFromBatch(e, schema));
    n++;
  }
  return rows;
}

/**
 * Reads `batches` batches, records the position, then checks that a reader restored from it yields exactly what the
 * original reader yields from there on.
 */
async function resumesExactly(factory: SourceFactory, options: ConnectorOptions, schema: Schema, batches: number, ctx: () => ConnectorContext = () => context(0, 1, { 'table.exec.batch-size': '3' })): Promise<unknown[][]> {
  const original = factory.createReader(options, schema, ctx());
  const head = await take(original, schema, batches);
  const position = JSON.parse(JSON.stringify(original.snapshotPosition!()));
  const tail = await take(original, schema);
  await original.close();
  const restored = factory.createReader(options, schema, { ...ctx(), restoredPositions: [position] });
  const resumed = await take(restored, schema);
  await restored.close();
  assert.ok(head.length > 0 && tail.length > 0, 'the position is in the middle');
  assert.deepEqual(resumed, tail);
  return [...head, ...tail];
}

/** Runs `parallelism` subtasks for `batches` batches each; returns their rows and positions (as JSON). */
async function stopAfter(factory: SourceFactory, options: ConnectorOptions, schema: Schema, parallelism: number, batches: number, config: Record<string, string>): Promise<{ head: unknown[][]; positions: unknown[] }> {
  const readers = Array.from({ length: parallelism }, (_, i) => factory.createReader(options, schema, context(i, parallelism, config)));
  const head = (await Promise.all(readers.map((r) => take(r, schema, batches)))).flat();
  const positions = readers.map((r) => JSON.parse(JSON.stringify(r.snapshotPosition!())));
  await Promise.all(readers.map((r) => r.close()));
  return { head, positions };
}

/** Every row of `parallelism` subtasks restored from `positions`. */
async function restoreAt(factory: SourceFactory, options: ConnectorOptions, schema: Schema, positions: unknown[], parallelism: number, config: Record<string, string>): Promise<unknown[][]> {
  const parts = await Promise.all(Array.from({ length: parallelism }, (_, i) =>
    take(factory.createReader(options, schema, { ...context(i, parallelism, config), restoredPositions: positions }), schema)));
  return parts.flat();
}

describe('source positions', () => {
  it('datagen resumes with the same random and sequence values, seeded or not', async () => {
    const schema = schemaOf([['id', 'BIGINT'], ['x', 'DOUBLE'], ['s', 'STRING'], ['n', 'INT']]);
    const options = { connector: 'datagen', 'number-of-rows': '20', 'rows-per-second': '1e12', 'fields.id.kind': 'sequence', 'fields.id.start': '1', 'fields.id.end': '100', 'fields.n.null-rate': '0.3' };
    for (const seed of [{ seed: '5' }, {}] as Record<string, string>[]) {
      const rows = await resumesExactly(datagenSource, { ...options, ...seed }, schema, 2);
      assert.equal(rows.length, 20);
      assert.deepEqual(rows.map((r) => r[0]), Array.from({ length: 20 }, (_, i) => BigInt(i + 1)));
    }
  });

  it('datagen resumes inside a block: at a limited rate batches are slices of a generated block', async () => {
    const schema = schemaOf([['id', 'BIGINT'], ['x', 'DOUBLE'], ['s', 'STRING']]);
    // Blocks of a tenth of a second's rows (300 at 3000 rows/s); subtask 0 of 2 emits batches of 150 rows (its 1500
    // rows/s), so the position after 3 batches is inside its second block. Its split is rows 1-750 of 1500.
    const options = { connector: 'datagen', seed: '9', 'number-of-rows': '1500', 'rows-per-second': '3000', 'fields.id.kind': 'sequence', 'fields.id.start': '1', 'fields.id.end': '1500' };
    const ctx = (i: number) => context(i, 2, { 'table.exec.batch-size': '1000' });
    const originals = [0, 1].map((i) => datagenSource.createReader(options, schema, ctx(i)));
    const heads = await Promise.all(originals.map((r) => take(r, schema, 3)));
    const positions = originals.map((r) => JSON.parse(JSON.stringify(r.snapshotPosition!())));
    assert.deepEqual(positions[0].owned.map((s: { emitted: number }) => s.emitted), [450]);
    const tails = await Promise.all(originals.map((r) => take(r, schema)));
    const resumed = await Promise.all([0, 1].map((i) => take(datagenSource.createReader(options, schema, { ...ctx(i), restoredPositions: positions }), schema)));
    assert.deepEqual(resumed, tails);
    assert.deepEqual([...heads[0], ...tails[0]].map((r) => r[0]), Array.from({ length: 750 }, (_, i) => BigInt(i + 1)));
  });

  it('datagen positions of 1, 2 or 3 subtasks resume at another parallelism with the rows of an uninterrupted run', async () => {
    const schema = schemaOf([['id', 'BIGINT'], ['x', 'DOUBLE'], ['s', 'STRING'], ['n', 'INT']]);
    const options = { connector: 'datagen', seed: '7', 'number-of-rows': '5000', 'rows-per-second': '1e12', 'fields.id.kind': 'sequence', 'fields.id.start': '1', 'fields.id.end': '100000', 'fields.n.null-rate': '0.3', 'fields.s.length': '5' };
    const config = { 'table.exec.batch-size': '300' };
    const key = (r: unknown[]) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? String(v) : v));
    const serial = (await take(datagenSource.createReader(options, schema, context(0, 1, config)), schema)).map(key).sort();
    assert.equal(serial.length, 5000);
    for (const [from, to] of [[1, 2], [2, 1], [2, 3], [3, 2]]) {
      const { head, positions } = await stopAfter(datagenSource, options, schema, from, 2, config);
      const tail = await restoreAt(datagenSource, options, schema, positions, to, config);
      assert.deepEqual([...head, ...tail].map(key).sort(), serial, `${from} → ${to}`);
      // No row twice: the sequence values are each there once.
      assert.equal(new Set([...head, ...tail].map((r) => r[0])).size, 5000);
    }
  });

  it('unbounded datagen resumes at another parallelism: its lanes are dealt again', async () => {
    const schema = schemaOf([['x', 'BIGINT']]);
    const options = { connector: 'datagen', seed: '3', 'rows-per-second': '1e12' };
    const config = { 'table.exec.batch-size': '4' };
    // 128 batches of 4 rows from each of 2 subtasks of 64 lanes: every lane emitted 8 rows (lanes take turns).
    const { positions } = await stopAfter(datagenSource, options, schema, 2, 128, config);
    const reader = datagenSource.createReader(options, schema, { ...context(2, 3, config), restoredPositions: positions });
    const fresh = datagenSource.createReader(options, schema, context(0, 1, config));
    const lanes = async (r: SourceReader, batches: number) => {
      const byLane = new Map<string, unknown[]>();
      for (let n = 0; n < batches;) {
        const e = await r.next();
        if (!e || isSourceEvent(e)) continue;
        const lane = String((r as DatagenReader).lastSplit());
        byLane.set(lane, [...(byLane.get(lane) ?? []), ...rowsFromBatch(e, schema).map((row) => row[0])]);
        n++;
      }
      return byLane;
    };
    const resumed = await lanes(reader, 42 * 2);
    const uninterrupted = await lanes(fresh, 128 * 4);
    assert.deepEqual([...resumed.keys()].map(Number).sort((a, b) => a - b), Array.from({ length: 42 }, (_, i) => 2 + 3 * i));
    for (const [lane, values] of resumed) assert.deepEqual(values, uninterrupted.get(lane)!.slice(8, 16), `lane ${lane}`);
    assert.throws(() => datagenSource.createReader(options, schema, { ...context(0, 129, config), restoredPositions: positions }),
      (e: { code?: string; message: string }) => e.code === 'RESTORE_FAILED' && /has 128 lanes in the checkpoint and cannot resume at parallelism 129/.test(e.message));
  });

  it('datagen refuses positions of an older version and positions that do not cover every split', async () => {
    const schema = schemaOf([['x', 'INT']]);
    const options = { connector: 'datagen', 'number-of-rows': '4000' };
    assert.throws(() => datagenSource.createReader(options, schema, { ...context(0, 2), restoredPositions: [{ emitted: 1, rng: [1, 2, 3, 4] }] }),
      (e: { code?: string; message: string }) => e.code === 'RESTORE_FAILED' && /position of an older Weir version/.test(e.message));
    const { positions } = await stopAfter(datagenSource, options, schema, 2, 1, { 'table.exec.batch-size': '100' });
    assert.throws(() => datagenSource.createReader(options, schema, { ...context(0, 1), restoredPositions: [positions[0]] }),
      (e: { code?: string; message: string }) => e.code === 'RESTORE_FAILED' && /cover 2 of 4 splits/.test(e.message));
    assert.throws(() => datagenSource.createReader({ ...options, 'number-of-rows': '5000' }, schema, { ...context(0, 1), restoredPositions: positions }),
      (e: { code?: string; message: string }) => e.code === 'RESTORE_FAILED' && /was 4000 rows in the checkpoint and is 5000 rows now/.test(e.message));
  });

  it('filesystem CSV resumes at the byte offset, past the header and multi-line quoted records', async () => {
    const [dir, cleanup] = await tempDir();
    try {
      const lines = ['id,s', ...Array.from({ length: 10 }, (_, i) => (i === 4 ? `${i},"two\nlines"` : `${i},v${i}`))];
      await writeFile(join(dir, 'a.csv'), `${lines.join('\r\n')}\r\n`);
      await writeFile(join(dir, 'b.csv'), 'id,s\n20,x\n21,y');
      const schema = schemaOf([['id', 'INT'], ['s', 'STRING']]);
      const options = { connector: 'filesystem', path: dir, format: 'csv', 'csv.header': 'true' };
      for (const batches of [1, 2, 4]) {
        const rows = await resumesExactly(filesystemSource, options, schema, batches);
        assert.deepEqual(rows.map((r) => r[0]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21]);
        assert.equal(rows[4][1], 'two\nlines');
      }
    } finally {
      await cleanup();
    }
  });

  it('filesystem JSON and Arrow files resume where they were', async () => {
    const [dir, cleanup] = await tempDir();
    try {
      const schema = schemaOf([['id', 'BIGINT']]);
      await writeFile(join(dir, 'j.json'), Array.from({ length: 7 }, (_, i) => JSON.stringify({ id: i })).join('\n'));
      const json = await resumesExactly(filesystemSource, { connector: 'filesystem', path: join(dir, 'j.json'), format: 'json' }, schema, 1);
      assert.deepEqual(json.map((r) => r[0]), [0n, 1n, 2n, 3n, 4n, 5n, 6n]);
      const batches = [0, 1, 2].map((b) => arrow.tableFromArrays({ id: BigInt64Array.from([BigInt(b * 2), BigInt(b * 2 + 1)]) }).batches[0]);
      await writeFile(join(dir, 'a.arrow'), arrow.tableToIPC(new arrow.Table(batches), 'file'));
      const arrowRows = await resumesExactly(filesystemSource, { connector: 'filesystem', path: join(dir, 'a.arrow'), format: 'arrow' }, schema, 1);
      assert.deepEqual(arrowRows.map((r) => r[0]), [0n, 1n, 2n, 3n, 4n, 5n]);
    } finally {
      await cleanup();
    }
  });

  it('filesystem positions of 2 subtasks resume at parallelism 1 without losing or repeating a row', async () => {
    const [dir, cleanup] = await tempDir();
    try {
      for (const f of [0, 1, 2]) await writeFile(join(dir, `f${f}.csv`), Array.from({ length: 5 }, (_, i) => `${f * 10 + i}`).join('\n'));
      const schema = schemaOf([['id', 'INT']]);
      const options = { connector: 'filesystem', path: dir, format: 'csv' };
      const config = { 'table.exec.batch-size': '2' };
      const before: unknown[][] = [];
      const positions: unknown[] = [];
      for (const [subtask, batches] of [[0, 4], [1, 1]]) {
        const reader = filesystemSource.createReader(options, schema, context(subtask, 2, config));
        before.push(...await take(reader, schema, batches));
        positions.push(reader.snapshotPosition!());
        await reader.close();
      }
      const restored = filesystemSource.createReader(options, schema, { ...context(0, 1, config), restoredPositions: positions });
      const after = await take(restored, schema);
      const ids = [...before, ...after].map((r) => r[0] as number).sort((a, b) => a - b);
      assert.deepEqual(ids, [0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24]);
    } finally {
      await cleanup();
    }
  });
});
