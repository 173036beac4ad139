"""Frame encoding/decoding for protocol v1: msgpack headers and single-batch Arrow IPC stream bodies."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

import msgpack
import pyarrow as pa

from weir.worker.errors import PROTOCOL_ERROR, WorkerError

PROTOCOL = 1


def encode_header(header: Dict[str, Any]) -> bytes:
    return msgpack.packb(header, use_bin_type=True)


def decode_header(frame: Any) -> Dict[str, Any]:
    try:
        header = msgpack.unpackb(frame, raw=False, strict_map_key=False)
    except Exception as exc:
        raise WorkerError(PROTOCOL_ERROR, f"frame 0 is not valid msgpack: {type(exc).__name__}: {exc}") from None
    if not isinstance(header, dict):
        raise WorkerError(PROTOCOL_ERROR, f"frame 0 must be a msgpack map, got {type(header).__name__}")
    return header


def read_body(buf: Any) -> pa.RecordBatch:
    """Decodes an Arrow IPC stream (schema + batch + EOS) without copying the column buffers."""
    try:
        reader = pa.ipc.open_stream(buf)
        batches = list(reader)
    except Exception as exc:
        raise WorkerError(PROTOCOL_ERROR, f"frame 1 is not a valid Arrow IPC stream: {exc}") from None
    if len(batches) == 1:
        return batches[0]
    if not batches:
        schema = reader.schema
        return pa.RecordBatch.from_arrays([pa.array([], type=f.type) for f in schema], schema=schema)
    # The protocol says one batch; tolerate more by concatenating (copies, but stays correct).
    return pa.Table.from_batches(batches).combine_chunks().to_batches()[0]


def write_body(columns: Sequence[pa.Array], fields: List[pa.Field], num_rows: Optional[int] = None) -> pa.Buffer:
    schema = pa.schema(fields)
    if columns:
        batch = pa.RecordBatch.from_arrays(list(columns), schema=schema)
    else:
        batch = pa.RecordBatch.from_pylist([{} for _ in range(num_rows or 0)], schema=schema)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, schema) as writer:
        writer.write_batch(batch)
    return sink.getvalue()
