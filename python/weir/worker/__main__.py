"""``python -m weir.worker --endpoint ENDPOINT [--base-dir DIR] [--sys-path P]... [--allow-remote]``."""
from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import re
import sys
from typing import List, Optional

EXIT_USAGE = 2


def is_local_endpoint(endpoint: str) -> bool:
    """ipc:// and inproc:// are local; tcp:// only on a loopback address."""
    if endpoint.startswith(("ipc://", "inproc://")):
        return True
    m = re.match(r"^tcp://(\[[^\]]+\]|[^:]+):(\d+|\*)$", endpoint)
    if not m:
        return False
    host = m.group(1).strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_endpoint(endpoint: str) -> str:
    # ZeroMQ spells "any free port" as '*'; the protocol doc (and humans) write ':0'.
    return re.sub(r"^(tcp://.+):0$", r"\1:*", endpoint)


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m weir.worker", description="Weir Python UDF worker")
    p.add_argument("--endpoint", required=True, help="ipc://PATH or tcp://127.0.0.1:PORT (0 = any free port)")
    p.add_argument("--base-dir", default=os.getcwd(), help="directory UDF file paths are relative to")
    p.add_argument("--sys-path", action="append", default=[], help="extra import path (repeatable)")
    p.add_argument("--allow-remote", action="store_true", help="allow binding a non-loopback address")
    return p.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    level_name = os.environ.get("WEIR_LOG_LEVEL", "WARNING").upper()
    level = logging.getLevelName(level_name)
    logging.basicConfig(stream=sys.stderr, level=level if isinstance(level, int) else logging.WARNING,
                        format="%(asctime)s weir-worker[%(process)d] %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("weir.worker")
    if not isinstance(level, int):
        log.warning("WEIR_LOG_LEVEL=%r is not a logging level (DEBUG, INFO, WARNING, ERROR); using WARNING",
                    level_name)
    token = os.environ.get("WEIR_WORKER_TOKEN")
    if not token:
        log.error("WEIR_WORKER_TOKEN is not set; refusing to start an unauthenticated worker")
        return EXIT_USAGE
    if not args.allow_remote and not is_local_endpoint(args.endpoint):
        log.error("refusing to bind %s: only ipc:// and loopback tcp:// endpoints are allowed without "
                  "--allow-remote", args.endpoint)
        return EXIT_USAGE
    try:
        worker_id = int(os.environ.get("WEIR_WORKER_ID", "0"))
    except ValueError:
        log.error("WEIR_WORKER_ID must be an integer, got %r", os.environ.get("WEIR_WORKER_ID"))
        return EXIT_USAGE
    base_dir = os.path.abspath(args.base_dir)
    for p in reversed([base_dir] + [os.path.abspath(p) for p in args.sys_path]):
        if p not in sys.path:
            sys.path.insert(0, p)

    # Imported after argument checks so `--help` and usage errors stay fast.
    import zmq
    from weir.worker.server import Server
    from weir.worker.session import WorkerConfig

    try:
        server = Server(normalize_endpoint(args.endpoint), WorkerConfig(token, worker_id, base_dir))
    except zmq.ZMQError as exc:
        log.error("cannot bind %s: %s", args.endpoint, exc)
        return 1
    server.install_signal_handlers()
    server.announce()
    server.serve_forever()
    # The process is about to exit (functions closed, socket gone). Interpreter teardown after importing pandas
    # spent ~80 ms in cyclic GC passes over module objects, and the job waits for its workers to exit; freezing
    # the heap skips those passes. atexit handlers and refcount finalizers still run.
    import gc
    gc.disable()
    gc.freeze()
    return 0


if __name__ == "__main__":
    sys.exit(main())
