"""``load`` of ``kind: "aggregate"`` and ``kind: "table"`` functions: resolved, typed specs (before open()).

Like scalar loading (``loader.build_spec``), the request's ``result_type``/``accumulator_type``/``input_types``/
``result_types``/``func_type`` override the decorator's values, and each client gets its own deep copy.
"""
from __future__ import annotations

import copy
import logging
from typing import Any, Dict, List, Optional

from weir.aggregate import is_aggregate_function, overrides
from weir.types.datatypes import DataType
from weir.table_function import DelegationTableFunction, TableFunction, normalize_result_types
from weir.types.parser import TypeParseError
from weir.udf import FUNC_TYPES, UserDefinedFunction
from weir.worker.errors import PROTOCOL_ERROR, UDF_NOT_A_FUNCTION, UDF_UNKNOWN_TYPE, WorkerError
from weir.worker.loader import _parse

log = logging.getLogger("weir.worker.function_kinds")

KINDS = ("scalar", "aggregate", "table")


def wrapper_kind(obj: Any) -> Optional[str]:
    """The kind a Weir (or PyFlink) wrapper object was declared as, None for a bare object."""
    if not hasattr(obj, "_func"):
        return None
    if hasattr(obj, "_accumulator_type"):
        return "aggregate"
    if hasattr(obj, "_result_types"):
        return "table"
    return "scalar" if hasattr(obj, "_result_type") else None


def detect_kind(obj: Any) -> str:
    """The kind of a resolved attribute for ``load`` with ``kind: "auto"`` (registration does not know it): the
    maker it was declared with (udf/udaf/udtf), else a TableFunction or AggregateFunction instance's kind, else
    scalar (whose loader then reports what is wrong with the object)."""
    declared = wrapper_kind(obj)
    if declared is not None:
        return declared
    if isinstance(obj, TableFunction):
        return "table"
    return "aggregate" if is_aggregate_function(obj) else "scalar"


def check_kind(req: Dict[str, Any], obj: Any, kind: str) -> None:
    declared = wrapper_kind(obj)
    if declared is not None and declared != kind:
        maker = {"scalar": "udf", "aggregate": "udaf", "table": "udtf"}[declared]
        raise WorkerError(UDF_NOT_A_FUNCTION, f"{req.get('path')!r} was declared with {maker}(...) (a {declared} "
                                              f"function) but is loaded as kind {kind!r}",
                          function=req.get("name") or req.get("path"))


class PandasAggregate(UserDefinedFunction):
    """A pandas UDAF as one callable over pandas Series (PyFlink's PandasAggregateFunctionWrapper)."""

    def __init__(self, func: Any) -> None:
        self.func = func
        self.is_aggregate = is_aggregate_function(func)

    def open(self, function_context: Any) -> None:
        if hasattr(self.func, "open"):
            self.func.open(function_context)

    def close(self) -> None:
        if hasattr(self.func, "close"):
            self.func.close()

    def eval(self, *series: Any) -> Any:
        if self.is_aggregate:
            acc = self.func.create_accumulator()
            self.func.accumulate(acc, *series)
            return self.func.get_value(acc)
        return self.func(*series)


class AggregateSpec:
    def __init__(self, instance: Any, name: str, func_type: str, input_types: Optional[List[DataType]],
                 result_type: DataType, accumulator_type: Optional[DataType], deterministic: bool) -> None:
        self.instance = instance
        self.name = name
        self.func_type = func_type
        self.input_types = input_types
        self.result_type = result_type
        self.accumulator_type = accumulator_type
        self.deterministic = deterministic
        general = func_type == "general"
        self.has_retract = general and overrides(instance, "retract")
        self.has_merge = general and overrides(instance, "merge")


class TableSpec:
    def __init__(self, instance: Any, name: str, input_types: Optional[List[DataType]],
                 result_types: List[DataType], result_names: List[str], deterministic: bool) -> None:
        self.instance = instance
        self.name = name
        self.func_type = "general"
        self.input_types = input_types
        self.result_types = result_types
        self.result_names = result_names
        self.deterministic = deterministic


def _declared(obj: Any, attr: str, getter: str, func: Any) -> Any:
    value = getattr(obj, attr, None) if wrapper_kind(obj) else None
    if value is None and overrides(func, getter):
        value = getattr(func, getter)()
    return value


def _common(req: Dict[str, Any], obj: Any, name: str) -> Any:
    func = obj._func if wrapper_kind(obj) else obj
    if isinstance(func, type):
        raise WorkerError(UDF_NOT_A_FUNCTION, f"{req.get('path')!r} is a class; expose an instance instead",
                          function=name)
    return func


def _inputs(req: Dict[str, Any], obj: Any, name: str) -> Optional[List[DataType]]:
    inputs = req.get("input_types")
    if inputs is None and wrapper_kind(obj):
        inputs = getattr(obj, "_input_types", None)
    return None if inputs is None else [_parse(t, "input type", name) for t in inputs]


def _deterministic(obj: Any, instance: Any) -> bool:
    value = getattr(obj, "_deterministic", None) if wrapper_kind(obj) else None
    if value is None:
        value = instance.is_deterministic() if hasattr(instance, "is_deterministic") else True
    return bool(value)


def build_aggregate_spec(req: Dict[str, Any], obj: Any) -> AggregateSpec:
    name = req.get("name") or req.get("path") or "<unnamed>"
    check_kind(req, obj, "aggregate")
    func = _common(req, obj, name)
    func_type = req.get("func_type") or (getattr(obj, "_func_type", None) if wrapper_kind(obj) else None) \
        or ("general" if is_aggregate_function(func) else "pandas")
    if func_type not in FUNC_TYPES:
        raise WorkerError(PROTOCOL_ERROR, f"func_type of {name!r} must be 'general' or 'pandas', got {func_type!r}",
                          function=name)
    if func_type == "general" and not is_aggregate_function(func):
        raise WorkerError(UDF_NOT_A_FUNCTION, f"{req.get('path')!r} is a {type(func).__name__}, not an "
                                              f"AggregateFunction (create_accumulator/accumulate/get_value); a "
                                              f"plain function is a pandas UDAF: func_type='pandas'", function=name)
    if func_type == "pandas" and not callable(func) and not is_aggregate_function(func):
        raise WorkerError(UDF_NOT_A_FUNCTION, f"{req.get('path')!r} is not callable", function=name)
    result = req.get("result_type") or _declared(obj, "_result_type", "get_result_type", func)
    if result is None:
        raise WorkerError(UDF_NOT_A_FUNCTION, f"aggregate function {name!r} has no result type: declare "
                                              f"get_result_type() or udaf(result_type=...)", function=name)
    acc_type: Optional[DataType] = None
    if func_type == "general":
        acc = req.get("accumulator_type") or _declared(obj, "_accumulator_type", "get_accumulator_type", func)
        if acc is None:
            raise WorkerError(UDF_NOT_A_FUNCTION, f"aggregate function {name!r} has no accumulator type: declare "
                                                  f"get_accumulator_type() or udaf(accumulator_type=...)",
                              function=name)
        acc_type = _parse(acc, "accumulator_type", name)
    result_type = _parse(result, "result_type", name)
    if func_type == "general":
        instance: Any = _private_copy(func)
    else:
        instance = PandasAggregate(_private_copy(func) if is_aggregate_function(func) else func)
    return AggregateSpec(instance, name, func_type, _inputs(req, obj, name), result_type, acc_type,
                         _deterministic(obj, instance))


def build_table_spec(req: Dict[str, Any], obj: Any) -> TableSpec:
    name = req.get("name") or req.get("path") or "<unnamed>"
    check_kind(req, obj, "table")
    func = _common(req, obj, name)
    if not callable(func) and not callable(getattr(func, "eval", None)):
        raise WorkerError(UDF_NOT_A_FUNCTION, f"{req.get('path')!r} is a {type(func).__name__}, not a table "
                                              f"function", function=name)
    if (req.get("func_type") or "general") != "general":
        raise WorkerError(PROTOCOL_ERROR, f"table function {name!r}: only func_type 'general' exists",
                          function=name)
    raw = req.get("result_types")
    if raw is None and wrapper_kind(obj):
        raw = getattr(obj, "_result_types", None)
    if raw is None:
        raise WorkerError(UDF_NOT_A_FUNCTION, f"table function {name!r} has no result types: declare "
                                              f"udtf(result_types=...) or send result_types", function=name)
    try:
        types, names = normalize_result_types(raw)
    except (TypeParseError, TypeError, ValueError) as exc:
        raise WorkerError(UDF_UNKNOWN_TYPE, f"result_types of function {name!r}: {exc}", function=name) from None
    if names is None:
        wrapper_names = getattr(obj, "_result_names", None) if req.get("result_types") is None else None
        names = list(wrapper_names) if wrapper_names else [f"f{i}" for i in range(len(types))]
    if isinstance(func, UserDefinedFunction) or callable(getattr(func, "eval", None)):
        instance = _private_copy(func)
    else:
        instance = DelegationTableFunction(func)
    return TableSpec(instance, name, _inputs(req, obj, name), types, names, _deterministic(obj, instance))



def _private_copy(func: Any) -> Any:
    """Each client gets its own instance (as PyFlink gives each operator its own copy)."""
    try:
        return copy.deepcopy(func)
    except Exception as exc:
        log.warning("cannot deep-copy %r (%s); clients share one instance", func, exc)
        return func
