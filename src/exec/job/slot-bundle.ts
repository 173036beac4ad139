import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The slot thread's module graph as one plain-JS ESM bundle, so a slot thread starts without tsx: loading the
 * TypeScript graph through tsx costs ~0.4–1 s per thread, the bundle ~0.05–0.1 s.
 *
 * The bundle is built with esbuild (a tsx dependency) in the background the first time a process needs it, into
 * `node_modules/.cache/weir/slot-thread/<hash>/`, and used from the next job on (that process and later ones) for as
 * long as every input file keeps the size and mtime recorded at build time: editing anything under src/ makes the
 * next process (or the next job of a process that has not yet validated the bundle) run from source through tsx
 * again while a new bundle is built, so stale code never runs. `WEIR_SLOT_BUNDLE=0` turns bundling off.
 *
 * What the bundle keeps working: `import.meta.url` / `dirname` / `filename` are replaced, file by file, with the
 * original file's values (PROJECT_ROOT, the TS UDF worker file, ...). npm packages with native code or their own
 * loaders (zeromq, lmdb, msgpackr, piscina, tsx, ...) stay external and load from node_modules as before; apache-arrow
 * (pure JS, ~100 ESM files, the biggest single load cost) is bundled: nothing else in a slot thread imports it.
 */

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ENTRY = join(PROJECT_ROOT, 'src', 'exec', 'task', 'slot-thread-main.ts');
const CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'weir', 'slot-thread');
// One manifest per checkout: worktrees that share a node_modules (symlinked) keep their own bundles.
const MANIFEST = join(CACHE_DIR, `manifest-${createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12)}.json`);
/** Bump when the build options change in a way the input files do not show. */
const FORMAT = 1;
const EXTERNAL = ['zeromq', 'lmdb', 'msgpackr', 'msgpackr-extract', 'piscina', 'commander', 'tsx', 'tsx/*', 'esbuild', '@duckdb/*'];

/** [path relative to the project root, size, mtimeMs] of every file the bundle was built from. */
type Input = [string, number, number];
interface Manifest { format: number; dir: string; entry: string; inputs: Input[] }

let validated: string | null | undefined;
let building: Promise<void> | null = null;

/**
 * The bundle's entry file when an up-to-date bundle exists; otherwise null (run from source) and, unless one is
 * already under way, a background build starts for the jobs that follow. Checked once per process: a process keeps
 * running the code it validated, like the main thread's own modules.
 */
export function slotThreadBundle(): string | null {
  // A bundle pruned under a long-running process (see pruneOldBundles) is looked up again.
  if (typeof validated === 'string' && !existsSync(validated)) { validated = undefined; building = null; }
  if (validated !== undefined) return validated;
  if (process.env.WEIR_SLOT_BUNDLE === '0') return (validated = null);
  const found = upToDateBundle();
  if (found) return (validated = found);
  building ??= buildBundle().then(
    (entry) => { validated = entry; },
    (e) => { if (process.env.WEIR_DEBUG_SLOTS) process.stderr.write(`weir: slot-thread bundle build failed: ${e instanceof Error ? e.stack : e}\n`); validated = null; },
  );
  return null;
}

/** Waits for a background build started by {@link slotThreadBundle}, if any (tests, benchmarks). */
export async function slotThreadBundleSettled(): Promise<string | null> {
  const first = slotThreadBundle();
  if (first !== null || !building) return first;
  await building;
  return validated ?? null;
}

function upToDateBundle(): string | null {
  try {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
    if (manifest.format !== FORMAT) return null;
    for (const [path, size, mtimeMs] of manifest.inputs) {
      const s = statSync(join(PROJECT_ROOT, path));
      if (s.size !== size || s.mtimeMs !== mtimeMs) return null;
    }
    const entry = join(CACHE_DIR, manifest.dir, manifest.entry);
    statSync(entry);
    return entry;
  } catch {
    return null;
  }
}

async function buildBundle(): Promise<string> {
  const esbuild = await loadEsbuild();
  // Stats are taken before each file is read, so an edit during the build shows as a changed input next time.
  const inputs = new Map<string, Input>();
  const record = async (file: string) => {
    const s = await stat(file);
    inputs.set(file, [relative(PROJECT_ROOT, file).split(sep).join('/'), s.size, s.mtimeMs]);
  };
  const tmp = join(CACHE_DIR, `.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(tmp, { recursive: true });
  try {
    const result = await esbuild.build({
      entryPoints: [ENTRY],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      external: EXTERNAL,
      metafile: true,
      logLevel: 'silent',
      // Stack traces map back to src/ under `node --enable-source-maps` (slot threads inherit the flag).
      sourcemap: 'linked',
      sourcesContent: false,
      // Names stay readable in stack traces and error messages (class names are part of some messages).
      keepNames: true,
      absWorkingDir: PROJECT_ROOT,
      plugins: [{
        name: 'weir-import-meta',
        setup(b) {
          b.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
            if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
            await record(args.path);
            const contents = rewriteImportMeta(await readFile(args.path, 'utf8'), args.path);
            return { contents, loader: /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js' };
          });
        },
      }],
    });
    // Bundled packages (apache-arrow) and files esbuild read itself (tsconfig.json, package.json) count as inputs.
    const extra = Object.keys(result.metafile!.inputs).map((p) => (isAbsolute(p) ? p : join(PROJECT_ROOT, p)))
      .filter((p) => !inputs.has(p));
    await Promise.all([...extra, join(PROJECT_ROOT, 'tsconfig.json'), join(PROJECT_ROOT, 'package.json'), fileURLToPath(import.meta.url)]
      .filter((p) => !inputs.has(p)).map((p) => record(p).catch(() => undefined)));
    const list = [...inputs.values()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const hash = createHash('sha256').update(JSON.stringify([FORMAT, PROJECT_ROOT, list])).digest('hex').slice(0, 16);
    const dir = join(CACHE_DIR, hash);
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process built the same inputs
    }
    const entry = `${ENTRY.slice(ENTRY.lastIndexOf(sep) + 1, -extname(ENTRY).length)}.mjs`;
    const manifest: Manifest = { format: FORMAT, dir: hash, entry, inputs: list };
    const tmpManifest = `${MANIFEST}.${process.pid}.tmp`;
    writeFileSync(tmpManifest, JSON.stringify(manifest));
    renameSync(tmpManifest, MANIFEST);
    pruneOldBundles(hash);
    return join(dir, entry);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    // The esbuild service child is only needed for this build.
    await esbuild.stop?.();
  }
}

/**
 * `import.meta.url` and friends, replaced with the values of the file they are written in: in the bundle
 * `import.meta` belongs to the bundle file. (`import.meta.resolve` is left alone: it is only used for packages.)
 */
export function rewriteImportMeta(source: string, file: string): string {
  if (!source.includes('import.meta')) return source;
  return source
    .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(file).href))
    .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(file)))
    .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(file));
}

/** Bundles older than a day that the manifest no longer names (a running process may still use recent ones). */
function pruneOldBundles(keep: string): void {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of readdirSync(CACHE_DIR)) {
    if (name === keep || name.startsWith('manifest-')) continue;
    const path = join(CACHE_DIR, name);
    try {
      if (statSync(path).mtimeMs < dayAgo) rmSync(path, { recursive: true, force: true });
    } catch { /* raced with another process */ }
  }
}

type Esbuild = typeof import('esbuild');

/** esbuild is tsx's dependency: found next to tsx when it is not hoisted to the top of node_modules. */
async function loadEsbuild(): Promise<Esbuild> {
  const require = createRequire(import.meta.url);
  try {
    return require('esbuild') as Esbuild;
  } catch {
    return createRequire(require.resolve('tsx'))('esbuild') as Esbuild;
  }
}
