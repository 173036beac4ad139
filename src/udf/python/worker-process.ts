import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { WorkerCrashError } from '../../errors/errors.ts';
import { workerPythonPath } from './interpreter.ts';

/** Receives every line a worker writes to stderr (Python `logging`), and anything unexpected on stdout. */
export type WorkerLogger = (workerId: number, line: string) => void;

/** Default logger: prefixes worker lines and writes them to our stderr, unless WEIR_PYTHON_LOG=quiet. */
export const defaultWorkerLogger: WorkerLogger = (workerId, line) => {
  if (process.env.WEIR_PYTHON_LOG !== 'quiet') process.stderr.write(`[python worker ${workerId}] ${line}\n`);
};

export interface WorkerProcessOptions {
  readonly python: string;
  readonly workerId: number;
  readonly transport: 'ipc' | 'tcp';
  /** Directory relative UDF paths resolve against (`--base-dir`). */
  readonly baseDir: string;
  readonly startTimeoutMs: number;
  readonly logger?: WorkerLogger;
  /** Extra environment for the worker (merged over ours). */
  readonly env?: Record<string, string>;
}

export interface WorkerExit { readonly code: number | null; readonly signal: string | null }

const TAIL_LINES = 50;
const SETUP_HINT = 'Run `npm run setup` to create the Python environment (.venv with pyarrow, pandas, pyzmq, msgpack), or set python.executable / WEIR_PYTHON to an interpreter that has them.';

/** Every live child, so a Node exit never leaves orphans (tests included). */
const live = new Set<ChildProcess>();
process.on('exit', () => { for (const child of live) child.kill('SIGKILL'); });

/**
 * One `python -m weir.worker` process: spawned with a random token, ready once it printed its ready line, supervised
 * until it exits. Child and pipes are unref'd so a forgotten worker never keeps Node alive; the exit hook kills it.
 */
export class WorkerProcess {
  readonly token = randomBytes(32).toString('hex');
  endpoint = '';
  private child: ChildProcess | null = null;
  private privateDir: string | null = null;
  private readonly tail: string[] = [];
  private exitInfo: WorkerExit | null = null;
  private readonly exitListeners = new Set<(exit: WorkerExit) => void>();
  private readonly exited: Promise<WorkerExit>;
  private resolveExited!: (exit: WorkerExit) => void;

  private constructor(readonly options: WorkerProcessOptions) {
    this.exited = new Promise((r) => { this.resolveExited = r; });
  }

  get workerId(): number { return this.options.workerId; }
  get pid(): number | undefined { return this.child?.pid; }
  get hasExited(): boolean { return this.exitInfo !== null; }
  get exitStatus(): WorkerExit | null { return this.exitInfo; }

  /** Starts a worker and resolves once it is ready; rejects with UDF_WORKER_START_FAILED otherwise. */
  static async start(options: WorkerProcessOptions): Promise<WorkerProcess> {
    const worker = new WorkerProcess(options);
    await worker.spawn();
    return worker;
  }

  /** The last stderr lines, attached to crash errors. */
  stderrTail(): string { return this.tail.join('\n'); }

  /** Called once when the process exits (immediately if it already has). Returns an unsubscribe function. */
  onExit(listener: (exit: WorkerExit) => void): () => void {
    if (this.exitInfo) { listener(this.exitInfo); return () => {}; }
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** A WorkerCrashError describing this worker's death (or unresponsiveness, with code UDF_WORKER_TIMEOUT). */
  crashError(what: string, code: typeof ErrorCodes.UDF_WORKER_CRASHED | typeof ErrorCodes.UDF_WORKER_TIMEOUT = ErrorCodes.UDF_WORKER_CRASHED): WorkerCrashError {
    const exit = this.exitInfo;
    const how = exit ? (exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`) : 'still running';
    const tail = this.stderrTail();
    return new WorkerCrashError(
      `Python worker ${this.workerId} (pid ${this.pid}) ${what}: ${how}${tail ? `\nLast worker output:\n${tail}` : ''}`,
      { workerId: this.workerId, exitCode: exit?.code ?? null, signal: exit?.signal ?? null },
      { hint: 'The job fails for now; with checkpoints and a restart strategy it will recover from the last checkpoint. Check the worker output above for out-of-memory or native crashes.' },
      code,
    );
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone and its socket dir removed. */
  async stop(graceMs = 2000): Promise<void> {
    if (!this.child || this.exitInfo) { this.cleanupDir(); return; }
    // Re-ref while we wait: an unref'd child alone would let Node's event loop run dry before the exit arrives.
    this.child.ref();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private spawn(): Promise<void> {
    const { python, workerId, transport, baseDir, startTimeoutMs } = this.options;
    const log = this.options.logger ?? defaultWorkerLogger;
    if (transport === 'tcp') {
      this.endpoint = 'tcp://127.0.0.1:0';
    } else {
      // A private 0700 directory: only this user can connect to the socket; the token guards the rest.
      this.privateDir = mkdtempSync(join(tmpdir(), 'weir-'));
      chmodSync(this.privateDir, 0o700);
      this.endpoint = `ipc://${join(this.privateDir, `worker-${workerId}.sock`)}`;
    }
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const fail = (why: string, cause?: unknown) => {
        if (ready) return;
        ready = true;
        clearTimeout(timer);
        if (this.child && !this.exitInfo) this.child.kill('SIGKILL');
        const tail = this.stderrTail();
        reject(new WorkerCrashError(
          `Python worker ${workerId} failed to start with '${python}': ${why}${tail ? `\nWorker output:\n${tail}` : ''}`,
          { workerId, exitCode: this.exitInfo?.code, signal: this.exitInfo?.signal },
          { cause, hint: SETUP_HINT }, ErrorCodes.UDF_WORKER_START_FAILED));
      };
      const timer = setTimeout(() => fail(`not ready after ${startTimeoutMs} ms`), startTimeoutMs);
      const child = spawn(python, ['-m', 'weir.worker', '--endpoint', this.endpoint, '--base-dir', baseDir], {
        cwd: baseDir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          ...this.options.env,
          WEIR_WORKER_TOKEN: this.token,
          WEIR_WORKER_ID: String(workerId),
          PYTHONPATH: workerPythonPath(process.env.PYTHONPATH),
          PYTHONUNBUFFERED: '1',
        },
      });
      this.child = child;
      live.add(child);
      child.on('error', (err) => fail(`cannot run the interpreter (${(err as NodeJS.ErrnoException).code ?? err.message})`, err));
      child.on('exit', (code, signal) => {
        live.delete(child);
        this.exitInfo = { code, signal };
        this.cleanupDir();
        fail(signal ? `killed by ${signal} before it was ready` : `exited with code ${code} before it was ready`);
        for (const l of this.exitListeners) l(this.exitInfo);
        this.exitListeners.clear();
        this.resolveExited(this.exitInfo);
      });
      createInterface({ input: child.stderr! }).on('line', (line) => {
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
        log(workerId, line);
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (ready) { log(workerId, `stdout: ${line}`); return; }
        let msg: { event?: string; endpoint?: string; protocol?: number };
        try { msg = JSON.parse(line); } catch { log(workerId, `stdout: ${line}`); return; }
        if (msg.event !== 'ready' || typeof msg.endpoint !== 'string') { log(workerId, `stdout: ${line}`); return; }
        ready = true;
        clearTimeout(timer);
        this.endpoint = msg.endpoint;
        // From here on the worker must not keep Node alive by itself; clients keep refs while requests are pending.
        child.unref();
        (child.stdout as unknown as { unref?: () => void }).unref?.();
        (child.stderr as unknown as { unref?: () => void }).unref?.();
        resolve();
      });
    });
  }

  private cleanupDir(): void {
    if (this.privateDir) { rmSync(this.privateDir, { recursive: true, force: true }); this.privateDir = null; }
  }
}
