import { defaultRegistry } from '../connectors/builtin.ts';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { CheckpointError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import type { ConnectorOptions } from '../connectors/connector.ts';
import type { JobGraph } from '../plan/physical/job-graph.ts';
import type { CheckpointManifest } from './manifest.ts';

/**
 * Commits every sink committable recorded in a completed checkpoint, through each sink connector's committer. Runs
 * on the job side after the manifest is written, and again when a job is restored from it (committers are
 * idempotent), so output of a checkpoint is committed even if the process died between the two.
 */
export async function commitManifest(manifest: CheckpointManifest, baseDir: string, registry: ConnectorRegistry = defaultRegistry): Promise<void> {
  for (const op of manifest.operators) {
    const committables = op.subtasks.flatMap((s) => s.committables ?? []);
    if (committables.length === 0 || !op.sink) continue;
    const factory = registry.sink(op.sink.connector);
    if (!factory.createCommitter) {
      throw new CheckpointError(`Checkpoint ${manifest.checkpointId} has committables of sink ${op.name}, but connector '${op.sink.connector}' has no committer`, {}, ErrorCodes.CHECKPOINT_FAILED);
    }
    await factory.createCommitter(op.sink.options, { baseDir }).commit(committables);
  }
}

/**
 * Deletes what the writers of the jobs `jobIds` left uncommitted in the job's sinks (and its late-data table), through
 * each connector's committer (`SinkCommitter.abortUncommitted`, e.g. the filesystem sink's hidden in-progress files).
 * Runs on the job side when none of those writers runs: before a deployment starts (after the checkpoint it restores
 * was committed again, so what is left belongs to no completed checkpoint) and when the job has finished.
 */
export async function abortUncommitted(graph: JobGraph, lateRecords: { readonly connector: string; readonly options: ConnectorOptions } | undefined,
  jobIds: readonly string[], baseDir: string, registry: ConnectorRegistry = defaultRegistry): Promise<void> {
  const sinks = graph.vertices.flatMap((v) => v.chain.flatMap((n) => (n.kind === 'sink' ? [{ connector: n.connector, options: n.options }] : [])));
  if (lateRecords) sinks.push({ connector: lateRecords.connector, options: lateRecords.options });
  for (const sink of sinks) {
    if (!registry.hasSink(sink.connector)) continue;
    const committer = registry.sink(sink.connector).createCommitter?.(sink.options, { baseDir });
    await committer?.abortUncommitted?.([...new Set(jobIds)]);
  }
}
