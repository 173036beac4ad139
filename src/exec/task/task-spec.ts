import type { MessagePort } from 'node:worker_threads';
import type { TaskRestore } from '../../checkpoint/checkpoint-messages.ts';
import type { JobVertex } from '../../plan/physical/job-graph.ts';
import type { LateRecordsSinkSpec } from '../../time/late-records.ts';
import type { GateInput } from '../channel/input-gate.ts';
import type { OutputEdgeWiring } from './record-writer.ts';

/** Everything one parallel subtask needs; plain data plus ports, transferred into its slot thread. */
export interface TaskSpec {
  readonly taskId: string;
  readonly vertex: JobVertex;
  readonly subtaskIndex: number;
  readonly inputs: readonly GateInput[];
  readonly outputs: readonly OutputEdgeWiring[];
  /** Set when the job starts from a checkpoint: the state and source positions this task restores. */
  readonly restore?: TaskRestore;
}

/** What every task of a job shares. */
export interface JobSettings {
  readonly jobId: string;
  readonly jobName: string;
  readonly config: Record<string, string>;
  readonly baseDir: string;
  /** The late-data side output (`table.exec.late-records.sink`), resolved at submission; absent: drop and count. */
  readonly lateRecordsSink?: LateRecordsSinkSpec;
}

export type { MessagePort };
