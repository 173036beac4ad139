"""PyFlink side of the Weir benchmark suite: the same pipeline as the Weir scenario, in PyFlink's Table API.

    benchmarks/.peers/venv/bin/python benchmarks/peers/pyflink_job.py --scenario pandas-scalar --rows 1000000 \
        --mode process --repeat 3 --warmup-rows 100000 [--data FILE]

Streaming mode, parallelism 1, the UDFs of benchmarks/udfs (imported with PyFlink's own `udf`), a blackhole
sink. Prints one JSON object per line: first {"kind": "startup", "seconds": ...} (creating the TableEnvironment:
JVM start and the Py4J gateway), then {"kind": "run", "warmup": bool, "rows": n, "seconds": s} per job, timed
from submitting the INSERT to the job's end (planning, job submission to the local mini-cluster, Python worker
start, the run). The warm-up job runs first in the same JVM and is not counted by the runner.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "udfs"))


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def ddl_datagen(name, columns, rows, fields, extra=""):
    opts = {"connector": "datagen", "number-of-rows": str(rows), "rows-per-second": "1000000000000"}
    opts.update(fields)
    body = ", ".join(f"'{k}' = '{v}'" for k, v in opts.items())
    return f"CREATE TEMPORARY TABLE {name} ({columns}{extra}) WITH ({body})"


def build(t_env, scenario, rows, data):
    """Registers source, sink and functions; returns the INSERT statement."""
    import bench_udfs

    def function(name, f):
        t_env.drop_temporary_function(name)  # registered again for every job of the process
        t_env.create_temporary_function(name, f)

    def datagen(columns, fields, extra=""):
        t_env.execute_sql("DROP TEMPORARY TABLE IF EXISTS src")
        t_env.execute_sql(ddl_datagen("src", columns, rows, fields, extra))

    def sink(columns):
        t_env.execute_sql("DROP TEMPORARY TABLE IF EXISTS sink")
        t_env.execute_sql(f"CREATE TEMPORARY TABLE sink ({columns}) WITH ('connector' = 'blackhole')")

    if scenario == "pandas-scalar":
        datagen("a DOUBLE, b DOUBLE", {"fields.a.min": "0", "fields.a.max": "1000", "fields.b.min": "0", "fields.b.max": "1000"})
        sink("r DOUBLE")
        function("mul_add", bench_udfs.mul_add)
        return "INSERT INTO sink SELECT mul_add(a, b) FROM src"
    if scenario.startswith("row-scalar-json-"):
        t_env.execute_sql("DROP TEMPORARY TABLE IF EXISTS src")
        t_env.execute_sql(f"CREATE TEMPORARY TABLE src (id BIGINT, payload STRING) WITH ("
                          f"'connector' = 'filesystem', 'path' = 'file://{os.path.abspath(data)}', 'format' = 'json')")
        sink("r STRING")
        function("json_lower", bench_udfs.json_lower)
        return "INSERT INTO sink SELECT json_lower(payload) FROM src"
    if scenario == "udf-chain":
        datagen("x BIGINT", {"fields.x.min": "0", "fields.x.max": "1000000000"})
        sink("r BIGINT")
        for n in ("chain_f", "chain_g", "chain_h"):
            function(n, getattr(bench_udfs, n))
        return "INSERT INTO sink SELECT chain_f(chain_g(chain_h(x))) FROM src"
    if scenario == "pandas-udaf-window":
        import bench_udafs
        datagen("id BIGINT, k INT, v DOUBLE",
                {"fields.id.kind": "sequence", "fields.id.start": "0", "fields.id.end": str(rows - 1),
                 "fields.k.min": "0", "fields.k.max": "9", "fields.v.min": "0", "fields.v.max": "1000"},
                ", ts AS TO_TIMESTAMP_LTZ(id, 3), WATERMARK FOR ts AS ts")
        sink("k INT, w TIMESTAMP(3), m DOUBLE")
        function("mean_udaf", bench_udafs.mean_udaf)
        return ("INSERT INTO sink SELECT k, TUMBLE_START(ts, INTERVAL '1' SECOND), mean_udaf(v) FROM src "
                "GROUP BY k, TUMBLE(ts, INTERVAL '1' SECOND)")
    if scenario == "general-udaf-groupby":
        import bench_udafs
        datagen("k INT, v BIGINT, w BIGINT", {"fields.k.min": "0", "fields.k.max": "999", "fields.v.min": "0",
                                              "fields.v.max": "100", "fields.w.min": "1", "fields.w.max": "10"})
        sink("k INT, m DOUBLE")
        function("weighted_avg", bench_udafs.weighted_avg)
        return "INSERT INTO sink SELECT k, weighted_avg(v, w) FROM src GROUP BY k"
    raise SystemExit(f"unknown scenario {scenario}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--scenario", required=True)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--mode", choices=("process", "thread"), default="process")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--warmup-rows", type=int, default=0)
    p.add_argument("--data", help="input file of the file-based scenarios")
    p.add_argument("--warmup-data", help="input file of the warm-up job (default: --data)")
    a = p.parse_args()

    # Thread mode embeds CPython in the JVM (pemja), which does not see this virtual environment's site-packages
    # unless told; the UDF directory too, for both modes.
    import site
    os.environ["PYTHONPATH"] = os.pathsep.join(
        site.getsitepackages() + [os.path.join(HERE, "..", "udfs")] + [os.environ.get("PYTHONPATH", "")])
    t0 = time.perf_counter()
    from pyflink.table import EnvironmentSettings, TableEnvironment
    t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    conf = t_env.get_config()
    conf.set("parallelism.default", "1")
    conf.set("python.execution-mode", a.mode)
    conf.set("python.executable", sys.executable)
    conf.set("python.client.executable", sys.executable)
    emit({"kind": "startup", "seconds": time.perf_counter() - t0})

    jobs = ([(True, a.warmup_rows, a.warmup_data or a.data)] if a.warmup_rows > 0 else []) + \
        [(False, a.rows, a.data)] * a.repeat
    for warmup, rows, data in jobs:
        insert = build(t_env, a.scenario, rows, data)
        started = time.perf_counter()
        t_env.execute_sql(insert).wait()
        emit({"kind": "run", "warmup": warmup, "rows": rows, "seconds": time.perf_counter() - started})


if __name__ == "__main__":
    main()
