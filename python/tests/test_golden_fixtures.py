"""Golden protocol fixtures shared with the TypeScript side (test/fixtures/protocol/, format in docs/protocol.md).

Both sides decode the committed files and compare them with manifest.json, and both check that their own encoder
produces something that decodes to the same value.
"""
from __future__ import annotations

import datetime as dt
import decimal
import json
import os
from pathlib import Path
from typing import Any, Dict, List

import msgpack
import pyarrow as pa
import pytest

from weir.metrics import MetricRegistry
from weir.types import DataType, from_arrow, parse_type, to_arrow
from weir.types.arrow import to_arrow_field
from weir.udf import udf
from weir.worker import protocol
from weir.worker.errors import UDF_ERROR, WorkerError
from weir.worker.loader import build_spec
from weir.worker.scalar_runner import LoadedFunction
from weir.worker.session import ClientSession, WorkerConfig

FIXTURES = Path(os.environ.get("WEIR_PROTOCOL_FIXTURES",
                               Path(__file__).resolve().parents[2] / "test" / "fixtures" / "protocol"))
MANIFEST = FIXTURES / "manifest.json"

pytestmark = pytest.mark.skipif(not MANIFEST.is_file(), reason=f"golden fixtures not present yet: {MANIFEST} "
                                                               f"(written by scripts/gen-protocol-fixtures.ts)")


def manifest() -> Dict[str, Any]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def messages() -> List[str]:
    return sorted(manifest()["messages"]) if MANIFEST.is_file() else []


def to_json_value(v: Any, t: DataType) -> Any:
    """The manifest's JSON rendering of a column value (docs/protocol.md, "Fixture manifest format")."""
    if v is None:
        return None
    name = type(t).__name__
    if name == "BigIntType":
        return str(v)
    if name == "DecimalType":
        return f"{v:.{t.scale}f}"
    if name == "TimestampType":
        text = v.strftime("%Y-%m-%d %H:%M:%S")
        return text + f".{v.microsecond // 1000:03d}" if t.precision > 0 else text
    return v


def from_json_value(v: Any, t: DataType) -> Any:
    if v is None:
        return None
    name = type(t).__name__
    if name == "BigIntType":
        return int(v)
    if name == "DecimalType":
        return decimal.Decimal(v)
    if name == "TimestampType":
        return dt.datetime.fromisoformat(v)
    return v


def test_manifest_is_protocol_1():
    m = manifest()
    assert m["protocol"] == 1
    assert {"hello", "hello_ok", "load", "loaded", "eval", "result", "error"} <= set(m["messages"])


@pytest.mark.parametrize("name", messages())
def test_header_decodes_to_manifest(name):
    entry = manifest()["messages"][name]
    raw = (FIXTURES / entry["header_file"]).read_bytes()
    assert protocol.decode_header(raw) == entry["header"]
    assert msgpack.unpackb(raw, raw=False) == entry["header"]
    # Our own encoder's bytes decode to the same value.
    assert protocol.decode_header(protocol.encode_header(entry["header"])) == entry["header"]


@pytest.mark.parametrize("name", [n for n in messages() if manifest()["messages"][n]["body"]])
def test_body_decodes_to_manifest_and_our_encoding_round_trips(name):
    body = manifest()["messages"][name]["body"]
    batch = protocol.read_body(pa.py_buffer((FIXTURES / body["file"]).read_bytes()))
    assert batch.num_rows == body["rows"]
    assert batch.schema.names == [f["name"] for f in body["fields"]]
    types = [parse_type(f["type"]) for f in body["fields"]]
    for field, t in zip(batch.schema, types):
        assert field.nullable, f"{field.name}: manifest fields are all nullable"
        # Compare through the Arrow mapping so both spellings of the same wire type agree.
        assert from_arrow(field.type) == from_arrow(to_arrow(t)), (field, t)
        assert field.type == to_arrow(t), (field.type, to_arrow(t))
    for field, t in zip(batch.schema, types):
        got = [to_json_value(v, t) for v in batch.column(field.name).to_pylist()]
        assert got == body["columns"][field.name], field.name
    # Encode the manifest's values with our writer and decode them again.
    arrays = [pa.array([from_json_value(v, t) for v in body["columns"][f["name"]]], type=to_arrow(t))
              for f, t in zip(body["fields"], types)]
    fields = [to_arrow_field(f["name"], t) for f, t in zip(body["fields"], types)]
    again = protocol.read_body(protocol.write_body(arrays, fields, body["rows"]))
    assert again.equals(batch)


def test_worker_replies_have_the_fixture_shapes():
    """Our replies carry exactly the keys of the fixture replies (the TS decoder is written against them)."""
    m = manifest()["messages"]
    session = ClientSession(b"id", WorkerConfig(m["hello"]["header"]["token"], 0, "."))
    hello_ok, _ = session.handle(m["hello"]["header"], None)
    assert hello_ok["type"] == "hello_ok" and set(hello_ok) == set(m["hello_ok"]["header"])

    mul_add = udf(lambda x, y: x * y + 0.5, result_type="DOUBLE", func_type="pandas", input_types=["DOUBLE", "DOUBLE"])

    def normalize(s, *rest):
        if s == "x":
            raise ValueError(f"bad value {s!r}")
        return None if s is None else s.lower()

    load = m["load"]["header"]
    specs = [build_spec(load["functions"][0], mul_add),
             build_spec(dict(load["functions"][1], result_type="STRING NOT NULL"), udf(normalize, deterministic=False))]
    for req, spec in zip(load["functions"], specs):
        session.functions[req["id"]] = LoadedFunction(req["id"], spec, MetricRegistry())
    described = [session.functions[f["id"]].describe() for f in load["functions"]]
    assert described == m["loaded"]["header"]["functions"]

    eval_msg = m["eval"]
    body = pa.py_buffer((FIXTURES / eval_msg["body"]["file"]).read_bytes())
    reply, out = session.handle(eval_msg["header"], body)
    assert reply["type"] == "result", reply
    assert set(reply) - {"metrics"} == set(m["result"]["header"]) - {"metrics"}
    assert set(reply["timings"]) == set(m["result"]["header"]["timings"])
    result = protocol.read_body(out)
    expected_fields = [f["name"] for f in m["result"]["body"]["fields"]]
    assert result.schema.names == expected_fields
    assert [str(from_arrow(f.type)) for f in result.schema] == [f["type"] for f in m["result"]["body"]["fields"]]
    assert result.column(1).to_pylist() == ["héllo", None, "日本語 🚀"]

    err = WorkerError(UDF_ERROR, "ValueError: bad value 'x'", function="normalize", traceback="tb", row=1,
                      values=["x", None, True, -7, 2.5]).to_header(3)
    assert set(err) == set(m["error"]["header"])
