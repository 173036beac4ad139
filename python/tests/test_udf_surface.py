import functools

import pandas as pd
import pytest

from weir.types import DataTypes
from weir.udf import FunctionContext, ScalarFunction, UserDefinedFunction, udf


def test_decorator_with_arguments():
    @udf(result_type=DataTypes.BIGINT())
    def add(a, b):
        return a + b

    assert add(1, 2) == 3
    assert add._name == "add" and add._func_type == "general" and add._deterministic
    assert add.result_type == DataTypes.BIGINT() and add._input_types is None


def test_pandas_decorator_and_type_strings():
    @udf(result_type="DOUBLE", func_type="pandas", input_types=["DOUBLE"])
    def double(x):
        return x * 2

    assert double.func_type == "pandas" and double.input_types == [DataTypes.DOUBLE()]
    assert list(double(pd.Series([1.0, 2.0]))) == [2.0, 4.0]


def test_lambda_and_name_and_deterministic():
    f = udf(lambda x: x + 1, result_type=DataTypes.INT(), name="inc", deterministic=False)
    assert f(1) == 2 and f.name == "inc" and f.deterministic is False
    assert udf(lambda x: x, result_type="INT").name == "<lambda>"


def test_single_input_type_is_wrapped_in_list():
    f = udf(lambda x: x, input_types=DataTypes.INT(), result_type=DataTypes.INT())
    assert f.input_types == [DataTypes.INT()]


def test_scalar_function_instance():
    class Plus(ScalarFunction):
        def open(self, function_context):
            self.k = int(function_context.get_job_parameter("k", "10"))

        def eval(self, x):
            return x + self.k

        def is_deterministic(self):
            return False

    fn = Plus()
    wrapped = udf(fn, result_type=DataTypes.BIGINT())
    assert wrapped.name == "Plus" and wrapped.deterministic is False and wrapped.func is fn
    fn.open(FunctionContext(job_parameters={"k": "5"}))
    assert wrapped(1) == 6
    assert isinstance(fn, UserDefinedFunction)


def test_udf_type_deprecated_alias_and_validation():
    with pytest.warns(DeprecationWarning):
        f = udf(lambda x: x, result_type="INT", udf_type="pandas")
    assert f.func_type == "pandas"
    with pytest.raises(ValueError, match="func_type"):
        udf(lambda x: x, result_type="INT", func_type="vectorized")
    with pytest.raises(TypeError, match="not a function"):
        udf(42, result_type="INT")
    with pytest.raises(TypeError, match="instance"):
        class F(ScalarFunction):
            def eval(self, x):
                return x
        udf(F, result_type="INT")


def test_partial_form():
    deco = udf(result_type=DataTypes.STRING())
    assert isinstance(deco, functools.partial)
    g = deco(lambda s: s.upper())
    assert g("a") == "A"


def test_function_context_defaults():
    ctx = FunctionContext(None, {"a": "1"})
    assert ctx.get_job_parameter("a") == "1" and ctx.get_job_parameter("b", "d") == "d"
    assert ctx.get_metric_group().counter("c").get_count() == 0


def test_table_aliases():
    import weir.table.udf as tu
    import weir.udf as wu
    from weir.table import DataTypes as D2
    from weir.table.types import DataTypes as D3
    assert tu.udf is wu.udf and tu.ScalarFunction is wu.ScalarFunction and D2 is DataTypes and D3 is DataTypes
