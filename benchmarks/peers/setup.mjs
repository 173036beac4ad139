// `npm run bench:setup-peers`: installs the benchmark peers (PyFlink and PySpark) into their own virtual environment,
// benchmarks/.peers/venv, apart from Weir's .venv: apache-flink pins its own pyarrow/pandas/numpy. Idempotent: a
// second run only checks the versions. Needs python3 (3.9-3.12 for PyFlink) and a Java 11/17 runtime on PATH.
//
//   WEIR_PEERS_PYTHON=python3.11 npm run bench:setup-peers    # another interpreter for the venv
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const venv = join(here, '..', '.peers', 'venv');
const python = join(venv, 'bin', 'python');
// The newest releases that install together on CPython 3.11 here (apache-flink 2.3.0 ships Flink's jars in its
// wheel; PySpark 4.x runs on Java 17). Override with WEIR_PEERS_FLINK / WEIR_PEERS_SPARK.
const FLINK = process.env.WEIR_PEERS_FLINK ?? '2.3.0';
const SPARK = process.env.WEIR_PEERS_SPARK ?? '4.1.1';

function run(cmd, args) {
  process.stderr.write(`$ ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.error || r.status !== 0) {
    process.stderr.write(`bench:setup-peers: '${cmd} ${args.join(' ')}' failed${r.error ? `: ${r.error.message}` : ` with exit code ${r.status}`}\n`);
    process.exit(r.status || 1);
  }
}

const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
if (java.error || java.status !== 0) {
  process.stderr.write('bench:setup-peers: no `java` on PATH; PyFlink and PySpark need a Java 17 runtime (e.g. apt-get install openjdk-17-jre-headless)\n');
  process.exit(1);
}
if (!existsSync(python)) {
  mkdirSync(dirname(venv), { recursive: true });
  run(process.env.WEIR_PEERS_PYTHON ?? 'python3', ['-m', 'venv', venv]);
  run(python, ['-m', 'pip', 'install', '--quiet', '--upgrade', 'pip', 'wheel']);
}
run(python, ['-m', 'pip', 'install', '--quiet', `apache-flink==${FLINK}`, `pyspark==${SPARK}`]);
run(python, ['-c', 'import pyflink.version, pyspark, pandas, pyarrow; print("peers ready: apache-flink", pyflink.version.__version__, "| pyspark", pyspark.__version__, "| pandas", pandas.__version__, "| pyarrow", pyarrow.__version__)']);
