"""Executing an eval ``program``: steps of general (row-at-a-time) and pandas (vectorized) scalar UDFs.

Step results stay in memory as Arrow arrays (the validated, declared-type form) and feed later steps without
any IPC re-serialization; per-form conversions (pandas / Python list) are cached per value.
"""
from __future__ import annotations

import itertools
import time
import traceback
from typing import Any, Dict, List, Optional

import pandas as pd
import pyarrow as pa

from weir.metrics import MetricRegistry
from weir.types.arrow import to_arrow, to_arrow_field
from weir.worker import conversion
from weir.worker.errors import UDF_ERROR, UDF_RESULT_LENGTH, UDF_RESULT_TYPE, WorkerError
from weir.worker.loader import FunctionSpec

perf_ns = time.perf_counter_ns


class LoadedFunction:
    """An opened scalar function owned by one client."""

    kind = "scalar"

    def __init__(self, fn_id: int, spec: FunctionSpec, registry: MetricRegistry) -> None:
        self.id = fn_id
        self.spec = spec
        self.name = spec.name
        self.is_pandas = spec.func_type == "pandas"
        self.result_type = spec.result_type
        self.result_arrow: pa.DataType = to_arrow(spec.result_type)
        self.eval = spec.instance.eval  # bound once: the row loop calls it millions of times
        self.registry = registry

    def describe(self) -> Dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": "scalar", "func_type": self.spec.func_type,
                "input_types": None if self.spec.input_types is None else [str(t) for t in self.spec.input_types],
                "result_type": str(self.result_type), "deterministic": self.spec.deterministic}

    def result_field(self, name: str) -> pa.Field:
        return to_arrow_field(name, self.result_type)


class Timings:
    __slots__ = ("user_ns", "deser_ns", "ser_ns")

    def __init__(self) -> None:
        self.user_ns = 0
        self.deser_ns = 0
        self.ser_ns = 0

    def as_dict(self) -> Dict[str, int]:
        return {"user_ns": self.user_ns, "deser_ns": self.deser_ns, "ser_ns": self.ser_ns}


class Value:
    """An argument value: an Arrow column (or step result) or a broadcast literal, with cached conversions."""

    __slots__ = ("array", "literal", "is_literal", "_pandas", "_python", "rows")

    def __init__(self, array: Optional[pa.Array], rows: int, literal: Optional[pa.Scalar] = None) -> None:
        self.array = array
        self.literal = literal
        self.is_literal = literal is not None
        self.rows = rows
        self._pandas: Optional[pd.Series] = None
        self._python: Optional[List[Any]] = None

    def pandas(self) -> pd.Series:
        if self._pandas is None:
            arr = self.array if self.array is not None else pa.repeat(self.literal, self.rows)
            self._pandas = conversion.to_pandas(arr)
        return self._pandas

    def python(self) -> List[Any]:
        if self._python is None:
            self._python = conversion.to_python(self.array)
        return self._python

    def constant(self) -> Any:
        """The literal as the general UDF sees it (via a 1-element array so ROW/MAP become Row/dict)."""
        return conversion.to_python(pa.array([self.literal.as_py()], type=self.literal.type))[0] \
            if self.literal.is_valid else None


def run_general(fn: LoadedFunction, args: List[Value], rows: int, timings: Timings) -> pa.Array:
    t0 = perf_ns()
    columns = [a.python() if not a.is_literal else None for a in args]
    constants = [a.constant() if a.is_literal else None for a in args]
    iters = [itertools.repeat(constants[i], rows) if a.is_literal else columns[i] for i, a in enumerate(args)]
    t1 = perf_ns()
    timings.deser_ns += t1 - t0
    f = fn.eval
    results: List[Any] = []
    append = results.append
    try:
        if not args:
            for _ in range(rows):
                append(f())
        elif len(args) == 1:
            for v in iters[0]:
                append(f(v))
        else:
            for row in zip(*iters):
                append(f(*row))
    except Exception as exc:
        timings.user_ns += perf_ns() - t1
        i = len(results)
        values = [constants[k] if a.is_literal else columns[k][i] for k, a in enumerate(args)]
        raise WorkerError(UDF_ERROR, f"function {fn.name!r} raised {type(exc).__name__}: {exc} (row {i})",
                          function=fn.name, traceback=traceback.format_exc(), row=i, values=values) from None
    t2 = perf_ns()
    timings.user_ns += t2 - t1
    try:
        out = conversion.from_python(results, fn.result_arrow)
    except conversion.ConversionError as exc:
        row = exc.row
        values = None if row is None else [constants[k] if a.is_literal else columns[k][row]
                                           for k, a in enumerate(args)]
        got = "" if row is None else f" returned {type(exc.value).__name__} {_short(exc.value)} at row {row}, which"
        raise WorkerError(UDF_RESULT_TYPE, f"function {fn.name!r}{got} cannot be converted to the declared result "
                                           f"type {fn.result_type}: {exc}", function=fn.name, row=row,
                          values=values) from None
    timings.ser_ns += perf_ns() - t2
    return out


def run_pandas(fn: LoadedFunction, args: List[Value], rows: int, timings: Timings) -> pa.Array:
    t0 = perf_ns()
    series = [a.pandas() for a in args]
    t1 = perf_ns()
    timings.deser_ns += t1 - t0
    try:
        result = fn.eval(*series)
    except Exception as exc:
        timings.user_ns += perf_ns() - t1
        raise WorkerError(UDF_ERROR, f"pandas function {fn.name!r} raised {type(exc).__name__}: {exc}",
                          function=fn.name, traceback=traceback.format_exc()) from None
    t2 = perf_ns()
    timings.user_ns += t2 - t1
    try:
        out = conversion.from_pandas(result, fn.result_arrow, rows)
    except conversion.LengthError as exc:
        raise WorkerError(UDF_RESULT_LENGTH, f"pandas function {fn.name!r} returned {exc.got} rows for an input "
                                             f"of {exc.expected} rows; a pandas UDF must return exactly one value "
                                             f"per input row", function=fn.name) from None
    except conversion.ConversionError as exc:
        where = "" if exc.row is None else f" (first bad value {_short(exc.value)} at row {exc.row})"
        raise WorkerError(UDF_RESULT_TYPE, f"pandas function {fn.name!r} {exc}; declared result type is "
                                           f"{fn.result_type}{where}", function=fn.name, row=exc.row) from None
    timings.ser_ns += perf_ns() - t2
    return out


def _short(v: Any) -> str:
    r = repr(v)
    return r if len(r) <= 80 else r[:77] + "..."


def run_step(fn: LoadedFunction, args: List[Value], rows: int, timings: Timings) -> pa.Array:
    if fn.is_pandas:
        return run_pandas(fn, args, rows, timings)
    return run_general(fn, args, rows, timings)
