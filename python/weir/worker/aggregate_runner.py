"""Executing ``aggregate`` requests: many groups per request (docs/protocol.md, "Aggregate functions").

Modes: ``accumulate`` (general UDAF, accumulators kept by the host, rows applied by row kind), ``merge``
(general UDAF, accumulators merged into the groups' accumulators) and ``complete`` (all rows of each group,
stateless: pandas UDAFs, and general UDAFs over complete window contents).
"""
from __future__ import annotations

import itertools
import time
import traceback
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np
import pandas as pd
import pyarrow as pa

from weir.accumulator import adopt
from weir.metrics import MetricRegistry
from weir.types.arrow import to_arrow, to_arrow_field
from weir.worker import conversion
from weir.worker.accumulator_codec import AccumulatorCodec
from weir.worker.errors import UDF_ERROR, UDF_RESULT_LENGTH, UDF_RESULT_TYPE, WorkerError
from weir.worker.function_kinds import AggregateSpec
from weir.worker.request_args import row_values
from weir.worker.scalar_runner import Timings, Value

perf_ns = time.perf_counter_ns
Columns = Tuple[List[pa.Array], List[pa.Field]]


class LoadedAggregate:
    kind = "aggregate"

    def __init__(self, fn_id: int, spec: AggregateSpec, registry: MetricRegistry) -> None:
        self.id = fn_id
        self.spec = spec
        self.name = spec.name
        self.registry = registry
        self.is_pandas = spec.func_type == "pandas"
        self.result_arrow: pa.DataType = to_arrow(spec.result_type)
        self.codec = None if spec.accumulator_type is None else AccumulatorCodec(spec.name, spec.accumulator_type)

    def describe(self) -> Dict[str, Any]:
        s = self.spec
        return {"id": self.id, "name": self.name, "kind": "aggregate", "func_type": s.func_type,
                "input_types": None if s.input_types is None else [str(t) for t in s.input_types],
                "result_type": str(s.result_type),
                "accumulator_type": None if s.accumulator_type is None else str(s.accumulator_type),
                "deterministic": s.deterministic, "has_retract": s.has_retract, "has_merge": s.has_merge}

    # -- user-code calls with error mapping ------------------------------------------------------------------------
    def call(self, what: str, f: Callable[..., Any], *args: Any, group: Optional[int] = None,
             row: Optional[int] = None, values: Optional[List[Any]] = None) -> Any:
        try:
            return f(*args)
        except Exception as exc:
            where = f" (group {group})" if row is None and group is not None else \
                f" (row {row}, group {group})" if row is not None else ""
            raise WorkerError(UDF_ERROR, f"{what} of aggregate function {self.name!r} raised "
                                         f"{type(exc).__name__}: {exc}{where}", function=self.name,
                              traceback=traceback.format_exc(), row=row, values=values, group=group) from None

    def new_accumulator(self, group: int) -> Any:
        acc = self.call("create_accumulator()", self.spec.instance.create_accumulator, group=group)
        return adopt(acc, self.spec.accumulator_type)

    def results(self, accs: List[Any], is_new: Optional[List[bool]] = None) -> pa.Array:
        get_value = self.spec.instance.get_value
        out = [None if is_new is not None and is_new[j] else self.call("get_value()", get_value, acc, group=j)
               for j, acc in enumerate(accs)]
        return self.to_arrow_results(out)

    def to_arrow_results(self, out: List[Any], pandas: bool = False) -> pa.Array:
        try:
            if pandas:
                return conversion.from_pandas(out, self.result_arrow, len(out))
            return conversion.from_python(out, self.result_arrow)
        except conversion.LengthError as exc:  # pragma: no cover - a list always has the right length
            raise WorkerError(UDF_RESULT_LENGTH, str(exc), function=self.name) from None
        except conversion.ConversionError as exc:
            got = "" if exc.row is None else f" returned {type(exc.value).__name__} {exc.value!r} for group {exc.row}"
            raise WorkerError(UDF_RESULT_TYPE, f"aggregate function {self.name!r}{got}, which cannot be converted "
                                               f"to the declared result type {self.spec.result_type}: {exc}",
                              function=self.name, group=exc.row) from None

    def result_field(self, name: str) -> pa.Field:
        return to_arrow_field(name, self.spec.result_type)

    def previous_field(self) -> pa.Field:
        return pa.field("p0", self.result_arrow, nullable=True)


def _check_updates(fn: LoadedAggregate, kinds: Optional[np.ndarray], args: List[Value]) -> None:
    if kinds is None or fn.spec.has_retract:
        return
    bad = np.flatnonzero(kinds & 1)
    if bad.size:
        i = int(bad[0])
        what = "pandas aggregate function" if fn.is_pandas else "aggregate function"
        raise WorkerError(UDF_ERROR, f"{what} {fn.name!r} has no retract(), it cannot consume updates "
                                     f"(row {i} has row kind {('-U', '-D')[int(kinds[i]) // 2]})",
                          function=fn.name, row=i, values=row_values(args, i))


def _iterators(args: List[Value], rows: int) -> List[Any]:
    return [itertools.repeat(a.constant(), rows) if a.is_literal else a.python() for a in args]


def run_accumulate(fn: LoadedAggregate, args: List[Value], groups: np.ndarray, kinds: Optional[np.ndarray],
                   n: int, acc_column: Optional[pa.Array], want_results: bool, want_previous: bool,
                   with_acc: bool, timings: Timings) -> Columns:
    """Applies rows to the groups' accumulators in request order: +I/+U accumulate, -U/-D retract."""
    assert fn.codec is not None
    _check_updates(fn, kinds, args)
    t0 = perf_ns()
    accs = fn.codec.decode(acc_column, n, "aggregate frame 2")
    is_new = [a is None for a in accs]
    columns = _iterators(args, len(groups))
    t1 = perf_ns()
    timings.deser_ns += t1 - t0
    for j in range(n):
        if is_new[j]:
            accs[j] = fn.new_accumulator(j)
    previous = fn.results(accs, is_new) if want_previous else None
    inst = fn.spec.instance
    accumulate, retract = inst.accumulate, getattr(inst, "retract", None)
    g_list = groups.tolist()
    i = -1
    try:
        if kinds is None:
            for i, (g, *row) in enumerate(zip(g_list, *columns)):
                accumulate(accs[g], *row)
        else:
            for i, (g, k, *row) in enumerate(zip(g_list, kinds.tolist(), *columns)):
                (retract if k & 1 else accumulate)(accs[g], *row)
    except Exception as exc:
        k = 0 if kinds is None else int(kinds[i])
        raise WorkerError(UDF_ERROR, f"{'retract' if k & 1 else 'accumulate'}() of aggregate function {fn.name!r} "
                                     f"raised {type(exc).__name__}: {exc} (row {i}, group {g_list[i]})",
                          function=fn.name, traceback=traceback.format_exc(), row=i,
                          values=row_values(args, i), group=g_list[i]) from None
    return _reply(fn, accs, want_results, previous, with_acc, timings, t1)


def run_merge(fn: LoadedAggregate, groups: np.ndarray, items: pa.Array, n: int, acc_column: Optional[pa.Array],
              want_results: bool, want_previous: bool, timings: Timings) -> Columns:
    """Merges frame 1's accumulators (column ``acc``) into the accumulators of their groups (column ``g``)."""
    assert fn.codec is not None
    if not fn.spec.has_merge:
        raise WorkerError(UDF_ERROR, f"aggregate function {fn.name!r} has no merge(), it cannot merge "
                                     f"accumulators (session windows, two-phase aggregation)", function=fn.name,
                          row=None, values=None)
    t0 = perf_ns()
    targets = fn.codec.decode(acc_column, n, "aggregate frame 2")
    sources = fn.codec.decode(items, len(groups), "aggregate frame 1")
    per_group: List[List[Any]] = [[] for _ in range(n)]
    for g, acc in zip(groups.tolist(), sources):
        if acc is not None:  # a NULL accumulator has accumulated nothing
            per_group[g].append(acc)
    is_new = [a is None for a in targets]
    t1 = perf_ns()
    timings.deser_ns += t1 - t0
    for j in range(n):
        if is_new[j]:
            targets[j] = fn.new_accumulator(j)
    previous = fn.results(targets, is_new) if want_previous else None
    merge = fn.spec.instance.merge
    for j, accs in enumerate(per_group):
        if accs:
            fn.call("merge()", merge, targets[j], accs, group=j)
    return _reply(fn, targets, want_results, previous, True, timings, t1)



def _reply(fn: LoadedAggregate, accs: List[Any], want_results: bool, previous: Optional[pa.Array], with_acc: bool,
           timings: Timings, user_start: int) -> Columns:
    """The reply columns of an accumulate or merge: results ``r0`` (computing them is user time, counted from
    ``user_start``), the results before the update ``p0``, and the updated accumulators ``acc``."""
    assert fn.codec is not None
    out_cols, out_fields = [], []
    if want_results:
        out_cols.append(fn.results(accs))
        out_fields.append(fn.result_field("r0"))
    t2 = perf_ns()
    timings.user_ns += t2 - user_start
    if previous is not None:
        out_cols.append(previous)
        out_fields.append(fn.previous_field())
    if with_acc:
        out_cols.append(fn.codec.encode(accs))
        out_fields.append(fn.codec.field)
    timings.ser_ns += perf_ns() - t2
    return out_cols, out_fields

def _group_bounds(groups: np.ndarray, n: int) -> Tuple[Optional[np.ndarray], np.ndarray]:
    """(row order that sorts by group, or None when already sorted; start offsets of the n groups + end)."""
    order = None
    if groups.size > 1 and bool((groups[1:] < groups[:-1]).any()):
        # Small group ids sort with numpy's radix sort (int16, stable): ~10x faster than a comparison sort.
        order = np.argsort(groups.astype(np.int16) if n <= 32767 else groups, kind="stable")
    bounds = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(groups, minlength=n), out=bounds[1:])
    return order, bounds


def run_complete_pandas(fn: LoadedAggregate, args: List[Value], groups: np.ndarray, kinds: Optional[np.ndarray],
                        n: int, timings: Timings) -> Columns:
    """One call of the pandas UDAF per group with that group's rows as pandas Series (fresh RangeIndex)."""
    _check_updates(fn, kinds, args)
    t0 = perf_ns()
    order, bounds = _group_bounds(groups, n)
    arrays = []
    for a in args:
        values = a.pandas().array
        arrays.append(values if order is None else values.take(order))
    t1 = perf_ns()
    timings.deser_ns += t1 - t0
    f = fn.spec.instance.eval
    starts, ends = bounds[:-1].tolist(), bounds[1:].tolist()
    out: List[Any] = []
    for j in range(n):
        s, e = starts[j], ends[j]
        series = [pd.Series(arr[s:e], copy=False) for arr in arrays]
        out.append(fn.call("the pandas call", f, *series, group=j))
    t2 = perf_ns()
    timings.user_ns += t2 - t1
    column = fn.to_arrow_results(out, pandas=True)
    timings.ser_ns += perf_ns() - t2
    return [column], [fn.result_field("r0")]
