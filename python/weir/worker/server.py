"""The ROUTER socket loop: receive, route to the client's session, reply in arrival order."""
from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sys
from typing import Any, Dict, List, Optional

import pyarrow as pa
import zmq

from weir.worker import protocol
from weir.worker.errors import PROTOCOL_ERROR, WorkerError
from weir.worker.session import ClientSession, WorkerConfig

log = logging.getLogger("weir.worker.server")

POLL_MS = 200  # how often the idle loop checks for SIGTERM / an orphaned worker


class Server:
    def __init__(self, endpoint: str, config: WorkerConfig) -> None:
        self.config = config
        self.ctx = zmq.Context.instance()
        self.socket = self.ctx.socket(zmq.ROUTER)
        self.socket.setsockopt(zmq.LINGER, 1000)
        self.socket.bind(endpoint)
        self.endpoint = self.socket.getsockopt_string(zmq.LAST_ENDPOINT)
        self.sessions: Dict[bytes, ClientSession] = {}
        self.stopping = False
        self._parent = os.getppid()
        # Read end of the signal wakeup pair (see install_signal_handlers), polled beside the ROUTER socket.
        self._wakeup: Optional[socket.socket] = None
        self._wakeup_writer: Optional[socket.socket] = None

    def announce(self) -> None:
        """The one stdout line the host waits for; everything else goes to stderr."""
        line = json.dumps({"event": "ready", "endpoint": self.endpoint, "pid": os.getpid(),
                           "protocol": protocol.PROTOCOL})
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def install_signal_handlers(self) -> None:
        def stop(signum: int, _frame: Any) -> None:
            log.info("received signal %d, shutting down", signum)
            self.stopping = True
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # pyzmq retries a poll interrupted by a signal, so without this a SIGTERM was only noticed when the
        # POLL_MS timeout ran out (~200 ms of every job's shutdown). The interpreter writes a byte to the wakeup
        # fd on every signal, which makes the poll return at once.
        rd, wr = socket.socketpair()
        rd.setblocking(False)
        wr.setblocking(False)
        signal.set_wakeup_fd(wr.fileno(), warn_on_full_buffer=False)
        self._wakeup, self._wakeup_writer = rd, wr

    def serve_forever(self) -> None:
        poller = zmq.Poller()
        poller.register(self.socket, zmq.POLLIN)
        if self._wakeup is not None:
            poller.register(self._wakeup.fileno(), zmq.POLLIN)
        try:
            while not self.stopping:
                try:
                    ready = poller.poll(POLL_MS)
                except zmq.ZMQError as exc:
                    if exc.errno == zmq.EINTR:
                        continue
                    raise
                if self._wakeup is not None and any(s == self._wakeup.fileno() for s, _ in ready):
                    self._drain_wakeup()
                    ready = [r for r in ready if r[0] is self.socket]
                if not ready:
                    if os.getppid() != self._parent:
                        log.warning("parent process %d is gone, exiting", self._parent)
                        break
                    continue
                # Drain everything queued before polling again: fewer syscalls under pipelined load.
                while not self.stopping:
                    try:
                        frames = self.socket.recv_multipart(flags=zmq.NOBLOCK, copy=False)
                    except zmq.Again:
                        break
                    self.handle(frames)
        finally:
            self.shutdown()

    def handle(self, frames: List[zmq.Frame]) -> None:
        identity = frames[0].bytes
        rest = frames[1:]
        envelope: List[bytes] = [identity]
        if rest and len(rest[0]) == 0:  # tolerate a REQ-style empty delimiter and echo it back
            envelope.append(b"")
            rest = rest[1:]
        session = self.sessions.get(identity)
        if session is None:
            session = self.sessions[identity] = ClientSession(identity, self.config)
        reply: Optional[tuple] = None
        try:
            if not rest:
                raise WorkerError(PROTOCOL_ERROR, "message has no header frame")
            header = protocol.decode_header(rest[0].buffer)
            body = pa.py_buffer(rest[1].buffer) if len(rest) > 1 and len(rest[1]) > 0 else None
            body2 = pa.py_buffer(rest[2].buffer) if len(rest) > 2 and len(rest[2]) > 0 else None
            reply = session.handle(header, body, body2)
        except WorkerError as err:
            if session.rejected:
                return
            reply = (err.to_header(None), None)
        except Exception as exc:  # a bug in the worker: report it rather than die and drop every client
            log.exception("internal error handling a message")
            reply = (WorkerError(PROTOCOL_ERROR, f"internal worker error: {type(exc).__name__}: {exc}").to_header(None),
                     None)
        if reply is None:
            return
        header_out, body_out = reply
        try:
            packed = protocol.encode_header(header_out)
        except Exception as exc:
            log.exception("cannot encode reply header")
            packed = protocol.encode_header(WorkerError(PROTOCOL_ERROR, f"cannot encode reply: {exc}")
                                            .to_header(header_out.get("seq")))
            body_out = None
        parts: List[Any] = envelope + [packed]
        if body_out is not None:
            parts.append(memoryview(body_out))
        self.socket.send_multipart(parts, copy=False)

    def _drain_wakeup(self) -> None:
        try:
            while self._wakeup is not None and self._wakeup.recv(512):
                pass
        except (BlockingIOError, InterruptedError):
            pass

    def shutdown(self) -> None:
        for session in self.sessions.values():
            session.close_functions()
        self.sessions.clear()
        self.socket.close()
        if self._wakeup is not None:
            signal.set_wakeup_fd(-1)
            self._wakeup.close()
            if self._wakeup_writer is not None:
                self._wakeup_writer.close()
            self._wakeup = self._wakeup_writer = None
        log.info("worker stopped")
