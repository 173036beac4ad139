"""Golden fixtures of the aggregate/table additions (test/fixtures/protocol/v1-aggregate/, docs/protocol.md).

Written by python/tools/gen_aggregate_fixtures.py; the TypeScript side will read the same files.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Dict, List

import msgpack
import pyarrow as pa
import pytest

from weir.types import from_arrow, parse_type, to_arrow
from weir.worker import protocol
from weir.worker.session import ClientSession, WorkerConfig

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "test" / "fixtures" / "protocol" / "v1-aggregate"
MANIFEST = FIXTURES / "manifest.json"
sys.path.insert(0, str(ROOT / "python" / "tools"))
from gen_aggregate_fixtures import REQUESTS, TOKEN, UDF_DIR, to_json  # noqa: E402

pytestmark = pytest.mark.skipif(not MANIFEST.is_file(), reason=f"{MANIFEST} missing")


def messages() -> Dict[str, Any]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))["messages"] if MANIFEST.is_file() else {}


def read(entry: Dict[str, Any], key: str) -> pa.RecordBatch:
    return protocol.read_body(pa.py_buffer((FIXTURES / entry[key]["file"]).read_bytes()))


def test_manifest_lists_every_request_and_reply():
    m = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert m["protocol"] == 1
    assert set(m["messages"]) == {r[0] for r in REQUESTS} | {r[4] for r in REQUESTS}
    assert all(set(e) == {"header_file", "header", "body", "body2"} for e in m["messages"].values())


@pytest.mark.parametrize("name", sorted(messages()))
def test_fixture_files_decode_to_manifest(name):
    entry = messages()[name]
    raw = (FIXTURES / entry["header_file"]).read_bytes()
    assert protocol.decode_header(raw) == entry["header"] == msgpack.unpackb(raw, raw=False)
    for key in ("body", "body2"):
        spec = entry[key]
        if spec is None:
            continue
        batch = read(entry, key)
        assert batch.num_rows == spec["rows"]
        assert batch.schema.names == [f["name"] for f in spec["fields"]]
        for field, f in zip(batch.schema, spec["fields"]):
            assert field.nullable and field.type == to_arrow(parse_type(f["type"])), (field, f)
            assert str(from_arrow(field.type)) == f["type"]
            assert [to_json(v, field.type) for v in batch.column(field.name).to_pylist()] == spec["columns"][field.name]


def test_worker_replays_requests_to_the_fixture_replies():
    m = messages()
    session = ClientSession(b"golden", WorkerConfig(TOKEN, 0, str(UDF_DIR)))
    session.handle({"type": "hello", "protocol": 1, "token": TOKEN, "client": "t"}, None)
    for name, _, _, _, reply_name in REQUESTS:
        req, expected = m[name], m[reply_name]
        bodies: List[Any] = [None if req[k] is None else pa.py_buffer((FIXTURES / req[k]["file"]).read_bytes())
                             for k in ("body", "body2")]
        reply, out = session.handle(req["header"], *bodies)
        if "timings" in reply:
            assert set(reply["timings"]) == set(expected["header"]["timings"])
            reply["timings"] = expected["header"]["timings"]
        assert reply == expected["header"], name
        if expected["body"] is None:
            assert out is None
        else:
            assert protocol.read_body(out).equals(read(expected, "body")), name
