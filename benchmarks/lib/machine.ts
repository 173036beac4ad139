import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { resolvePythonExecutable } from '../../src/udf/python/interpreter.ts';
import { BENCH_DIR, PEERS_PYTHON, peersInstalled } from './engines.ts';

export interface MachineInfo {
  os: string;
  cpu: string;
  cores: number;
  memory_gib: number;
  node: string;
  java: string;
  python_weir: string;
  packages: Record<string, string>;
  loadavg_start: number[];
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
}

const PY_VERSIONS = "import sys,importlib.metadata as m\nprint(sys.version.split()[0])\nfor p in sys.argv[1:]:\n  try: print(p+'='+m.version(p))\n  except Exception: print(p+'=-')";

function pythonVersions(python: string, pkgs: string[]): { python: string; pkgs: Record<string, string> } {
  const lines = run(python, ['-c', PY_VERSIONS, ...pkgs]).split('\n');
  const out: Record<string, string> = {};
  for (const l of lines.slice(1)) { const [k, v] = l.split('='); if (k && v) out[k] = v; }
  return { python: lines[0], pkgs: out };
}

/** What the report says about the machine and the software measured. */
export function describeMachine(): MachineInfo {
  const root = join(BENCH_DIR, '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const nodePkg = (name: string) => {
    try { return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version; } catch { return '-'; }
  };
  const weirPy = pythonVersions(resolvePythonExecutable(), ['weir', 'pyarrow', 'pandas', 'pyzmq', 'numpy']);
  const packages: Record<string, string> = {
    weir: pkg.version, 'apache-arrow (npm)': nodePkg('apache-arrow'), 'zeromq (npm)': nodePkg('zeromq'), 'piscina (npm)': nodePkg('piscina'),
  };
  for (const [k, v] of Object.entries(weirPy.pkgs)) packages[`${k} (weir venv)`] = v;
  if (peersInstalled()) {
    const peers = pythonVersions(PEERS_PYTHON, ['apache-flink', 'pyspark', 'pyarrow', 'pandas', 'numpy']);
    for (const [k, v] of Object.entries(peers.pkgs)) packages[`${k} (peer venv)`] = v;
  }
  const c = cpus();
  return {
    os: `${platform()} ${release()}`,
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    java: run('java', ['-version']).split('\n')[0] ?? 'not found',
    python_weir: weirPy.python,
    packages,
    loadavg_start: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export const currentLoad = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);
export const freeMemGib = (): number => Math.round(freemem() / 2 ** 30);
