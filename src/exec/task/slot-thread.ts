/**
 * Entry point of a slot thread: runs the tasks assigned to one slot (subtask i of every vertex, as Flink's slot
 * sharing does) and reports to the job runner on the parent port.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../errors/serialize.ts';
import '../operators/builtin.ts';
import '../../udf/register-backends.ts';
import { discardWarmPools } from '../../udf/python/warm-pools.ts';
import { Task } from './task.ts';
import type { JobSettings, TaskSpec } from './task-spec.ts';
import type { SlotReport, SlotCommand } from './slot-protocol.ts';

const { job, tasks } = workerData as { job: JobSettings; tasks: TaskSpec[] };
const port = parentPort!;
const running = tasks.map((spec) => new Task(spec, job));

const report = (m: SlotReport) => port.postMessage(m);

// An error escaping a task (an event handler, a stray promise) must fail the job with its message, not end the
// thread with a bare exit code.
const failAll = (error: unknown) => {
  for (const t of running) t.cancel();
  report({ type: 'task-failed', taskId: running[0]?.id ?? 'slot', error: serializeError(error), metrics: {} });
};
process.on('uncaughtException', failAll);
process.on('unhandledRejection', failAll);

port.on('message', (command: SlotCommand) => {
  if (command.type === 'cancel') for (const t of running) t.cancel();
  if (command.type === 'metrics') {
    report({ type: 'metrics', requestId: command.requestId, snapshots: running.map((t) => ({ taskId: t.id, metrics: t.snapshotMetrics() })) });
  }
});

let unfinished = running.length;
// Warm Python pools no operator took are stopped before the slot's last task reports: once every task has reported,
// the job client may terminate this thread.
const settled = async () => { if (--unfinished === 0) await discardWarmPools().catch(() => undefined); };

for (const task of running) {
  task.run().then(
    async () => {
      await settled();
      report({ type: 'task-finished', taskId: task.id, metrics: task.snapshotMetrics() });
    },
    async (error) => {
      for (const t of running) if (t !== task) t.cancel();
      await settled();
      report({ type: 'task-failed', taskId: task.id, error: serializeError(error), metrics: task.snapshotMetrics() });
    },
  );
}
