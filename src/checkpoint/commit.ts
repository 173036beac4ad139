import { defaultRegistry } from '../connectors/builtin.ts';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { CheckpointError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
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
