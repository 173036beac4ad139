import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectorError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';

/**
 * The files a subtask reads: `path` itself, or the non-hidden files of the directory (names starting with `.` or
 * `_` are skipped, as Flink does) in name order, dealt round-robin: subtask i of p takes files i, i+p, ...
 */
export async function filesForSubtask(path: string, index: number, parallelism: number): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new ConnectorError(`Cannot read filesystem path '${path}': ${(e as Error).message}`, {
      cause: e, location: { file: path }, hint: "Check the table's 'path' option.",
    }, ErrorCodes.CONNECTOR_IO);
  }
  const all = info.isDirectory()
    ? (await readdir(path, { withFileTypes: true }))
      .filter((d) => d.isFile() && !d.name.startsWith('.') && !d.name.startsWith('_'))
      .map((d) => d.name).sort().map((n) => join(path, n))
    : [path];
  return all.filter((_, i) => i % parallelism === index);
}
