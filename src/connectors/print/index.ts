import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import { formatRowAt } from '../../batch/values/format.ts';
import type { DataType } from '../../types/data-type.ts';
import type { Schema } from '../../types/schema.ts';
import type { ConnectorContext, ConnectorOptions, SinkFactory, SinkWriter } from '../connector.ts';
import { checkUnknownOptions, OptionReader } from '../options.ts';

const IDENTIFIER = 'print';
const KEYS = ['print-identifier', 'standard-error'];

/** Where print output goes; tests pass their own streams. */
export interface PrintStreams {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/**
 * The line prefix of Flink's PrintSinkOutputWriter: `identifier> ` or, when parallelism > 1, `identifier:3> ` /
 * `3> ` with the 1-based subtask number; nothing when there is neither.
 */
export function printPrefix(identifier: string, subtaskIndex: number, parallelism: number): string {
  let prefix = identifier;
  if (parallelism > 1) prefix += `${prefix ? ':' : ''}${subtaskIndex + 1}`;
  return prefix ? `${prefix}> ` : '';
}

/** Writes each row as Flink's print connector does (`+I[1, abc]`), waiting for 'drain' when the stream is full. */
export class PrintWriter implements SinkWriter {
  private readonly types: DataType[];

  constructor(private readonly out: Writable, private readonly prefix: string, schema: Schema, private readonly signal?: AbortSignal) {
    this.types = schema.types;
  }

  async write(batch: ChangeBatch): Promise<void> {
    const columns = this.types.map((_, j) => batch.column(j).data[0]);
    let text = '';
    for (let i = 0; i < batch.numRows; i++) {
      text += `${this.prefix}${formatRowAt(batch.kindAt(i), columns, this.types, i)}\n`;
    }
    if (text && !this.out.write(text)) await once(this.out, 'drain', { signal: this.signal });
  }

  async finish(): Promise<void> {}
  // The process streams are shared and never closed by a sink.
  async close(): Promise<void> {}
}

/** A `print` sink factory writing to the given streams (default: the process's stdout and stderr). */
export function createPrintSink(streams: PrintStreams = { stdout: process.stdout, stderr: process.stderr }): SinkFactory {
  return {
    identifier: IDENTIFIER,
    validateSink(options: ConnectorOptions): void {
      checkUnknownOptions(IDENTIFIER, options, KEYS);
      new OptionReader(IDENTIFIER, options).bool('standard-error', false);
    },
    acceptsUpdates: () => true,
    createWriter(options: ConnectorOptions, schema: Schema, ctx: ConnectorContext): SinkWriter {
      const r = new OptionReader(IDENTIFIER, options);
      const out = r.bool('standard-error', false) ? streams.stderr : streams.stdout;
      const prefix = printPrefix(r.string('print-identifier', ''), ctx.subtaskIndex, ctx.parallelism);
      return new PrintWriter(out, prefix, schema, ctx.signal);
    },
  };
}

/**
 * Flink's `print` sink. Options: `print-identifier` (line prefix), `standard-error` (print to stderr; default false).
 * Accepts updates and deletes; each row is printed with its kind (`+I`, `-U`, `+U`, `-D`). Not exactly-once: after a
 * restore from a checkpoint, rows printed since that checkpoint are printed again (docs/checkpoints.md).
 */
export const printSink: SinkFactory = createPrintSink();
