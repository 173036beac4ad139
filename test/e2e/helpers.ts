import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TableEnvironment, type EnvironmentSettings } from '../../src/index.ts';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** An environment whose relative UDF paths resolve against test/fixtures. Small bundles keep tests quick. */
export function testEnv(settings: EnvironmentSettings = {}): TableEnvironment {
  return TableEnvironment.create({
    baseDir: FIXTURES,
    ...settings,
    config: { 'python.worker.pool-size': 1, 'python.fn-execution.bundle.time': 50, ...settings.config },
  });
}

/** PIDs of this process's Python UDF workers. */
export function pythonWorkerPids(): number[] {
  try {
    const out = execFileSync('pgrep', ['-P', String(process.pid), '-f', 'weir.worker'], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export const sortBy = <T>(rows: T[], key: (r: T) => number | string): T[] =>
  [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
