import { isAbsolute, resolve } from 'node:path';
import type { ConnectorOptions } from '../connector.ts';
import { checkUnknownOptions, OptionReader } from '../options.ts';
import type { TimestampStandard } from './text-write.ts';

export const IDENTIFIER = 'filesystem';
export const FORMATS = ['csv', 'json', 'arrow', 'debezium-json'] as const;
export type FormatName = (typeof FORMATS)[number];

/** Parsed options of a filesystem table (Flink's keys; `csv.header` is a Weir extension). */
export interface FsOptions {
  readonly path: string;
  readonly format: FormatName;
  readonly csv: {
    readonly delimiter: string;
    readonly quote: string;
    readonly allowComments: boolean;
    readonly ignoreParseErrors: boolean;
    readonly nullLiteral?: string;
    readonly arrayDelimiter: string;
    readonly header: boolean;
  };
  readonly json: { readonly ignoreParseErrors: boolean; readonly timestampStandard: TimestampStandard };
  readonly rollingFileSize?: number;
  /**
   * Sink (Weir extension `sink.fsync`, default true): fsync each part file before it is handed over for commit and
   * the directory after the commit renames, so committed output survives a power loss, not only a killed process.
   */
  readonly fsync: boolean;
}

const CSV_KEYS = ['csv.field-delimiter', 'csv.quote-character', 'csv.allow-comments', 'csv.ignore-parse-errors',
  'csv.null-literal', 'csv.array-element-delimiter', 'csv.header'];
const JSON_KEYS = ['json.ignore-parse-errors', 'json.timestamp-format.standard'];
const DEBEZIUM_KEYS = ['debezium-json.timestamp-format.standard'];
const FORMAT_KEYS: Record<FormatName, readonly string[]> = { csv: CSV_KEYS, json: JSON_KEYS, arrow: [], 'debezium-json': DEBEZIUM_KEYS };
const SINK_KEYS = ['sink.rolling-policy.file-size', 'sink.fsync'];

/**
 * Whether a filesystem table with these options accepts -U/+U/-D rows: only with `format = 'debezium-json'`, whose
 * lines carry the change kind (the others write bare rows, which cannot say a row was retracted).
 */
export function writesChangelog(options: ConnectorOptions): boolean {
  return options.format?.trim().toLowerCase() === 'debezium-json';
}

/** Validates (unknown keys included) and reads the options; relative paths resolve against `baseDir`. */
export function fsOptions(options: ConnectorOptions, sink: boolean, baseDir = process.cwd()): FsOptions {
  const r = new OptionReader(IDENTIFIER, options);
  const format = r.enumOf('format', FORMATS);
  if (format === undefined) r.requiredString('format', `Set 'format' to one of: ${FORMATS.join(', ')}.`);
  // Sink keys are accepted for sources too, as Flink's filesystem factory does: one CREATE TABLE serves both roles
  // (and DDL validates a table of a connector with a source as a source).
  const keys = ['path', 'format', ...(format === undefined ? [] : FORMAT_KEYS[format]), ...SINK_KEYS];
  checkUnknownOptions(IDENTIFIER, options, keys);
  const path = r.requiredString('path', "Set 'path' to a file or directory.");
  return {
    path: isAbsolute(path) ? path : resolve(baseDir, path),
    format: format!,
    csv: {
      delimiter: r.char('csv.field-delimiter', ','),
      quote: r.char('csv.quote-character', '"'),
      allowComments: r.bool('csv.allow-comments', false),
      ignoreParseErrors: r.bool('csv.ignore-parse-errors', false),
      nullLiteral: r.string('csv.null-literal'),
      arrayDelimiter: r.string('csv.array-element-delimiter', ';'),
      header: r.bool('csv.header', false),
    },
    json: {
      ignoreParseErrors: r.bool('json.ignore-parse-errors', false),
      // debezium-json encodes its rows as the json format does, with its own prefix (as Flink's formats).
      timestampStandard: r.enumOf(`${format === 'debezium-json' ? 'debezium-json' : 'json'}.timestamp-format.standard`, ['SQL', 'ISO-8601'] as const, 'SQL'),
    },
    rollingFileSize: sink ? r.memorySize('sink.rolling-policy.file-size') : undefined,
    fsync: sink ? r.bool('sink.fsync', true) : false,
  };
}
