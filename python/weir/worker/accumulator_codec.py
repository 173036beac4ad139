"""Accumulators <-> the Arrow ``acc`` column typed by the function's declared ``accumulator_type``.

This is the host's state format (docs/protocol.md, "Aggregate functions"): no pickle, the declared type is the
schema, so state survives worker restarts and Python upgrades and is readable by the host.
"""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

import pyarrow as pa

from weir.accumulator import AccumulatorTypeError, decoder, encoder
from weir.types.arrow import to_arrow
from weir.types.datatypes import ArrayType, DataType, MapType, RowType
from weir.worker.conversion import _CONVERSION_ERRORS, _has_map
from weir.worker.errors import PROTOCOL_ERROR, UDF_RESULT_TYPE, WorkerError


class AccumulatorCodec:
    def __init__(self, function: str, acc_type: DataType) -> None:
        self.function = function
        self.type = acc_type
        self.arrow: pa.DataType = to_arrow(acc_type)
        self.field = pa.field("acc", self.arrow, nullable=True)  # NULL = "no accumulator yet"
        self._decode = decoder(acc_type)
        self._encode = encoder(acc_type)
        self._has_map = _has_map(self.arrow)

    def decode(self, column: Optional[pa.Array], rows: int, where: str) -> List[Any]:
        """Accumulator values (None for NULL) from an ``acc`` column; None column = all NULL."""
        if column is None:
            return [None] * rows
        if column.type != self.arrow:
            raise WorkerError(PROTOCOL_ERROR, f"{where}: column acc has Arrow type {column.type}, but the "
                                              f"accumulator_type of {self.function!r} is {self.type} "
                                              f"({self.arrow}); state written for another accumulator type "
                                              f"cannot be read")
        if len(column) != rows:
            raise WorkerError(PROTOCOL_ERROR, f"{where}: column acc has {len(column)} rows, expected {rows}")
        values = column.to_pylist(maps_as_pydicts="lossy") if self._has_map else column.to_pylist()
        dec = self._decode
        return values if dec is None else [dec(v) for v in values]

    def encode(self, accs: List[Any]) -> pa.Array:
        wire: List[Any] = []
        for j, acc in enumerate(accs):
            try:
                wire.append(self._encode(acc, "acc"))
            except AccumulatorTypeError as exc:
                raise self._error(j, exc.path, exc.value, str(exc)) from None
        try:
            return pa.array(wire, type=self.arrow)
        except _CONVERSION_ERRORS as first:
            for j, w in enumerate(wire):
                try:
                    pa.array([w], type=self.arrow)
                except _CONVERSION_ERRORS as exc:
                    path, value, t, err = _locate(w, self.type, "acc", exc)
                    raise self._error(j, path, value, f"{path} = {type(value).__name__} {_short(value)} does not "
                                                      f"fit {t}: {err}") from None
            raise WorkerError(UDF_RESULT_TYPE, f"aggregate function {self.function!r}: accumulators do not fit "
                                               f"the accumulator_type {self.type}: {first}",
                              function=self.function) from None

    def _error(self, group: int, path: str, value: Any, detail: str) -> WorkerError:
        return WorkerError(UDF_RESULT_TYPE, f"aggregate function {self.function!r}: the accumulator of group "
                                            f"{group} does not fit its declared accumulator_type {self.type} "
                                            f"(field {path}): {detail}", function=self.function, group=group)


def _fits(value: Any, t: DataType) -> Optional[Exception]:
    try:
        pa.array([value], type=to_arrow(t))
        return None
    except _CONVERSION_ERRORS as exc:
        return exc


def _locate(w: Any, t: DataType, path: str, err: Exception) -> Tuple[str, Any, DataType, Exception]:
    """The deepest field of wire value ``w`` (of type ``t``) that pyarrow rejects."""
    children: List[Tuple[Any, DataType, str]] = []
    if isinstance(t, RowType) and isinstance(w, tuple):
        children = [(v, f.data_type, f"{path}.{f.name}") for v, f in zip(w, t.fields)]
    elif isinstance(t, ArrayType) and isinstance(w, list):
        children = [(v, t.element_type, f"{path}[{i}]") for i, v in enumerate(w)]
    elif isinstance(t, MapType) and isinstance(w, list):
        for k, v in w:
            children += [(k, t.key_type, f"{path}.key"), (v, t.value_type, f"{path}[{k!r}]")]
    for value, ct, cpath in children:
        bad = _fits(value, ct)
        if bad is not None:
            return _locate(value, ct, cpath, bad)
    return path, w, t, err


def _short(v: Any) -> str:
    r = repr(v)
    return r if len(r) <= 80 else r[:77] + "..."
