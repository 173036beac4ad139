"""PyFlink's table function surface (``pyflink.table.udf``): ``TableFunction`` and ``udtf`` (general only, as
in PyFlink)."""
from __future__ import annotations

import abc
import collections.abc
import functools
from typing import Any, Iterator, List, Optional, Tuple

from weir.types.datatypes import DataType, RowType, _as_type
from weir.types.row import Row
from weir.udf import UserDefinedFunction, UserDefinedFunctionWrapper


class TableFunction(UserDefinedFunction):
    """Maps zero or more scalar values to zero, one or many rows: ``eval`` yields (or returns) them."""

    @abc.abstractmethod
    def eval(self, *args: Any) -> Any:
        pass


class DelegationTableFunction(TableFunction):
    """Adapts a plain Python callable (usually a generator function) to the TableFunction lifecycle."""

    def __init__(self, func: Any) -> None:
        self.func = func

    def eval(self, *args: Any) -> Any:
        return self.func(*args)


def normalize_result_types(result_types: Any) -> Tuple[List[DataType], Optional[List[str]]]:
    """PyFlink's accepted forms -> (column types, column names or None): a ROW type (object or string) lists the
    columns with their names; a single type is one column; a list gives one column per entry."""
    if isinstance(result_types, (str, DataType)):
        t = _as_type(result_types)
        if isinstance(t, RowType):
            return t.field_types(), t.field_names()
        return [t], None
    types = [_as_type(t) for t in result_types]
    if not types:
        raise ValueError("a table function needs at least one result type")
    return types, None


def normalize_table_result(result: Any) -> Iterator[Any]:
    """PyFlink's rule for what ``eval`` produced: None -> no rows; a list, range, generator or other iterator ->
    one row per item; anything else (tuple, Row, scalar) -> that single row."""
    if result is None:
        return iter(())
    if isinstance(result, (list, range, collections.abc.Iterator)):
        return iter(result)
    return iter((result,))


def row_values(item: Any) -> Tuple[Any, ...]:
    """One produced row as a tuple of column values: a tuple/Row gives its fields, anything else is one value."""
    if isinstance(item, tuple):  # Row is a tuple
        return item
    values = getattr(item, "_values", None)  # a PyFlink Row or an AccumulatorRow
    if isinstance(values, list):
        return tuple(values)
    return (item,)


class UserDefinedTableFunctionWrapper(UserDefinedFunctionWrapper):
    """What ``udtf(...)`` returns; ``_result_types`` as in PyFlink's wrapper."""

    def __init__(self, func: Any, input_types: Any, result_types: Any, deterministic: Optional[bool] = None,
                 name: Optional[str] = None) -> None:
        super().__init__(func, input_types, None, "general", deterministic, name)
        self._result_types: Optional[List[DataType]] = None
        self._result_names: Optional[List[str]] = None
        if result_types is not None:
            self._result_types, self._result_names = normalize_result_types(result_types)

    @property
    def result_types(self) -> Optional[List[DataType]]:
        return self._result_types

    def __call__(self, *args: Any) -> List[Tuple[Any, ...]]:
        """Runs ``eval`` directly and returns the produced rows as tuples (handy in unit tests)."""
        f = self._func.eval if isinstance(self._func, TableFunction) else self._func
        return [row_values(item) for item in normalize_table_result(f(*args))]

    def __repr__(self) -> str:
        return f"<udtf {self._name} input_types={self._input_types} result_types={self._result_types}>"


def _create_udtf(f: Any, input_types: Any, result_types: Any, deterministic: Optional[bool],
                 name: Optional[str]) -> UserDefinedTableFunctionWrapper:
    return UserDefinedTableFunctionWrapper(f, input_types, result_types, deterministic, name)


def udtf(f: Any = None, input_types: Any = None, result_types: Any = None, deterministic: Optional[bool] = None,
         name: Optional[str] = None) -> Any:
    """Declares a table function exactly like ``pyflink.table.udf.udtf``: ``@udtf(result_types=[...])`` on a
    generator function, ``udtf(MyTableFunction(), result_types=...)``; ``result_types`` may also be a ROW type
    (``'ROW<word STRING, n INT>'``), whose fields are the result columns."""
    if f is None:
        return functools.partial(_create_udtf, input_types=input_types, result_types=result_types,
                                 deterministic=deterministic, name=name)
    return _create_udtf(f, input_types, result_types, deterministic, name)


__all__ = ["DelegationTableFunction", "TableFunction", "UserDefinedTableFunctionWrapper", "udtf"]
