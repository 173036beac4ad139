import type { ConnectorContext, ConnectorOptions, SourceFactory, SourceReader } from '../connector.ts';
import { checkUnknownOptions } from '../options.ts';
import type { Schema } from '../../types/schema.ts';
import { ScriptedReader } from './reader.ts';
import { IDENTIFIER, parseScript, scriptIsBounded } from './script.ts';

/**
 * A testing source (Weir only, not in Flink): each subtask plays a script from the `script` option — batches of
 * rows (with row kinds and a split name), explicit watermarks, idle markers, finished splits, pauses, and a `hold`
 * that keeps the source open — so streaming tests can produce out-of-order rows, late rows and idle inputs
 * deterministically. Without a WATERMARK in the table the script's watermarks flow downstream as they are; with
 * one, the watermark assigner replaces them. Bounded unless a step holds. Documented in docs/event-time.md.
 *
 * @example
 * CREATE TABLE s (k STRING, ts TIMESTAMP(3)) WITH ('connector' = 'scripted', 'script' = '[
 *   [{"rows": [["a", "2024-01-01 00:00:05"]]}, {"watermark": "2024-01-01 00:00:04"}, {"rows": [["b", "2024-01-01 00:00:01"]]}],
 *   [{"idle": true}]
 * ]')
 */
export const scriptedSource: SourceFactory = {
  identifier: IDENTIFIER,
  validateSource(options: ConnectorOptions, schema: Schema): void {
    checkUnknownOptions(IDENTIFIER, options, ['script']);
    parseScript(options, schema);
  },
  isBounded: (options: ConnectorOptions): boolean => scriptIsBounded(options.script),
  createReader(options: ConnectorOptions, schema: Schema, ctx: ConnectorContext): SourceReader {
    return new ScriptedReader(parseScript(options, schema), ctx);
  },
};
