"""``DataTypes.LIST_VIEW`` / ``DataTypes.MAP_VIEW``: accumulator field types backed by ``ListView``/``MapView``.

They travel exactly as ``ARRAY<T>`` / ``MAP<K, V>`` (their type string is the ARRAY/MAP string, and the Arrow
mapping is inherited); they only tell the worker to hand the aggregate function a ``ListView``/``MapView``
instead of a plain list/dict when it decodes an accumulator.
"""
from __future__ import annotations

from weir.types.datatypes import ArrayType, DataType, MapType


class ListViewType(ArrayType):
    """An accumulator field holding a :class:`weir.dataview.ListView` (wire form ``ARRAY<T>``)."""

    def __init__(self, element_type: DataType, nullable: bool = True) -> None:
        super().__init__(element_type, nullable)


class MapViewType(MapType):
    """An accumulator field holding a :class:`weir.dataview.MapView` (wire form ``MAP<K, V>``)."""

    def __init__(self, key_type: DataType, value_type: DataType, nullable: bool = True) -> None:
        super().__init__(key_type, value_type, nullable)
