"""DataType <-> pyarrow type mapping, exactly per the table in docs/protocol.md.

Imported lazily (by the worker) so user modules importing ``weir.types`` don't pay for pyarrow.
"""
from __future__ import annotations

from typing import Union

import pyarrow as pa

from weir.types.datatypes import (
    MAX_LENGTH, ArrayType, BigIntType, BinaryType, BooleanType, CharType, DataType, DateType, DecimalType,
    DoubleType, FloatType, IntType, LocalZonedTimestampType, MapType, RowField, RowType, SmallIntType, TimeType,
    TimestampType, TinyIntType, VarBinaryType, VarCharType,
)
from weir.types.parser import parse_type

_SIMPLE_TO_ARROW = {
    BooleanType: pa.bool_(), TinyIntType: pa.int8(), SmallIntType: pa.int16(), IntType: pa.int32(),
    BigIntType: pa.int64(), FloatType: pa.float32(), DoubleType: pa.float64(), DateType: pa.date32(),
    CharType: pa.utf8(), VarCharType: pa.utf8(), BinaryType: pa.binary(), VarBinaryType: pa.binary(),
    # Flink's runtime keeps TIME as milliseconds of the day whatever the declared precision.
    TimeType: pa.time32("ms"),
}


def timestamp_unit(precision: int) -> str:
    return "ms" if precision <= 3 else "us" if precision <= 6 else "ns"


def to_arrow(t: Union[DataType, str]) -> pa.DataType:
    """The Arrow type a column of logical type ``t`` travels as."""
    t = parse_type(t) if isinstance(t, str) else t
    simple = _SIMPLE_TO_ARROW.get(type(t))
    if simple is not None:
        return simple
    if isinstance(t, DecimalType):
        return pa.decimal128(t.precision, t.scale)
    if isinstance(t, TimestampType):
        return pa.timestamp(timestamp_unit(t.precision))
    if isinstance(t, LocalZonedTimestampType):
        return pa.timestamp(timestamp_unit(t.precision), tz="UTC")
    if isinstance(t, ArrayType):
        return pa.list_(to_arrow_field("item", t.element_type))
    if isinstance(t, MapType):
        # Arrow map keys can never be null, whatever the logical key type says.
        return pa.map_(pa.field("key", to_arrow(t.key_type), nullable=False),
                       to_arrow_field("value", t.value_type))
    if isinstance(t, RowType):
        return pa.struct([to_arrow_field(f.name, f.data_type) for f in t.fields])
    raise TypeError(f"no Arrow mapping for type {t}")


def to_arrow_field(name: str, t: Union[DataType, str]) -> pa.Field:
    t = parse_type(t) if isinstance(t, str) else t
    return pa.field(name, to_arrow(t), nullable=t.is_nullable)


_UNIT_PRECISION = {"s": 0, "ms": 3, "us": 6, "ns": 9}


def from_arrow(at: pa.DataType, nullable: bool = True) -> DataType:
    """The logical type of an Arrow type (inverse of to_arrow; also accepts Arrow's wider relatives)."""
    t = _from_arrow(at)
    return t if nullable else t.not_null()


def from_arrow_field(field: pa.Field) -> DataType:
    return from_arrow(field.type, field.nullable)


def _from_arrow(at: pa.DataType) -> DataType:
    if pa.types.is_boolean(at):
        return BooleanType()
    for pred, cls in ((pa.types.is_int8, TinyIntType), (pa.types.is_int16, SmallIntType),
                      (pa.types.is_int32, IntType), (pa.types.is_int64, BigIntType),
                      (pa.types.is_float32, FloatType), (pa.types.is_float64, DoubleType)):
        if pred(at):
            return cls()
    if pa.types.is_decimal(at):
        return DecimalType(at.precision, at.scale)
    if pa.types.is_string(at) or pa.types.is_large_string(at) or _is_view(at, "string"):
        return VarCharType(MAX_LENGTH)
    if pa.types.is_fixed_size_binary(at):
        return BinaryType(at.byte_width)
    if pa.types.is_binary(at) or pa.types.is_large_binary(at) or _is_view(at, "binary"):
        return VarBinaryType(MAX_LENGTH)
    if pa.types.is_date(at):
        return DateType()
    if pa.types.is_time(at):
        # time32[ms] is the wire form of every TIME(p); report the default precision so TIME round-trips.
        return TimeType(0 if at.unit in ("s", "ms") else _UNIT_PRECISION[at.unit])
    if pa.types.is_timestamp(at):
        p = _UNIT_PRECISION[at.unit]
        return LocalZonedTimestampType(p) if at.tz is not None else TimestampType(p)
    if pa.types.is_map(at):
        # Keys are non-null by Arrow's definition; the logical key type stays nullable so MAP<K, V> round-trips.
        return MapType(_from_arrow(at.key_type), from_arrow_field(at.item_field))
    if pa.types.is_list(at) or pa.types.is_large_list(at) or pa.types.is_fixed_size_list(at):
        return ArrayType(from_arrow_field(at.value_field))
    if pa.types.is_struct(at):
        return RowType([RowField(at.field(i).name, from_arrow_field(at.field(i))) for i in range(at.num_fields)])
    raise TypeError(f"Arrow type {at} has no Weir type")


def _is_view(at: pa.DataType, kind: str) -> bool:
    pred = getattr(pa.types, f"is_{kind}_view", None)
    return bool(pred and pred(at))
