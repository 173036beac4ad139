"""Arrow <-> Python / pandas conversion per the type table in docs/protocol.md.

Hot paths are single vectorized calls (``to_numpy``/``to_pylist``/``pa.array``); per-value Python work happens only
for nested types containing ROW (dict -> Row) and on error paths (locating the offending row).
"""
from __future__ import annotations

import datetime
import decimal
from typing import Any, Callable, List, Optional

import numpy as np
import pandas as pd
import pyarrow as pa

from weir.types.row import Row

_CONVERSION_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError,
                      OverflowError, decimal.InvalidOperation)


class ConversionError(Exception):
    """A result that cannot become the declared Arrow type; ``row`` is the first bad row when known."""

    def __init__(self, message: str, row: Optional[int] = None, value: Any = None) -> None:
        super().__init__(message)
        self.row = row
        self.value = value


# --- Arrow -> Python (general UDFs) ---------------------------------------------------------------------------

def _row_fixer(at: pa.DataType) -> Optional[Callable[[Any], Any]]:
    """Per-value post-processing turning struct dicts into ``Row`` (recursively); None when nothing to do."""
    if pa.types.is_struct(at):
        names = [at.field(i).name for i in range(at.num_fields)]
        fixers = [_row_fixer(at.field(i).type) for i in range(at.num_fields)]
        if not any(fixers):
            return lambda d: None if d is None else Row.of(names, d.values())
        return lambda d: None if d is None else Row.of(
            names, [f(v) if f else v for f, v in zip(fixers, d.values())])
    if pa.types.is_map(at):
        kf, vf = _row_fixer(at.key_type), _row_fixer(at.item_type)
        if kf is None and vf is None:
            return None
        return lambda m: None if m is None else {
            (kf(k) if kf else k): (vf(v) if vf else v) for k, v in m.items()}
    if pa.types.is_list(at) or pa.types.is_large_list(at) or pa.types.is_fixed_size_list(at):
        ef = _row_fixer(at.value_type)
        if ef is None:
            return None
        return lambda xs: None if xs is None else [ef(x) for x in xs]
    return None


def _has_map(at: pa.DataType) -> bool:
    if pa.types.is_map(at):
        return True
    return any(_has_map(at.field(i).type) for i in range(at.num_fields)) if pa.types.is_nested(at) else False


def to_python(arr: pa.Array) -> List[Any]:
    """Column values for a general UDF: int/float/str/bytes/Decimal/date/time/datetime/list/dict/Row/None."""
    # maps_as_pydicts costs ~8x on every column type, so ask for it only when a MAP is actually present.
    values = arr.to_pylist(maps_as_pydicts="lossy") if _has_map(arr.type) else arr.to_pylist()
    fixer = _row_fixer(arr.type)
    if fixer is not None:
        values = [fixer(v) for v in values]
    return values


# --- Arrow -> pandas (pandas UDFs) ------------------------------------------------------------------------------

def to_pandas(arr: pa.Array) -> pd.Series:
    """Column as a pandas Series; float64 without nulls is zero-copy (and therefore read-only)."""
    at = arr.type
    if pa.types.is_floating(at):
        values = arr.to_numpy(zero_copy_only=False)
        return pd.Series(values.astype(np.float64, copy=False), copy=False)
    if pa.types.is_integer(at):
        if arr.null_count:
            return arr.cast(pa.int64()).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        return pd.Series(arr.to_numpy().astype(np.int64, copy=False), copy=False)
    if pa.types.is_boolean(at) or pa.types.is_decimal(at) or pa.types.is_string(at) \
            or pa.types.is_large_string(at) or pa.types.is_binary(at) or pa.types.is_large_binary(at) \
            or pa.types.is_fixed_size_binary(at):
        # to_numpy gives object arrays of str/bytes/Decimal (bool without nulls stays bool); pandas 3 would
        # otherwise pick its new ``str`` dtype, which PyFlink code does not expect.
        values = arr.to_numpy(zero_copy_only=False)
        return pd.Series(values, dtype=values.dtype, copy=False)  # explicit dtype: keep object, not ``str``
    if pa.types.is_date(at) or pa.types.is_time(at):
        return pd.Series(arr.to_pandas(date_as_object=True).to_numpy(dtype=object), dtype=object, copy=False)
    if pa.types.is_timestamp(at):
        return arr.to_pandas()
    # Nested: lists, dicts (ROW and MAP) as plain Python objects.
    return pd.Series(arr.to_pylist(maps_as_pydicts="lossy"), dtype=object)


# --- Python / pandas -> Arrow (results) -------------------------------------------------------------------------

def _normalize(value: Any, at: pa.DataType) -> Any:
    """Coerces shapes pyarrow rejects but users naturally return (list for ROW, Row inside containers)."""
    if value is None:
        return None
    if pa.types.is_struct(at):
        if isinstance(value, dict):
            return {k: _normalize(v, at.field(k).type) if at.get_field_index(k) >= 0 else v
                    for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return tuple(_normalize(v, at.field(i).type) if i < at.num_fields else v for i, v in enumerate(value))
        return value
    if pa.types.is_map(at):
        if isinstance(value, dict):
            return [(_normalize(k, at.key_type), _normalize(v, at.item_type)) for k, v in value.items()]
        return value
    if pa.types.is_list(at) or pa.types.is_large_list(at):
        if isinstance(value, (list, tuple, np.ndarray)):
            return [_normalize(v, at.value_type) for v in value]
    return value


def _is_nested(at: pa.DataType) -> bool:
    return pa.types.is_nested(at)


def from_python(values: List[Any], at: pa.DataType) -> pa.Array:
    """Results of a general UDF as an Arrow array of type ``at``; ConversionError names the first bad row."""
    try:
        return pa.array(values, type=at)
    except _CONVERSION_ERRORS as first_error:
        if _is_nested(at):
            try:
                return pa.array([_normalize(v, at) for v in values], type=at)
            except _CONVERSION_ERRORS:
                pass
        for i, v in enumerate(values):
            try:
                pa.array([_normalize(v, at) if _is_nested(at) else v], type=at)
            except _CONVERSION_ERRORS as exc:
                raise ConversionError(str(exc), row=i, value=v) from None
        raise ConversionError(str(first_error)) from None


def _cast_timestamps(result: Any, at: pa.DataType) -> pa.Array:
    """Timestamps finer than the declared precision are truncated (Flink semantics) rather than rejected."""
    inferred = pa.array(result, from_pandas=True)
    return inferred.cast(at, safe=False)


def from_pandas(result: Any, at: pa.DataType, rows: int) -> pa.Array:
    """Result of a pandas UDF as an Arrow array; raises LengthError/ConversionError with actionable text."""
    if isinstance(result, pd.DataFrame):
        if not pa.types.is_struct(at):
            raise ConversionError(f"returned a pandas.DataFrame, which is only valid for a ROW result type")
        _check_length(len(result), rows)
        if result.shape[1] != at.num_fields:
            raise ConversionError(f"returned a DataFrame with {result.shape[1]} columns for a ROW of "
                                  f"{at.num_fields} fields")
        children = [from_pandas(result.iloc[:, i], at.field(i).type, rows) for i in range(at.num_fields)]
        return pa.StructArray.from_arrays(children, fields=list(at))
    if isinstance(result, pa.ChunkedArray):
        result = result.combine_chunks()
    if isinstance(result, pa.Array):
        _check_length(len(result), rows)
        try:
            return result if result.type == at else result.cast(at)
        except _CONVERSION_ERRORS as exc:
            raise ConversionError(f"returned a pyarrow array of type {result.type}: {exc}") from None
    if isinstance(result, (pd.Series, np.ndarray, list, tuple, pd.api.extensions.ExtensionArray)):
        _check_length(len(result), rows)
        fast = _numeric_fast_path(result, at)
        if fast is not None:
            return fast
        try:
            return pa.array(result, type=at, from_pandas=True)
        except _CONVERSION_ERRORS as exc:
            if pa.types.is_timestamp(at):
                try:
                    return _cast_timestamps(result, at)
                except _CONVERSION_ERRORS:
                    pass
            values = list(result.tolist() if hasattr(result, "tolist") else result)
            if _is_nested(at) or pa.types.is_decimal(at):
                try:
                    return from_python(values, at)
                except ConversionError as inner:
                    raise ConversionError(f"{_describe(result)}: {inner}", inner.row, inner.value) from None
            raise ConversionError(f"{_describe(result)}: {exc}") from None
    raise ConversionError(f"must return a pandas.Series (or numpy array / list) of length {rows}, "
                          f"got {type(result).__module__}.{type(result).__qualname__}")


def _numeric_fast_path(result: Any, at: pa.DataType) -> Optional[pa.Array]:
    """numpy-backed float/int results of exactly the declared width: zero-copy, NaN -> null via one vectorized
    mask (pyarrow's generic from_pandas path costs ~15x more on 1M doubles)."""
    values = result.to_numpy() if isinstance(result, pd.Series) and isinstance(result.dtype, np.dtype) else result
    if not isinstance(values, np.ndarray) or values.ndim != 1:
        return None
    kind = values.dtype.kind
    if kind == "f" and pa.types.is_floating(at) and values.dtype.itemsize == at.bit_width // 8:
        mask = np.isnan(values)
        return pa.array(values, type=at, mask=mask if mask.any() else None)
    if kind in "iu" and pa.types.is_integer(at) and values.dtype == np.dtype(at.to_pandas_dtype()):
        return pa.array(values, type=at)
    return None


class LengthError(Exception):
    def __init__(self, got: int, expected: int) -> None:
        super().__init__(f"expected {expected} rows, got {got}")
        self.got = got
        self.expected = expected


def _check_length(got: int, expected: int) -> None:
    if got != expected:
        raise LengthError(got, expected)


def _describe(result: Any) -> str:
    dtype = getattr(result, "dtype", None)
    kind = type(result).__name__
    return f"returned a {kind} of dtype {dtype}" if dtype is not None else f"returned a {kind}"


# --- literals -----------------------------------------------------------------------------------------------------

def coerce_literal(value: Any, at: pa.DataType) -> Any:
    """Msgpack literal (nil/bool/int/float/str) -> a Python value pyarrow accepts for ``at``."""
    if value is None or not isinstance(value, str):
        if pa.types.is_decimal(at) and isinstance(value, (int, float)):
            return decimal.Decimal(str(value))
        # A JavaScript msgpack encoder may send a large integral number as float64 (docs/protocol.md).
        if pa.types.is_integer(at) and isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    if pa.types.is_decimal(at):
        return decimal.Decimal(value)
    if pa.types.is_date(at):
        return datetime.date.fromisoformat(value)
    if pa.types.is_time(at):
        return datetime.time.fromisoformat(value)
    if pa.types.is_timestamp(at):
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if pa.types.is_binary(at):
        return value.encode("utf-8")
    return value


def literal_scalar(value: Any, at: pa.DataType) -> pa.Scalar:
    return pa.scalar(coerce_literal(value, at), type=at)
