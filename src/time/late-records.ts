import type { ChangeBatch } from '../batch/change-batch.ts';
import { ROW_KIND_SHORT } from '../batch/row-kind.ts';
import { batchFromColumns } from '../batch/values/index.ts';
import type { ConnectorContext, ConnectorOptions, SinkWriter } from '../connectors/connector.ts';
import { defaultRegistry } from '../connectors/builtin.ts';
import { jsonText } from '../connectors/filesystem/text-write.ts';
import type { MetricGroup } from '../metrics/metric-group.ts';
import type { PhysicalNode } from '../plan/physical/physical-node.ts';
import { DataTypes, type DataType } from '../types/data-type.ts';
import { Schema, type Column } from '../types/schema.ts';

/**
 * The late-data side output's table (`table.exec.late-records.sink`), resolved when the job is submitted: plain data
 * that every task receives. Its columns are a subset of {@link LATE_RECORD_COLUMNS}, written by name.
 */
export interface LateRecordsSinkSpec {
  readonly table: string;
  readonly connector: string;
  readonly options: ConnectorOptions;
  readonly schema: readonly Column[];
}

/**
 * What a late-data table may hold, by column name: the reporting operator's name and subtask, the row as a JSON
 * object by column name (values as the filesystem JSON format writes them), its row kind (+I, -U, +U, -D), and the
 * operator's watermark when the row arrived.
 */
export const LATE_RECORD_COLUMNS: Readonly<Record<string, DataType>> = {
  operator: DataTypes.STRING(),
  subtask: DataTypes.INT(),
  row: DataTypes.STRING(),
  kind: DataTypes.STRING(),
  watermark: DataTypes.TIMESTAMP_LTZ(3),
};

/**
 * One task's writer of late rows into the side-output table, opened on the first late row (most tasks never see
 * one). Late rows are rare, so each is turned into JSON text on its own, off the hot path. With checkpointing on it
 * takes part in two-phase commit like a sink (the task pre-commits it at each barrier and the job commits its
 * files with the checkpoint), so a filesystem late-data table is exactly-once too.
 */
export class LateRecordsOutput {
  private writer: SinkWriter | null = null;
  private readonly schema: Schema;
  /** Set by the task when checkpointing is on: the end of input then pre-commits instead of finishing. */
  twoPhase = false;

  constructor(private readonly spec: LateRecordsSinkSpec, private readonly ctx: ConnectorContext, private readonly operatorMetrics: (node: PhysicalNode) => MetricGroup) {
    this.schema = Schema.fromJSON([...spec.schema]);
  }

  /** The `ChainBase.lateRows` hook: writes rows `rows` of `batch`, reported by `operator` at `watermark`. */
  readonly report = async (operator: PhysicalNode, batch: ChangeBatch, rows: ArrayLike<number>, watermark: number): Promise<void> => {
    if (rows.length === 0) return;
    this.operatorMetrics(operator).counter('numLateRecordsSideOutput').inc(rows.length);
    this.writer ??= defaultRegistry.sink(this.spec.connector).createWriter(this.spec.options, this.schema, this.ctx);
    await this.writer.write(batchFromColumns(this.schema, this.columns(operator, batch, rows, watermark)));
  };

  /** End of input: the sink's files are finished (committed), unless the job commits them (two-phase commit). */
  async finish(): Promise<void> {
    if (!this.twoPhase || !this.writer?.preCommit) await this.writer?.finish();
  }

  /** Two-phase commit at a barrier (and once more after `finish`): the committables of the late rows written so far. */
  async preCommit(checkpointId: number): Promise<readonly unknown[]> {
    return this.writer?.preCommit ? this.writer.preCommit(checkpointId) : [];
  }

  notifyCheckpointComplete(checkpointId: number): void { this.writer?.notifyCheckpointComplete?.(checkpointId); }

  async close(): Promise<void> { await this.writer?.close(); }

  private columns(operator: PhysicalNode, batch: ChangeBatch, rows: ArrayLike<number>, watermark: number): unknown[][] {
    const n = rows.length;
    const each = <T>(f: (row: number) => T): T[] => Array.from({ length: n }, (_, i) => f(rows[i]));
    return this.schema.names.map((name) => {
      switch (name) {
        case 'operator': return each(() => operator.name);
        case 'subtask': return each(() => this.ctx.subtaskIndex);
        case 'kind': return each((r) => ROW_KIND_SHORT[batch.kindAt(r)]);
        case 'watermark': return each(() => (Number.isFinite(watermark) ? new Date(watermark) : null));
        default: {
          // The rows are the operator's input: their columns are the batch's own.
          const columns = Schema.fromArrow(batch.schema).columns;
          return each((r) => rowJson(batch, columns, r));
        }
      }
    });
  }
}

/** Row `r` as a JSON object by column name. */
function rowJson(batch: ChangeBatch, columns: readonly Column[], r: number): string {
  const parts = columns.map((c, j) => `${JSON.stringify(c.name)}:${jsonText(batch.column(j).data[0], c.type, r)}`);
  return `{${parts.join(',')}}`;
}
