"""Alias package so ``sed s/pyflink/weir/`` on imports works: ``from weir.table import DataTypes, Row``."""
from weir.dataview import DataView, ListView, MapView
from weir.types import DataTypes, Row, RowKind
from weir.udf import AggregateFunction, FunctionContext, ScalarFunction, TableFunction

__all__ = ["AggregateFunction", "DataTypes", "DataView", "FunctionContext", "ListView", "MapView", "Row",
           "RowKind", "ScalarFunction", "TableFunction"]
