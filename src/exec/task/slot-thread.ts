/**
 * A slot thread: runs the tasks assigned to one slot (subtask i of every vertex, as Flink's slot sharing does) and
 * reports to the job runner on the parent port. It runs one job at a time; the job runner may hand a thread whose
 * job ended cleanly another job (src/exec/job/slot-pool.ts), which skips the thread's start-up. A thread whose job
 * failed or was cancelled, or that has resources left open, says so in `slot-done` and is terminated instead.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../errors/serialize.ts';
import '../operators/builtin.ts';
import '../../udf/register-backends.ts';
import { discardWarmPools } from '../../udf/python/warm-pools.ts';
import { prestartPythonWorkers } from './python-prestart.ts';
import { Task } from './task.ts';
import type { SlotAssignment, SlotCommand, SlotReport, SlotThreadData } from './slot-protocol.ts';

const port = parentPort!;
const report = (m: SlotReport) => port.postMessage(m);

/** Jobs a thread runs before it is retired, so anything a job leaks in module state stays bounded. */
const MAX_JOBS_PER_THREAD = 50;

interface RunningJob { readonly jobId: string; readonly tasks: Task[] }
let current: RunningJob | null = null;
let jobsRun = 0;
// Set once anything escapes (an event handler, a stray promise) or a job fails: the thread is not reused after that.
let tainted = false;
// Resources (handles, requests) alive while idle before the first job: more than these after a job means a job
// left something open (a socket, a timer, a child process) and the thread is not reused.
let baseline: Map<string, number> | null = null;

// An error escaping a task must fail the job with its message, not end the thread with a bare exit code.
const failAll = (error: unknown) => {
  tainted = true;
  if (!current) { report({ type: 'slot-broken' }); return; }
  for (const t of current.tasks) t.cancel();
  report({ type: 'task-failed', taskId: current.tasks[0]?.id ?? 'slot', error: serializeError(error), metrics: {} });
};
process.on('uncaughtException', failAll);
process.on('unhandledRejection', failAll);

port.on('message', (command: SlotCommand) => {
  switch (command.type) {
    case 'run':
      if (current) throw new Error(`internal: slot thread asked to run job ${command.job.jobId} while running ${current.jobId}`);
      prestartPythonWorkers(command.tasks, command.job);
      run(command);
      return;
    case 'cancel':
      if (current?.jobId === command.jobId) for (const t of current.tasks) t.cancel();
      return;
    case 'metrics': {
      const tasks = current?.jobId === command.jobId ? current.tasks : [];
      report({ type: 'metrics', requestId: command.requestId, snapshots: tasks.map((t) => ({ taskId: t.id, metrics: t.snapshotMetrics() })) });
      return;
    }
    case 'checkpoint':
      if (current?.jobId === command.jobId) for (const t of current.tasks) t.checkpointCommand(command.command);
      return;
  }
});

function run({ job, tasks }: SlotAssignment): void {
  const running = tasks.map((spec) => new Task(spec, job, (r) => report({ type: 'checkpoint', report: r })));
  const self: RunningJob = { jobId: job.jobId, tasks: running };
  current = self;
  jobsRun++;
  let unfinished = running.length;
  let failed = false;
  const settled = async () => {
    if (--unfinished > 0) return false;
    // Warm Python pools no operator took are stopped before the slot's last task reports: once every task has
    // reported, the job client may terminate this thread.
    await discardWarmPools().catch(() => undefined);
    return true;
  };
  const done = async () => {
    const reusable = !failed && !tainted && jobsRun < MAX_JOBS_PER_THREAD && await isClean();
    current = null;
    report({ type: 'slot-done', jobId: job.jobId, reusable });
  };
  if (running.length === 0) void done();
  for (const task of running) {
    task.run().then(
      async () => {
        const last = await settled();
        report({ type: 'task-finished', taskId: task.id, metrics: task.snapshotMetrics() });
        if (last) await done();
      },
      async (error) => {
        failed = true;
        for (const t of running) if (t !== task) t.cancel();
        const last = await settled();
        report({ type: 'task-failed', taskId: task.id, error: serializeError(error), metrics: task.snapshotMetrics() });
        if (last) await done();
      },
    );
  }
}

/**
 * True when the job left nothing behind: after a turn of the event loop (closing handles settle), no more active
 * resources than before the first job. Also flushes stdout/stderr, so output printed by the job (the print sink)
 * reaches the parent before the job is reported done, as it did when the thread was terminated.
 */
async function isClean(): Promise<boolean> {
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  await new Promise((r) => setImmediate(r));
  // Handles closing at the end of the job (a port, a child's pipes) may take a few more turns to go.
  for (let attempt = 0; ; attempt++) {
    const extra = [...countResources()].filter(([kind, n]) => n > (baseline!.get(kind) ?? 0));
    if (extra.length === 0) return true;
    if (attempt === 3) {
      if (process.env.WEIR_DEBUG_SLOTS) process.stderr.write(`weir: slot thread not reused, open resources ${JSON.stringify(extra)} (idle: ${JSON.stringify([...baseline!])})\n`);
      return false;
    }
    await new Promise((r) => setTimeout(r, 10 * (attempt + 1)));
  }
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => { stream.write('', () => resolve()); });
}

/**
 * Open handles and timers by kind. Requests in flight (an fs write of tsx's cache, a DNS lookup) end by themselves
 * and are not counted.
 */
function countResources(kinds = process.getActiveResourcesInfo()): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of kinds) if (!/Req|^WriteWrap$|^ShutdownWrap$/.test(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

const initial = (workerData as SlotThreadData | undefined)?.initial;
const idle = (globalThis as Record<symbol, unknown>)[Symbol.for('weir.slot.idle-resources')] as string[] | undefined;
baseline = countResources(idle);
// The parent port, active since this module listens on it.
baseline.set('MessagePort', (baseline.get('MessagePort') ?? 0) + 1);
if (initial) run(initial);
