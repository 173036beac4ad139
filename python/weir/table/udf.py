"""Alias of :mod:`weir.udf` under PyFlink's module path (``pyflink.table.udf``)."""
from weir.udf import *  # noqa: F401,F403
from weir.udf import __all__  # noqa: F401
