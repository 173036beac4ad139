"""Argument binding for ``aggregate`` and ``table`` requests: the ``a0, a1, ...`` columns of frame 1, or an
explicit ``args`` list of ``{col: i}`` (column ``a<i>``) / ``{lit: value, type: str}`` as in ``eval``."""
from __future__ import annotations

import re
from typing import Any, List, Optional

import numpy as np
import pyarrow as pa

from weir.types.arrow import to_arrow
from weir.types.parser import TypeParseError
from weir.worker import conversion
from weir.worker.errors import PROTOCOL_ERROR, WorkerError
from weir.worker.scalar_runner import Value

_ARG_NAME = re.compile(r"a(\d+)$")


def as_int(v: Any) -> Optional[int]:
    """An integer header field; integral floats are accepted because a JavaScript msgpack encoder may send
    numbers above 2^32 as float64 (docs/protocol.md)."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return None


def bind_args(spec: Any, batch: Optional[pa.RecordBatch], rows: int, where: str) -> List[Value]:
    if spec is None:
        if batch is None:
            return []
        found = sorted((int(m.group(1)), name) for name in batch.schema.names if (m := _ARG_NAME.match(name)))
        if [i for i, _ in found] != list(range(len(found))):
            raise WorkerError(PROTOCOL_ERROR, f"{where}: argument columns must be a0..a{len(found) - 1} without "
                                              f"gaps, got {[n for _, n in found]}")
        return [Value(batch.column(name), rows) for _, name in found]
    if not isinstance(spec, list):
        raise WorkerError(PROTOCOL_ERROR, f"{where}: args must be a list, got {spec!r}")
    out: List[Value] = []
    for k, arg in enumerate(spec):
        at = f"{where}.args[{k}]"
        if isinstance(arg, dict) and "col" in arg:
            i = as_int(arg["col"])
            name = f"a{i}"
            if batch is None or i is None or name not in batch.schema.names:
                raise WorkerError(PROTOCOL_ERROR, f"{at} refers to column {name!r}, which frame 1 does not have")
            out.append(Value(batch.column(name), rows))
        elif isinstance(arg, dict) and "lit" in arg:
            try:
                arrow_type = to_arrow(arg.get("type") or "")
            except (TypeParseError, TypeError) as exc:
                raise WorkerError(PROTOCOL_ERROR, f"{at}: literal type {arg.get('type')!r} is invalid: {exc}") \
                    from None
            try:
                out.append(Value(None, rows, conversion.literal_scalar(arg["lit"], arrow_type)))
            except Exception as exc:
                raise WorkerError(PROTOCOL_ERROR, f"{at}: literal {arg['lit']!r} is not a valid "
                                                  f"{arg.get('type')}: {exc}") from None
        else:
            raise WorkerError(PROTOCOL_ERROR, f"{at} must be {{col: i}} or {{lit: v, type: t}}, got {arg!r}")
    return out


def int_column(batch: pa.RecordBatch, name: str, rows: int, limit: int, where: str,
               required: bool = True) -> Optional[np.ndarray]:
    """An integer column (``g``: group ids < limit, ``k``: row kinds < 4) as an int64 numpy array, validated."""
    if name not in batch.schema.names:
        if required:
            raise WorkerError(PROTOCOL_ERROR, f"{where}: frame 1 has no column {name!r}")
        return None
    col = batch.column(name)
    if not pa.types.is_integer(col.type) or col.null_count:
        raise WorkerError(PROTOCOL_ERROR, f"{where}: column {name!r} must be a non-null integer column, got "
                                          f"{col.type} with {col.null_count} nulls")
    values = col.to_numpy().astype(np.int64, copy=False)
    if rows and (values.min() < 0 or values.max() >= limit):
        raise WorkerError(PROTOCOL_ERROR, f"{where}: column {name!r} has values outside 0..{limit - 1} "
                                          f"(min {values.min()}, max {values.max()})")
    return values


def row_values(args: List[Value], i: int) -> List[Any]:
    """The argument values of input row ``i`` for error reports."""
    return [a.constant() if a.is_literal else a.python()[i] for a in args]
