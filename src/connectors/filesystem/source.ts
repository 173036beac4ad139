import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { batchFromColumns } from '../../batch/values/batch.ts';
import { CoreOptions } from '../../config/options.ts';
import { ConnectorError, SchemaError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { toArrowType } from '../../types/arrow-types.ts';
import type { Schema } from '../../types/schema.ts';
import type { Counter } from '../../metrics/metric-group.ts';
import type { ConnectorContext, SourceElement, SourceReader } from '../connector.ts';
import { splitCsv } from './csv.ts';
import { filesForSubtask } from './files.ts';
import type { FsOptions } from './fs-options.ts';
import { parseJson } from './json-parse.ts';
import { readRecords, type RecordStart, type TextRecord } from './records.ts';
import { FsRestoredFiles, type FsPosition } from './fs-position.ts';
import { FieldParseError, fromJson, parseText } from './text-values.ts';

/**
 * Reads one subtask's files (round-robin share of a directory) record by record, parsing straight into per-column
 * value arrays and emitting a batch every `table.exec.batch-size` rows. Each file is a split (its own watermark);
 * a `split-finished` event follows its last batch. Bad records fail with BAD_RECORD (file, line,
 * byte offset) unless `<format>.ignore-parse-errors`, which skips them and counts them in `numRecordsInErrors`.
 * Replayable: its position (files done, and the byte offset or Arrow batch in the current file) is checkpointed,
 * and a restored reader skips what was read, at any parallelism.
 */
export class FsReader implements SourceReader {
  private readonly batches: AsyncGenerator<SourceElement>;
  /** The file being read: each file is a split, with its own watermark. */
  private split = '';
  private readonly errors: Counter;
  private readonly batchSize: number;
  /** Files read to the end, and where the current one stands (at the last batch returned). */
  private readonly done: string[] = [];
  private current: FsPosition['current'] = null;
  private readonly restored: FsRestoredFiles | null;

  constructor(private readonly opts: FsOptions, private readonly schema: Schema, private readonly ctx: ConnectorContext) {
    if (opts.format === 'debezium-json') {
      // Reading it back needs a changelog source (row kinds, the planner told the scan produces updates): not built yet.
      throw new ConnectorError("The filesystem connector cannot read 'format' = 'debezium-json': the format is sink-only for now", {
        location: { file: opts.path, subtask: ctx.subtaskIndex },
        hint: "Write Debezium JSON with the filesystem sink only; read the table's files with 'format' = 'json' and the before/after/op columns instead.",
      }, ErrorCodes.NOT_SUPPORTED);
    }
    this.restored = ctx.restoredPositions ? new FsRestoredFiles(ctx.restoredPositions) : null;
    this.errors = ctx.metrics.counter('numRecordsInErrors');
    this.batchSize = Math.max(1, ctx.config.get(CoreOptions.BATCH_SIZE));
    this.batches = this.all();
  }

  async next(): Promise<SourceElement | null> {
    this.ctx.signal.throwIfAborted();
    const r = await this.batches.next();
    return r.done ? null : r.value;
  }

  currentSplit(): string { return this.split; }

  snapshotPosition(): FsPosition {
    return { done: [...this.done], current: this.current };
  }

  async close(): Promise<void> {
    await this.batches.return(undefined);
  }

  private async *all(): AsyncGenerator<SourceElement> {
    for (const file of await filesForSubtask(this.opts.path, this.ctx.subtaskIndex, this.ctx.parallelism)) {
      if (this.restored?.isDone(file)) { this.done.push(file); continue; }
      this.split = file;
      const cursor = this.restored?.cursor(file);
      if (this.opts.format === 'arrow') yield* this.arrowFile(file, cursor && 'batches' in cursor ? cursor.batches : 0);
      else yield* this.textFile(file, cursor && 'offset' in cursor ? cursor : undefined);
      this.done.push(file);
      this.current = null;
      yield { kind: 'split-finished', split: file };
    }
  }

  private async *textFile(file: string, from?: RecordStart): AsyncGenerator<ChangeBatch> {
    const csv = this.opts.format === 'csv';
    const parse = csv ? this.csvRow.bind(this) : this.jsonRow.bind(this);
    const ignore = csv ? this.opts.csv.ignoreParseErrors : this.opts.json.ignoreParseErrors;
    const columns: unknown[][] = this.schema.columns.map(() => []);
    let rows = 0;
    // A resumed file is past its header.
    let first = from === undefined;
    for await (const record of readRecords(file, csv ? this.opts.csv.quote : undefined, this.ctx.signal, from)) {
      this.current = { file, cursor: { offset: record.end, line: record.nextLine } };
      if (first && csv && this.opts.csv.header) { first = false; continue; }
      first = false;
      if (record.text.trim() === '' || (csv && this.opts.csv.allowComments && record.text.startsWith('#'))) continue;
      let values: unknown[];
      try {
        values = parse(record.text);
      } catch (e) {
        if (!(e instanceof FieldParseError)) throw e;
        if (ignore) { this.errors.inc(); continue; }
        throw badRecord(file, record, e.message, csv ? 'csv' : 'json');
      }
      for (let j = 0; j < values.length; j++) columns[j].push(values[j]);
      if (++rows === this.batchSize) {
        yield batchFromColumns(this.schema, columns.splice(0, columns.length, ...this.schema.columns.map(() => [])));
        rows = 0;
      }
    }
    if (rows > 0) yield batchFromColumns(this.schema, columns);
  }

  private csvRow(text: string): unknown[] {
    const { delimiter, quote, nullLiteral, arrayDelimiter } = this.opts.csv;
    let fields;
    try { fields = splitCsv(text, delimiter, quote); } catch (e) { throw new FieldParseError((e as Error).message); }
    const cols = this.schema.columns;
    if (fields.values.length !== cols.length) {
      throw new FieldParseError(`expected ${cols.length} fields (${this.schema.names.join(', ')}), got ${fields.values.length}`);
    }
    return cols.map((c, j) => {
      const v = fields.values[j];
      if (!fields.quoted[j] && (v === '' || v === nullLiteral)) return null;
      return this.field(c.name, () => parseText(c.type, v, arrayDelimiter));
    });
  }

  private jsonRow(text: string): unknown[] {
    let node;
    try { node = parseJson(text); } catch (e) { throw new FieldParseError(`malformed JSON: ${(e as Error).message}`); }
    if (node === null || typeof node !== 'object' || Array.isArray(node) || node.constructor !== Object) {
      throw new FieldParseError('expected a JSON object per line');
    }
    const obj = node as Record<string, Parameters<typeof fromJson>[1]>;
    return this.schema.columns.map((c) => this.field(c.name, () => fromJson(c.type, obj[c.name])));
  }

  private field(name: string, parse: () => unknown): unknown {
    try { return parse(); } catch (e) {
      if (e instanceof FieldParseError) throw new FieldParseError(`column '${name}' ${e.message}`);
      throw e;
    }
  }

  private async *arrowFile(file: string, skip: number): AsyncGenerator<ChangeBatch> {
    const handle = await open(file);
    try {
      const magic = Buffer.alloc(6);
      await handle.read(magic, 0, 6, 0);
      // IPC files start with ARROW1 and need random access; streams are read sequentially.
      const source = magic.toString('latin1') === 'ARROW1' ? handle : createReadStream(file, { signal: this.ctx.signal });
      const reader = await arrow.RecordBatchReader.from(source as never);
      let batches = 0;
      for await (const rb of reader as AsyncIterable<arrow.RecordBatch>) {
        if (++batches <= skip) continue;
        this.current = { file, cursor: { batches } };
        yield this.project(file, rb);
      }
    } finally {
      await handle.close();
    }
  }

  /** The table's columns of an Arrow batch, by name, with types checked. */
  private project(file: string, rb: arrow.RecordBatch): ChangeBatch {
    const columns = this.schema.columns.map((c) => {
      const j = rb.schema.fields.findIndex((f) => f.name === c.name);
      const expected = String(toArrowType(c.type));
      if (j < 0 || String(rb.schema.fields[j].type) !== expected) {
        throw new SchemaError(`Arrow file column '${c.name}' ${j < 0 ? 'is missing' : `has type ${rb.schema.fields[j].type}`}; the table expects ${expected}`, {
          location: { file }, hint: `The file has columns: ${rb.schema.fields.map((f) => `${f.name} ${f.type}`).join(', ')}.`,
        }, ErrorCodes.SCHEMA_MISMATCH);
      }
      return rb.getChildAt(j)!.data[0];
    });
    return ChangeBatch.fromColumns(this.schema.toArrow(), columns, rb.numRows);
  }
}

function badRecord(file: string, record: TextRecord, detail: string, format: 'csv' | 'json'): ConnectorError {
  const shown = record.text.length > 120 ? `${record.text.slice(0, 120)}…` : record.text;
  return new ConnectorError(`Bad ${format.toUpperCase()} record: ${detail}. Record: ${JSON.stringify(shown)}`, {
    location: { file, line: record.line, offset: record.offset },
    hint: `Fix the record, or set '${format}.ignore-parse-errors' = 'true' to skip bad records (they are counted in the metric numRecordsInErrors).`,
  }, ErrorCodes.BAD_RECORD);
}
