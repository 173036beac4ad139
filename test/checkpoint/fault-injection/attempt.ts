/**
 * One `weir run` of the fault-injection job (job.ts) as a child process, and what the harness observes of it from
 * outside: its Python UDF worker processes and its checkpoint directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..', '..', '..');
const JOB = join(import.meta.dirname, 'job.ts');

export interface AttemptPaths {
  /** The sink directories' parent (shared by every attempt of a run). */
  readonly out: string;
  /** The die-at-row UDF's directory (shared by every attempt of a run). */
  readonly udf: string;
  /** This attempt's state.checkpoints.dir. */
  readonly chk: string;
  /** Written by the job when `done()` resolved. */
  readonly done: string;
}

export interface Attempt {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves when the process exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last few kB of its stderr (for failure messages). */
  stderrTail(): string;
}

/** `weir run` processes still running: killed if this process exits first (a failed test, an interrupted benchmark). */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `weir run [--restore <restoreFrom>] job.ts`. */
export function startAttempt(paths: AttemptPaths, rows: number, rate: number, restoreFrom: string | null): Attempt {
  const args = [join(REPO, 'bin', 'weir.mjs'), 'run', ...(process.env.WEIR_FAULT_VERBOSE ? [] : ['-q']), ...(restoreFrom ? ['--restore', restoreFrom] : []), JOB];
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: {
      ...process.env, WEIR_FI_OUT: paths.out, WEIR_FI_UDF: paths.udf, WEIR_FI_CHK: paths.chk, WEIR_FI_DONE: paths.done,
      WEIR_FI_ROWS: String(rows), WEIR_FI_RATE: String(rate),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let tail = '';
  const verbose = Boolean(process.env.WEIR_FAULT_VERBOSE); // without -q, stderr forwarded: to see what a run did
  child.stderr!.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
    if (verbose) process.stderr.write(`[weir run ${child.pid}] ${d.toString()}`);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, pid: child.pid!, exited, stderrTail: () => tail };
}

/**
 * The job's Python UDF worker processes: children of `pid` running `python -m weir.worker` (without the signature
 * inspectors, endpoint `worker--<n>`, which serve planning and are not part of the running job).
 */
export function pythonWorkerPids(pid: number): number[] {
  let children: string[];
  try {
    children = readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean));
  } catch {
    return []; // the process is gone
  }
  return children.map(Number).filter((child) => {
    try {
      const args = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0');
      return args.includes('weir.worker') && !args.some((a) => /worker--\d+\.sock$/.test(a));
    } catch {
      return false;
    }
  });
}

export interface CompletedCheckpoint { readonly dir: string; readonly triggeredAt: number; readonly completedAt: number }

/** Completed checkpoints (with a manifest) under a checkpoints root, oldest first. */
export function completedCheckpoints(root: string): CompletedCheckpoint[] {
  const found: CompletedCheckpoint[] = [];
  for (const job of list(root)) {
    for (const chk of list(join(root, job))) {
      const manifest = join(root, job, chk, '_metadata');
      if (!existsSync(manifest)) continue;
      try {
        const m = JSON.parse(readFileSync(manifest, 'utf8')) as { triggeredAt: number; completedAt: number };
        found.push({ dir: join(root, job, chk), triggeredAt: m.triggeredAt, completedAt: m.completedAt });
      } catch {
        // deleted (retention) while we read it
      }
    }
  }
  return found.sort((a, b) => a.completedAt - b.completedAt);
}

/** Whether a job directory exists under the checkpoints root (the job checkpointed, and has not finished). */
export function hasJobDir(root: string): boolean {
  return list(root).length > 0;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
