"""Alias of :mod:`weir.types` under PyFlink's module path (``pyflink.table.types``)."""
from weir.types import *  # noqa: F401,F403
from weir.types import __all__  # noqa: F401
