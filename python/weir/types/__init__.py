"""``weir.types``: PyFlink-compatible ``DataTypes``, ``Row`` and the Flink type-string parser/formatter.

Arrow mapping lives in ``weir.types.arrow`` (``to_arrow``/``from_arrow``), imported on first use so that a UDF
module doing ``from weir.types import DataTypes`` doesn't import pyarrow.
"""
from typing import Any

from weir.types.datatypes import (
    ArrayType, BigIntType, BinaryType, BooleanType, CharType, DataType, DataTypes, DateType, DecimalType,
    DoubleType, FloatType, IntType, LocalZonedTimestampType, MapType, RowField, RowType, SmallIntType, TimeType,
    TimestampType, TinyIntType, VarBinaryType, VarCharType,
)
from weir.types.parser import TypeParseError, format_type, parse_type
from weir.types.row import Row, RowKind
from weir.types.views import ListViewType, MapViewType


def to_arrow(t: Any) -> Any:
    from weir.types.arrow import to_arrow as _to_arrow
    return _to_arrow(t)


def from_arrow(at: Any, nullable: bool = True) -> DataType:
    from weir.types.arrow import from_arrow as _from_arrow
    return _from_arrow(at, nullable)


__all__ = [
    "ArrayType", "BigIntType", "BinaryType", "BooleanType", "CharType", "DataType", "DataTypes", "DateType",
    "DecimalType", "DoubleType", "FloatType", "IntType", "LocalZonedTimestampType", "MapType", "Row", "RowField",
    "RowKind", "RowType", "SmallIntType", "TimeType", "TimestampType", "TinyIntType", "TypeParseError",
    "VarBinaryType", "VarCharType", "format_type", "from_arrow", "parse_type", "to_arrow",
]
