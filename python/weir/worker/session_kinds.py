"""Handlers for ``aggregate`` and ``table`` requests (docs/protocol.md, "Aggregate functions", "Table
functions"); the session owns loading, metrics and the reply envelope."""
from __future__ import annotations

import time
from typing import Any, Dict, List, Optional, Tuple

import pyarrow as pa

from weir.worker import protocol
from weir.worker.aggregate_runner import (
    LoadedAggregate, run_accumulate, run_complete_pandas, run_merge,
)
from weir.worker.errors import PROTOCOL_ERROR, UDF_UNKNOWN_FUNCTION, WorkerError
from weir.worker.request_args import as_int, bind_args, int_column
from weir.worker.scalar_runner import Timings
from weir.worker.table_runner import LoadedTableFunction, run_table

perf_ns = time.perf_counter_ns
MODES = ("accumulate", "merge", "complete")


def _function(functions: Dict[int, Any], h: Dict[str, Any], kind: str) -> Any:
    fid = as_int(h.get("fn"))
    fn = functions.get(fid) if fid is not None else None
    if fn is None:
        raise WorkerError(UDF_UNKNOWN_FUNCTION, f"{h.get('type')} request calls function id {h.get('fn')!r}, which "
                                                f"this client never loaded (loaded: {sorted(functions)})")
    if getattr(fn, "kind", "scalar") != kind:
        raise WorkerError(PROTOCOL_ERROR, f"function id {fid} ({fn.name!r}) is a {getattr(fn, 'kind', 'scalar')} "
                                          f"function; a {h.get('type')!r} request needs a {kind} function")
    return fn


def _count(h: Dict[str, Any], key: str) -> int:
    v = as_int(h.get(key))
    if v is None or v < 0:
        raise WorkerError(PROTOCOL_ERROR, f"{h.get('type')}.{key} must be a non-negative int, got {h.get(key)!r}")
    return v


def _flag(h: Dict[str, Any], key: str, default: bool) -> bool:
    v = h.get(key, default)
    if not isinstance(v, bool):
        raise WorkerError(PROTOCOL_ERROR, f"{h.get('type')}.{key} must be a bool, got {v!r}")
    return v


def _batch(body: Optional[Any], rows: int, what: str, timings: Timings) -> Optional[pa.RecordBatch]:
    if body is None:
        return None
    t0 = perf_ns()
    batch = protocol.read_body(body)
    timings.deser_ns += perf_ns() - t0
    if batch.num_rows != rows:
        raise WorkerError(PROTOCOL_ERROR, f"{what} holds {batch.num_rows} rows, the header says {rows}")
    return batch


def handle_aggregate(functions: Dict[int, Any], h: Dict[str, Any], body: Optional[Any], body2: Optional[Any]
                     ) -> Tuple[Dict[str, Any], List[pa.Array], List[pa.Field], int, Timings]:
    fn: LoadedAggregate = _function(functions, h, "aggregate")
    mode = h.get("mode")
    if mode not in MODES:
        raise WorkerError(PROTOCOL_ERROR, f"aggregate.mode must be one of {', '.join(MODES)}, got {mode!r}")
    if fn.is_pandas and mode != "complete":
        raise WorkerError(PROTOCOL_ERROR, f"{fn.name!r} is a pandas aggregate function: only mode 'complete' "
                                          f"(all rows of each group) applies, got {mode!r}")
    rows, n = _count(h, "rows"), _count(h, "groups")
    want_results = _flag(h, "results", True)
    want_previous = _flag(h, "previous", False)
    timings = Timings()
    batch = _batch(body, rows, "aggregate frame 1", timings)
    if batch is None:
        if rows:
            raise WorkerError(PROTOCOL_ERROR, f"aggregate.rows is {rows} but there is no frame 1")
        batch = pa.RecordBatch.from_arrays([pa.array([], pa.int32())], names=["g"])
    groups = int_column(batch, "g", rows, n, "aggregate frame 1")
    assert groups is not None
    state = _batch(body2, n, "aggregate frame 2", timings) if mode != "complete" else None
    if body2 is not None and mode == "complete":
        raise WorkerError(PROTOCOL_ERROR, "aggregate mode 'complete' takes no frame 2 (no accumulators)")
    acc_column = None
    if state is not None:
        if "acc" not in state.schema.names:
            raise WorkerError(PROTOCOL_ERROR, "aggregate frame 2 has no column 'acc'")
        acc_column = state.column("acc")
    if mode == "merge":
        if "acc" not in batch.schema.names:
            raise WorkerError(PROTOCOL_ERROR, "aggregate mode 'merge': frame 1 needs columns g and acc")
        cols, fields = run_merge(fn, groups, batch.column("acc"), n, acc_column, want_results, want_previous,
                                 timings)
        return {}, cols, fields, n, timings
    kinds = int_column(batch, "k", rows, 4, "aggregate frame 1", required=False)
    args = bind_args(h.get("args"), batch, rows, "aggregate")
    if mode == "complete" and fn.is_pandas:
        cols, fields = run_complete_pandas(fn, args, groups, kinds, n, timings)
    else:
        cols, fields = run_accumulate(fn, args, groups, kinds, n, acc_column, want_results or mode == "complete",
                                      want_previous and mode == "accumulate", mode == "accumulate", timings)
    return {}, cols, fields, n, timings


def handle_table(functions: Dict[int, Any], h: Dict[str, Any], body: Optional[Any]
                 ) -> Tuple[Dict[str, Any], List[pa.Array], List[pa.Field], int, Timings]:
    fn: LoadedTableFunction = _function(functions, h, "table")
    rows = _count(h, "rows")
    timings = Timings()
    batch = _batch(body, rows, "table frame 1", timings)
    args = bind_args(h.get("args"), batch, rows, "table")
    cols, fields, out_rows = run_table(fn, args, rows, timings)
    return {}, cols, fields, out_rows, timings
