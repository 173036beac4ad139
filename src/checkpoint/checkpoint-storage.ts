/**
 * Where checkpoints live on disk and how they are written, found and deleted (layout: docs/checkpoints.md).
 *
 *     <state.checkpoints.dir>/<job id>/chk-<n>/_metadata          the manifest, written last (temp file + rename)
 *     <state.checkpoints.dir>/<job id>/chk-<n>/op-<id>-<subtask>.keyed    keyed state of one operator subtask
 *     <state.checkpoints.dir>/<job id>/chk-<n>/op-<id>-<subtask>.timers   its timers
 *     <state.checkpoints.dir>/<job id>/chk-<n>/op-<id>-<subtask>.opstate  its non-keyed operator state
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Configuration } from '../config/configuration.ts';
import { CheckpointOptions } from '../config/options.ts';
import { CheckpointError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import { MANIFEST_FILE, parseManifest, type CheckpointManifest } from './manifest.ts';

const CHECKPOINT_DIR = /^chk-(\d+)$/;

/** The root of all jobs' checkpoints (`state.checkpoints.dir`, default `<tmp>/weir-checkpoints`), absolute. */
export function checkpointsRoot(config: Configuration): string {
  return resolve(config.get(CheckpointOptions.DIR) || join(tmpdir(), 'weir-checkpoints'));
}

export function jobCheckpointsDir(config: Configuration, jobId: string): string {
  return join(checkpointsRoot(config), jobId);
}

export function checkpointDir(jobDir: string, checkpointId: number): string {
  return join(jobDir, `chk-${checkpointId}`);
}

/** File names inside a checkpoint directory. */
export const stateFileName = (operatorId: string, subtask: number, kind: 'keyed' | 'timers' | 'opstate'): string => `op-${operatorId}-${subtask}.${kind}`;

/** Writes one state file of a checkpoint, creating the checkpoint's directory when needed. */
export async function writeStateFile(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), bytes);
}

/**
 * Writes the manifest atomically: to a temporary name, then renamed to `_metadata`, so a reader (or a restore after
 * the process was killed) sees either no manifest or a whole one.
 */
export async function writeManifest(dir: string, manifest: CheckpointManifest): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${MANIFEST_FILE}.${process.pid}.tmp`);
  await writeFile(tmp, `${JSON.stringify(manifest, null, 1)}\n`);
  await rename(tmp, join(dir, MANIFEST_FILE));
}

/**
 * Moves a completed checkpoint's directory to a new `savepoint-<job>-<random>` directory under `parent` and returns
 * its path. A rename when both are on one filesystem; otherwise a copy under a temporary name, renamed when whole, so
 * the savepoint directory never appears without all its files.
 */
export async function moveToSavepoint(dir: string, parent: string, jobId: string): Promise<string> {
  await mkdir(parent, { recursive: true });
  const target = join(parent, `savepoint-${jobId.slice(0, 6)}-${randomBytes(6).toString('hex')}`);
  try {
    await rename(dir, target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    const tmp = `${target}.inprogress`;
    await cp(dir, tmp, { recursive: true });
    await rename(tmp, target);
    await deleteCheckpoint(dir);
  }
  return target;
}

export async function deleteCheckpoint(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Completed checkpoints (with a manifest) of a job directory, oldest first. */
export function completedCheckpoints(jobDir: string): { id: number; dir: string }[] {
  return checkpointDirs(jobDir).filter((c) => existsSync(join(c.dir, MANIFEST_FILE)));
}

/**
 * Deletes the checkpoint directories of `jobDir` that have no manifest (aborted, or left by a killed process),
 * except those `keep` names (checkpoints still in progress).
 */
export async function deleteIncompleteCheckpoints(jobDir: string, keep: (id: number) => boolean = () => false): Promise<void> {
  const incomplete = checkpointDirs(jobDir).filter((c) => !keep(c.id) && !existsSync(join(c.dir, MANIFEST_FILE)));
  await Promise.all(incomplete.map((c) => deleteCheckpoint(c.dir)));
}

/** Removes every job-directory entry that is not a completed checkpoint kept by `keep` (retention). */
export async function retainCheckpoints(jobDir: string, keep: number): Promise<void> {
  const completed = completedCheckpoints(jobDir);
  const old = completed.slice(0, Math.max(0, completed.length - Math.max(1, keep)));
  await Promise.all(old.map((c) => deleteCheckpoint(c.dir)));
}

export interface ResolvedCheckpoint {
  readonly dir: string;
  readonly manifest: CheckpointManifest;
}

/**
 * The completed checkpoint `path` names: a `chk-<n>` or savepoint directory with a manifest; a job directory (its
 * latest completed checkpoint); or a checkpoints root or savepoints directory (the most recently completed
 * checkpoint or savepoint in it).
 * RESTORE_FAILED when there is none.
 */
export function resolveCheckpoint(path: string): ResolvedCheckpoint {
  const dir = resolve(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CheckpointError(`Cannot restore: '${path}' is not a directory`, { hint: 'Give a checkpoint directory (chk-<n>), a job\'s checkpoint directory or state.checkpoints.dir.' }, ErrorCodes.RESTORE_FAILED);
  }
  if (existsSync(join(dir, MANIFEST_FILE))) return { dir, manifest: readManifest(dir) };
  const candidates = [dir, ...subdirectories(dir)].flatMap((d) => {
    if (d !== dir && existsSync(join(d, MANIFEST_FILE))) return [d];
    const latest = completedCheckpoints(d).at(-1);
    return latest ? [latest.dir] : [];
  });
  if (candidates.length === 0) {
    const incomplete = CHECKPOINT_DIR.test(dir.split(/[\\/]/).at(-1) ?? '');
    throw new CheckpointError(incomplete
      ? `Cannot restore: checkpoint ${path} is incomplete (it has no ${MANIFEST_FILE}; it was aborted or the job stopped while taking it)`
      : `Cannot restore: no completed checkpoint under '${path}'`, {
      hint: 'Completed checkpoints are chk-<n> directories with a _metadata file.',
    }, ErrorCodes.RESTORE_FAILED);
  }
  const resolved = candidates.map((d) => ({ dir: d, manifest: readManifest(d) }));
  resolved.sort((a, b) => a.manifest.completedAt - b.manifest.completedAt);
  return resolved.at(-1)!;
}

export function readManifest(dir: string): CheckpointManifest {
  const path = join(dir, MANIFEST_FILE);
  return parseManifest(readFileSync(path, 'utf8'), path);
}

function checkpointDirs(jobDir: string): { id: number; dir: string }[] {
  let names: string[];
  try { names = readdirSync(jobDir); } catch { return []; }
  return names.flatMap((name) => {
    const m = CHECKPOINT_DIR.exec(name);
    return m ? [{ id: Number(m[1]), dir: join(jobDir, name) }] : [];
  }).sort((a, b) => a.id - b.id);
}

function subdirectories(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(dir, d.name));
}
