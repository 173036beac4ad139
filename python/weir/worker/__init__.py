"""The UDF worker process: ``python -m weir.worker --endpoint ...`` (protocol in docs/protocol.md)."""
