"""Shared helpers: spawn a real worker process and talk to it over a DEALER socket."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import msgpack
import pyarrow as pa
import pytest
import zmq

FIXTURES = Path(__file__).parent / "fixtures"
TOKEN = "test-token-0123456789abcdef"


class Worker:
    def __init__(self, proc: subprocess.Popen, endpoint: str) -> None:
        self.proc = proc
        self.endpoint = endpoint
        self.ctx = zmq.Context.instance()

    def client(self, hello: bool = True, token: str = TOKEN) -> "Client":
        c = Client(self.ctx, self.endpoint)
        if hello:
            reply, _ = c.request({"type": "hello", "protocol": 1, "token": token, "client": "pytest"})
            assert reply["type"] == "hello_ok", reply
        return c


class Client:
    def __init__(self, ctx: zmq.Context, endpoint: str) -> None:
        self.sock = ctx.socket(zmq.DEALER)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.setsockopt(zmq.RCVTIMEO, 20000)
        self.sock.connect(endpoint)
        self.seq = 0

    def send(self, header: Dict[str, Any], body: Optional[bytes] = None, body2: Optional[bytes] = None) -> None:
        parts: List[Any] = [msgpack.packb(header, use_bin_type=True)]
        if body is not None or body2 is not None:
            parts.append(body if body is not None else b"")
        if body2 is not None:
            parts.append(body2)
        self.sock.send_multipart(parts, copy=False)

    def recv(self) -> Tuple[Dict[str, Any], Optional[pa.RecordBatch]]:
        frames = self.sock.recv_multipart(copy=False)
        header = msgpack.unpackb(frames[0].bytes, raw=False)
        batch = None
        if len(frames) > 1:
            batch = pa.ipc.open_stream(pa.py_buffer(frames[1].buffer)).read_next_batch()
        return header, batch

    def request(self, header: Dict[str, Any], body: Optional[bytes] = None, body2: Optional[bytes] = None):
        self.send(header, body, body2)
        return self.recv()

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def load(self, *functions: Dict[str, Any]):
        return self.request({"type": "load", "seq": self.next_seq(), "functions": list(functions)})

    def eval(self, columns: List[pa.Array], program: List[Dict[str, Any]], outputs: List[int],
             rows: Optional[int] = None):
        return self.request(*eval_message(columns, program, outputs, self.next_seq(), rows))

    def close(self) -> None:
        self.sock.close()


def ipc_bytes(columns: List[pa.Array], names: Optional[List[str]] = None) -> bytes:
    batch = pa.RecordBatch.from_arrays(columns, names=names or [f"a{i}" for i in range(len(columns))])
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as w:
        w.write_batch(batch)
    return sink.getvalue()


def eval_message(columns: List[pa.Array], program: List[Dict[str, Any]], outputs: List[int], seq: int,
                 rows: Optional[int] = None):
    n = rows if rows is not None else (len(columns[0]) if columns else 0)
    header = {"type": "eval", "seq": seq, "rows": n, "program": program, "outputs": outputs}
    return header, (ipc_bytes(columns) if columns else None)


def aggregate_message(seq: int, fn: int, mode: str, groups: List[int], n: int, args: List[pa.Array],
                      kinds: Optional[List[int]] = None, acc: Optional[pa.Array] = None, **extra: Any):
    """An ``aggregate`` request: frame 1 = g (+ k) + a0.., frame 2 = the groups' accumulators (when given)."""
    cols = [pa.array(groups, pa.int32())] + ([pa.array(kinds, pa.int8())] if kinds is not None else []) + args
    names = ["g"] + (["k"] if kinds is not None else []) + [f"a{i}" for i in range(len(args))]
    header = {"type": "aggregate", "seq": seq, "fn": fn, "mode": mode, "rows": len(groups), "groups": n, **extra}
    return header, ipc_bytes(cols, names), (ipc_bytes([acc], ["acc"]) if acc is not None else None)


def start_worker(endpoint: str = "tcp://127.0.0.1:0", extra_env: Optional[Dict[str, str]] = None,
                 args: Optional[List[str]] = None) -> subprocess.Popen:
    env = dict(os.environ, WEIR_WORKER_TOKEN=TOKEN, WEIR_WORKER_ID="7", WEIR_LOG_LEVEL="WARNING")
    env.update(extra_env or {})
    cmd = [sys.executable, "-m", "weir.worker", "--endpoint", endpoint, "--base-dir", str(FIXTURES)] + (args or [])
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def worker() -> Iterator[Worker]:
    proc = start_worker()
    line = proc.stdout.readline()
    assert line, proc.stderr.read()
    ready = json.loads(line)
    assert ready["event"] == "ready" and ready["protocol"] == 1 and ready["pid"] == proc.pid
    w = Worker(proc, ready["endpoint"])
    yield w
    proc.terminate()
    proc.wait(timeout=10)
