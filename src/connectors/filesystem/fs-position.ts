import { CheckpointError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import type { RecordStart } from './records.ts';

/** Where reading of one file stands: the next record of a text file, or the next record batch of an Arrow file. */
export type FileCursor = RecordStart | { readonly batches: number };

/**
 * Where a filesystem source subtask is, recorded in checkpoints: the files it finished and the file it is in.
 * Positions are per file, so a restored job may read them at another parallelism (files are dealt again).
 */
export interface FsPosition {
  readonly done: readonly string[];
  readonly current: { readonly file: string; readonly cursor: FileCursor } | null;
}

/** The restored read state of every file, merged from all old subtasks' positions. */
export class FsRestoredFiles {
  private readonly done = new Set<string>();
  private readonly partial = new Map<string, FileCursor>();

  constructor(positions: readonly unknown[]) {
    positions.forEach((raw, subtask) => {
      const p = raw as Partial<FsPosition> | undefined;
      if (!p || !Array.isArray(p.done)) {
        throw new CheckpointError(`Filesystem source subtask ${subtask}: the checkpoint holds no valid position (${JSON.stringify(raw)})`, {}, ErrorCodes.RESTORE_FAILED);
      }
      for (const f of p.done) this.done.add(f);
      if (p.current) this.partial.set(p.current.file, p.current.cursor);
    });
  }

  isDone(file: string): boolean { return this.done.has(file); }

  /** Where to continue reading `file`; undefined to read it from the start. */
  cursor(file: string): FileCursor | undefined { return this.partial.get(file); }
}
