"""Protocol error codes and the exception carrying one to the reply path."""
from __future__ import annotations

import datetime
import decimal
import math
from typing import Any, Dict, List, Optional

AUTH_FAILED = "AUTH_FAILED"
AUTH_REQUIRED = "AUTH_REQUIRED"
PROTOCOL_VERSION = "PROTOCOL_VERSION"
PROTOCOL_ERROR = "PROTOCOL_ERROR"
UDF_MODULE_NOT_FOUND = "UDF_MODULE_NOT_FOUND"
UDF_FUNCTION_NOT_FOUND = "UDF_FUNCTION_NOT_FOUND"
UDF_NOT_A_FUNCTION = "UDF_NOT_A_FUNCTION"
UDF_UNKNOWN_TYPE = "UDF_UNKNOWN_TYPE"
UDF_OPEN_FAILED = "UDF_OPEN_FAILED"
UDF_ERROR = "UDF_ERROR"
UDF_RESULT_LENGTH = "UDF_RESULT_LENGTH"
UDF_RESULT_TYPE = "UDF_RESULT_TYPE"
UDF_UNKNOWN_FUNCTION = "UDF_UNKNOWN_FUNCTION"


class WorkerError(Exception):
    """An error reply: ``code`` + human message + optional function/traceback/row/values."""

    def __init__(self, code: str, message: str, *, function: Optional[str] = None,
                 traceback: Optional[str] = None, row: Optional[int] = None,
                 values: Optional[List[Any]] = None, group: Optional[int] = None) -> None:
        super().__init__(message)
        self.group = group
        self.code = code
        self.message = message
        self.function = function
        self.traceback = traceback
        self.row = row
        self.values = values

    def to_header(self, seq: Optional[int]) -> Dict[str, Any]:
        header: Dict[str, Any] = {"type": "error", "code": self.code, "message": self.message}
        if seq is not None:
            header["seq"] = seq
        if self.function is not None:
            header["function"] = self.function
        if self.traceback is not None:
            header["traceback"] = self.traceback
        if self.function is not None or self.row is not None or self.values is not None:
            # Eval errors always carry row/values (null when unknown) so the host can rely on the keys.
            header["row"] = self.row
            header["values"] = None if self.values is None else [render_value(v) for v in self.values]
        if self.group is not None:  # aggregate requests: the group at fault (docs/protocol.md)
            header["group"] = self.group
        return header


_INT64_MIN, _INT64_MAX = -(2 ** 63), 2 ** 64 - 1  # msgpack int range (int64 .. uint64)
MAX_RENDERED = 1024


def render_value(v: Any, depth: int = 0) -> Any:
    """A msgpack-able rendering of an argument value for error reports (never fails)."""
    try:
        if v is None or isinstance(v, bool):
            return v
        if isinstance(v, (str, bytes)):
            # Keep error replies small: a 10 MB argument must not be echoed back whole.
            return v if len(v) <= MAX_RENDERED else v[:MAX_RENDERED] + (b"..." if isinstance(v, bytes) else "...")
        if isinstance(v, int):
            return v if _INT64_MIN <= v <= _INT64_MAX else str(v)
        if isinstance(v, float):
            return v if math.isfinite(v) else str(v)
        if isinstance(v, decimal.Decimal):
            return str(v)
        if isinstance(v, (datetime.date, datetime.time, datetime.datetime)):
            return v.isoformat()
        if depth < 8 and isinstance(v, dict):
            return {str(k) if not isinstance(k, (str, int)) else k: render_value(x, depth + 1) for k, x in v.items()}
        if depth < 8 and isinstance(v, (list, tuple)):
            fields = getattr(v, "_fields", None)
            if fields:
                return {str(k): render_value(x, depth + 1) for k, x in zip(fields, v)}
            return [render_value(x, depth + 1) for x in v]
        item = getattr(v, "item", None)  # numpy scalars
        if callable(item):
            return render_value(item(), depth + 1)
        return repr(v)
    except Exception:
        return "<unrepresentable value>"
