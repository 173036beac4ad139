import { fileURLToPath } from 'node:url';

/**
 * Worker threads must load Weir's TypeScript sources. Under `node --import tsx` they inherit the loader through
 * process.execArgv; otherwise (e.g. an embedding host) we add tsx's loader by absolute path, so the working
 * directory does not matter.
 */
export function threadExecArgv(): string[] {
  const argv = process.execArgv;
  if (argv.some((a) => a.includes('tsx'))) return [...argv];
  const loader = fileURLToPath(import.meta.resolve('tsx'));
  return [...argv, '--import', loader];
}
