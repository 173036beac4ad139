"""PySpark side of the Weir benchmark suite: the same pipeline and the same UDF code, in Spark local mode.

    benchmarks/.peers/venv/bin/python benchmarks/peers/pyspark_job.py --scenario pandas-scalar --rows 1000000 \
        --repeat 3 --warmup-rows 100000 [--data FILE]

The functions are the ones of benchmarks/udfs/bench_udfs.py (PyFlink-style wrappers); this script takes the plain
Python function out of each wrapper and declares it to Spark: `pandas_udf` for pandas UDFs, `udf` for row UDFs.
One partition (the analogue of parallelism 1), the `noop` sink (Spark's blackhole). Numeric scenarios generate
their columns with `rand(seed)` over `spark.range`; file scenarios read the same JSON-lines file as the other
engines. Output: one JSON object per line, as pyflink_job.py.
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


def plain(wrapper):
    """The user's function inside a PyFlink (or Weir) udf wrapper."""
    f = getattr(wrapper, "_func", None) or getattr(wrapper, "func")
    return f.eval if hasattr(f, "eval") else f


def build(spark, scenario, rows, data):
    import bench_udfs
    from pyspark.sql import functions as F
    from pyspark.sql.functions import pandas_udf, udf

    if scenario == "pandas-scalar":
        mul_add = pandas_udf(plain(bench_udfs.mul_add), "double")
        src = spark.range(0, rows, 1, 1).select((F.rand(7) * 1000).alias("a"), (F.rand(8) * 1000).alias("b"))
        return src.select(mul_add("a", "b").alias("r"))
    if scenario.startswith("row-scalar-json-"):
        json_lower = udf(plain(bench_udfs.json_lower), "string")
        src = spark.read.schema("id BIGINT, payload STRING").json(data).coalesce(1)
        return src.select(json_lower("payload").alias("r"))
    if scenario == "udf-chain":
        f, g, h = (udf(plain(getattr(bench_udfs, n)), "bigint") for n in ("chain_f", "chain_g", "chain_h"))
        src = spark.range(0, rows, 1, 1).select((F.rand(7) * 1e9).cast("bigint").alias("x"))
        return src.select(f(g(h("x"))).alias("r"))
    raise SystemExit(f"scenario {scenario} has no PySpark pipeline")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--scenario", required=True)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--warmup-rows", type=int, default=0)
    p.add_argument("--data")
    p.add_argument("--warmup-data")
    a = p.parse_args()

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ["PYTHONPATH"] = os.pathsep.join([os.path.join(HERE, "..", "udfs"), os.environ.get("PYTHONPATH", "")])
    t0 = time.perf_counter()
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("weir-bench")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "1")
             .config("spark.sql.files.maxPartitionBytes", str(1 << 40))
             .config("spark.driver.memory", "4g")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    emit({"kind": "startup", "seconds": time.perf_counter() - t0})

    jobs = ([(True, a.warmup_rows, a.warmup_data or a.data)] if a.warmup_rows > 0 else []) + \
        [(False, a.rows, a.data)] * a.repeat
    for warmup, rows, data in jobs:
        started = time.perf_counter()
        build(spark, a.scenario, rows, data).write.format("noop").mode("overwrite").save()
        emit({"kind": "run", "warmup": warmup, "rows": rows, "seconds": time.perf_counter() - started})
    spark.stop()


if __name__ == "__main__":
    main()
