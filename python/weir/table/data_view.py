"""Alias of :mod:`weir.dataview` under PyFlink's module path (``pyflink.table.data_view``)."""
from weir.dataview import DataView, ListView, MapView

__all__ = ["DataView", "ListView", "MapView"]
