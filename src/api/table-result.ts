import { rowsFromBatch } from '../batch/values/index.ts';
import { ROW_KIND_SHORT } from '../batch/row-kind.ts';
import { formatRow } from '../batch/values/index.ts';
import type { JobClient, JobResult } from '../exec/job/job-client.ts';
import { resultBatches } from '../exec/job/result-stream.ts';
import type { Schema } from '../types/schema.ts';
import { Row } from './row.ts';

/**
 * The result of `table.execute()`: an async iterable of rows (with row kinds), read as they are produced.
 * Iterate it once; `collect()` gathers every row of a bounded query. Reading slowly slows the job (backpressure).
 */
export class TableResult implements AsyncIterable<Row> {
  private consumed = false;
  private readonly abort = new AbortController();

  /** @internal */
  constructor(readonly job: JobClient, readonly schema: Schema) {}

  getJobClient(): JobClient { return this.job; }
  getResolvedSchema(): Schema { return this.schema; }

  async *[Symbol.asyncIterator](): AsyncIterator<Row> {
    if (this.consumed) throw new Error('A TableResult can be iterated only once');
    this.consumed = true;
    const port = this.job.clientPort;
    if (!port) throw new Error('internal: a collect job without a client channel');
    const names = this.schema.names;
    let finished = false;
    try {
      for await (const batch of resultBatches(port, this.job.done(), this.abort.signal)) {
        const rows = rowsFromBatch(batch, this.schema);
        for (let i = 0; i < rows.length; i++) yield new Row(ROW_KIND_SHORT[batch.kindAt(i)], rows[i], names);
      }
      await this.job.done();
      finished = true;
    } finally {
      // Leaving the loop early (break, or an error in the consumer's code) cancels the job.
      if (!finished) await this.job.cancel();
    }
  }

  /** Every row of a bounded query. */
  async collect(): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const r of this) rows.push(r);
    return rows;
  }

  /** Every row as a plain object (field name → value); row kinds are dropped, so use it for insert-only queries. */
  async toObjects(): Promise<Record<string, unknown>[]> {
    return (await this.collect()).map((r) => r.toObject());
  }

  /**
   * Applies the changelog and returns the final table: +I/+U add a row, -U/-D remove one equal row. For an updating
   * query (GROUP BY, joins, Top-N) this is what the result looks like once the input has ended.
   */
  async materialize(): Promise<Row[]> {
    const live = new Map<string, Row[]>();
    for await (const row of this) {
      const key = rowKey(row.values);
      if (row.kind === '+I' || row.kind === '+U') {
        const list = live.get(key);
        if (list) list.push(row); else live.set(key, [row]);
      } else {
        const list = live.get(key);
        if (!list || list.length === 0) {
          throw new Error(`Changelog retracts a row that was never added: ${row.toString()}`);
        }
        list.pop();
        if (list.length === 0) live.delete(key);
      }
    }
    return [...live.values()].flat().map((r) => new Row('+I', r.values, r.names));
  }

  /** Prints rows as Flink's print sink does (`+I[1, abc]`) and returns the job's result. */
  async print(out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<JobResult> {
    for await (const r of this) out(formatRow(ROW_KIND_SHORT.indexOf(r.kind), r.values, this.schema.types));
    return this.job.done();
  }

  /** Waits for the job without reading rows (rows are discarded). */
  async await(): Promise<JobResult> {
    for await (const _ of this) { /* drain */ }
    return this.job.done();
  }
}

function rowKey(values: readonly unknown[]): string {
  return JSON.stringify(values, (_, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v instanceof Map ? [...v] : v));
}
