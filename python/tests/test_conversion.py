import datetime as dt
import decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from weir.types import Row, to_arrow
from weir.worker import conversion

UTC = dt.timezone.utc
CASES = [
    ("BOOLEAN", [True, None, False]),
    ("TINYINT", [1, None, -128]),
    ("SMALLINT", [1, None, 32767]),
    ("INT", [1, None, -2 ** 31]),
    ("BIGINT", [2 ** 63 - 1, None, -(2 ** 63)]),
    ("FLOAT", [1.5, None, -2.25]),
    ("DOUBLE", [1e300, None, -0.5]),
    ("DECIMAL(10, 2)", [decimal.Decimal("12345678.90"), None, decimal.Decimal("-0.01")]),
    ("DECIMAL(38, 10)", [decimal.Decimal("1234567890123456789012345678.0123456789"), None, decimal.Decimal(0)]),
    ("STRING", ["héllo", None, ""]),
    ("BYTES", [b"\x00\xff", None, b""]),
    ("DATE", [dt.date(2024, 2, 29), None, dt.date(1969, 12, 31)]),
    ("TIME", [dt.time(23, 59, 59, 999000), None, dt.time(0, 0)]),
    ("TIMESTAMP(3)", [dt.datetime(2024, 1, 2, 3, 4, 5, 678000), None, dt.datetime(1960, 1, 1)]),
    ("TIMESTAMP(6)", [dt.datetime(2024, 1, 2, 3, 4, 5, 678901), None, dt.datetime(1960, 1, 1)]),
    ("TIMESTAMP_LTZ(3)", [dt.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC), None,
                          dt.datetime(1970, 1, 1, tzinfo=UTC)]),
    ("ARRAY<STRING>", [["a", None], None, []]),
    ("ARRAY<ARRAY<BIGINT>>", [[[1], [2, None]], None, [None]]),
    ("ROW<a INT, b STRING>", [Row(a=1, b="x"), None, Row(a=None, b=None)]),
    ("MAP<STRING, INT>", [{"k": 1, "z": None}, None, {}]),
    ("ARRAY<ROW<x DOUBLE, m MAP<STRING, ROW<y INT>>>>", [[Row(x=1.0, m={"k": Row(y=2)})], None, []]),
]




@pytest.mark.parametrize("type_str,values", CASES, ids=[c[0] for c in CASES])
def test_general_round_trip(type_str, values):
    at = to_arrow(type_str)
    arr = pa.array(values, type=at)  # independent of the code under test
    py = conversion.to_python(arr)
    assert py == values
    for v in py:
        if type_str.startswith("ROW") and v is not None:
            assert isinstance(v, Row) and v._fields == ["a", "b"]
    back = conversion.from_python(py, at)
    assert back.equals(arr)


def test_general_value_types():
    assert conversion.to_python(pa.array([1], pa.timestamp("ms", tz="UTC")))[0].tzinfo is not None
    assert conversion.to_python(pa.array([1], pa.timestamp("ms")))[0].tzinfo is None
    nested = conversion.to_python(conversion.from_python([[Row(x=1.0, m={"k": Row(y=2)})]],
                                                         to_arrow("ARRAY<ROW<x DOUBLE, m MAP<STRING, ROW<y INT>>>>")))
    assert isinstance(nested[0][0], Row) and isinstance(nested[0][0].m["k"], Row) and nested[0][0].m["k"].y == 2


@pytest.mark.parametrize("type_str,values", CASES, ids=[c[0] for c in CASES])
def test_pandas_round_trip(type_str, values):
    at = to_arrow(type_str)
    arr = conversion.from_python(values, at)
    s = conversion.to_pandas(arr)
    assert isinstance(s, pd.Series) and len(s) == 3
    back = conversion.from_pandas(s, at, 3)
    if type_str in ("FLOAT", "DOUBLE"):
        assert s.dtype == np.float64 and np.isnan(s[1])
    assert back.equals(arr), (back, arr)


def test_pandas_dtypes():
    s = conversion.to_pandas(pa.array([1, 2], pa.int32()))
    assert s.dtype == np.int64
    assert conversion.to_pandas(pa.array([1, None], pa.int8())).dtype == pd.Int64Dtype()
    assert conversion.to_pandas(pa.array(["a", None])).dtype == object
    assert conversion.to_pandas(pa.array([True, False])).dtype == bool
    assert conversion.to_pandas(pa.array([True, None])).dtype == object
    assert conversion.to_pandas(pa.array([dt.date(2020, 1, 1)])).dtype == object
    assert str(conversion.to_pandas(pa.array([0], pa.timestamp("us", tz="UTC"))).dtype).endswith("UTC]")
    assert conversion.to_pandas(pa.array([{"a": 1}], to_arrow("MAP<STRING, INT>")))[0] == {"a": 1}
    assert conversion.to_pandas(pa.array([[1, 2]], to_arrow("ARRAY<INT>")))[0] == [1, 2]


def test_float64_input_is_zero_copy():
    arr = pa.array(np.arange(1000, dtype=np.float64))
    s = conversion.to_pandas(arr)
    assert s.to_numpy().ctypes.data == arr.buffers()[1].address


def test_pandas_results():
    at = to_arrow("BIGINT")
    assert conversion.from_pandas(pd.Series([1, None], dtype="Int64"), at, 2).to_pylist() == [1, None]
    assert conversion.from_pandas(np.array([1.0, 2.0]), to_arrow("DOUBLE"), 2).to_pylist() == [1.0, 2.0]
    assert conversion.from_pandas([1, 2], at, 2).to_pylist() == [1, 2]
    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    assert conversion.from_pandas(df, to_arrow("ROW<a INT, b STRING>"), 2).to_pylist() == [
        {"a": 1, "b": "x"}, {"a": 2, "b": "y"}]
    ns = pd.Series(pd.to_datetime(["2024-01-01 00:00:00.123456789"]))
    assert conversion.from_pandas(ns, to_arrow("TIMESTAMP(3)"), 1).to_pylist() == [
        dt.datetime(2024, 1, 1, 0, 0, 0, 123000)]
    berlin = pd.Series(pd.to_datetime(["2024-01-01 01:00"]).tz_localize("Europe/Berlin"))
    assert conversion.from_pandas(berlin, to_arrow("TIMESTAMP_LTZ(3)"), 1).to_pylist()[0] == dt.datetime(
        2024, 1, 1, 0, 0, tzinfo=ZoneInfo("UTC"))
    with pytest.raises(conversion.LengthError):
        conversion.from_pandas(pd.Series([1.0]), to_arrow("DOUBLE"), 2)
    with pytest.raises(conversion.ConversionError, match="must return a pandas.Series"):
        conversion.from_pandas(1.0, to_arrow("DOUBLE"), 1)
    with pytest.raises(conversion.ConversionError, match="object"):
        conversion.from_pandas(pd.Series(["a"], dtype=object), at, 1)


def test_general_result_errors_name_the_row():
    with pytest.raises(conversion.ConversionError) as exc:
        conversion.from_python([1, 2, "three", 4], to_arrow("BIGINT"))
    assert exc.value.row == 2 and exc.value.value == "three"
    with pytest.raises(conversion.ConversionError) as exc:
        conversion.from_python([1, 2 ** 64], to_arrow("BIGINT"))
    assert exc.value.row == 1
    # natural shapes are accepted: list for ROW, Row inside ARRAY, dict for MAP
    assert conversion.from_python([[1, "x"]], to_arrow("ROW<a INT, b STRING>")).to_pylist() == [{"a": 1, "b": "x"}]


def test_literals():
    assert conversion.literal_scalar("12.50", to_arrow("DECIMAL(10, 2)")).as_py() == decimal.Decimal("12.50")
    assert conversion.literal_scalar("2024-01-02", to_arrow("DATE")).as_py() == dt.date(2024, 1, 2)
    assert conversion.literal_scalar("2024-01-02T03:04:05", to_arrow("TIMESTAMP(3)")).as_py() == dt.datetime(
        2024, 1, 2, 3, 4, 5)
    assert conversion.literal_scalar(None, to_arrow("BIGINT")).as_py() is None
    assert conversion.literal_scalar(3, to_arrow("DOUBLE")).as_py() == 3.0


def test_error_value_rendering():
    from weir.worker.errors import render_value
    assert render_value(decimal.Decimal("1.50")) == "1.50"
    assert render_value(dt.date(2024, 1, 2)) == "2024-01-02"
    assert render_value(Row(a=1, b=[dt.time(1, 2)])) == {"a": 1, "b": ["01:02:00"]}
    assert render_value(2 ** 70) == str(2 ** 70) and render_value(float("nan")) == "nan"
    assert len(render_value("x" * 5000)) == 1027 and render_value(np.int32(3)) == 3
    assert render_value({(1, 2): object()}).keys() == {"(1, 2)"}
