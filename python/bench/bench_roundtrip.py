"""Round-trip throughput of the worker vs a raw ZeroMQ + numpy echo loop (the upper bound for any design).

    .venv/bin/python python/bench/bench_roundtrip.py [--rows 1000000] [--iters 20]

Prints one JSON line per case: seconds per round trip (median) and rows/s.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, List

import msgpack
import numpy as np
import pyarrow as pa
import zmq

HERE = Path(__file__).parent
TOKEN = "bench-token"

ECHO_SERVER = r"""
import sys, zmq, numpy as np
ctx = zmq.Context(); s = ctx.socket(zmq.ROUTER); s.bind("tcp://127.0.0.1:*")
print(s.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)
while True:
    ident, header, body = s.recv_multipart(copy=False)
    x = np.frombuffer(body.buffer, dtype=np.float64)
    s.send_multipart([ident, header, memoryview(x + 1.0)], copy=False)
"""


def timed(fn: Callable[[], None], iters: int) -> List[float]:
    fn()  # warm-up
    out = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def raw_echo(rows: int, iters: int) -> List[float]:
    proc = subprocess.Popen([sys.executable, "-c", ECHO_SERVER], stdout=subprocess.PIPE, text=True)
    try:
        endpoint = proc.stdout.readline().strip()
        sock = zmq.Context.instance().socket(zmq.DEALER)
        sock.connect(endpoint)
        data = np.random.rand(rows)

        def once() -> None:
            sock.send_multipart([b"h", memoryview(data)], copy=False)
            _, body = sock.recv_multipart(copy=False)
            assert len(body.buffer) == rows * 8
        return timed(once, iters)
    finally:
        proc.kill()


def weir_eval(rows: int, iters: int, fn_name: str) -> List[float]:
    env = dict(os.environ, WEIR_WORKER_TOKEN=TOKEN)
    proc = subprocess.Popen([sys.executable, "-m", "weir.worker", "--endpoint", "tcp://127.0.0.1:0",
                             "--base-dir", str(HERE)], stdout=subprocess.PIPE, env=env, text=True)
    try:
        endpoint = json.loads(proc.stdout.readline())["endpoint"]
        sock = zmq.Context.instance().socket(zmq.DEALER)
        sock.connect(endpoint)

        def req(header, body=None):
            sock.send_multipart([msgpack.packb(header)] + ([body] if body is not None else []), copy=False)
            return sock.recv_multipart(copy=False)
        req({"type": "hello", "protocol": 1, "token": TOKEN, "client": "bench"})
        req({"type": "load", "seq": 1, "functions": [{"id": 1, "path": f"bench_udfs.py:{fn_name}",
                                                      "name": fn_name, "kind": "scalar"}]})
        batch = pa.RecordBatch.from_arrays([pa.array(np.random.rand(rows))], names=["a0"])
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, batch.schema) as w:
            w.write_batch(batch)
        body = sink.getvalue()
        header = msgpack.packb({"type": "eval", "seq": 2, "rows": rows,
                                "program": [{"fn": 1, "args": [{"col": 0}]}], "outputs": [0]})
        last = {}

        def once() -> None:
            sock.send_multipart([header, body], copy=False)
            frames = sock.recv_multipart(copy=False)
            reply = msgpack.unpackb(frames[0].bytes)
            assert reply["type"] == "result", reply
            out = pa.ipc.open_stream(pa.py_buffer(frames[1].buffer)).read_next_batch()
            assert out.num_rows == rows
            last.update(reply["timings"])
        times = timed(once, iters)
        print(json.dumps({"case": f"weir-{fn_name}", "last_timings_ms": {k: v / 1e6 for k, v in last.items()}}))
        return times
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--general", action="store_true", help="also time the row-at-a-time path")
    a = ap.parse_args()
    results = {"raw-zmq-numpy-echo": raw_echo(a.rows, a.iters),
               "weir-pandas": weir_eval(a.rows, a.iters, "plus_one_pandas")}
    if a.general:
        results["weir-general"] = weir_eval(a.rows, max(3, a.iters // 10), "plus_one")
    base = statistics.median(results["raw-zmq-numpy-echo"])
    for name, times in results.items():
        med = statistics.median(times)
        print(json.dumps({"case": name, "rows": a.rows, "median_ms": round(med * 1e3, 2),
                          "rows_per_s": round(a.rows / med), "vs_raw": round(base / med, 3)}))


if __name__ == "__main__":
    main()
