/**
 * Where checkpoints live on disk and how they are written, found and deleted (layout: docs/checkpoints.md).
 *
 *     <state.checkpoints.dir>/<job id>/chk-<n>/_metadata          the manifest, written last (temp file + rename)
 *     <state.checkpoints.dir>/<job id>/chk-<n>/op-<id>-<subtask>.keyed    keyed state of one operator subtask
 *     <state.checkpoints.dir>/<job id>/chk-<n>/op-<id>-<subtask>.timers   its timers
 *     <state.checkpoints.dir>/<job id>/chk-<n>/op-<id>-<subtask>.opstate  its non-keyed operator state
 *     <state.checkpoints.dir>/<job id>/shared/op-<id>-<subtask>-<n>.keyed  keyed state of checkpoint n when
 *                                       checkpoints are incremental: a full snapshot or a delta on an older file;
 *                                       manifests name them `../shared/…`, and a file is deleted once no retained
 *                                       checkpoint needs it
 *
 * Tasks write their files without waiting for the disk (`writeStateFile`); before the manifest is renamed into place,
 * every file it names is fsync'ed, and the directories after (`writeManifest`): a completed checkpoint survives a
 * power loss.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { copyFile, cp, mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Configuration } from '../config/configuration.ts';
import { CheckpointOptions } from '../config/options.ts';
import { CheckpointError } from '../errors/errors.ts';
import { fsyncPath, fsyncPathSync } from '../util/fsync.ts';
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

/** The directory of a job's incremental keyed-state files, shared by its checkpoints. */
export const SHARED_DIR = 'shared';

export function sharedDir(jobDir: string): string {
  return join(jobDir, SHARED_DIR);
}

/** A keyed-state file in the shared directory: one per operator subtask and checkpoint. */
export const sharedStateFileName = (operatorId: string, subtask: number, checkpointId: number): string => `op-${operatorId}-${subtask}-${checkpointId}.keyed`;

/** How a manifest (in `chk-<n>/`) names a file of the shared directory. */
export const sharedFileRef = (name: string): string => `${SHARED_REF_PREFIX}${name}`;
const SHARED_REF_PREFIX = `../${SHARED_DIR}/`;

const SHARED_FILE = /^op-.+-(\d+)\.keyed$/;

/**
 * Writes one state file of a checkpoint, creating its directory when needed. Synchronous, on purpose: it runs on a
 * busy task thread, where every await of asynchronous I/O waits for a turn of the event loop (seconds, behind the
 * task's processing, for a file written in 512 KiB chunks), while the write itself only copies into the page cache.
 * Durability comes later: {@link writeManifest} fsyncs the file before the checkpoint completes.
 */
export function writeStateFile(dir: string, name: string, bytes: Uint8Array): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), bytes);
}

async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes the manifest atomically and durably: to a temporary name, fsync'ed, renamed to `_metadata`, then the
 * directory fsync'ed, so a reader (or a restore after the process was killed or the machine lost power) sees either
 * no manifest or a whole one. The state files it names are fsync'ed first (tasks write them without).
 */
export async function writeManifest(dir: string, manifest: CheckpointManifest): Promise<void> {
  await mkdir(dir, { recursive: true });
  await syncStateFiles(dir, manifest);
  const tmp = join(dir, `.${MANIFEST_FILE}.${process.pid}.tmp`);
  await writeDurably(tmp, `${JSON.stringify(manifest, null, 1)}\n`);
  await rename(tmp, join(dir, MANIFEST_FILE));
  // Synchronously: the commit that follows should start at once (one directory fsync, a few ms at most).
  fsyncPathSync(dir);
}

/** fsyncs every state file `manifest` names (relative to `dir`), then the directories holding them. */
async function syncStateFiles(dir: string, manifest: CheckpointManifest): Promise<void> {
  const files = new Set<string>();
  for (const op of manifest.operators) {
    for (const st of op.subtasks) {
      for (const f of st.keyedState?.chain ?? (st.keyedState ? [st.keyedState.file] : [])) files.add(join(dir, f));
      if (st.timers) files.add(join(dir, st.timers.file));
      if (st.operatorState) files.add(join(dir, st.operatorState.file));
    }
  }
  await Promise.all([...files].map(fsyncPath));
  await Promise.all([...new Set([...files].map((f) => dirname(f)))].map(fsyncPath));
}

/** The shared-directory files (`../shared/…`) a manifest's keyed state needs. */
export function sharedFilesOf(manifest: CheckpointManifest): string[] {
  const out: string[] = [];
  for (const op of manifest.operators) {
    for (const st of op.subtasks) {
      for (const f of st.keyedState?.chain ?? []) if (f.startsWith(SHARED_REF_PREFIX)) out.push(basename(f));
    }
  }
  return out;
}

/**
 * Copies the shared-directory files a completed checkpoint's manifest names into its own directory and rewrites the
 * manifest to name them there: the directory then stands alone (a savepoint). Delta files name their base by file
 * name in the same directory, so the copies need no change.
 */
async function makeSelfContained(dir: string): Promise<void> {
  const manifest = readManifest(dir);
  const shared = sharedFilesOf(manifest);
  if (shared.length === 0) return;
  for (const name of new Set(shared)) {
    await copyFile(join(dir, sharedFileRef(name)), join(dir, name));
    await fsyncPath(join(dir, name));
  }
  const local = (f: string) => (f.startsWith(SHARED_REF_PREFIX) ? basename(f) : f);
  const operators = manifest.operators.map((op) => ({
    ...op,
    subtasks: op.subtasks.map((st) => (st.keyedState?.chain
      ? { ...st, keyedState: { ...st.keyedState, file: local(st.keyedState.file), chain: st.keyedState.chain.map(local) } }
      : st)),
  }));
  await writeManifest(dir, { ...manifest, operators });
}

/**
 * Deletes the shared-directory files no completed checkpoint of `jobDir` needs any more. While checkpoints may be in
 * progress (`inProgress`), only files of checkpoints up to the newest completed one are candidates: a newer file may
 * belong to a checkpoint in progress. (A task's deltas chain on its previous snapshot, so a checkpoint in progress
 * needs no older file than the latest completed checkpoint does.)
 */
export async function deleteUnreferencedSharedFiles(jobDir: string, inProgress = true): Promise<void> {
  let names: string[];
  try { names = await readdir(sharedDir(jobDir)); } catch { return; }
  const completed = completedCheckpoints(jobDir);
  const newest = completed.at(-1)?.id ?? 0;
  const referenced = new Set<string>();
  for (const c of completed) {
    try { for (const f of sharedFilesOf(readManifest(c.dir))) referenced.add(f); } catch { return; /* unreadable: keep everything */ }
  }
  await Promise.all(names.map(async (name) => {
    const m = SHARED_FILE.exec(name);
    if (!m || (inProgress && Number(m[1]) > newest) || referenced.has(name)) return;
    await unlink(join(sharedDir(jobDir), name)).catch(() => undefined);
  }));
}

/**
 * Moves a completed checkpoint's directory to a new `savepoint-<job>-<random>` directory under `parent` and returns
 * its path. A rename when both are on one filesystem; otherwise a copy under a temporary name, renamed when whole, so
 * the savepoint directory never appears without all its files.
 */
export async function moveToSavepoint(dir: string, parent: string, jobId: string): Promise<string> {
  await mkdir(parent, { recursive: true });
  await makeSelfContained(dir);
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
 * except those `keep` names (checkpoints still in progress). Without `keep` (the job has stopped), also the shared
 * files no completed checkpoint needs.
 */
export async function deleteIncompleteCheckpoints(jobDir: string, keep?: (id: number) => boolean): Promise<void> {
  const incomplete = checkpointDirs(jobDir).filter((c) => !keep?.(c.id) && !existsSync(join(c.dir, MANIFEST_FILE)));
  await Promise.all(incomplete.map((c) => deleteCheckpoint(c.dir)));
  if (!keep) await deleteUnreferencedSharedFiles(jobDir, false);
}

/**
 * Deletes completed checkpoints beyond the newest `keep` (retention), then the shared files none of the kept ones
 * needs (see {@link deleteUnreferencedSharedFiles}).
 */
export async function retainCheckpoints(jobDir: string, keep: number): Promise<void> {
  const completed = completedCheckpoints(jobDir);
  const old = completed.slice(0, Math.max(0, completed.length - Math.max(1, keep)));
  await Promise.all(old.map((c) => deleteCheckpoint(c.dir)));
  await deleteUnreferencedSharedFiles(jobDir);
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
