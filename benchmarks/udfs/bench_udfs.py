"""UDFs of the benchmark scenarios, written for PyFlink. Every engine runs this same code:

* Weir loads the module in its worker (``weir.udf``: PyFlink's API, imported below when PyFlink is absent);
* PyFlink loads it with ``pyflink.table.udf`` (benchmarks/peers/pyflink_job.py);
* PySpark wraps the very same Python functions (``.func``/``._func``) in ``pandas_udf``/``udf``
  (benchmarks/peers/pyspark_job.py).
"""
import json

import pandas as pd

try:  # PyFlink (the peer environment, benchmarks/.peers/venv)
    from pyflink.table import DataTypes
    from pyflink.table.udf import udf
except ImportError:  # Weir (the project environment, .venv)
    from weir.types import DataTypes
    from weir.udf import udf


# pandas-scalar and ts-worker's Python reference: a * b + 1 over two DOUBLE columns, vectorized.
@udf(result_type=DataTypes.DOUBLE(), func_type="pandas")
def mul_add(a: pd.Series, b: pd.Series) -> pd.Series:
    return a * b + 1


# row-scalar-json-*: the per-row JSON work of PyFlink's own thread-mode benchmark (json.loads, change a field,
# json.dumps), on generated records of ~100 B, 1 KB and 10 KB.
@udf(result_type=DataTypes.STRING())
def json_lower(s: str) -> str:
    record = json.loads(s)
    record["name"] = record["name"].lower()
    return json.dumps(record)


# udf-chain: three row-at-a-time UDFs nested in one projection, f(g(h(x))) on a BIGINT column.
@udf(result_type=DataTypes.BIGINT())
def chain_h(x: int) -> int:
    return x * 3 + 1


@udf(result_type=DataTypes.BIGINT())
def chain_g(x: int) -> int:
    return x ^ 0x5BD1E995


@udf(result_type=DataTypes.BIGINT())
def chain_f(x: int) -> int:
    return x % 1_000_003


# latency: the source-side timestamp travels through a pandas UDF and comes back unchanged, so the timestamp is
# taken before the Python UDF and compared with the clock after it (the optimizer cannot move it past the UDF).
@udf(result_type=DataTypes.TIMESTAMP_LTZ(3), func_type="pandas")
def pass_ts(ts: pd.Series) -> pd.Series:
    return ts
