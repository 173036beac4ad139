// `npm run setup`: idempotent. Installs Node dependencies if missing, creates the project's Python virtual
// environment (.venv) and installs the `weir` Python package into it (editable, with test extras). A stamp file
// skips the Python step when python/pyproject.toml has not changed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasNodeModules, must, root, venv, venvPython } from './env.mjs';

const log = (m) => process.stderr.write(`weir setup: ${m}\n`);

if (!hasNodeModules()) {
  // `npm install` rather than `npm ci`: it still installs the locked versions, and `npm ci` rejects lock files whose
  // optional platform packages (duckdb, msgpackr-extract) were recorded without versions by some npm configurations.
  log('installing Node dependencies (npm install)');
  must('npm', ['install', '--no-audit', '--no-fund']);
}

const bootstrap = process.env.WEIR_PYTHON_BOOTSTRAP || 'python3';
const pyproject = readFileSync(join(root, 'python', 'pyproject.toml'));
const stampValue = createHash('sha256').update(pyproject).digest('hex');
const stamp = join(venv, '.weir-setup-stamp');

if (!existsSync(venvPython)) {
  log(`creating the Python virtual environment in .venv with ${bootstrap}`);
  must(bootstrap, ['-c', 'import sys; assert sys.version_info >= (3, 10), "Weir needs Python 3.10 or newer, found " + sys.version']);
  must(bootstrap, ['-m', 'venv', venv]);
}

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== stampValue) {
  log('installing the weir Python package and its dependencies (pyarrow, pandas, numpy, pyzmq, msgpack, pytest)');
  must(venvPython, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--upgrade', 'pip']);
  must(venvPython, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-e', `${join(root, 'python')}[test]`]);
  writeFileSync(stamp, stampValue);
} else {
  log('Python environment is up to date');
}
log('ready');
