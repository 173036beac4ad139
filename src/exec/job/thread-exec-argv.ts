/**
 * Options for worker threads: the parent's, minus loader flags (each thread entry registers tsx itself, see
 * slot-thread-entry.mjs) so a thread never registers the loader twice.
 */
export function threadExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    if ((argv[i] === '--import' || argv[i] === '--loader' || argv[i] === '--require') && argv[i + 1]?.includes('tsx')) { i++; continue; }
    if (argv[i].includes('tsx')) continue;
    out.push(argv[i]);
  }
  return out;
}
