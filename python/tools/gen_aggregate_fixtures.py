"""Writes the golden fixtures of the aggregate/table protocol additions to test/fixtures/protocol/v1-aggregate/.

Run by hand: ``.venv/bin/python python/tools/gen_aggregate_fixtures.py``. Requests are written here; replies are
produced by running the requests through a real ``ClientSession`` against ``python/tests/fixtures`` (timings
replaced by fixed numbers), so the files show exactly what the worker answers. The manifest keeps the format of
``test/fixtures/protocol/manifest.json`` plus ``body2`` for frame 2 (docs/protocol.md).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import msgpack
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

from weir.types.arrow import from_arrow  # noqa: E402
from weir.worker import protocol  # noqa: E402
from weir.worker.session import ClientSession, WorkerConfig  # noqa: E402

OUT = ROOT / "test" / "fixtures" / "protocol" / "v1-aggregate"
UDF_DIR = ROOT / "python" / "tests" / "fixtures"
TOKEN = "3f9a0c1b2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"
TIMINGS = {"user_ns": 1500000, "deser_ns": 20000, "ser_ns": 30000}
WAVG = pa.struct([("sum", pa.float64()), ("count", pa.int64())])


def to_json(v: Any, t: pa.DataType) -> Any:
    """Manifest JSON rendering: BIGINT as a decimal string (also inside ROW/ARRAY), ROW as an object, ARRAY as
    an array, other numbers/strings/booleans as JSON values, NULL as null."""
    if v is None:
        return None
    if pa.types.is_int64(t):
        return str(v)
    if pa.types.is_struct(t):
        return {t.field(i).name: to_json(v[t.field(i).name], t.field(i).type) for i in range(t.num_fields)}
    if pa.types.is_list(t):
        return [to_json(x, t.value_type) for x in v]
    return v


def body_spec(batch: pa.RecordBatch, file: str) -> Dict[str, Any]:
    return {"file": file, "rows": batch.num_rows,
            "fields": [{"name": f.name, "type": str(from_arrow(f.type))} for f in batch.schema],
            "columns": {f.name: [to_json(v, f.type) for v in batch.column(f.name).to_pylist()]
                        for f in batch.schema}}


def batch(columns: Dict[str, pa.Array]) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays(list(columns.values()), names=list(columns))


def ipc(b: pa.RecordBatch) -> pa.Buffer:
    return protocol.write_body(b.columns, list(b.schema), b.num_rows)


REQUESTS: List[Tuple[str, Dict[str, Any], Optional[pa.RecordBatch], Optional[pa.RecordBatch], str]] = [
    ("load_aggregate", {"type": "load", "seq": 1, "functions": [
        {"id": 0, "path": "pyflink_style_udafs.py:weighted_avg", "name": "weighted_avg", "kind": "aggregate"},
        {"id": 1, "path": "pyflink_style_udafs.py:mean_udaf", "name": "mean_udaf", "kind": "aggregate",
         "func_type": "pandas", "input_types": ["DOUBLE"]},
        {"id": 2, "path": "pyflink_style_udtfs.py:explode", "name": "explode", "kind": "table"},
        {"id": 3, "path": "pyflink_style_udafs.py:top2", "name": "top2", "kind": "aggregate"}]},
     None, None, "loaded_aggregate"),
    ("aggregate_accumulate", {"type": "aggregate", "seq": 2, "fn": 0, "mode": "accumulate", "rows": 5, "groups": 3,
                              "previous": True},
     batch({"g": pa.array([0, 1, 0, 2, 1], pa.int32()), "k": pa.array([0, 0, 1, 0, 2], pa.int8()),
            "a0": pa.array([2.0, 4.0, 2.0, None, 1.5]), "a1": pa.array([3, 1, 3, 1, 2], pa.int64())}),
     batch({"acc": pa.array([{"sum": 10.0, "count": 4}, None, {"sum": 1.0, "count": 1}], WAVG)}),
     "aggregate_accumulate_result"),
    ("aggregate_merge", {"type": "aggregate", "seq": 3, "fn": 0, "mode": "merge", "rows": 3, "groups": 2},
     batch({"g": pa.array([0, 1, 1], pa.int32()),
            "acc": pa.array([{"sum": 2.0, "count": 1}, {"sum": 6.0, "count": 3}, None], WAVG)}),
     batch({"acc": pa.array([{"sum": 10.0, "count": 4}, None], WAVG)}), "aggregate_merge_result"),
    ("aggregate_complete", {"type": "aggregate", "seq": 4, "fn": 1, "mode": "complete", "rows": 6, "groups": 3},
     batch({"g": pa.array([2, 0, 1, 0, 2, 2], pa.int32()), "a0": pa.array([10.0, 1.0, 5.0, 3.0, None, 20.0])}),
     None, "aggregate_complete_result"),
    ("table", {"type": "table", "seq": 5, "fn": 2, "rows": 3, "args": [{"col": 0}, {"lit": 2, "type": "BIGINT"}]},
     batch({"a0": pa.array(["p", None, "q"])}), None, "table_result"),
    ("aggregate_retract_unsupported", {"type": "aggregate", "seq": 6, "fn": 3, "mode": "accumulate", "rows": 2,
                                       "groups": 1},
     batch({"g": pa.array([0, 0], pa.int32()), "k": pa.array([0, 3], pa.int8()), "a0": pa.array([7, 7])}),
     None, "aggregate_error"),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    session = ClientSession(b"fixtures", WorkerConfig(TOKEN, 0, str(UDF_DIR)))
    session.handle({"type": "hello", "protocol": 1, "token": TOKEN, "client": "fixtures"}, None)
    messages: Dict[str, Any] = {}

    def write(name: str, header: Dict[str, Any], body: Optional[pa.RecordBatch], body2: Optional[pa.RecordBatch]):
        (OUT / f"{name}.header.msgpack").write_bytes(msgpack.packb(header, use_bin_type=True))
        entry: Dict[str, Any] = {"header_file": f"{name}.header.msgpack", "header": header, "body": None,
                                 "body2": None}
        for key, b, suffix in (("body", body, "body"), ("body2", body2, "body2")):
            if b is not None:
                (OUT / f"{name}.{suffix}.arrows").write_bytes(ipc(b).to_pybytes())
                entry[key] = body_spec(b, f"{name}.{suffix}.arrows")
        messages[name] = entry

    for name, header, body, body2, reply_name in REQUESTS:
        write(name, header, body, body2)
        reply, out = session.handle(header, None if body is None else ipc(body), None if body2 is None else ipc(body2))
        assert reply["type"] != "error" or reply_name.endswith("error"), reply
        if "timings" in reply:
            reply["timings"] = dict(TIMINGS)
        write(reply_name, reply, None if out is None else protocol.read_body(out), None)
    (OUT / "manifest.json").write_text(json.dumps({"protocol": 1, "messages": messages}, indent=2,
                                                  ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(messages)} messages to {OUT}")


if __name__ == "__main__":
    main()
