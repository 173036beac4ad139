"""Accumulator values <-> their declared ``accumulator_type`` (pure Python, no pyarrow).

PyFlink hands aggregate functions *mutable* rows (``acc[0] += x``); Weir's :class:`~weir.types.Row` is an
immutable tuple, so accumulators of ROW type are held as :class:`AccumulatorRow` (same read API as ``Row`` plus
item/attribute assignment). ``adopt`` converts what ``create_accumulator()`` returns; ``decoder``/``encoder``
build per-type converters between accumulator values and the plain values pyarrow reads/writes
(struct <-> dict/tuple, ARRAY <-> list/ListView, MAP <-> dict/MapView).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

from weir.dataview import ListView, MapView
from weir.types.datatypes import ArrayType, DataType, MapType, RowType
from weir.types.row import Row
from weir.types.views import ListViewType, MapViewType

Converter = Optional[Callable[[Any], Any]]


class AccumulatorRow:
    """A mutable row: ``acc[0]``, ``acc["count"]``, ``acc.count``, and the same forms for assignment."""

    __slots__ = ("_fields", "_values")

    def __init__(self, names: Optional[Sequence[str]], values: Sequence[Any]) -> None:
        object.__setattr__(self, "_fields", list(names) if names is not None else None)
        object.__setattr__(self, "_values", list(values))

    def _index(self, key: Any) -> Any:
        if isinstance(key, (int, slice)):
            return key
        if self._fields is None or key not in self._fields:
            raise KeyError(key)
        return self._fields.index(key)

    def __getitem__(self, key: Any) -> Any:
        if type(key) is int:  # the hot path: acc[0] += x
            return self._values[key]
        return self._values[self._index(key)]

    def __setitem__(self, key: Any, value: Any) -> None:
        if type(key) is int:
            self._values[key] = value
        else:
            self._values[self._index(key)] = value

    def __getattr__(self, name: str) -> Any:
        fields = object.__getattribute__(self, "_fields")
        if name.startswith("__") or fields is None or name not in fields:
            raise AttributeError(name)
        return self._values[fields.index(name)]

    def __setattr__(self, name: str, value: Any) -> None:
        if self._fields is None or name not in self._fields:
            raise AttributeError(f"accumulator row has no field {name!r} (fields: {self._fields})")
        self._values[self._fields.index(name)] = value

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AccumulatorRow):
            return self._values == other._values
        if isinstance(other, (tuple, list)):
            return self._values == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable

    def as_dict(self, recursive: bool = False) -> Dict[str, Any]:
        if self._fields is None:
            raise TypeError("Cannot convert a Row without field names into dict")
        if recursive:
            return {k: v.as_dict(True) if isinstance(v, (AccumulatorRow, Row)) and v._fields else v
                    for k, v in zip(self._fields, self._values)}
        return dict(zip(self._fields, self._values))

    def to_row(self) -> Row:
        """An immutable :class:`Row` snapshot (e.g. to return from ``get_value``)."""
        return Row.of(self._fields, self._values)

    def __repr__(self) -> str:
        if self._fields is not None:
            return "Row(" + ", ".join(f"{k}={v!r}" for k, v in zip(self._fields, self._values)) + ")"
        return "<Row(" + ", ".join(repr(v) for v in self._values) + ")>"


def _contains_row_or_view(t: DataType) -> bool:
    if isinstance(t, (RowType, ListViewType, MapViewType)):
        return True
    if isinstance(t, ArrayType):
        return _contains_row_or_view(t.element_type)
    if isinstance(t, MapType):
        return _contains_row_or_view(t.key_type) or _contains_row_or_view(t.value_type)
    return False


def adopt(value: Any, t: DataType) -> Any:
    """Makes a freshly created accumulator mutable where PyFlink's would be: Row/tuple for a ROW type becomes an
    AccumulatorRow (recursively, also inside lists and dicts). Lists, dicts and views are kept as they are."""
    if value is None or not _contains_row_or_view(t):
        return value
    if isinstance(t, RowType):
        if isinstance(value, AccumulatorRow):
            return value
        if isinstance(value, (tuple, list)) and len(value) == len(t.fields):
            names = t.field_names()
            return AccumulatorRow(names, [adopt(v, f.data_type) for v, f in zip(value, t.fields)])
        return value
    if isinstance(t, ArrayType) and isinstance(value, list):
        value[:] = [adopt(v, t.element_type) for v in value]
    return value


def decoder(t: DataType) -> Converter:
    """Wire value (pyarrow ``to_pylist`` form: dict for ROW, list, dict for MAP) -> accumulator value; None
    when the value can be used as it is."""
    if isinstance(t, RowType):
        names = t.field_names()
        subs = [decoder(f.data_type) for f in t.fields]
        if not any(subs):
            return lambda d: None if d is None else AccumulatorRow(names, list(d.values()))
        return lambda d: None if d is None else AccumulatorRow(
            names, [s(v) if s else v for s, v in zip(subs, d.values())])
    if isinstance(t, ListViewType):
        sub = decoder(t.element_type)

        def to_list_view(xs: Any) -> Any:
            if xs is None:
                return None
            view: ListView = ListView()
            view.add_all([sub(x) for x in xs] if sub else list(xs))
            return view
        return to_list_view
    if isinstance(t, ArrayType):
        esub = decoder(t.element_type)
        return None if esub is None else (lambda xs: None if xs is None else [esub(x) for x in xs])
    if isinstance(t, MapType):
        vsub = decoder(t.value_type)
        as_view = isinstance(t, MapViewType)

        def to_map(m: Any) -> Any:
            if m is None:
                return None
            items = m.items() if isinstance(m, dict) else m
            d = {k: vsub(v) if vsub else v for k, v in items}
            if not as_view:
                return d
            view: MapView = MapView()
            view.put_all(d)
            return view
        return to_map if (as_view or vsub is not None) else None
    return None


class AccumulatorTypeError(Exception):
    """An accumulator (part) that does not fit its declared type; ``path`` names the field (``acc.count``)."""

    def __init__(self, path: str, message: str, value: Any = None) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.value = value


def _kind(v: Any) -> str:
    return f"{type(v).__name__} {v!r}"[:120]


def encoder(t: DataType) -> Callable[[Any, str], Any]:
    """Accumulator value -> a value pyarrow converts to ``to_arrow(t)`` (tuple for ROW, list for ARRAY, list of
    pairs for MAP); raises AccumulatorTypeError naming the field for shapes that cannot fit."""
    if isinstance(t, RowType):
        names = t.field_names()
        subs = [encoder(f.data_type) for f in t.fields]
        n = len(names)

        def enc_row(v: Any, path: str) -> Any:
            if v is None:
                return None
            if isinstance(v, AccumulatorRow):
                values: List[Any] = v._values
            elif isinstance(v, (tuple, list)):
                values = list(v)
            elif isinstance(v, dict):
                unknown = [k for k in v if k not in names]
                if unknown:
                    raise AccumulatorTypeError(path, f"dict has keys {unknown} that are not fields of {t}", v)
                values = [v.get(k) for k in names]
            else:
                raise AccumulatorTypeError(path, f"expected a Row/tuple/list/dict for {t}, got {_kind(v)}", v)
            if len(values) != n:
                raise AccumulatorTypeError(path, f"has {len(values)} fields but {t} declares {n} ({', '.join(names)})",
                                           v)
            return tuple(s(x, f"{path}.{name}") for s, x, name in zip(subs, values, names))
        return enc_row
    if isinstance(t, ArrayType):
        esub = encoder(t.element_type)
        nested = _is_container(t.element_type)

        def enc_list(v: Any, path: str) -> Any:
            if v is None:
                return None
            if isinstance(v, ListView):
                v = v._list
            elif not isinstance(v, (list, tuple)) and not (hasattr(v, "tolist") and hasattr(v, "ndim")):
                raise AccumulatorTypeError(path, f"expected a list or ListView for {t}, got {_kind(v)}", v)
            return [esub(x, f"{path}[{i}]") for i, x in enumerate(v)] if nested else list(v)
        return enc_list
    if isinstance(t, MapType):
        ksub, vsub = encoder(t.key_type), encoder(t.value_type)

        def enc_map(v: Any, path: str) -> Any:
            if v is None:
                return None
            if isinstance(v, MapView):
                v = v._dict
            if not isinstance(v, dict):
                raise AccumulatorTypeError(path, f"expected a dict or MapView for {t}, got {_kind(v)}", v)
            return [(ksub(k, f"{path}.key"), vsub(x, f"{path}[{k!r}]")) for k, x in v.items()]
        return enc_map
    return lambda v, path: v


def _is_container(t: DataType) -> bool:
    return isinstance(t, (RowType, ArrayType, MapType))
