"""API parity with pyflink.table.udf for udaf/udtf, data views and the accumulator conversions."""
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import weir.table.udf as table_udf
from weir.accumulator import AccumulatorRow, adopt, decoder, encoder, AccumulatorTypeError
from weir.table import AggregateFunction, DataTypes, ListView, MapView, Row, TableFunction
from weir.table.data_view import ListView as ListView2
from weir.types import parse_type
from weir.udf import UserDefinedFunction, udaf, udtf
from weir.worker.accumulator_codec import AccumulatorCodec
from weir.worker.errors import WorkerError

FIXTURES = Path(__file__).parent / "fixtures"


class Sum(AggregateFunction):
    def create_accumulator(self):
        return [0]

    def accumulate(self, acc, x):
        acc[0] += x

    def get_value(self, acc):
        return acc[0]

    def get_result_type(self):
        return "BIGINT"

    def get_accumulator_type(self):
        return "ARRAY<BIGINT>"


def test_exports_match_pyflink_paths():
    for name in ("udaf", "udtf", "AggregateFunction", "TableFunction", "ImperativeAggregateFunction"):
        assert name in table_udf.__all__ and hasattr(table_udf, name)
    assert ListView is ListView2 and issubclass(AggregateFunction, UserDefinedFunction)
    assert issubclass(TableFunction, UserDefinedFunction)


def test_udaf_forms():
    s = udaf(Sum())
    assert s.result_type == DataTypes.BIGINT() and s.accumulator_type == DataTypes.ARRAY(DataTypes.BIGINT())
    assert s.func_type == "general" and s.name == "Sum" and s([1, 2, 3]) == 6
    s2 = udaf(Sum(), result_type=DataTypes.INT(), accumulator_type="ARRAY<INT>", name="s2", deterministic=False)
    assert s2.result_type == DataTypes.INT() and s2.name == "s2" and not s2.deterministic

    @udaf(result_type=DataTypes.FLOAT(), func_type="pandas")
    def mean_udaf(v):
        return v.mean()

    assert mean_udaf.func_type == "pandas" and mean_udaf.accumulator_type is None
    assert mean_udaf(pd.Series([1.0, 3.0])) == 2.0
    assert udaf(lambda v: v.max(), result_type="DOUBLE", func_type="pandas").name == "<lambda>"
    with pytest.raises(ValueError, match="func_type"):
        udaf(Sum(), func_type="vectorized")
    with pytest.raises(TypeError, match="AggregateFunction"):
        udaf(lambda v: v, result_type="INT")
    with pytest.raises(TypeError, match="Pandas UDAF doesn't support"):
        udaf(lambda v: v, result_type="MAP<STRING, INT>", func_type="pandas")


def test_udtf_forms():
    @udtf(result_types=[DataTypes.BIGINT(), DataTypes.BIGINT()])
    def range_emit(s, e):
        for i in range(e):
            yield s, i

    assert range_emit.result_types == [DataTypes.BIGINT(), DataTypes.BIGINT()] and range_emit(5, 2) == [(5, 0), (5, 1)]
    t = udtf(lambda s: s.split(), result_types="STRING", input_types=["STRING"])
    assert t("a b") == [("a",), ("b",)] and t.input_types == [DataTypes.STRING()]
    r = udtf(lambda: None, result_types="ROW<a INT, b STRING>")
    assert r.result_types == [DataTypes.INT(), DataTypes.STRING()] and r._result_names == ["a", "b"] and r() == []

    class One(TableFunction):
        def eval(self, x):
            return Row(x, x * 2)  # a single (non-list) result is one row

    assert udtf(One(), result_types=["INT", "INT"])(3) == [(3, 6)]


def test_data_views():
    lv = ListView()
    lv.add(1)
    lv.add_all([2, 3])
    same = ListView2()
    same.add_all([1, 2, 3])
    assert list(lv) == [1, 2, 3] and lv.get() == [1, 2, 3] and lv == same and lv != ListView()
    lv.clear()
    assert list(lv) == []
    mv = MapView()
    mv.put("a", 1)
    mv.put_all({"b": 2})
    assert mv.get("a") == 1 and mv.contains("b") and sorted(mv) == ["a", "b"] and not mv.is_empty()
    mv.remove("a")
    assert dict(mv.items()) == {"b": 2} and mv.get("zz") is None
    assert str(DataTypes.LIST_VIEW(DataTypes.STRING())) == "ARRAY<STRING>"
    assert str(DataTypes.MAP_VIEW(DataTypes.STRING(), DataTypes.INT())) == "MAP<STRING, INT>"


def test_accumulator_row_is_mutable_like_pyflink_row():
    acc = adopt(Row(0.0, 0), parse_type("ROW<sum DOUBLE, count BIGINT>"))
    acc[0] += 1.5
    acc["count"] += 1
    acc.count += 1
    assert acc == [1.5, 2] and acc.sum == 1.5 and acc.as_dict() == {"sum": 1.5, "count": 2}
    assert repr(acc) == "Row(sum=1.5, count=2)" and acc.to_row() == Row(1.5, 2)
    with pytest.raises(KeyError):
        acc["nope"]


def test_nested_accumulator_round_trip_through_arrow():
    t = DataTypes.ROW([DataTypes.FIELD("views", DataTypes.LIST_VIEW(DataTypes.ROW([
                           DataTypes.FIELD("k", DataTypes.STRING()), DataTypes.FIELD("n", DataTypes.BIGINT())]))),
                       DataTypes.FIELD("seen", DataTypes.MAP_VIEW(DataTypes.STRING(), DataTypes.BIGINT())),
                       DataTypes.FIELD("plain", DataTypes.ARRAY(DataTypes.DOUBLE()))])
    codec = AccumulatorCodec("f", t)
    views, seen = ListView(), MapView()
    views.add(Row("a", 1))
    seen.put("x", 2)
    column = codec.encode([Row(views, seen, [1.0]), None])
    assert column.to_pylist()[0]["views"] == [{"k": "a", "n": 1}]
    back = codec.decode(column, 2, "test")
    assert isinstance(back[0].views, ListView) and isinstance(back[0].seen, MapView) and back[1] is None
    assert isinstance(list(back[0].views)[0], AccumulatorRow) and back[0].seen.get("x") == 2
    list(back[0].views)[0]["n"] += 1
    assert codec.encode(back).to_pylist()[0]["views"] == [{"k": "a", "n": 2}]


def test_accumulator_shape_errors_name_the_field():
    t = parse_type("ROW<a BIGINT, b ARRAY<BIGINT>>")
    with pytest.raises(AccumulatorTypeError, match=r"acc.b: expected a list or ListView"):
        encoder(t)((1, 5), "acc")
    with pytest.raises(AccumulatorTypeError, match="has 3 fields"):
        encoder(t)((1, [], 3), "acc")
    with pytest.raises(WorkerError, match=r"field acc.b\[1\]") as err:
        AccumulatorCodec("f", t).encode([(1, [1, "x"])])
    assert err.value.code == "UDF_RESULT_TYPE" and err.value.group == 0
    assert decoder(parse_type("ARRAY<BIGINT>")) is None  # plain values need no per-value work


def test_pyflink_style_modules_differ_only_in_imports():
    for module in ("pyflink_style_udafs.py", "pyflink_style_udtfs.py"):
        src = (FIXTURES / module).read_text()
        imports = [line for line in src.splitlines() if re.match(r"^(from|import) ", line)]
        assert imports and all(line.startswith("from weir.table") for line in imports), imports
