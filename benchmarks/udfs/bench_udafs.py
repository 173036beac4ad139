"""Aggregate UDFs of the pandas-udaf-window and general-udaf-groupby scenarios, written for PyFlink.

Weir has no Python aggregate functions yet (issue 4), so the fallback import below fails on Weir today and the
runner records those scenarios as skipped for Weir; PyFlink runs them as they are.
"""
import pandas as pd

try:
    from pyflink.table import DataTypes
    from pyflink.table.udf import AggregateFunction, udaf
except ImportError:
    from weir.types import DataTypes
    from weir.udf import AggregateFunction, udaf  # not available yet: needs udaf (issue 4)


# pandas-udaf-window: a vectorized aggregate per (key, 1 s tumbling event-time window).
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
