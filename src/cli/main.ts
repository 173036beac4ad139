import { Command, CommanderError } from 'commander';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { onJobSubmitted } from '../api/job-events.ts';
import { WeirError } from '../errors/weir-error.ts';
import type { JobClient } from '../exec/job/job-client.ts';
import { formatCheckpointSummary, formatUdfTable } from './metrics-table.ts';
import { stopWithSavepointOnSignal } from './savepoint-on-signal.ts';
import { CheckpointOptions } from '../config/options.ts';
import { trackProgress } from './progress.ts';
import { describeRestart } from '../exec/job/restart-message.ts';
import type { MetricsSnapshot } from '../metrics/metric-group.ts';
import { startMetricsServer } from '../metrics/http/metrics-server.ts';

/**
 * The `weir` command line. commander parses it (a well-kept parser with help, errors and sub-commands), so the
 * commands stay declarations.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('weir')
    .description('Weir: streaming Table API and SQL with fast Python and TypeScript UDFs')
    .exitOverride()
    .showHelpAfterError();

  let exitCode = 0;
  program.command('run')
    .description('Run a TypeScript job file; shows progress and prints per-UDF metrics when each job ends')
    .argument('<file>', 'job file, e.g. examples/quickstart.ts')
    .option('-p, --parallelism <n>', 'default parallelism (sets parallelism.default)')
    .option('-D, --define <key=value...>', 'configuration options, e.g. -D python.worker.pool-size=2')
    .option('-q, --quiet', 'no progress line and no metrics table')
    .option('--metrics-port <port>', 'serve live metrics on 127.0.0.1:<port> (/metrics Prometheus text, /metrics.json)')
    .option('--restore <dir>', 'start from a completed checkpoint or savepoint: a chk-<n> or savepoint directory, a job\'s checkpoint directory or state.checkpoints.dir (sets execution.savepoint.path)')
    .option('--stop-with-savepoint <dir>', 'on SIGINT/SIGTERM, stop the running jobs with a savepoint into <dir> (they need execution.checkpointing.interval)')
    .option('--allow-non-restored-state', 'with --restore: drop state that no operator of the job claims (sets execution.savepoint.ignore-unclaimed-state)')
    .action(async (file: string, opts: RunOptions) => {
      exitCode = await runFile(file, opts);
    });

  program.command('sql')
    .description('Run a SQL script: statements in order; prints SHOW/DESCRIBE/EXPLAIN tables and query rows, waits for INSERT jobs')
    .argument('<file>', 'SQL file, e.g. examples/orders.sql')
    .option('-p, --parallelism <n>', 'default parallelism (sets parallelism.default)')
    .option('-D, --define <key=value...>', 'configuration options, e.g. -D python.worker.pool-size=2')
    .option('--restore <dir>', 'start the INSERT jobs from a completed checkpoint (sets execution.savepoint.path)')
    .option('--allow-non-restored-state', 'with --restore: drop state that no operator of the job claims (sets execution.savepoint.ignore-unclaimed-state)')
    .action(async (file: string, opts: { parallelism?: string; define?: string[]; restore?: string; allowNonRestoredState?: boolean }) => {
      const { runSqlFile } = await import('./sql-command.ts');
      exitCode = await runSqlFile(file, opts);
    });

  program.command('bench')
    .description('Run the throughput benchmarks (see benchmarks/README.md); arguments are passed to the runner')
    .allowUnknownOption()
    .argument('[args...]')
    .action(async (args: string[]) => {
      const { runBenchmarks } = await import('../../benchmarks/run.ts');
      exitCode = await runBenchmarks(args);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  return exitCode;
}

interface RunOptions {
  parallelism?: string; define?: string[]; quiet?: boolean; metricsPort?: string; restore?: string; stopWithSavepoint?: string; allowNonRestoredState?: boolean;
}

async function runFile(file: string, opts: RunOptions): Promise<number> {
  // Options reach jobs through the environment, so a job file needs no CLI-specific code.
  if (opts.parallelism) process.env.WEIR_PARALLELISM = opts.parallelism;
  for (const d of opts.define ?? []) {
    const eq = d.indexOf('=');
    if (eq <= 0) { process.stderr.write(`-D expects key=value, got '${d}'\n`); return 2; }
    process.env[`WEIR_CONF_${d.slice(0, eq)}`] = d.slice(eq + 1);
  }
  if (opts.restore) process.env[`WEIR_CONF_${CheckpointOptions.RESTORE_PATH.key}`] = resolve(opts.restore);
  if (opts.allowNonRestoredState) process.env[`WEIR_CONF_${CheckpointOptions.IGNORE_UNCLAIMED_STATE.key}`] = 'true';
  const jobs: Promise<void>[] = [];
  const live = new Map<string, MetricsSnapshot>();
  const server = opts.metricsPort ? await serveMetrics(Number(opts.metricsPort), live) : null;
  const submitted: [JobClient, string][] = [];
  const stop = onJobSubmitted((job, name) => {
    submitted.push([job, name]);
    jobs.push(watch(job, name, !opts.quiet, server ? live : null));
  });
  const stopSignals = opts.stopWithSavepoint ? stopWithSavepointOnSignal(resolve(opts.stopWithSavepoint), () => submitted) : () => {};
  try {
    await import(pathToFileURL(resolve(file)).href);
    await Promise.all(jobs);
    return 0;
  } catch (e) {
    process.stderr.write(`\n${renderError(e)}\n`);
    return 1;
  } finally {
    stop();
    stopSignals();
    await server?.close();
  }
}

/** Serves the latest metrics of every job of this run; refreshed by each job's watcher. */
async function serveMetrics(port: number, live: Map<string, MetricsSnapshot>): Promise<{ close(): Promise<void> }> {
  const server = await startMetricsServer({
    port,
    snapshot: () => {
      const out: MetricsSnapshot = {};
      for (const [job, snap] of live) for (const [k, v] of Object.entries(snap)) out[`job.${job}.${k}`] = v;
      return out;
    },
  });
  process.stderr.write(`metrics: ${server.url}/metrics\n`);
  return server;
}

async function watch(job: JobClient, name: string, verbose: boolean, live: Map<string, MetricsSnapshot> | null): Promise<void> {
  // Restarts are printed even with --quiet: a failure that repeats on every attempt must not go unnoticed.
  const stopRestarts = job.onRestart((d) => process.stderr.write(`\n[${name}] ${describeRestart(d)}\n`));
  const stopProgress = verbose ? trackProgress(job, name) : () => {};
  const poll = live ? setInterval(() => { job.metrics().then((m) => live.set(name, m.raw), () => {}); }, 1000) : null;
  poll?.unref();
  try {
    const result = await job.done();
    stopProgress();
    if (poll) clearInterval(poll);
    live?.set(name, result.metrics.raw);
    if (verbose && job.graph.bounded) {
      process.stderr.write(`\n[${name}] ${result.status} in ${(result.durationMs / 1000).toFixed(2)} s\n${formatUdfTable(result.metrics)}\n`);
    }
    if (verbose && result.metrics.checkpoints) process.stderr.write(`[${name}] ${formatCheckpointSummary(result.metrics.checkpoints)}\n`);
  } catch {
    stopProgress();
    if (poll) clearInterval(poll);
    // The failure itself reaches the user through the job file's own await; the summary tells how many restarts it took.
    const checkpoints = verbose ? (await job.metrics().catch(() => null))?.checkpoints : undefined;
    if (checkpoints) process.stderr.write(`\n[${name}] ${formatCheckpointSummary(checkpoints)}\n`);
  } finally {
    stopRestarts();
  }
}

function renderError(e: unknown): string {
  if (e instanceof WeirError) return `Error [${e.code}]: ${e.message}`;
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
