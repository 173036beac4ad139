import type { ConnectorContext, ConnectorOptions, SourceFactory, SourceReader } from '../connector.ts';
import { checkUnknownOptions } from '../options.ts';
import type { Schema } from '../../types/schema.ts';
import { IDENTIFIER, supportedKeys } from './fields.ts';
import { datagenPlan, DatagenReader } from './reader.ts';

/**
 * Flink's `datagen` source: random or sequence data for every column.
 *
 * Options: `rows-per-second` (default 10000, shared across subtasks; a huge value such as 1e12 is unthrottled),
 * `number-of-rows` (bounded), `seed` (Weir extension: reproducible data; default random), and per field
 * `fields.<name>.kind` (`random` | `sequence`), `.min`, `.max`, `.max-past`, `.length`, `.start`, `.end`,
 * `.null-rate`. Nested fields use `fields.<row>.<sub>.*`, `fields.<array>.element.*`, `fields.<map>.key.*` and
 * `fields.<map>.value.*`. A table with a sequence field ends when the sequence is exhausted (row r has the value
 * start + r).
 *
 * Rows are cut into splits that do not depend on the parallelism (ranges of row numbers when bounded, 128 lanes when
 * not; see `splits.ts`), dealt round-robin to the subtasks; with a seed the rows are the same multiset at any
 * parallelism, and a checkpoint's positions restore at any parallelism (an unbounded table: up to its lanes).
 */
export const datagenSource: SourceFactory = {
  identifier: IDENTIFIER,

  validateSource(options: ConnectorOptions, schema: Schema): void {
    checkUnknownOptions(IDENTIFIER, options, supportedKeys(schema));
    datagenPlan(options, schema);
  },

  isBounded(options: ConnectorOptions): boolean {
    return options['number-of-rows'] !== undefined || Object.entries(options).some(([k, v]) => /^fields\..+\.kind$/.test(k) && v.trim().toLowerCase() === 'sequence');
  },

  createReader(options: ConnectorOptions, schema: Schema, ctx: ConnectorContext): SourceReader {
    return new DatagenReader(datagenPlan(options, schema), schema, ctx);
  },
};
