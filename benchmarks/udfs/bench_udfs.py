"""UDFs used by the benchmark scenarios (the same code is used for every engine that runs them)."""
import pandas as pd

from weir.types import DataTypes
from weir.udf import udf


@udf(result_type=DataTypes.DOUBLE(), func_type="pandas")
def mul_add(a: pd.Series, b: pd.Series) -> pd.Series:
    return a * b + 1
