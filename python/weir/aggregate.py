"""PyFlink's aggregate function surface (``pyflink.table.udf``): ``AggregateFunction`` and ``udaf``."""
from __future__ import annotations

import abc
import functools
from typing import Any, Generic, Optional, Sequence, TypeVar, Union

from weir.types.datatypes import DataType, MapType, _as_type
from weir.udf import FUNC_TYPES, UserDefinedFunction, UserDefinedFunctionWrapper

T = TypeVar("T")
ACC = TypeVar("ACC")
TypeLike = Union[DataType, str]


class ImperativeAggregateFunction(UserDefinedFunction, Generic[T, ACC]):
    """Base of aggregate functions: an accumulator is created, fed rows, (optionally) retracted and merged."""

    @abc.abstractmethod
    def create_accumulator(self) -> ACC:
        """Creates and initializes the accumulator."""

    @abc.abstractmethod
    def accumulate(self, accumulator: ACC, *args: Any) -> None:
        """Adds one input row to the accumulator (in place)."""

    def retract(self, accumulator: ACC, *args: Any) -> None:
        """Removes a previously accumulated input row; needed to consume updating input (-U / -D rows)."""
        raise RuntimeError("Method retract is not implemented")

    def merge(self, accumulator: ACC, accumulators: Any) -> None:
        """Merges ``accumulators`` into ``accumulator`` (in place); needed by session windows."""
        raise RuntimeError("Method merge is not implemented")

    def get_result_type(self) -> TypeLike:
        raise RuntimeError("Method get_result_type is not implemented")

    def get_accumulator_type(self) -> TypeLike:
        raise RuntimeError("Method get_accumulator_type is not implemented")


class AggregateFunction(ImperativeAggregateFunction):
    """Maps the values of many rows to one value: ``get_value(accumulator)`` materializes the result."""

    @abc.abstractmethod
    def get_value(self, accumulator: ACC) -> T:  # type: ignore[type-var]
        """The current result for ``accumulator``."""


_BASE_MODULES = frozenset({__name__, "pyflink.table.udf"})


def overrides(obj: Any, method: str) -> bool:
    """Whether ``obj``'s class implements ``method`` itself (not just inherits the raising default of Weir's or
    PyFlink's base class)."""
    for klass in type(obj).__mro__:
        if method in klass.__dict__:
            return klass.__module__ not in _BASE_MODULES
    return False


def is_aggregate_function(obj: Any) -> bool:
    return all(callable(getattr(obj, m, None)) for m in ("create_accumulator", "accumulate", "get_value"))


class UserDefinedAggregateFunctionWrapper(UserDefinedFunctionWrapper):
    """What ``udaf(...)`` returns; storage names mirror PyFlink's wrapper (``_accumulator_type`` ...)."""

    def __init__(self, func: Any, input_types: Any, result_type: Optional[TypeLike],
                 accumulator_type: Optional[TypeLike], func_type: str = "general",
                 deterministic: Optional[bool] = None, name: Optional[str] = None) -> None:
        if func_type == "general" and not is_aggregate_function(func):
            raise TypeError(f"udaf() with func_type='general' expects an AggregateFunction instance, got "
                            f"{type(func).__name__}; use func_type='pandas' for a function of pandas Series")
        if result_type is None and overrides(func, "get_result_type"):
            result_type = func.get_result_type()
        if accumulator_type is None and func_type == "general" and overrides(func, "get_accumulator_type"):
            accumulator_type = func.get_accumulator_type()
        super().__init__(func, input_types, result_type, func_type, deterministic, name)
        if func_type == "pandas" and isinstance(self._result_type, MapType):
            raise TypeError(f"Invalid returnType: Pandas UDAF doesn't support DataType type {self._result_type} "
                            f"currently")
        self._accumulator_type: Optional[DataType] = \
            _as_type(accumulator_type) if accumulator_type is not None else None

    @property
    def accumulator_type(self) -> Optional[DataType]:
        return self._accumulator_type

    def __call__(self, *columns: Any) -> Any:
        """Runs the aggregate directly (handy in unit tests; ``open()`` is not called): pandas UDAFs take one
        pandas Series per argument, general ones one sequence of values per argument (rows are accumulated in
        order, then ``get_value`` is returned)."""
        f = self._func
        if self._func_type == "pandas":
            if is_aggregate_function(f):
                acc = f.create_accumulator()
                f.accumulate(acc, *columns)
                return f.get_value(acc)
            return f(*columns)
        from weir.accumulator import adopt
        acc = f.create_accumulator()
        if self._accumulator_type is not None:
            acc = adopt(acc, self._accumulator_type)
        for row in zip(*columns):
            f.accumulate(acc, *row)
        return f.get_value(acc)

    def __repr__(self) -> str:
        return (f"<udaf {self._name} func_type={self._func_type} input_types={self._input_types} "
                f"result_type={self._result_type} accumulator_type={self._accumulator_type}>")


def _create_udaf(f: Any, input_types: Any, result_type: Any, accumulator_type: Any, func_type: str,
                 deterministic: Optional[bool], name: Optional[str]) -> UserDefinedAggregateFunctionWrapper:
    return UserDefinedAggregateFunctionWrapper(f, input_types, result_type, accumulator_type, func_type,
                                               deterministic, name)


def udaf(f: Any = None, input_types: Any = None, result_type: Any = None, accumulator_type: Any = None,
         deterministic: Optional[bool] = None, name: Optional[str] = None, func_type: str = "general") -> Any:
    """Declares an aggregate function exactly like ``pyflink.table.udf.udaf``.

    ``udaf(MyAggregateFunction())`` (types from ``get_result_type``/``get_accumulator_type`` or the arguments),
    ``@udaf(result_type="DOUBLE", func_type="pandas")`` on a function of pandas Series returning one value.
    """
    if func_type not in FUNC_TYPES:
        raise ValueError(f"The func_type must be one of 'general, pandas', got {func_type}.")
    if f is None:
        return functools.partial(_create_udaf, input_types=input_types, result_type=result_type,
                                 accumulator_type=accumulator_type, func_type=func_type,
                                 deterministic=deterministic, name=name)
    return _create_udaf(f, input_types, result_type, accumulator_type, func_type, deterministic, name)


__all__ = ["AggregateFunction", "ImperativeAggregateFunction", "UserDefinedAggregateFunctionWrapper", "udaf"]
