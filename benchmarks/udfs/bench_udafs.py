"""Aggregate UDFs of the pandas-udaf-window and general-udaf-groupby scenarios, written for PyFlink. Every engine
runs this same code:

* PyFlink loads it with ``pyflink.table.udf`` (benchmarks/peers/pyflink_job.py);
* Weir loads it in its Python worker; there PyFlink is absent and the imports fall back to ``weir.table`` /
  ``weir.table.udf``, Weir's copy of PyFlink's API (docs/udaf.md), so the module runs unchanged.
"""
import pandas as pd

try:  # PyFlink (the peer environment, benchmarks/.peers/venv)
    from pyflink.table import DataTypes
    from pyflink.table.udf import AggregateFunction, udaf
except ImportError:  # Weir (the project environment, .venv)
    from weir.table import DataTypes
    from weir.table.udf import AggregateFunction, udaf


# pandas-udaf-window: a vectorized aggregate, one call per (key, 1 s tumbling event-time window) with its rows.
@udaf(result_type=DataTypes.DOUBLE(), func_type="pandas")
def mean_udaf(v: pd.Series) -> float:
    return v.mean()


# general-udaf-groupby: PyFlink's weighted-average example, an accumulator updated row by row, GROUP BY key.
class WeightedAvg(AggregateFunction):
    def create_accumulator(self):
        return [0, 0]  # [sum of value * weight, sum of weight]

    def get_value(self, accumulator):
        return None if accumulator[1] == 0 else accumulator[0] / accumulator[1]

    def accumulate(self, accumulator, value, weight):
        accumulator[0] += value * weight
        accumulator[1] += weight

    def retract(self, accumulator, value, weight):
        accumulator[0] -= value * weight
        accumulator[1] -= weight

    def get_result_type(self):
        return DataTypes.DOUBLE()

    def get_accumulator_type(self):
        return DataTypes.ARRAY(DataTypes.BIGINT())


weighted_avg = udaf(WeightedAvg(), result_type=DataTypes.DOUBLE(),
                    accumulator_type=DataTypes.ARRAY(DataTypes.BIGINT()))
