// Shared helpers for the setup and test scripts (plain JS: they must run before dependencies are installed).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = dirname(dirname(fileURLToPath(import.meta.url)));
export const venv = join(root, '.venv');
export const venvPython = join(venv, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');

export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (r.error) throw new Error(`Could not run ${cmd}: ${r.error.message}`);
  return r.status ?? 1;
}

export function must(cmd, args, options = {}) {
  const status = run(cmd, args, options);
  if (status !== 0) {
    process.stderr.write(`\nweir setup: '${cmd} ${args.join(' ')}' failed with exit code ${status}\n`);
    process.exit(status);
  }
}

export const hasNodeModules = () => existsSync(join(root, 'node_modules', 'apache-arrow')) && existsSync(join(root, 'node_modules', 'tsx'));
