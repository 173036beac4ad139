import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { access, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import * as arrow from 'apache-arrow';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import { ROW_KIND_SHORT } from '../../batch/row-kind.ts';
import { ConnectorError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import type { Schema } from '../../types/schema.ts';
import type { ConnectorContext, SinkWriter } from '../connector.ts';
import { quoteCsv } from './csv.ts';
import type { FsOptions } from './fs-options.ts';
import { csvText, jsonText } from './text-write.ts';
import { fsyncPath } from '../../util/fsync.ts';

/** A finished part file waiting for commit: written under a hidden in-progress name, renamed by {@link FsWriter.commit}. */
export interface PendingFile {
  readonly inProgress: string;
  readonly final: string;
}

interface OpenPart extends PendingFile {
  bytes: number;
  stream?: WriteStream;
  batches?: arrow.RecordBatch[];
}

/**
 * Writes `part-<job>-<writer>-<subtask>-<n>.<ext>` files into the table's directory (`<job>`: see {@link jobTag};
 * `<writer>`: random per writer, so a restarted or restored job adds files instead of overwriting). Each part is
 * written as a hidden `.part-….<ext>.inprogress` file (directory readers skip it), fsync'ed when finished (unless
 * `sink.fsync` is false), and renamed to its final name on commit.
 *
 * Without checkpointing, finish() commits at the end of input and a failed job leaves nothing visible. With
 * checkpointing (two-phase commit), `preCommit(n)` closes the open part at barrier n and hands over every part not
 * yet known committed; the job commits them (renames, {@link commitFiles}) once checkpoint n is complete, and again
 * on restore. So a reader of the directory sees exactly the rows of completed checkpoints: none twice, none
 * uncommitted. Pre-committed parts are never deleted by the writer (the checkpoint may still complete); parts of
 * checkpoints that never complete are deleted by the job ({@link abortUncommittedParts}) when it restores or
 * finishes. Only +I rows are accepted, except with `format = 'debezium-json'` (see {@link debeziumLines}).
 */
export class FsWriter implements SinkWriter {
  private part?: OpenPart;
  private counter = 0;
  private pending: PendingFile[] = [];
  /** Pre-committed parts, with the checkpoint that first included them, until a completed checkpoint covers them. */
  private uncommitted: { checkpointId: number; file: PendingFile }[] = [];
  private ready?: Promise<unknown>;

  constructor(private readonly opts: FsOptions, private readonly schema: Schema, private readonly ctx: ConnectorContext) {
    this.writerId = `${ctx.jobId === undefined ? '' : `${jobTag(ctx.jobId)}-`}${randomUUID().slice(0, 8)}`;
  }

  private get ext(): string { return this.opts.format === 'debezium-json' ? 'json' : this.opts.format; }

  async write(batch: ChangeBatch): Promise<void> {
    if (batch.kinds && this.opts.format !== 'debezium-json') {
      const i = batch.kinds.findIndex((k) => k !== 0);
      if (i >= 0) {
        throw new ConnectorError(`The filesystem sink accepts only inserts (+I), got a ${ROW_KIND_SHORT[batch.kinds[i]]} row`, {
          location: { file: this.opts.path, subtask: this.ctx.subtaskIndex },
          hint: "Write an append-only query to the filesystem sink, or set 'format' = 'debezium-json' to write its changelog.",
        }, ErrorCodes.NOT_SUPPORTED);
      }
    }
    if (batch.numRows === 0) return;
    const part = this.part ?? (this.part = await this.openPart());
    if (this.opts.format === 'arrow') {
      part.batches!.push(batch.data);
      part.bytes += batch.data.data.byteLength;
    } else {
      const text = this.opts.format === 'csv' ? this.csvLines(batch)
        : this.opts.format === 'debezium-json' ? debeziumLines(this.jsonRows(batch), batch.kinds) : this.jsonLines(batch);
      part.bytes += Buffer.byteLength(text);
      if (!part.stream!.write(text)) await once(part.stream!, 'drain', { signal: this.ctx.signal });
    }
    if (this.opts.rollingFileSize !== undefined && part.bytes >= this.opts.rollingFileSize) await this.closePart();
  }

  /** Closes the open part; returns every part file finished since the last commit (the pre-commit step). */
  async prepareCommit(): Promise<PendingFile[]> {
    await this.closePart();
    const files = this.pending;
    this.pending = [];
    return files;
  }

  /** Makes finished part files visible by renaming them to their final names. */
  async commit(files: readonly PendingFile[]): Promise<void> {
    await commitFiles(files, this.opts.fsync);
  }

  async preCommit(checkpointId: number): Promise<readonly PendingFile[]> {
    for (const file of await this.prepareCommit()) this.uncommitted.push({ checkpointId, file });
    return this.uncommitted.map((u) => u.file);
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.uncommitted = this.uncommitted.filter((u) => u.checkpointId > checkpointId);
  }

  async finish(): Promise<void> {
    await this.commit(await this.prepareCommit());
  }

  /** Drops uncommitted output (failure or cancel). */
  async close(): Promise<void> {
    const part = this.part;
    this.part = undefined;
    // End (not destroy) the stream: destroying it under an in-flight write raises an unhandled 'error' event.
    if (part?.stream && !part.stream.closed) {
      part.stream.on('error', () => {});
      part.stream.end();
      await once(part.stream, 'close').catch(() => {});
    }
    const leftovers = [...this.pending, ...(part ? [part] : [])];
    this.pending = [];
    await Promise.all(leftovers.map((f) => rm(f.inProgress, { force: true })));
  }

  private readonly writerId: string;

  private async openPart(): Promise<OpenPart> {
    this.ready ??= mkdir(this.opts.path, { recursive: true });
    await this.ready;
    // Flink's part-<uuid>-<subtask>-<n>, the uuid preceded by the job's tag so the job can find its orphans.
    const name = `part-${this.writerId}-${this.ctx.subtaskIndex}-${this.counter++}.${this.ext}`;
    const part: OpenPart = { final: join(this.opts.path, name), inProgress: join(this.opts.path, `.${name}.inprogress`), bytes: 0 };
    if (this.opts.format === 'arrow') {
      part.batches = [];
    } else {
      part.stream = createWriteStream(part.inProgress);
      await once(part.stream, 'open');
      if (this.opts.format === 'csv' && this.opts.csv.header) {
        part.stream.write(`${this.schema.names.map((n) => quoteCsv(n, this.opts.csv.delimiter, this.opts.csv.quote)).join(this.opts.csv.delimiter)}\n`);
      }
    }
    return part;
  }

  private async closePart(): Promise<void> {
    const part = this.part;
    if (!part) return;
    this.part = undefined;
    if (part.batches) {
      await writeFile(part.inProgress, arrow.tableToIPC(new arrow.Table(this.schema.toArrow(), part.batches), 'file'));
    } else {
      part.stream!.end();
      await once(part.stream!, 'close');
    }
    // Durable before it is handed over: a completed checkpoint may name it, and its commit only renames it.
    if (this.opts.fsync) await fsyncPath(part.inProgress);
    this.pending.push({ inProgress: part.inProgress, final: part.final });
  }

  private csvLines(batch: ChangeBatch): string {
    const { delimiter, quote, nullLiteral, arrayDelimiter } = this.opts.csv;
    const types = this.schema.types;
    const cols = types.map((_, j) => batch.column(j).data[0]);
    let out = '';
    for (let i = 0; i < batch.numRows; i++) {
      for (let j = 0; j < types.length; j++) {
        if (j) out += delimiter;
        const text = csvText(cols[j], types[j], i, arrayDelimiter);
        out += text === undefined ? (nullLiteral ?? '') : quoteCsv(text, delimiter, quote);
      }
      out += '\n';
    }
    return out;
  }

  private jsonLines(batch: ChangeBatch): string {
    let out = '';
    for (const row of this.jsonRows(batch)) out += `${row}\n`;
    return out;
  }

  /** Each row of the batch as a JSON object (the `json` format's encoding). */
  private jsonRows(batch: ChangeBatch): string[] {
    const types = this.schema.types;
    const names = this.schema.names.map((n) => JSON.stringify(n));
    const cols = types.map((_, j) => batch.column(j).data[0]);
    const std = this.opts.json.timestampStandard;
    const rows = new Array<string>(batch.numRows);
    for (let i = 0; i < batch.numRows; i++) rows[i] = `{${types.map((t, j) => `${names[j]}:${jsonText(cols[j], t, i, std)}`).join(',')}}`;
    return rows;
  }
}

/**
 * Debezium JSON lines as Flink's DebeziumJsonSerializationSchema writes them (fields `before`, `after`, `op`, in that
 * order): +I and +U as `{"before":null,"after":<row>,"op":"c"}`, -U and -D as `{"before":<row>,"after":null,"op":"d"}`.
 * An update is so a delete of the old row followed by an insert of the new one; `kinds` null means all +I.
 */
export function debeziumLines(rows: readonly string[], kinds: Uint8Array | null): string {
  let out = '';
  for (let i = 0; i < rows.length; i++) {
    const kind = kinds ? kinds[i] : 0;
    out += kind === 1 || kind === 3 ? `{"before":${rows[i]},"after":null,"op":"d"}\n` : `{"before":null,"after":${rows[i]},"op":"c"}\n`;
  }
  return out;
}

/**
 * Renames in-progress part files to their final names, then (with `fsync`) fsyncs their directories so the renames
 * are durable. Idempotent: a part already renamed (its in-progress file is gone and its final file exists) is
 * skipped, so a restore may commit a checkpoint's files again.
 */
export async function commitFiles(files: readonly PendingFile[], fsync = true): Promise<void> {
  for (const f of files) {
    try {
      await rename(f.inProgress, f.final);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && await exists(f.final)) continue;
      throw new ConnectorError(`Cannot commit part file ${f.final}: ${(e as Error).message}`, {
        cause: e, location: { file: f.inProgress },
        hint: 'The in-progress file of a completed checkpoint is missing: was the output directory changed while the job ran?',
      }, ErrorCodes.CONNECTOR_IO);
    }
  }
  if (fsync) for (const dir of new Set(files.map((f) => dirname(f.final)))) await fsyncPath(dir);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** The part of a job id that names its writers' files: 12 hex digits of the (UUID) job id, enough to tell jobs apart. */
export function jobTag(jobId: string): string {
  return jobId.replace(/[^0-9a-zA-Z]/g, '').slice(0, 12).toLowerCase();
}

/**
 * Deletes the hidden in-progress part files in `dir` written by writers of the jobs `jobIds`: after a restore
 * committed its checkpoint's parts, those left belong to checkpoints after it (or to none). Files of other jobs and
 * committed files are not touched.
 */
export async function abortUncommittedParts(dir: string, jobIds: readonly string[]): Promise<string[]> {
  const prefixes = jobIds.map((id) => `.part-${jobTag(id)}-`);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const orphans = names.filter((n) => n.endsWith('.inprogress') && prefixes.some((p) => n.startsWith(p)));
  await Promise.all(orphans.map((n) => rm(join(dir, n), { force: true })));
  return orphans;
}
