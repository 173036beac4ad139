"""Executing ``table`` requests: a table function over every input row, output rows tagged with their input row
index (column ``i``) so the host can join them back (and emit NULL-padded rows for LEFT OUTER lateral joins)."""
from __future__ import annotations

import collections.abc
import itertools
import time
import traceback
from typing import Any, Dict, List

import pyarrow as pa

from weir.metrics import MetricRegistry
from weir.table_function import row_values as produced_values
from weir.types.arrow import to_arrow, to_arrow_field
from weir.worker import conversion
from weir.worker.errors import UDF_ERROR, UDF_RESULT_TYPE, WorkerError
from weir.worker.function_kinds import TableSpec
from weir.worker.request_args import row_values
from weir.worker.scalar_runner import Timings, Value

perf_ns = time.perf_counter_ns


class LoadedTableFunction:
    kind = "table"

    def __init__(self, fn_id: int, spec: TableSpec, registry: MetricRegistry) -> None:
        self.id = fn_id
        self.spec = spec
        self.name = spec.name
        self.registry = registry
        self.arrow_types = [to_arrow(t) for t in spec.result_types]

    def describe(self) -> Dict[str, Any]:
        s = self.spec
        return {"id": self.id, "name": self.name, "kind": "table", "func_type": "general",
                "input_types": None if s.input_types is None else [str(t) for t in s.input_types],
                "result_types": [str(t) for t in s.result_types], "result_names": list(s.result_names),
                "deterministic": s.deterministic}


def run_table(fn: LoadedTableFunction, args: List[Value], rows: int, timings: Timings
              ) -> tuple[List[pa.Array], List[pa.Field], int]:
    t0 = perf_ns()
    columns = [itertools.repeat(a.constant(), rows) if a.is_literal else a.python() for a in args]
    t1 = perf_ns()
    timings.deser_ns += t1 - t0
    width = len(fn.arrow_types)
    f = fn.spec.instance.eval
    index: List[int] = []
    items: List[Any] = []
    i = -1
    iterator = zip(*columns) if args else (() for _ in range(rows))
    try:
        for i, row in enumerate(iterator):
            produced = f(*row)
            if produced is None:
                continue
            if isinstance(produced, (list, range, collections.abc.Iterator)):
                before = len(items)
                items.extend(produced)
                index.extend(itertools.repeat(i, len(items) - before))
            else:  # a tuple, Row or scalar is one row (PyFlink's rule, weir.table_function.normalize_table_result)
                items.append(produced)
                index.append(i)
    except Exception as exc:
        raise WorkerError(UDF_ERROR, f"table function {fn.name!r} raised {type(exc).__name__}: {exc} (row {i})",
                          function=fn.name, traceback=traceback.format_exc(), row=i,
                          values=row_values(args, i)) from None
    out = _columns(fn, items, index, width, args)
    t2 = perf_ns()
    timings.user_ns += t2 - t1
    arrays = [pa.array(index, type=pa.int32())]
    fields = [pa.field("i", pa.int32())]
    for c in range(width):
        try:
            arrays.append(conversion.from_python(out[c], fn.arrow_types[c]))
        except conversion.ConversionError as exc:
            src = None if exc.row is None else index[exc.row]
            raise WorkerError(UDF_RESULT_TYPE, f"table function {fn.name!r} produced {type(exc.value).__name__} "
                                               f"{_short(exc.value)} in column {c} ({fn.spec.result_names[c]}) for "
                                               f"input row {src}, which cannot be converted to "
                                               f"{fn.spec.result_types[c]}: {exc}", function=fn.name, row=src,
                              values=None if src is None else row_values(args, src)) from None
        fields.append(to_arrow_field(f"r{c}", fn.spec.result_types[c]))
    timings.ser_ns += perf_ns() - t2
    return arrays, fields, len(index)


def _columns(fn: LoadedTableFunction, items: List[Any], index: List[int], width: int,
             args: List[Value]) -> List[List[Any]]:
    """Produced rows -> column value lists; a tuple/Row gives its fields, anything else is a one-column row."""
    kinds = set(map(type, items))
    if width == 1 and not any(issubclass(k, tuple) or hasattr(k, "_values") for k in kinds):
        return [items]  # the common single-column case: values as they are
    rows = [produced_values(x) for x in items]
    for k, values in enumerate(rows):
        if len(values) != width:
            i = index[k]
            raise WorkerError(UDF_RESULT_TYPE, f"table function {fn.name!r} produced a row of {len(values)} "
                                               f"field(s) {_short(values)} for input row {i}, but declares {width} "
                                               f"result column(s) {[str(t) for t in fn.spec.result_types]}",
                              function=fn.name, row=i, values=row_values(args, i))
    return [list(c) for c in zip(*rows)] if rows else [[] for _ in range(width)]


def _short(v: Any) -> str:
    r = repr(v)
    return r if len(r) <= 80 else r[:77] + "..."
