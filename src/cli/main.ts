import { Command, CommanderError } from 'commander';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { onJobSubmitted } from '../api/job-events.ts';
import { WeirError } from '../errors/weir-error.ts';
import type { JobClient } from '../exec/job/job-client.ts';
import { formatUdfTable } from './metrics-table.ts';
import { trackProgress } from './progress.ts';

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
    .action(async (file: string, opts: { parallelism?: string; define?: string[]; quiet?: boolean }) => {
      exitCode = await runFile(file, opts);
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

async function runFile(file: string, opts: { parallelism?: string; define?: string[]; quiet?: boolean }): Promise<number> {
  // Options reach jobs through the environment, so a job file needs no CLI-specific code.
  if (opts.parallelism) process.env.WEIR_PARALLELISM = opts.parallelism;
  for (const d of opts.define ?? []) {
    const eq = d.indexOf('=');
    if (eq <= 0) { process.stderr.write(`-D expects key=value, got '${d}'\n`); return 2; }
    process.env[`WEIR_CONF_${d.slice(0, eq)}`] = d.slice(eq + 1);
  }
  const jobs: Promise<void>[] = [];
  const stop = onJobSubmitted((job, name) => { jobs.push(watch(job, name, !opts.quiet)); });
  try {
    await import(pathToFileURL(resolve(file)).href);
    await Promise.all(jobs);
    return 0;
  } catch (e) {
    process.stderr.write(`\n${renderError(e)}\n`);
    return 1;
  } finally {
    stop();
  }
}

async function watch(job: JobClient, name: string, verbose: boolean): Promise<void> {
  const stopProgress = verbose ? trackProgress(job, name) : () => {};
  try {
    const result = await job.done();
    stopProgress();
    if (verbose && job.graph.bounded) {
      process.stderr.write(`\n[${name}] ${result.status} in ${(result.durationMs / 1000).toFixed(2)} s\n${formatUdfTable(result.metrics)}\n`);
    }
  } catch {
    stopProgress();
    // The failure itself reaches the user through the job file's own await.
  }
}

function renderError(e: unknown): string {
  if (e instanceof WeirError) return `Error [${e.code}]: ${e.message}`;
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
