"""Python UDFs for the quickstart job, written exactly as for PyFlink except the imports."""
import pandas as pd

from weir.types import DataTypes
from weir.udf import FunctionContext, ScalarFunction, udf


@udf(result_type=DataTypes.DOUBLE(), func_type="pandas")
def price_with_tax(price: pd.Series, rate: pd.Series) -> pd.Series:
    """Vectorized: called once per batch of rows with pandas Series."""
    return (price * (1.0 + rate)).round(2)


class Normalize(ScalarFunction):
    """Row at a time, with its own metric registered through the FunctionContext."""

    def open(self, function_context: FunctionContext) -> None:
        self.blank = function_context.get_metric_group().counter("blank_names")

    def eval(self, name):
        if name is None or not name.strip():
            self.blank.inc()
            return None
        return name.strip().title()


normalize = udf(Normalize(), result_type=DataTypes.STRING())
