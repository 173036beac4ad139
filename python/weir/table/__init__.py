"""Alias package so ``sed s/pyflink/weir/`` on imports works: ``from weir.table import DataTypes, Row``."""
from weir.types import DataTypes, Row, RowKind
from weir.udf import FunctionContext, ScalarFunction

__all__ = ["DataTypes", "FunctionContext", "Row", "RowKind", "ScalarFunction"]
