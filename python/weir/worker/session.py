"""Per-client state and the handlers for hello / load / eval / close."""
from __future__ import annotations

import hmac
import logging
import os
import platform
import time
import traceback
from typing import Any, Dict, List, Optional, Tuple, Union

import pyarrow as pa

import weir
from weir.metrics import MetricGroup, MetricRegistry
from weir.udf import FunctionContext
from weir.worker import conversion, protocol
from weir.worker.errors import (
    AUTH_FAILED, AUTH_REQUIRED, PROTOCOL_ERROR, PROTOCOL_VERSION, UDF_OPEN_FAILED, UDF_UNKNOWN_FUNCTION,
    render_value,
    WorkerError,
)
from weir.worker.loader import build_spec, resolve
from weir.worker.request_args import as_int as _int
from weir.worker.aggregate_runner import LoadedAggregate
from weir.worker.function_kinds import KINDS, build_aggregate_spec, build_table_spec, check_kind, detect_kind
from weir.worker.scalar_runner import LoadedFunction, Timings, Value, run_step
from weir.worker.session_kinds import handle_aggregate, handle_table
from weir.worker.table_runner import LoadedTableFunction

log = logging.getLogger("weir.worker.session")
perf_ns = time.perf_counter_ns

Reply = Tuple[Dict[str, Any], Optional[Any]]  # (header, optional body buffer)
Loaded = Union[LoadedFunction, LoadedAggregate, LoadedTableFunction]


class WorkerConfig:
    def __init__(self, token: str, worker_id: int, base_dir: str) -> None:
        self.token = token.encode("utf-8")
        self.worker_id = worker_id
        self.base_dir = base_dir


class ClientSession:
    def __init__(self, identity: bytes, config: WorkerConfig) -> None:
        self.identity = identity
        self.config = config
        self.authenticated = False
        self.rejected = False  # after AUTH_FAILED every later message is ignored
        self.client_name = ""
        self.functions: Dict[int, Loaded] = {}

    # -- dispatch ------------------------------------------------------------------------------------------------
    def handle(self, header: Dict[str, Any], body: Optional[Any], body2: Optional[Any] = None) -> Optional[Reply]:
        """Returns the reply, or None when the message must be ignored. ``body2`` is frame 2 (aggregate only)."""
        if self.rejected:
            return None
        kind = header.get("type")
        seq = header.get("seq")
        try:
            if kind == "hello":
                return self._hello(header), None
            if not self.authenticated:
                raise WorkerError(AUTH_REQUIRED, f"send hello with the worker token before {kind!r}")
            if kind == "load":
                return self._load(header), None
            if kind == "eval":
                return self._eval(header, body)
            if kind == "aggregate":
                return self._result(header, *handle_aggregate(self.functions, header, body, body2))
            if kind == "table":
                return self._result(header, *handle_table(self.functions, header, body))
            if kind == "close":
                self.close_functions()
                return {"type": "closed", "seq": seq}, None
            raise WorkerError(PROTOCOL_ERROR, f"unknown message type {kind!r}")
        except WorkerError as err:
            if err.code == AUTH_FAILED:
                self.rejected = True
            return err.to_header(seq if _int(seq) is not None else None), None

    # -- hello ---------------------------------------------------------------------------------------------------
    def _hello(self, h: Dict[str, Any]) -> Dict[str, Any]:
        if h.get("protocol") != protocol.PROTOCOL:
            raise WorkerError(PROTOCOL_VERSION, f"worker speaks protocol {protocol.PROTOCOL}, client asked for "
                                                f"{h.get('protocol')!r}")
        token = h.get("token")
        given = token.encode("utf-8") if isinstance(token, str) else b""
        if not hmac.compare_digest(given, self.config.token):
            log.warning("client %r failed authentication", self.identity)
            raise WorkerError(AUTH_FAILED, "wrong worker token")
        self.authenticated = True
        self.client_name = str(h.get("client", ""))
        return {"type": "hello_ok", "protocol": protocol.PROTOCOL, "worker_id": self.config.worker_id,
                "pid": os.getpid(), "python": platform.python_version(), "weir": weir.__version__}

    # -- load ----------------------------------------------------------------------------------------------------
    def _load(self, h: Dict[str, Any]) -> Dict[str, Any]:
        reqs = h.get("functions")
        if not isinstance(reqs, list):
            raise WorkerError(PROTOCOL_ERROR, "load.functions must be a list")
        loaded: List[Loaded] = []
        try:
            for req in reqs:
                loaded.append(self._load_one(req))
        except WorkerError:
            for fn in loaded:  # all-or-nothing: don't leave half a load opened
                _close_quietly(fn)
            raise
        for fn in loaded:
            old = self.functions.pop(fn.id, None)
            if old is not None:
                _close_quietly(old)
            self.functions[fn.id] = fn
        return {"type": "loaded", "seq": h.get("seq"), "functions": [fn.describe() for fn in loaded]}

    def _load_one(self, req: Any) -> "Loaded":
        if not isinstance(req, dict) or _int(req.get("id")) is None or not isinstance(req.get("path"), str):
            raise WorkerError(PROTOCOL_ERROR, f"each load function needs an int id and a str path, got {req!r}")
        kind = req.get("kind", "scalar")
        if kind not in KINDS and kind != "auto":
            raise WorkerError(PROTOCOL_ERROR, f"function kind {kind!r} is not supported (one of {', '.join(KINDS)}, "
                                              f"auto)")
        obj = resolve(req["path"], self.config.base_dir)
        if kind == "auto":
            kind = detect_kind(obj)
        registry = MetricRegistry()
        fn: Loaded
        if kind == "aggregate":
            agg_spec = build_aggregate_spec(req, obj)
            fn = LoadedAggregate(_int(req["id"]), agg_spec, registry)  # type: ignore[arg-type]
        elif kind == "table":
            table_spec = build_table_spec(req, obj)
            fn = LoadedTableFunction(_int(req["id"]), table_spec, registry)  # type: ignore[arg-type]
        else:
            check_kind(req, obj, "scalar")
            fn = LoadedFunction(_int(req["id"]), build_spec(req, obj), registry)  # type: ignore[arg-type]
        spec = fn.spec
        params = req.get("job_parameters") or {}
        context = FunctionContext(MetricGroup(registry), {str(k): str(v) for k, v in params.items()})
        try:
            spec.instance.open(context)
        except Exception as exc:
            raise WorkerError(UDF_OPEN_FAILED, f"open() of function {spec.name!r} raised {type(exc).__name__}: "
                                               f"{exc}", function=spec.name,
                              traceback=traceback.format_exc()) from None
        log.info("client %r loaded function %d %s from %s", self.client_name, fn.id, fn.name, req["path"])
        return fn

    # -- eval ----------------------------------------------------------------------------------------------------
    def _eval(self, h: Dict[str, Any], body: Optional[Any]) -> Reply:
        timings = Timings()
        t0 = perf_ns()
        batch = protocol.read_body(body) if body is not None else None
        timings.deser_ns += perf_ns() - t0
        rows = _int(h.get("rows"))
        if rows is None or rows < 0:
            raise WorkerError(PROTOCOL_ERROR, f"eval.rows must be a non-negative int, got {rows!r}")
        if batch is not None and batch.num_rows != rows:
            raise WorkerError(PROTOCOL_ERROR, f"eval.rows is {rows} but frame 1 holds {batch.num_rows} rows")
        program, outputs = h.get("program"), h.get("outputs")
        if not isinstance(program, list) or not isinstance(outputs, list):
            raise WorkerError(PROTOCOL_ERROR, "eval needs a program list and an outputs list")
        results: List[pa.Array] = []
        used: List[LoadedFunction] = []
        for j, step in enumerate(program):
            fn, args = self._bind_step(j, step, batch, results, rows)
            used.append(fn)
            results.append(run_step(fn, args, rows, timings))
        t1 = perf_ns()
        columns, fields = [], []
        for k, raw in enumerate(outputs):
            idx = _int(raw)
            if idx is None or not 0 <= idx < len(results):
                raise WorkerError(PROTOCOL_ERROR, f"outputs[{k}] = {raw!r} is not a step index "
                                                  f"(0..{len(results) - 1})")
            columns.append(results[idx])
            fields.append(used[idx].result_field(f"r{k}"))
        buf = protocol.write_body(columns, fields, rows)
        timings.ser_ns += perf_ns() - t1
        reply: Dict[str, Any] = {"type": "result", "seq": h.get("seq"), "rows": rows, "timings": timings.as_dict()}
        metrics = self._metric_changes()
        if metrics:
            reply["metrics"] = metrics
        return reply, buf

    def _result(self, h: Dict[str, Any], extra: Dict[str, Any], columns: List[pa.Array], fields: List[pa.Field],
                rows: int, timings: Timings) -> Reply:
        """The ``result`` reply of aggregate/table requests (same envelope as eval)."""
        t0 = perf_ns()
        buf = protocol.write_body(columns, fields, rows)
        timings.ser_ns += perf_ns() - t0
        reply: Dict[str, Any] = {"type": "result", "seq": h.get("seq"), "rows": rows, "timings": timings.as_dict(),
                                 **extra}
        metrics = self._metric_changes()
        if metrics:
            reply["metrics"] = metrics
        return reply, buf

    def _bind_step(self, j: int, step: Any, batch: Optional[pa.RecordBatch], results: List[pa.Array],
                   rows: int) -> Tuple[LoadedFunction, List[Value]]:
        if not isinstance(step, dict) or not isinstance(step.get("args", []), list):
            raise WorkerError(PROTOCOL_ERROR, f"program[{j}] must be a map with fn and args, got {step!r}")
        fn = self.functions.get(_int(step.get("fn")))  # type: ignore[arg-type]
        if fn is None:
            raise WorkerError(UDF_UNKNOWN_FUNCTION, f"program[{j}] calls function id {step.get('fn')!r}, which this "
                                                    f"client never loaded (loaded: {sorted(self.functions)})")
        if not isinstance(fn, LoadedFunction):
            raise WorkerError(PROTOCOL_ERROR, f"program[{j}] calls function id {fn.id} ({fn.name!r}), a {fn.kind} "
                                              f"function; send it an {fn.kind!r} request instead of eval")
        args: List[Value] = []
        for k, arg in enumerate(step.get("args", [])):
            where = f"program[{j}].args[{k}]"
            if not isinstance(arg, dict):
                raise WorkerError(PROTOCOL_ERROR, f"{where} must be a map, got {arg!r}")
            if "col" in arg:
                i = _int(arg["col"])
                if batch is None or i is None or not 0 <= i < batch.num_columns:
                    have = 0 if batch is None else batch.num_columns
                    raise WorkerError(PROTOCOL_ERROR, f"{where} refers to column {i!r} but frame 1 has {have} columns")
                args.append(Value(batch.column(i), rows))
            elif "step" in arg:
                s = _int(arg["step"])
                if s is None or not 0 <= s < j:
                    raise WorkerError(PROTOCOL_ERROR, f"{where} refers to step {s!r}; only earlier steps (< {j}) "
                                                      f"can be used")
                args.append(Value(results[s], rows))
            elif "lit" in arg:
                args.append(Value(None, rows, self._literal(arg, where)))
            else:
                raise WorkerError(PROTOCOL_ERROR, f"{where} must have one of col, step, lit: {arg!r}")
        return fn, args

    @staticmethod
    def _literal(arg: Dict[str, Any], where: str) -> pa.Scalar:
        from weir.types.arrow import to_arrow
        from weir.types.parser import TypeParseError
        try:
            at = to_arrow(arg.get("type") or "")
        except (TypeParseError, TypeError) as exc:
            raise WorkerError(PROTOCOL_ERROR, f"{where}: literal type {arg.get('type')!r} is invalid: {exc}") from None
        try:
            return conversion.literal_scalar(arg["lit"], at)
        except Exception as exc:
            raise WorkerError(PROTOCOL_ERROR, f"{where}: literal {arg['lit']!r} is not a valid {arg.get('type')}: "
                                              f"{exc}") from None

    def _metric_changes(self) -> List[Dict[str, Any]]:
        out: List[Dict[str, Any]] = []
        for fn in self.functions.values():
            for group, name, kind, value in fn.registry.collect_changes():
                out.append({"fn": fn.id, "group": group, "name": name, "kind": kind, "value": render_value(value)})
        return out

    # -- close ---------------------------------------------------------------------------------------------------
    def close_functions(self) -> None:
        for fn in self.functions.values():
            _close_quietly(fn)
        self.functions.clear()


def _close_quietly(fn: Loaded) -> None:
    """close() failures are logged, not raised: the client is going away and can't act on them."""
    try:
        fn.spec.instance.close()
    except Exception:
        log.exception("close() of function %r raised", fn.name)
