/**
 * The fault-injection harness (issue #5), shared by test/checkpoint/fault-injection.test.ts (a few runs) and the
 * `fault-injection` benchmark scenario (many): runs job.ts under `weir run`, injects the faults of a {@link FaultPlan}
 * — SIGKILL of a Python UDF worker, death of a TS UDF worker thread, SIGKILL of the whole process followed by
 * `weir run --restore` — and compares the committed output with a fault-free run's.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { committedRows } from '../helpers.ts';
import { committedChangelog, foldChangelog } from './changelog-fold.ts';
import { completedCheckpoints, hasJobDir, pythonWorkerPids, startAttempt, type Attempt, type AttemptPaths } from './attempt.ts';
import { describePlan, FIRST_POINT, prng, type FaultKind, type FaultPlan, type FaultPoint } from './faults.ts';

/** The sinks of job.ts. */
export const SINKS = ['rows', 'windows', 'groups'] as const;
/**
 * The committed output per sink, as a multiset of rows (sorted lines). `groups` is written as a Debezium JSON
 * changelog: here it is the table the changelog folds into ({@link foldChangelog}).
 */
export type JobOutput = Record<(typeof SINKS)[number], string[]> & {
  /** Change lines the `groups` sink committed. */
  readonly groupChanges: number;
  /** Where folding the `groups` changelog went wrong (a removal of a row not there, a malformed line): none expected. */
  readonly foldErrors: readonly string[];
};

export interface JobSize {
  /** Rows of the datagen source (event times 1..rows ms). */
  readonly rows: number;
  /** Its rate limit (rows per second, shared by its subtasks), which stretches the job so that faults land mid-stream. */
  readonly rate: number;
}

/** Rows the TS UDF passes in a fault-free run: the three INSERTs of job.ts each read the source through it. */
export const tsUdfRows = (size: JobSize): number => 3 * size.rows;

/** What the fault-free run measured, to place fault points (see {@link FaultPoint}). */
export interface JobProfile {
  /** From `weir run`'s start to the first committed output. */
  readonly startupMs: number;
  /** Bytes of the `rows` sink's committed files when the job is done. */
  readonly rowsBytes: number;
}

/** Poll period of the harness (faults due, checkpoints completed). */
const POLL_MS = 10;

export interface RunReport {
  readonly plan: FaultPlan;
  /** Faults that hit the running job, per kind. */
  readonly injected: Record<FaultKind, number>;
  /** Faults due after the job had already finished (not injected), per kind. */
  readonly afterFinish: Record<FaultKind, number>;
  /** `weir run --restore` starts after a process kill (or fresh starts, when no checkpoint had completed). */
  readonly processRestarts: number;
  /** Of those, restarts from scratch (the process was killed before its first completed checkpoint). */
  readonly restartsFromScratch: number;
  /** Restarts inside the last process (restart strategy, after a worker died). */
  readonly jobRestarts: number;
  /** Per injected fault: ms from the fault to the first checkpoint triggered after it completing, or to the job's end. */
  readonly recoveryMs: number[];
  readonly durationMs: number;
  readonly output: JobOutput;
}

/** A fault-free run (checkpointing on, as in every run): the expected output, and where faults can be placed. */
export async function referenceRun(dir: string, size: JobSize): Promise<{ output: JobOutput; durationMs: number; profile: JobProfile }> {
  const run = new FaultRun(dir, size, { seed: 0, pythonKills: [], tsDieAtRow: null, processKills: [] }, null, 180_000);
  const report = await run.execute();
  if (report.output.foldErrors.length > 0) throw new Error(`the fault-free run's groups changelog does not fold: ${report.output.foldErrors.slice(0, 3).join('; ')}`);
  const profile = { startupMs: run.firstCommitMs ?? report.durationMs, rowsBytes: committedBytes(join(dir, 'out', 'rows')) };
  return { output: report.output, durationMs: report.durationMs, profile };
}

/**
 * Runs the job in `dir` (a fresh directory) injecting `plan`'s faults until it finishes. Throws, naming the seed,
 * when an attempt fails, hangs (`timeoutMs` per attempt) or exits without finishing the job.
 */
export async function runWithFaults(dir: string, size: JobSize, plan: FaultPlan, profile: JobProfile, timeoutMs = 180_000): Promise<RunReport> {
  const run = new FaultRun(dir, size, plan, profile, timeoutMs);
  return run.execute();
}

class FaultRun {
  private readonly started = Date.now();
  private readonly random: () => number;
  private readonly pythonKills: number[];
  private readonly processKills: number[];
  private readonly injected: Record<FaultKind, number> = { 'python-worker': 0, 'ts-worker': 0, process: 0 };
  private readonly afterFinish: Record<FaultKind, number> = { 'python-worker': 0, 'ts-worker': 0, process: 0 };
  /** Injected faults whose recovery is not yet measured: their times. */
  private readonly recovering: number[] = [];
  private readonly recoveryMs: number[] = [];
  private processRestarts = 0;
  private restartsFromScratch = 0;
  private attemptStarted = 0;
  /** ms from the start to the first committed output of the `rows` sink (first attempt). */
  firstCommitMs: number | null = null;

  constructor(private readonly dir: string, private readonly size: JobSize, private readonly plan: FaultPlan,
    private readonly profile: JobProfile | null, private readonly timeoutMs: number) {
    this.random = prng(plan.seed ^ 0x5bd1e995);
    this.pythonKills = [...plan.pythonKills];
    this.processKills = [...plan.processKills];
  }

  async execute(): Promise<RunReport> {
    const udf = join(this.dir, 'udf');
    mkdirSync(udf, { recursive: true });
    if (this.plan.tsDieAtRow !== null) writeFileSync(join(udf, 'die-at'), String(this.plan.tsDieAtRow));
    let restoreFrom: string | null = null;
    for (let n = 0; ; n++) {
      const paths: AttemptPaths = { out: join(this.dir, 'out'), udf, chk: join(this.dir, `chk-${n}`), done: join(this.dir, `done-${n}.json`) };
      const attempt = startAttempt(paths, this.size.rows, this.size.rate, restoreFrom);
      this.attemptStarted = Date.now();
      const { killed, seenJobDir } = await this.watch(attempt, paths);
      const exit = await attempt.exited;
      if (killed && !existsSync(paths.done)) {
        const latest = completedCheckpoints(paths.chk).at(-1);
        // A job directory seen and now gone, without a completed checkpoint: the job finished (its checkpoints are
        // deleted once the final one is committed) just before the kill; restoring an older checkpoint would repeat
        // committed output. Otherwise resume from the latest checkpoint (or the one this attempt started from).
        const finished = !latest && seenJobDir && !hasJobDir(paths.chk);
        if (!finished) {
          if (latest) restoreFrom = latest.dir;
          else if (restoreFrom === null) this.restartsFromScratch++;
          this.processRestarts++;
          continue;
        }
      }
      if (killed) this.killLandedAfterFinish();
      else if (exit.code !== 0 || !existsSync(paths.done)) {
        throw new Error(`${describePlan(this.plan)}: weir run exited with ${exit.signal ?? exit.code} without finishing the job\n${attempt.stderrTail()}`);
      }
      return this.report(paths);
    }
  }

  /** The process kill fell after the job had finished (the process was ending): it is not counted as injected. */
  private killLandedAfterFinish(): void {
    this.injected.process--;
    this.afterFinish.process++;
    this.recovering.pop();
  }

  /** Polls until the attempt exits, injecting the faults that fall due; whether it was killed by the harness. */
  private async watch(attempt: Attempt, paths: AttemptPaths): Promise<{ killed: boolean; seenJobDir: boolean }> {
    let exited = false;
    void attempt.exited.then(() => { exited = true; });
    const deadline = Date.now() + this.timeoutMs;
    let seenJobDir = false;
    while (!exited) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (exited) break;
      seenJobDir ||= hasJobDir(paths.chk);
      this.measureRecovery(paths.chk);
      const committed = committedBytes(join(paths.out, 'rows'));
      if (committed > 0) this.firstCommitMs ??= Date.now() - this.started;
      if (this.pythonKills.length > 0 && this.due(this.pythonKills[0], committed)) this.killPythonWorker(attempt.pid);
      if (this.processKills.length > 0 && this.due(this.processKills[0], committed)) {
        this.processKills.shift();
        if (existsSync(paths.done)) {
          this.afterFinish.process++;
          continue;
        }
        attempt.child.kill('SIGKILL');
        this.injected.process++;
        this.recovering.push(Date.now());
        await attempt.exited;
        return { killed: true, seenJobDir };
      }
      if (Date.now() > deadline) {
        attempt.child.kill('SIGKILL');
        throw new Error(`${describePlan(this.plan)}: the job did not finish within ${this.timeoutMs} ms (hang?)\n${attempt.stderrTail()}`);
      }
    }
    return { killed: false, seenJobDir };
  }

  /** Whether the job reached `point` (see {@link FaultPoint}), with `committed` bytes of the `rows` sink committed. */
  private due(point: FaultPoint, committed: number): boolean {
    if (!this.profile) return false;
    if (point < 0) return Date.now() - this.attemptStarted >= (point / FIRST_POINT) * this.profile.startupMs;
    return committed >= point * this.profile.rowsBytes;
  }

  /** SIGKILLs one of the job's Python workers, chosen at random; waits for one to exist (the job is starting). */
  private killPythonWorker(pid: number): void {
    const pids = pythonWorkerPids(pid);
    if (pids.length === 0) return;
    try {
      process.kill(pids[Math.floor(this.random() * pids.length)], 'SIGKILL');
    } catch {
      return; // it exited meanwhile: try again at the next poll
    }
    this.pythonKills.shift();
    this.injected['python-worker']++;
    this.recovering.push(Date.now());
  }

  /** Closes the recovery of faults followed by a checkpoint triggered after them and completed. */
  private measureRecovery(chk: string): void {
    const ts = this.tsDeathTime();
    if (ts !== null && this.injected['ts-worker'] === 0) {
      this.injected['ts-worker'] = 1;
      this.recovering.push(ts);
    }
    if (this.recovering.length === 0) return;
    const checkpoints = completedCheckpoints(chk);
    for (let i = this.recovering.length - 1; i >= 0; i--) {
      const after = checkpoints.find((c) => c.triggeredAt > this.recovering[i]);
      if (after) this.recoveryMs.push(after.completedAt - this.recovering.splice(i, 1)[0]);
    }
  }

  private tsDeathTime(): number | null {
    const file = join(this.dir, 'udf', 'ts-fired');
    if (!existsSync(file)) return null;
    const at = Number(readFileSync(file, 'utf8'));
    return Number.isFinite(at) && at > 0 ? at : Date.now();
  }

  private report(paths: AttemptPaths): RunReport {
    const done = existsSync(paths.done)
      ? JSON.parse(readFileSync(paths.done, 'utf8')) as { at: number; checkpoints: { restarts: number } | null }
      : { at: Date.now(), checkpoints: null }; // killed after it finished, before it wrote the file
    this.measureRecovery(paths.chk);
    if (this.plan.tsDieAtRow !== null && this.injected['ts-worker'] === 0) this.afterFinish['ts-worker']++;
    this.afterFinish['python-worker'] += this.pythonKills.length;
    this.afterFinish.process += this.processKills.length;
    for (const at of this.recovering.splice(0)) this.recoveryMs.push(Math.max(0, done.at - at));
    const groups = foldChangelog(committedChangelog(join(paths.out, 'groups')));
    const output: JobOutput = {
      rows: committedRows(join(paths.out, 'rows')), windows: committedRows(join(paths.out, 'windows')), groups: groups.rows,
      groupChanges: groups.changes, foldErrors: groups.errors,
    };
    return {
      plan: this.plan, injected: this.injected, afterFinish: this.afterFinish, processRestarts: this.processRestarts,
      restartsFromScratch: this.restartsFromScratch, jobRestarts: done.checkpoints?.restarts ?? 0, recoveryMs: this.recoveryMs,
      durationMs: Date.now() - this.started, output,
    };
  }
}

/**
 * Null when `actual` equals `expected` (every sink, as multisets; `groups` folded) and the `groups` changelog of
 * `actual` folds without error; otherwise a summary naming the seed: per sink, rows missing and rows extra
 * (duplicated or wrong), with a few examples, and the fold's errors.
 */
export function diffOutputs(expected: JobOutput, actual: JobOutput, plan: FaultPlan): string | null {
  const lines: string[] = [];
  if (actual.foldErrors.length > 0) {
    lines.push(`  groups: the committed changelog (${actual.groupChanges} changes) does not fold: ${actual.foldErrors.length} errors (e.g. ${actual.foldErrors.slice(0, 3).join(' | ')})`);
  }
  for (const sink of SINKS) {
    const { missing, extra } = multisetDiff(expected[sink], actual[sink]);
    if (missing.length === 0 && extra.length === 0) continue;
    lines.push(`  ${sink}: expected ${expected[sink].length} rows, committed ${actual[sink].length}; ${missing.length} missing (e.g. ${missing.slice(0, 3).join(' | ')}), ${extra.length} extra (e.g. ${extra.slice(0, 3).join(' | ')})`);
  }
  return lines.length === 0 ? null : `committed output differs from the fault-free run (${describePlan(plan)}; repeat with WEIR_FAULT_SEED=${plan.seed}):\n${lines.join('\n')}`;
}

function multisetDiff(expected: string[], actual: string[]): { missing: string[]; extra: string[] } {
  const counts = new Map<string, number>();
  for (const row of expected) counts.set(row, (counts.get(row) ?? 0) + 1);
  const extra: string[] = [];
  for (const row of actual) {
    const n = counts.get(row) ?? 0;
    if (n > 0) counts.set(row, n - 1);
    else extra.push(row);
  }
  const missing = [...counts].flatMap(([row, n]) => Array<string>(n).fill(row));
  return { missing, extra };
}

/** Bytes of the committed (visible) files of a filesystem sink directory. */
function committedBytes(dir: string): number {
  let names: string[];
  try { names = readdirSync(dir); } catch { return 0; }
  let bytes = 0;
  for (const name of names) {
    if (name.startsWith('.')) continue;
    try { bytes += statSync(join(dir, name)).size; } catch { /* renamed meanwhile */ }
  }
  return bytes;
}
