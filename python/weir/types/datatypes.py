"""Logical data types with PyFlink's ``DataTypes`` surface.

Each type formats itself to Flink's canonical type string (``str(t)``), which is also what travels in the
protocol. Equality is structural (kind, parameters, nullability).
"""
from __future__ import annotations

from typing import Any, List, Optional, Tuple

MAX_LENGTH = 0x7FFFFFFF  # Flink's VarCharType/VarBinaryType.MAX_LENGTH: STRING / BYTES


def _quote_ident(name: str) -> str:
    if name.isidentifier():
        return name
    return "`" + name.replace("`", "``") + "`"


class DataType:
    """Base of all logical types. ``nullable`` defaults to True as in PyFlink."""

    def __init__(self, nullable: bool = True) -> None:
        self._nullable = nullable

    # -- PyFlink surface ---------------------------------------------------------------------------------------
    def not_null(self) -> "DataType":
        return self._with_nullable(False)

    def nullable(self) -> "DataType":
        return self._with_nullable(True)

    @property
    def is_nullable(self) -> bool:
        return self._nullable

    # -- internals -----------------------------------------------------------------------------------------------
    def _with_nullable(self, nullable: bool) -> "DataType":
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._nullable = nullable
        return clone

    def _params(self) -> Tuple[Any, ...]:
        return ()

    def _base_string(self) -> str:
        raise NotImplementedError

    def type_string(self) -> str:
        """Canonical Flink type string, e.g. ``DECIMAL(10, 2) NOT NULL``."""
        return self._base_string() + ("" if self._nullable else " NOT NULL")

    def __str__(self) -> str:
        return self.type_string()

    def __repr__(self) -> str:
        return f"DataType({self.type_string()!r})"

    def __eq__(self, other: object) -> bool:
        return (type(other) is type(self) and other._nullable == self._nullable  # type: ignore[attr-defined]
                and other._params() == self._params())  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._nullable, self._params()))


class _Simple(DataType):
    NAME = ""

    def _base_string(self) -> str:
        return self.NAME


class BooleanType(_Simple):
    NAME = "BOOLEAN"


class TinyIntType(_Simple):
    NAME = "TINYINT"


class SmallIntType(_Simple):
    NAME = "SMALLINT"


class IntType(_Simple):
    NAME = "INT"


class BigIntType(_Simple):
    NAME = "BIGINT"


class FloatType(_Simple):
    NAME = "FLOAT"


class DoubleType(_Simple):
    NAME = "DOUBLE"


class DateType(_Simple):
    NAME = "DATE"


class DecimalType(DataType):
    def __init__(self, precision: int = 10, scale: int = 0, nullable: bool = True) -> None:
        super().__init__(nullable)
        if not 1 <= precision <= 38:
            raise ValueError(f"DECIMAL precision must be between 1 and 38 (both inclusive), got {precision}")
        if not 0 <= scale <= precision:
            raise ValueError(f"DECIMAL scale must be between 0 and the precision {precision}, got {scale}")
        self.precision = precision
        self.scale = scale

    def _params(self) -> Tuple[Any, ...]:
        return (self.precision, self.scale)

    def _base_string(self) -> str:
        return f"DECIMAL({self.precision}, {self.scale})"


class _Sized(DataType):
    """CHAR/VARCHAR/BINARY/VARBINARY: a length parameter; MAX_LENGTH VARCHAR/VARBINARY format as STRING/BYTES."""
    NAME = ""
    MAX_NAME: Optional[str] = None
    DEFAULT_LENGTH = 1

    def __init__(self, length: int = 1, nullable: bool = True) -> None:
        super().__init__(nullable)
        if not 1 <= length <= MAX_LENGTH:
            raise ValueError(f"{self.NAME} length must be between 1 and {MAX_LENGTH}, got {length}")
        self.length = length

    def _params(self) -> Tuple[Any, ...]:
        return (self.length,)

    def _base_string(self) -> str:
        if self.MAX_NAME is not None and self.length == MAX_LENGTH:
            return self.MAX_NAME
        return f"{self.NAME}({self.length})"


class CharType(_Sized):
    NAME = "CHAR"


class VarCharType(_Sized):
    NAME = "VARCHAR"
    MAX_NAME = "STRING"


class BinaryType(_Sized):
    NAME = "BINARY"


class VarBinaryType(_Sized):
    NAME = "VARBINARY"
    MAX_NAME = "BYTES"


class _Precision(DataType):
    NAME = ""
    DEFAULT = 6

    def __init__(self, precision: Optional[int] = None, nullable: bool = True) -> None:
        super().__init__(nullable)
        precision = self.DEFAULT if precision is None else precision
        if not 0 <= precision <= 9:
            raise ValueError(f"{self.NAME} precision must be between 0 and 9 (both inclusive), got {precision}")
        self.precision = precision

    def _params(self) -> Tuple[Any, ...]:
        return (self.precision,)

    def _base_string(self) -> str:
        return f"{self.NAME}({self.precision})"


class TimeType(_Precision):
    NAME = "TIME"
    DEFAULT = 0

    def _base_string(self) -> str:
        # Protocol v1 spells the default precision as bare ``TIME``.
        return "TIME" if self.precision == 0 else f"TIME({self.precision})"


class TimestampType(_Precision):
    NAME = "TIMESTAMP"


class LocalZonedTimestampType(_Precision):
    NAME = "TIMESTAMP_LTZ"


class ArrayType(DataType):
    def __init__(self, element_type: DataType, nullable: bool = True) -> None:
        super().__init__(nullable)
        self.element_type = _as_type(element_type)

    def _params(self) -> Tuple[Any, ...]:
        return (self.element_type,)

    def _base_string(self) -> str:
        return f"ARRAY<{self.element_type}>"


class MapType(DataType):
    def __init__(self, key_type: DataType, value_type: DataType, nullable: bool = True) -> None:
        super().__init__(nullable)
        self.key_type = _as_type(key_type)
        self.value_type = _as_type(value_type)

    def _params(self) -> Tuple[Any, ...]:
        return (self.key_type, self.value_type)

    def _base_string(self) -> str:
        return f"MAP<{self.key_type}, {self.value_type}>"


class RowField:
    def __init__(self, name: str, data_type: DataType, description: Optional[str] = None) -> None:
        self.name = name
        self.data_type = _as_type(data_type)
        self.description = description

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, RowField) and (self.name, self.data_type, self.description)
                == (other.name, other.data_type, other.description))

    def __hash__(self) -> int:
        return hash((self.name, self.data_type, self.description))

    def __str__(self) -> str:
        s = f"{_quote_ident(self.name)} {self.data_type}"
        if self.description is not None:
            s += " '" + self.description.replace("'", "''") + "'"
        return s

    def __repr__(self) -> str:
        return f"RowField({str(self)!r})"


class RowType(DataType):
    def __init__(self, fields: Optional[List[RowField]] = None, nullable: bool = True) -> None:
        super().__init__(nullable)
        self.fields: List[RowField] = list(fields or [])
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"ROW field names must be unique, got {names}")

    def field_names(self) -> List[str]:
        return [f.name for f in self.fields]

    def field_types(self) -> List[DataType]:
        return [f.data_type for f in self.fields]

    def _params(self) -> Tuple[Any, ...]:
        return tuple(self.fields)

    def _base_string(self) -> str:
        return "ROW<" + ", ".join(str(f) for f in self.fields) + ">"


def _as_type(t: Any) -> DataType:
    """Accepts a DataType or a Flink type string wherever PyFlink accepts a DataType."""
    if isinstance(t, DataType):
        return t
    if isinstance(t, str):
        from weir.types.parser import parse_type
        return parse_type(t)
    raise TypeError(f"expected a DataType or a type string, got {type(t).__name__}: {t!r}")


class DataTypes:
    """Factory with PyFlink's ``DataTypes`` signatures."""

    @staticmethod
    def BOOLEAN(nullable: bool = True) -> BooleanType:
        return BooleanType(nullable)

    @staticmethod
    def TINYINT(nullable: bool = True) -> TinyIntType:
        return TinyIntType(nullable)

    @staticmethod
    def SMALLINT(nullable: bool = True) -> SmallIntType:
        return SmallIntType(nullable)

    @staticmethod
    def INT(nullable: bool = True) -> IntType:
        return IntType(nullable)

    @staticmethod
    def BIGINT(nullable: bool = True) -> BigIntType:
        return BigIntType(nullable)

    @staticmethod
    def FLOAT(nullable: bool = True) -> FloatType:
        return FloatType(nullable)

    @staticmethod
    def DOUBLE(nullable: bool = True) -> DoubleType:
        return DoubleType(nullable)

    @staticmethod
    def DECIMAL(precision: int, scale: int, nullable: bool = True) -> DecimalType:
        return DecimalType(precision, scale, nullable)

    @staticmethod
    def CHAR(length: int, nullable: bool = True) -> CharType:
        return CharType(length, nullable)

    @staticmethod
    def VARCHAR(length: int, nullable: bool = True) -> VarCharType:
        return VarCharType(length, nullable)

    @staticmethod
    def STRING(nullable: bool = True) -> VarCharType:
        return VarCharType(MAX_LENGTH, nullable)

    @staticmethod
    def BINARY(length: int, nullable: bool = True) -> BinaryType:
        return BinaryType(length, nullable)

    @staticmethod
    def VARBINARY(length: int, nullable: bool = True) -> VarBinaryType:
        return VarBinaryType(length, nullable)

    @staticmethod
    def BYTES(nullable: bool = True) -> VarBinaryType:
        return VarBinaryType(MAX_LENGTH, nullable)

    @staticmethod
    def DATE(nullable: bool = True) -> DateType:
        return DateType(nullable)

    @staticmethod
    def TIME(precision: int = 0, nullable: bool = True) -> TimeType:
        return TimeType(precision, nullable)

    @staticmethod
    def TIMESTAMP(precision: int = 6, nullable: bool = True) -> TimestampType:
        return TimestampType(precision, nullable)

    @staticmethod
    def TIMESTAMP_LTZ(precision: int = 6, nullable: bool = True) -> LocalZonedTimestampType:
        return LocalZonedTimestampType(precision, nullable)

    @staticmethod
    def TIMESTAMP_WITH_LOCAL_TIME_ZONE(precision: int = 6, nullable: bool = True) -> LocalZonedTimestampType:
        return LocalZonedTimestampType(precision, nullable)

    @staticmethod
    def ARRAY(element_type: Any, nullable: bool = True) -> ArrayType:
        return ArrayType(_as_type(element_type), nullable)

    @staticmethod
    def MAP(key_type: Any, value_type: Any, nullable: bool = True) -> MapType:
        return MapType(_as_type(key_type), _as_type(value_type), nullable)

    @staticmethod
    def LIST_VIEW(element_type: Any) -> "DataType":
        """A ``ListView`` field of an aggregate function's accumulator (travels as ``ARRAY<T>``)."""
        from weir.types.views import ListViewType
        return ListViewType(_as_type(element_type))

    @staticmethod
    def MAP_VIEW(key_type: Any, value_type: Any) -> "DataType":
        """A ``MapView`` field of an aggregate function's accumulator (travels as ``MAP<K, V>``)."""
        from weir.types.views import MapViewType
        return MapViewType(_as_type(key_type), _as_type(value_type))

    @staticmethod
    def FIELD(name: str, data_type: Any, description: Optional[str] = None) -> RowField:
        return RowField(name, _as_type(data_type), description)

    @staticmethod
    def ROW(row_fields: Optional[List[RowField]] = None, nullable: bool = True) -> RowType:
        fields = row_fields or []
        for f in fields:
            if not isinstance(f, RowField):
                raise TypeError(f"DataTypes.ROW expects DataTypes.FIELD(...) entries, got {f!r}")
        return RowType(fields, nullable)
