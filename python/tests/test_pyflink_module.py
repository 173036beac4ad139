"""A PyFlink-style module (tests/fixtures/pyflink_style_udfs.py) loads through the worker loader and runs."""
import decimal
import re
from pathlib import Path

import pyarrow as pa

from weir.metrics import MetricGroup, MetricRegistry
from weir.udf import FunctionContext
from weir.worker.loader import build_spec, resolve
from weir.worker.scalar_runner import LoadedFunction, Timings, Value, run_step

FIXTURES = str(Path(__file__).parent / "fixtures")


def load(name: str, **overrides):
    obj = resolve(f"pyflink_style_udfs.py:{name}", FIXTURES)
    spec = build_spec({"id": 1, "path": name, "name": name, **overrides}, obj)
    registry = MetricRegistry()
    spec.instance.open(FunctionContext(MetricGroup(registry), {"hashcode_factor": "3"}))
    return LoadedFunction(1, spec, registry)


def run(fn, *columns):
    rows = len(columns[0])
    return run_step(fn, [Value(c, rows) for c in columns], rows, Timings()).to_pylist()


def test_only_imports_differ_from_pyflink():
    src = (Path(FIXTURES) / "pyflink_style_udfs.py").read_text()
    imports = [line for line in src.splitlines() if re.match(r"^(from|import) ", line)]
    assert "from weir.table import DataTypes" in imports
    pyflink = src.replace("from weir.table", "from pyflink.table")
    assert "weir" not in "\n".join(l for l in pyflink.splitlines() if l.startswith(("from", "import")))


def test_class_based_udf_with_open_and_metrics():
    fn = load("hash_code")
    assert run(fn, pa.array(["ab", " Cd ", None])) == [6, 6, None]
    metrics = {name: value for _, name, _, value in fn.registry.collect_changes()}
    assert metrics["calls"] == 3 and metrics["factor"] == 3 and metrics["input_size"]["count"] == 2


def test_lambda_pandas_input_types_decimal_row():
    assert run(load("add_one"), pa.array([1, None, 3])) == [2, None, 4]
    assert run(load("hypot"), pa.array([3.0, 5.0]), pa.array([4.0, 12.0])) == [5.0, 13.0]
    rep = load("repeat")
    assert [str(t) for t in rep.spec.input_types] == ["STRING", "INT"]
    assert run(rep, pa.array(["ab", None]), pa.array([2, 3], pa.int32())) == ["abab", None]
    assert run(load("to_price"), pa.array([1999, None])) == [decimal.Decimal("19.99"), None]
    assert run(load("describe"), pa.array(["hey"])) == [{"len": 3, "upper": "HEY"}]


def test_plain_function_needs_result_type_from_request():
    fn = load("plain_sqrt", result_type="DOUBLE")
    assert run(fn, pa.array([4.0])) == [2.0]


def test_request_overrides_decorator():
    fn = load("add_one", result_type="DOUBLE", func_type="general")
    assert str(fn.result_type) == "DOUBLE" and run(fn, pa.array([1])) == [2.0]
