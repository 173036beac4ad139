"""PyFlink side of the Weir benchmark suite: the same pipeline as the Weir scenario, in PyFlink's Table API.

    benchmarks/.peers/venv/bin/python benchmarks/peers/pyflink_job.py --scenario pandas-scalar --rows 1000000 \
        --mode process --repeat 3 --warmup-rows 100000 [--data FILE] [--count-output]

Streaming mode, parallelism 1, the UDFs of benchmarks/udfs (imported with PyFlink's own `udf`), a blackhole
sink. Prints one JSON object per line: first {"kind": "startup", "seconds": ...} (creating the TableEnvironment:
JVM start and the Py4J gateway), then {"kind": "run", "warmup": bool, "rows": n, "seconds": s} per job, timed
from submitting the INSERT to the job's end (planning, job submission to the local mini-cluster, Python worker
start, the run). The warm-up job runs first in the same JVM and is not counted by the runner. The latency scenario
adds p50_ms/p99_ms (and p99_all_ms, max_ms) to its run lines. `--count-output` prints the number of rows the
scenario's query emits instead ({"kind": "count", ...}), to check that the engines compute the same results.
"""
import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "udfs"))


# Where the JSON lines go: stdout, or the saved stdout while the JVM's stdout is captured (the latency scenario).
_out = sys.stdout

# Rows per millisecond of event time in pandas-udaf-window (benchmarks/scenarios/udaf.ts, ROWS_PER_EVENT_MS): 100,000
# rows per 1 s window, so each of the 1,000 keys has ~100 rows per window.
ROWS_PER_EVENT_MS = 100
# Input rate of the latency scenario (benchmarks/scenarios/latency.ts, LATENCY_RATE), rows per second.
LATENCY_RATE = 10_000
# Rows stamped in the first second of a latency run are start-up, not steady latency (as latency.ts).
SETTLE_MS = 1_000


def emit(obj):
    _out.write(json.dumps(obj) + "\n")
    _out.flush()


def ddl_datagen(name, columns, rows, fields, extra=""):
    opts = {"connector": "datagen", "number-of-rows": str(rows), "rows-per-second": "1000000000000"}
    opts.update(fields)
    body = ", ".join(f"'{k}' = '{v}'" for k, v in opts.items())
    return f"CREATE TEMPORARY TABLE {name} ({columns}{extra}) WITH ({body})"


def build(t_env, scenario, rows, data):
    """Registers source, sink and functions; returns the query to insert into `sink`."""
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
        return "SELECT mul_add(a, b) FROM src"
    if scenario.startswith("row-scalar-json-"):
        t_env.execute_sql("DROP TEMPORARY TABLE IF EXISTS src")
        t_env.execute_sql(f"CREATE TEMPORARY TABLE src (id BIGINT, payload STRING) WITH ("
                          f"'connector' = 'filesystem', 'path' = 'file://{os.path.abspath(data)}', 'format' = 'json')")
        sink("r STRING")
        function("json_lower", bench_udfs.json_lower)
        return "SELECT json_lower(payload) FROM src"
    if scenario == "udf-chain":
        datagen("x BIGINT", {"fields.x.min": "0", "fields.x.max": "1000000000"})
        sink("r BIGINT")
        for n in ("chain_f", "chain_g", "chain_h"):
            function(n, getattr(bench_udfs, n))
        return "SELECT chain_f(chain_g(chain_h(x))) FROM src"
    if scenario == "pandas-udaf-window":
        import bench_udafs
        # Event time from the sequence id (ROWS_PER_EVENT_MS rows per ms), so the windows are the same on every run
        # and engine. The legacy group-window syntax: PyFlink's streaming planner refuses pandas UDAFs in the window
        # TVF aggregation ("Pandas UDAFs are not supported in streaming mode currently"); Weir runs the TVF form,
        # which has the same windows and results.
        datagen("id BIGINT, k INT, v DOUBLE",
                {"fields.id.kind": "sequence", "fields.id.start": "0", "fields.id.end": str(rows - 1),
                 "fields.k.min": "0", "fields.k.max": "999", "fields.v.min": "0", "fields.v.max": "1000"},
                f", ts AS TO_TIMESTAMP_LTZ(id / {ROWS_PER_EVENT_MS}, 3), WATERMARK FOR ts AS ts")
        sink("k INT, w TIMESTAMP(3), m DOUBLE")
        function("mean_udaf", bench_udafs.mean_udaf)
        return ("SELECT k, TUMBLE_START(ts, INTERVAL '1' SECOND), mean_udaf(v) FROM src "
                "GROUP BY k, TUMBLE(ts, INTERVAL '1' SECOND)")
    if scenario == "general-udaf-groupby":
        import bench_udafs
        datagen("k INT, v BIGINT, w BIGINT", {"fields.k.min": "0", "fields.k.max": "999", "fields.v.min": "0",
                                              "fields.v.max": "100", "fields.w.min": "1", "fields.w.max": "10"})
        sink("k INT, m DOUBLE")
        function("weighted_avg", bench_udafs.weighted_avg)
        return "SELECT k, weighted_avg(v, w) FROM src GROUP BY k"
    if scenario == "latency":
        # Rate-limited datagen; CURRENT_TIMESTAMP (evaluated per row in streaming mode) in the Calc before the pandas
        # UDF, passed through it; the Calc chained to the sink takes the clock again. The CASE on the UDF's result
        # keeps the planner from computing that second timestamp before the UDF. The print sink writes both per row
        # (to the captured stdout, read by latency_of).
        t_env.execute_sql("DROP TEMPORARY TABLE IF EXISTS src")
        t_env.execute_sql(ddl_datagen("src", "x DOUBLE", rows, {"rows-per-second": str(LATENCY_RATE)}))
        t_env.execute_sql("DROP TEMPORARY TABLE IF EXISTS sink")
        t_env.execute_sql("CREATE TEMPORARY TABLE sink (ts TIMESTAMP_LTZ(3), arrived TIMESTAMP_LTZ(3)) "
                          "WITH ('connector' = 'print')")
        function("pass_ts", bench_udfs.pass_ts)
        return ("SELECT ts, CASE WHEN ts IS NULL THEN NULL ELSE CURRENT_TIMESTAMP END FROM "
                "(SELECT pass_ts(stamp) AS ts FROM (SELECT x, CURRENT_TIMESTAMP AS stamp FROM src))")
    raise SystemExit(f"unknown scenario {scenario}")


def capture_jvm_stdout():
    """Points fd 1 at a temporary file before the JVM starts (it inherits fd 1: the print sink writes there) and
    keeps the real stdout for the JSON lines. Returns the capture file, read after each job."""
    global _out
    capture = tempfile.TemporaryFile()
    _out = os.fdopen(os.dup(1), "w")
    os.dup2(capture.fileno(), 1)
    return capture


def latency_of(lines):
    """p50/p99 of arrived - ts (ms) over the print sink's lines "+I[<ts>, <arrived>]", rows stamped after the first
    second; p99_all_ms / max_ms over every row (as latency.ts computes Weir's)."""
    stamps, latencies = [], []
    for line in lines:
        if not line.startswith("+I["):
            continue
        ts, arrived = (datetime.fromisoformat(x.strip()) for x in line.strip()[3:-1].split(","))
        stamps.append(ts.timestamp() * 1000)
        latencies.append((arrived - ts).total_seconds() * 1000)
    if not stamps:
        raise SystemExit("latency: the print sink wrote no rows")
    first = min(stamps)
    steady = sorted(lat for st, lat in zip(stamps, latencies) if st >= first + SETTLE_MS)
    every = sorted(latencies)

    def pct(xs, p):
        return xs[min(len(xs) - 1, max(0, -(-len(xs) * p // 100) - 1))] if xs else None
    span_ms = max(stamps) - (first + SETTLE_MS)
    return {"p50_ms": pct(steady, 50), "p99_ms": pct(steady, 99), "p99_all_ms": pct(every, 99), "max_ms": every[-1],
            "input_rows_per_s": LATENCY_RATE, "latency_rows": len(steady), "output_rows": len(stamps),
            # the rate the source really delivered after the first second (stamps per second)
            "input_rows_per_s_measured": len(steady) / (span_ms / 1000) if span_ms > 0 else None}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--scenario", required=True)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--mode", choices=("process", "thread"), default="process")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--warmup-rows", type=int, default=0)
    p.add_argument("--data", help="input file of the file-based scenarios")
    p.add_argument("--warmup-data", help="input file of the warm-up job (default: --data)")
    p.add_argument("--count-output", action="store_true",
                   help="instead of timing: run the query once over --rows rows and print how many rows it emits")
    a = p.parse_args()

    # Thread mode embeds CPython in the JVM (pemja), which does not see this virtual environment's site-packages
    # unless told; the UDF directory too, for both modes.
    import site
    os.environ["PYTHONPATH"] = os.pathsep.join(
        site.getsitepackages() + [os.path.join(HERE, "..", "udfs")] + [os.environ.get("PYTHONPATH", "")])
    capture = capture_jvm_stdout() if a.scenario == "latency" else None
    t0 = time.perf_counter()
    from pyflink.table import EnvironmentSettings, TableEnvironment
    t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    conf = t_env.get_config()
    conf.set("parallelism.default", "1")
    conf.set("python.execution-mode", a.mode)
    conf.set("python.executable", sys.executable)
    conf.set("python.client.executable", sys.executable)
    emit({"kind": "startup", "seconds": time.perf_counter() - t0})

    if a.count_output:
        query = build(t_env, a.scenario, a.rows, a.data)
        with t_env.execute_sql(f"SELECT COUNT(*) FROM ({query})").collect() as rows:
            counts = [r[0] for r in rows]
        emit({"kind": "count", "rows": a.rows, "output_rows": counts[-1]})
        return

    jobs = ([(True, a.warmup_rows, a.warmup_data or a.data)] if a.warmup_rows > 0 else []) + \
        [(False, a.rows, a.data)] * a.repeat
    for warmup, rows, data in jobs:
        insert = f"INSERT INTO sink {build(t_env, a.scenario, rows, data)}"
        if capture:
            capture.seek(0)
            capture.truncate()
        started = time.perf_counter()
        t_env.execute_sql(insert).wait()
        run = {"kind": "run", "warmup": warmup, "rows": rows, "seconds": time.perf_counter() - started}
        if capture:
            capture.seek(0)
            run.update(latency_of(capture.read().decode("utf-8", "replace").splitlines()))
        emit(run)


if __name__ == "__main__":
    main()
