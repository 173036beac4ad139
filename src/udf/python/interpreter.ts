import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from '../../config/configuration.ts';
import { PythonOptions } from '../../config/options.ts';

/** The project root (…/weir), found from this file's location so no editable install is needed. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The directory holding the `weir` Python package; put on PYTHONPATH of every worker. */
export const PYTHON_PACKAGE_DIR = join(PROJECT_ROOT, 'python');

/**
 * The interpreter for UDF workers: `python.executable`, else `$WEIR_PYTHON`, else the project's `.venv`, else
 * `python3` from PATH. The venv is preferred over PATH because `npm run setup` installs pyarrow/pandas/pyzmq there.
 */
export function resolvePythonExecutable(config?: Configuration): string {
  const configured = config?.get(PythonOptions.EXECUTABLE);
  if (configured) return configured;
  if (process.env.WEIR_PYTHON) return process.env.WEIR_PYTHON;
  const venv = process.platform === 'win32' ? join(PROJECT_ROOT, '.venv', 'Scripts', 'python.exe') : join(PROJECT_ROOT, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

/** PYTHONPATH for a worker: the project's python/ dir first, then whatever the user had. */
export function workerPythonPath(extra?: string): string {
  const sep = process.platform === 'win32' ? ';' : ':';
  return [PYTHON_PACKAGE_DIR, extra].filter(Boolean).join(sep);
}
