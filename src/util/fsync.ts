/**
 * fsync of a file or a directory (a directory's fsync makes the renames and new files in it durable). Platforms that
 * cannot open a directory for fsync (Windows), or filesystems that refuse it, are skipped; any other error (EIO: the
 * data did not reach the disk) is thrown.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';

const CANNOT_OPEN = ['EISDIR', 'EPERM', 'EACCES'];
const CANNOT_SYNC = ['EINVAL', 'EBADF', 'EPERM'];

const code = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? '';

export async function fsyncPath(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if (CANNOT_OPEN.includes(code(e))) return;
    throw e;
  }
  try {
    await handle.sync();
  } catch (e) {
    if (!CANNOT_SYNC.includes(code(e))) throw e;
  } finally {
    await handle.close();
  }
}

/** {@link fsyncPath}, blocking: for one directory right before work that must follow at once. */
export function fsyncPathSync(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if (CANNOT_OPEN.includes(code(e))) return;
    throw e;
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    if (!CANNOT_SYNC.includes(code(e))) throw e;
  } finally {
    closeSync(fd);
  }
}
