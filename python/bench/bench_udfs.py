"""UDFs used by bench_roundtrip.py."""
from weir.types import DataTypes
from weir.udf import udf


@udf(result_type=DataTypes.DOUBLE(), func_type="pandas")
def plus_one_pandas(x):
    return x + 1.0


@udf(result_type=DataTypes.DOUBLE())
def plus_one(x):
    return None if x is None else x + 1.0
