// `npm test`: the whole suite, TypeScript (node:test) then Python (pytest), from a fresh clone or a set-up tree.
// Prints one combined closing line: "total: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hasNodeModules, root, venvPython } from './env.mjs';

// A fresh clone (CI) has neither node_modules nor .venv: set up first; a no-op when already done.
if (!hasNodeModules() || process.env.WEIR_SKIP_SETUP !== '1') {
  const s = spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs')], { stdio: 'inherit', cwd: root });
  if (s.status !== 0) process.exit(s.status ?? 1);
}

const only = process.argv[2]; // optional: 'ts' or 'py'
let passed = 0;
let failed = 0;
let status = 0;

function capture(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024 });
  process.stdout.write(r.stdout ?? '');
  return { status: r.status ?? 1, out: r.stdout ?? '' };
}

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testFiles(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

if (only !== 'py') {
  const files = testFiles(join(root, 'test')).map((f) => f.slice(root.length + 1)).sort();
  const r = capture(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files]);
  const pass = Number(/ℹ pass (\d+)/.exec(r.out)?.[1] ?? 0);
  const fail = Number(/ℹ fail (\d+)/.exec(r.out)?.[1] ?? (r.status === 0 ? 0 : 1));
  passed += pass;
  failed += fail;
  if (r.status !== 0) status = r.status;
}

if (only !== 'ts') {
  const r = capture(venvPython, ['-m', 'pytest', 'python/tests', '-q', '-p', 'no:cacheprovider']);
  const pass = Number(/(\d+) passed/.exec(r.out)?.[1] ?? 0);
  const fail = Number(/(\d+) failed/.exec(r.out)?.[1] ?? 0) + Number(/(\d+) error/.exec(r.out)?.[1] ?? 0);
  passed += pass;
  failed += fail;
  // pytest exits 5 when it collects nothing: that is a broken suite here, not a pass.
  if (r.status !== 0) status = r.status;
}

process.stdout.write(`\ntotal: ${passed} passed, ${failed} failed\n`);
process.exit(status);
