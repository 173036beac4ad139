"""PyFlink's UDF surface (``pyflink.table.udf``): ``udf``/``ScalarFunction``, ``udaf``/``AggregateFunction``,
``udtf``/``TableFunction``, ``FunctionContext``.

A module written for PyFlink runs on Weir with only its imports changed. Table aggregate functions (``udtaf``)
are deliberately absent: exporting shells the runtime cannot execute would let a job fail late instead of at
import. Aggregate and table functions live in ``weir.aggregate`` / ``weir.table_function`` and are re-exported.
"""
from __future__ import annotations

import abc
import functools
import warnings
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from weir.metrics import MetricGroup, MetricRegistry
from weir.types.datatypes import DataType, _as_type

FUNC_TYPES = ("general", "pandas")


class FunctionContext:
    """Passed to ``open()``: the function's metric group and the job parameters."""

    def __init__(self, base_metric_group: Optional[MetricGroup] = None,
                 job_parameters: Optional[Dict[str, str]] = None) -> None:
        self._base_metric_group = base_metric_group if base_metric_group is not None \
            else MetricGroup(MetricRegistry())
        self._job_parameters = dict(job_parameters or {})

    def get_metric_group(self) -> MetricGroup:
        return self._base_metric_group

    def get_job_parameter(self, key: str, default_value: Optional[str] = None) -> Optional[str]:
        return self._job_parameters.get(key, default_value)


class UserDefinedFunction(abc.ABC):
    """Base of user-defined functions: lifecycle hooks as in PyFlink."""

    def open(self, function_context: FunctionContext) -> None:
        pass

    def close(self) -> None:
        pass

    def is_deterministic(self) -> bool:
        return True


class ScalarFunction(UserDefinedFunction):
    """Maps zero or more scalar values to one scalar value; subclasses implement ``eval``."""

    @abc.abstractmethod
    def eval(self, *args: Any) -> Any:
        pass


class DelegatingScalarFunction(ScalarFunction):
    """Adapts a plain Python callable to the ScalarFunction lifecycle."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func

    def eval(self, *args: Any) -> Any:
        return self.func(*args)


TypeLike = Union[DataType, str]


class UserDefinedFunctionWrapper:
    """What ``udf(...)`` returns. Attribute names mirror PyFlink's wrapper (``_func``, ``_result_type`` ...)
    so the worker can also host objects built by PyFlink's own ``udf``."""

    def __init__(self, func: Any, input_types: Optional[Union[TypeLike, Sequence[TypeLike]]],
                 result_type: Optional[TypeLike], func_type: str = "general",
                 deterministic: Optional[bool] = None, name: Optional[str] = None) -> None:
        if not callable(func) and not isinstance(func, UserDefinedFunction):
            raise TypeError(f"Invalid function: not a function or callable (__call__ is not defined): {func!r}")
        if func_type not in FUNC_TYPES:
            raise ValueError(f"The func_type must be one of 'general, pandas', got {func_type}.")
        if isinstance(func, type) and issubclass(func, UserDefinedFunction):
            raise TypeError(f"udf() expects an instance of {func.__name__}, not the class itself: "
                            f"use udf({func.__name__}(), ...)")
        self._func = func
        self._input_types: Optional[List[DataType]] = None
        if input_types is not None:
            seq = [input_types] if isinstance(input_types, (DataType, str)) else list(input_types)
            self._input_types = [_as_type(t) for t in seq]
        self._result_type: Optional[DataType] = _as_type(result_type) if result_type is not None else None
        self._func_type = func_type
        if deterministic is None:
            deterministic = func.is_deterministic() if isinstance(func, UserDefinedFunction) else True
        self._deterministic = bool(deterministic)
        if name is None:
            name = getattr(func, "__name__", None) or type(func).__name__
        self._name = name
        functools.update_wrapper(self, func, assigned=("__doc__", "__module__"), updated=())

    # Public read-only views (the underscore names are the PyFlink-compatible storage).
    @property
    def func(self) -> Any:
        return self._func

    @property
    def input_types(self) -> Optional[List[DataType]]:
        return self._input_types

    @property
    def result_type(self) -> Optional[DataType]:
        return self._result_type

    @property
    def func_type(self) -> str:
        return self._func_type

    @property
    def deterministic(self) -> bool:
        return self._deterministic

    @property
    def name(self) -> str:
        return self._name

    def __call__(self, *args: Any) -> Any:
        """Calls the function directly on Python values (PyFlink builds an expression instead); handy in
        unit tests of UDF code. ``open()`` is not called here."""
        if isinstance(self._func, ScalarFunction):
            return self._func.eval(*args)
        return self._func(*args)

    def __repr__(self) -> str:
        return (f"<udf {self._name} func_type={self._func_type} input_types={self._input_types} "
                f"result_type={self._result_type}>")


class UserDefinedScalarFunctionWrapper(UserDefinedFunctionWrapper):
    pass


def _create_udf(f: Any, input_types: Any, result_type: Any, func_type: str, deterministic: Optional[bool],
                name: Optional[str]) -> UserDefinedScalarFunctionWrapper:
    return UserDefinedScalarFunctionWrapper(f, input_types, result_type, func_type, deterministic, name)


def udf(f: Any = None, input_types: Any = None, result_type: Any = None, deterministic: Optional[bool] = None,
        name: Optional[str] = None, func_type: str = "general", udf_type: Optional[str] = None) -> Any:
    """Declares a scalar UDF exactly like ``pyflink.table.udf.udf``.

    ``@udf(result_type=...)``, ``udf(lambda x: ..., result_type=...)``, ``udf(MyScalarFunction(), ...)``,
    ``func_type="pandas"`` for vectorized functions. Types may be DataTypes or Flink type strings.
    ``result_type`` may be omitted here when the host supplies it at load time.
    """
    if udf_type is not None:
        warnings.warn("The param udf_type is deprecated, use func_type instead.", DeprecationWarning, stacklevel=2)
        func_type = udf_type
    if func_type not in FUNC_TYPES:
        raise ValueError(f"The func_type must be one of 'general, pandas', got {func_type}.")
    if f is None:
        return functools.partial(_create_udf, input_types=input_types, result_type=result_type,
                                 func_type=func_type, deterministic=deterministic, name=name)
    return _create_udf(f, input_types, result_type, func_type, deterministic, name)


# Re-exported at the end: those modules subclass the classes above.
from weir.aggregate import (  # noqa: E402
    AggregateFunction, ImperativeAggregateFunction, UserDefinedAggregateFunctionWrapper, udaf,
)
from weir.dataview import DataView, ListView, MapView  # noqa: E402
from weir.table_function import (  # noqa: E402
    DelegationTableFunction, TableFunction, UserDefinedTableFunctionWrapper, udtf,
)

__all__ = [
    "AggregateFunction", "DataView", "DelegatingScalarFunction", "DelegationTableFunction", "FunctionContext",
    "ImperativeAggregateFunction", "ListView", "MapView", "ScalarFunction", "TableFunction",
    "UserDefinedAggregateFunctionWrapper", "UserDefinedFunction", "UserDefinedFunctionWrapper",
    "UserDefinedScalarFunctionWrapper", "UserDefinedTableFunctionWrapper", "udaf", "udf", "udtf",
]
