"""The transport ceiling: a bare pyzmq ROUTER loop with no Weir code.

Receives [header, Arrow IPC stream of two float64 columns], computes a * b + 1 with numpy, replies
[header, Arrow IPC stream of one float64 column]. Prints one JSON ready line with the bound endpoint, like a worker.
Usage: python transport_echo.py ENDPOINT (ipc://... or tcp://127.0.0.1:0)
"""
import json
import sys

import numpy as np
import pyarrow as pa
import zmq


def main() -> None:
    endpoint = sys.argv[1].replace(":0", ":*") if sys.argv[1].startswith("tcp://") else sys.argv[1]
    sock = zmq.Context.instance().socket(zmq.ROUTER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.bind(endpoint)
    print(json.dumps({"event": "ready", "endpoint": sock.getsockopt_string(zmq.LAST_ENDPOINT)}), flush=True)
    schema = pa.schema([("r0", pa.float64())])
    while True:
        frames = sock.recv_multipart(copy=False)
        identity, header = frames[0].bytes, frames[1].bytes
        if len(frames) < 3:  # a body-less message means "stop"
            sock.send_multipart([identity, header])
            break
        batch = pa.ipc.open_stream(frames[2].buffer).read_next_batch()
        a = batch.column(0).to_numpy(zero_copy_only=False)
        b = batch.column(1).to_numpy(zero_copy_only=False)
        out = pa.RecordBatch.from_arrays([pa.array(a * b + 1)], schema=schema)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, schema) as writer:
            writer.write_batch(out)
        sock.send_multipart([identity, header, sink.getvalue()], copy=False)


if __name__ == "__main__":
    main()
