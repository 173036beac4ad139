import type { SerializedWeirError } from '../../errors/weir-error.ts';
import type { MetricsSnapshot } from '../../metrics/metric-group.ts';

/** Job runner → slot thread. */
export type SlotCommand = { type: 'cancel' } | { type: 'metrics'; requestId: number };

/** Slot thread → job runner. */
export type SlotReport =
  | { type: 'task-finished'; taskId: string; metrics: MetricsSnapshot }
  | { type: 'task-failed'; taskId: string; error: SerializedWeirError; metrics: MetricsSnapshot }
  | { type: 'metrics'; requestId: number; snapshots: { taskId: string; metrics: MetricsSnapshot }[] };
