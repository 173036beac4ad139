"""PyFlink's data views (``pyflink.table.data_view``): ``ListView`` and ``MapView``.

In Weir a data view is a plain in-memory container stored inside the accumulator and serialized with it (as
``ARRAY<T>`` / ``MAP<K, V>``, see ``DataTypes.LIST_VIEW`` / ``DataTypes.MAP_VIEW``); PyFlink may back them by
state instead, which user code cannot observe.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, Generic, ItemsView, Iterable, Iterator, KeysView, List, TypeVar, ValuesView

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


class DataView(ABC):
    """A collection usable inside the accumulator of an :class:`~weir.udf.AggregateFunction`."""

    @abstractmethod
    def clear(self) -> None:
        """Removes all data."""


class ListView(DataView, Generic[T]):
    """List-like accumulator field: ``add``, ``add_all``, ``get``, ``clear``, iteration."""

    def __init__(self) -> None:
        self._list: List[T] = []

    def get(self) -> Iterable[T]:
        return self._list

    def add(self, value: T) -> None:
        self._list.append(value)

    def add_all(self, values: List[T]) -> None:
        self._list.extend(values)

    def clear(self) -> None:
        self._list = []

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, ListView) and list(self._list) == list(other.get())

    def __hash__(self) -> int:
        return hash(tuple(self._list))

    def __iter__(self) -> Iterator[T]:
        return iter(self.get())

    def __len__(self) -> int:
        return len(self._list)

    def __repr__(self) -> str:
        return f"ListView({self._list!r})"


class MapView(DataView, Generic[K, V]):
    """Map-like accumulator field: ``get``, ``put``, ``put_all``, ``remove``, ``contains``, ``items`` ..."""

    def __init__(self) -> None:
        self._dict: Dict[K, V] = {}

    def get(self, key: K) -> V:
        return self._dict.get(key)  # type: ignore[return-value]  # PyFlink returns None for a missing key

    def put(self, key: K, value: V) -> None:
        self._dict[key] = value

    def put_all(self, dict_value: Dict[K, V]) -> None:
        self._dict.update(dict_value)

    def remove(self, key: K) -> None:
        self._dict.pop(key, None)

    def contains(self, key: K) -> bool:
        return key in self._dict

    def items(self) -> ItemsView[K, V]:
        return self._dict.items()

    def keys(self) -> KeysView[K]:
        return self._dict.keys()

    def values(self) -> ValuesView[V]:
        return self._dict.values()

    def is_empty(self) -> bool:
        return not self._dict

    def clear(self) -> None:
        self._dict.clear()

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, MapView) and self._dict == dict(other.items())

    def __hash__(self) -> int:
        return hash(frozenset(self._dict.items()))

    def __iter__(self) -> Iterator[K]:
        return iter(self._dict.keys())

    def __len__(self) -> int:
        return len(self._dict)

    def __repr__(self) -> str:
        return f"MapView({self._dict!r})"


__all__ = ["DataView", "ListView", "MapView"]
