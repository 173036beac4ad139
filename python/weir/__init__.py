"""Weir's Python side: PyFlink-compatible UDF authoring API plus the worker that serves UDFs to the host.

Importing ``weir`` stays cheap (no pyarrow/pandas import) because user UDF modules import it at load time.
"""
from weir.types.row import Row, RowKind

__version__ = "0.1.0"
PROTOCOL_VERSION = 1

__all__ = ["Row", "RowKind", "__version__", "PROTOCOL_VERSION"]
