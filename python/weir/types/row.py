"""``Row``: PyFlink's row value type (positional and named fields).

Implemented as a ``tuple`` subclass so that pyarrow converts a Row straight into a struct value positionally
(no per-row conversion on the hot path) and rows are hashable/immutable like PyFlink's.
"""
from __future__ import annotations

from enum import Enum
from typing import Any, Dict, Iterable, List, Optional


class RowKind(Enum):
    INSERT = 0
    UPDATE_BEFORE = 1
    UPDATE_AFTER = 2
    DELETE = 3

    def __str__(self) -> str:
        return {0: "+I", 1: "-U", 2: "+U", 3: "-D"}[self.value]


class Row(tuple):
    """``Row(1, "a")``, ``Row(id=1, name="a")`` or ``Row("id", "name")(1, "a")`` as in PyFlink."""

    _fields: Optional[List[str]]
    _row_kind: RowKind

    def __new__(cls, *args: Any, **kwargs: Any) -> "Row":
        if args and kwargs:
            raise ValueError("Can not use both args and kwargs to create Row")
        if kwargs:
            row = tuple.__new__(cls, tuple(kwargs.values()))
            object.__setattr__(row, "_fields", list(kwargs.keys()))
        else:
            row = tuple.__new__(cls, args)
            object.__setattr__(row, "_fields", None)
        object.__setattr__(row, "_row_kind", RowKind.INSERT)
        return row

    @classmethod
    def of(cls, names: Optional[Iterable[str]], values: Iterable[Any]) -> "Row":
        """Builds a row from field names and values (names may be None for a positional row)."""
        row = tuple.__new__(cls, tuple(values))
        object.__setattr__(row, "_fields", list(names) if names is not None else None)
        object.__setattr__(row, "_row_kind", RowKind.INSERT)
        return row

    def as_dict(self, recursive: bool = False) -> Dict[str, Any]:
        if self._fields is None:
            raise TypeError("Cannot convert a Row without field names into dict")

        def conv(obj: Any) -> Any:
            if isinstance(obj, Row) and obj._fields is not None:
                return obj.as_dict(True)
            if isinstance(obj, list):
                return [conv(o) for o in obj]
            if isinstance(obj, dict):
                return {k: conv(v) for k, v in obj.items()}
            return obj

        if recursive:
            return dict(zip(self._fields, (conv(v) for v in self)))
        return dict(zip(self._fields, self))

    def get_fields_by_names(self, names: List[str]) -> List[Any]:
        if self._fields is None or not set(names).issubset(self._fields):
            raise ValueError(f"Field names {names} not exist in {self._fields}.")
        return [self[self._fields.index(n)] for n in names]

    def set_field_names(self, field_names: List[str]) -> None:
        if len(field_names) != len(self):
            raise ValueError(f"Row has {len(self)} values but {len(field_names)} field names were given")
        object.__setattr__(self, "_fields", list(field_names))

    def get_row_kind(self) -> RowKind:
        return self._row_kind

    def set_row_kind(self, row_kind: RowKind) -> None:
        object.__setattr__(self, "_row_kind", row_kind)

    def __call__(self, *args: Any) -> "Row":
        """``Row("a", "b")(1, 2)``: this row's values are used as field names for a new row."""
        if len(args) > len(self):
            raise ValueError(f"Can not create Row with fields {tuple(self)}, expected {len(self)} values "
                             f"but got {args}")
        return Row.of([str(f) for f in self], args)

    def __getitem__(self, item: Any) -> Any:  # type: ignore[override]
        if isinstance(item, (int, slice)):
            return tuple.__getitem__(self, item)
        if self._fields is None:
            raise KeyError(item)
        try:
            return tuple.__getitem__(self, self._fields.index(item))
        except ValueError:
            raise KeyError(item) from None

    def __getattr__(self, item: str) -> Any:
        if item.startswith("__"):
            raise AttributeError(item)
        fields = object.__getattribute__(self, "_fields")
        if fields is None or item not in fields:
            raise AttributeError(item)
        return tuple.__getitem__(self, fields.index(item))

    def __setattr__(self, key: str, value: Any) -> None:
        raise RuntimeError("Row is read-only")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            if self._fields is not None and other._fields is not None and self._fields != other._fields:
                return False
            return self._row_kind == other._row_kind and tuple.__eq__(self, other)
        return tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = tuple.__hash__

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Row.of, (self._fields, tuple(self)))

    def __repr__(self) -> str:
        if self._fields is not None:
            return "Row(" + ", ".join(f"{k}={v!r}" for k, v in zip(self._fields, self)) + ")"
        return "<Row(" + ", ".join(repr(v) for v in self) + ")>"
