"""Aggregate/table function throughput over a real worker (ZeroMQ + Arrow IPC), one request each.

Usage: .venv/bin/python python/bench/bench_aggregate.py
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import msgpack
import numpy as np
import pyarrow as pa
import zmq

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "tests" / "fixtures"
TOKEN = "bench-token"
last_timings: Dict[str, int] = {}


def ipc(columns: List[pa.Array], names: List[str]) -> bytes:
    batch = pa.RecordBatch.from_arrays(columns, names=names)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as w:
        w.write_batch(batch)
    return sink.getvalue().to_pybytes()


def request(sock: zmq.Socket, header: Dict[str, Any], *bodies: Optional[bytes]) -> Dict[str, Any]:
    sock.send_multipart([msgpack.packb(header)] + [b if b is not None else b"" for b in bodies])
    frames = sock.recv_multipart()
    return msgpack.unpackb(frames[0])


def best_ms(sock: zmq.Socket, header: Dict[str, Any], *bodies: Optional[bytes], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        reply = request(sock, header, *bodies)
        times.append((time.perf_counter() - t0) * 1000)
        assert reply["type"] == "result", reply
        last_timings.update(reply["timings"])
    return min(times)


def main() -> None:
    env = dict(os.environ, WEIR_WORKER_TOKEN=TOKEN, WEIR_LOG_LEVEL="WARNING")
    proc = subprocess.Popen([sys.executable, "-m", "weir.worker", "--endpoint", "tcp://127.0.0.1:0",
                             "--base-dir", str(FIXTURES)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        ready = json.loads(proc.stdout.readline())
        sock = zmq.Context.instance().socket(zmq.DEALER)
        sock.connect(ready["endpoint"])
        request(sock, {"type": "hello", "protocol": 1, "token": TOKEN, "client": "bench"})
        request(sock, {"type": "load", "seq": 1, "functions": [
            {"id": 1, "path": "pyflink_style_udafs.py:mean_udaf", "name": "mean", "kind": "aggregate"},
            {"id": 2, "path": "pyflink_style_udafs.py:weighted_avg", "name": "wavg", "kind": "aggregate"},
            {"id": 3, "path": "pyflink_style_udtfs.py:split_words", "name": "split", "kind": "table"}]})
        rng = np.random.default_rng(1)
        rows, groups = 1_000_000, 1000
        g = pa.array(np.sort(rng.integers(0, groups, rows)).astype(np.int32))
        v = pa.array(rng.random(rows))
        body = ipc([g, v], ["g", "a0"])
        h = {"type": "aggregate", "seq": 2, "fn": 1, "mode": "complete", "rows": rows, "groups": groups}
        print(f"pandas UDAF mean, {rows:,} rows in {groups} groups (sorted), one request: {best_ms(sock, h, body):.1f} ms"
          f" (worker: {last_timings})")
        gs = pa.array(rng.integers(0, groups, rows).astype(np.int32))
        print(f"  same, rows in random group order: {best_ms(sock, h, ipc([gs, v], ['g', 'a0'])):.1f} ms")
        n = 100_000
        w = pa.array(rng.integers(1, 5, n))
        body = ipc([gs[:n], pa.array(np.zeros(n, np.int8)), v[:n], w], ["g", "k", "a0", "a1"])
        h = {"type": "aggregate", "seq": 3, "fn": 2, "mode": "accumulate", "rows": n, "groups": groups}
        print(f"general UDAF weighted_avg accumulate, {n:,} rows in {groups} new groups: {best_ms(sock, h, body):.1f} ms")
        lines = pa.array(["the quick brown fox jumps"] * n)
        h = {"type": "table", "seq": 4, "fn": 3, "rows": n}
        print(f"UDTF split_words, {n:,} rows -> {5 * n:,} rows: {best_ms(sock, h, ipc([lines], ['a0'])):.1f} ms")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
