import type { ConnectorContext, ConnectorOptions, SinkCommitter, SinkFactory, SinkWriter, SourceFactory, SourceReader } from '../connector.ts';
import type { Schema } from '../../types/schema.ts';
import { fsOptions, IDENTIFIER, writesChangelog } from './fs-options.ts';
import { abortUncommittedParts, commitFiles, FsWriter, type PendingFile } from './sink.ts';
import { FsReader } from './source.ts';

/**
 * Flink's `filesystem` connector (bounded source and sink).
 *
 * Options: `path` (file or directory), `format` (`csv` | `json` | `arrow` — Arrow IPC file or stream, detected by
 * magic — | `debezium-json`, sink only for now: a source refuses it),
 * `debezium-json.timestamp-format.standard`, `csv.field-delimiter` (`,`), `csv.quote-character` (`"`), `csv.allow-comments` (lines starting with `#`),
 * `csv.ignore-parse-errors`, `csv.null-literal`, `csv.array-element-delimiter` (`;`), `csv.header` (Weir extension,
 * default false: Flink's CSV format has no header line; when true the first line of each file is skipped on read
 * and a header is written), `json.ignore-parse-errors`, `json.timestamp-format.standard` (`SQL` | `ISO-8601`), and
 * for sinks `sink.rolling-policy.file-size` (e.g. `128 mb`) and `sink.fsync` (Weir extension, default true: part
 * files and the directory are fsync'ed before and after commit).
 *
 * CSV NULL is an empty unquoted field (or `csv.null-literal`); an empty string is written `""`. ARRAY of scalars
 * uses the array element delimiter; ROW, MAP and nested arrays are JSON text in the cell.
 */
export const filesystemSource: SourceFactory = {
  identifier: IDENTIFIER,
  validateSource: (options: ConnectorOptions, _schema: Schema): void => { fsOptions(options, false); },
  isBounded: () => true,
  createReader: (options: ConnectorOptions, schema: Schema, ctx: ConnectorContext): SourceReader =>
    new FsReader(fsOptions(options, false, ctx.baseDir), schema, ctx),
};

/**
 * The filesystem sink; see {@link filesystemSource} for options. Accepts only inserts, except with
 * `format = 'debezium-json'` (Flink's Debezium JSON changelog lines, `.json` part files), which accepts updates and
 * deletes. Exactly-once with
 * checkpointing on: part files are committed (renamed into view) when the checkpoint that covers them completes.
 */
export const filesystemSink: SinkFactory = {
  identifier: IDENTIFIER,
  validateSink: (options: ConnectorOptions, _schema: Schema): void => { fsOptions(options, true); },
  acceptsUpdates: writesChangelog,
  createWriter: (options: ConnectorOptions, schema: Schema, ctx: ConnectorContext): SinkWriter =>
    new FsWriter(fsOptions(options, true, ctx.baseDir), schema, ctx),
  createCommitter: (options: ConnectorOptions, ctx: { readonly baseDir: string }): SinkCommitter => {
    const opts = fsOptions(options, true, ctx.baseDir);
    return {
      commit: (committables) => commitFiles(committables as PendingFile[], opts.fsync),
      abortUncommitted: async (jobIds) => { await abortUncommittedParts(opts.path, jobIds); },
    };
  },
};
