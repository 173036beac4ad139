import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { EngineContext, EngineOutcome, EngineRunner, RunResult, Skip } from '../bench-record.ts';

export const BENCH_DIR = join(import.meta.dirname, '..');
export const PEERS_VENV = join(BENCH_DIR, '.peers', 'venv');
export const PEERS_PYTHON = join(PEERS_VENV, 'bin', 'python');
export const peersInstalled = (): boolean => existsSync(PEERS_PYTHON);
export const PEERS_MISSING = 'peer environment not installed: run `npm run bench:setup-peers`';

/** Reasons shared by several scenarios. */
export const SKIP = {
  pandasThread: { skip: 'PyFlink runs pandas UDFs only in process mode (thread mode silently falls back to process)' },
  udafThread: { skip: 'PyFlink runs Python aggregate functions only in process mode (thread mode falls back to process)' },
  pysparkNone: { skip: 'no PySpark equivalent in this suite (streaming-only scenario)' },
} satisfies Record<string, Skip>;

/** An engine that runs in this Node process: one warm-up job, then `repeat` measured ones. */
export function inProcess(runOnce: (rows: number, ctx: EngineContext) => Promise<RunResult>): EngineRunner {
  return async (ctx) => {
    if (ctx.warmupRows > 0) await runOnce(ctx.warmupRows, ctx);
    const runs: RunResult[] = [];
    for (let i = 0; i < ctx.repeat; i++) runs.push(await runOnce(ctx.rows, ctx));
    return { runs };
  };
}

export interface PeerOptions {
  /** Input file for the measured jobs and for the warm-up job, when the scenario reads files. */
  data?: (rows: number) => string;
  mode?: 'process' | 'thread';
}

/**
 * A peer engine: one Python process (benchmarks/peers/<script>) in the peer environment that starts its JVM once,
 * runs the warm-up job and the measured jobs, and prints a JSON line per job. The JVM start-up is reported
 * separately as `startup_s` and is not part of any run's `seconds`.
 */
export function peerProcess(script: 'pyflink_job.py' | 'pyspark_job.py', options: PeerOptions = {}): EngineRunner {
  return async (ctx) => {
    if (!peersInstalled()) throw new SkipError(PEERS_MISSING);
    const args = [join(BENCH_DIR, 'peers', script), '--scenario', ctx.scenario, '--rows', String(ctx.rows),
      '--repeat', String(ctx.repeat), '--warmup-rows', String(ctx.warmupRows)];
    if (options.mode) args.push('--mode', options.mode);
    if (options.data) {
      args.push('--data', options.data(ctx.rows));
      if (ctx.warmupRows > 0) args.push('--warmup-data', options.data(ctx.warmupRows));
    }
    return runPeer(args);
  };
}

export class SkipError extends Error {}

const PEER_TIMEOUT_MS = 15 * 60_000;

async function runPeer(args: string[]): Promise<EngineOutcome> {
  const child = spawn(PEERS_PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  const runs: RunResult[] = [];
  const extra: Record<string, unknown> = {};
  let stderrTail = '';
  child.stderr!.on('data', (d: Buffer) => { stderrTail = (stderrTail + d.toString()).slice(-4000); });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const { kind, warmup, rows, seconds, ...fields } = JSON.parse(line) as { kind: string; warmup?: boolean; rows?: number; seconds: number };
    if (kind === 'startup') extra.startup_s = seconds;
    else if (kind === 'run') {
      if (warmup) extra.warmup_s = seconds;
      else runs.push({ ...fields, rows: rows!, seconds }); // fields: e.g. the latency scenario's p50_ms / p99_ms
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), PEER_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => clearTimeout(timer));
  if (code !== 0 || runs.length === 0) {
    const cause = stderrTail.split('\n').filter((l) => /Error|Exception|Caused by/.test(l)).slice(-3).join(' | ');
    throw new Error(`${args[0].split('/').pop()} exited with ${code}: ${cause || stderrTail.slice(-500)}`);
  }
  return { runs, extra };
}
