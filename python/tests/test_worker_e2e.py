"""End to end: a real ``python -m weir.worker`` process driven over ZeroMQ DEALER sockets."""
import json
import signal

import pyarrow as pa
import pytest
import zmq

from conftest import TOKEN, eval_message, start_worker

U = "pyflink_style_udfs.py"
B = "broken_udfs.py"


def fn(i, path, **kw):
    return {"id": i, "path": path, "name": path.split(":")[-1].split(".")[-1], "kind": "scalar", **kw}


def test_hello_ok(worker):
    c = worker.client(hello=False)
    reply, body = c.request({"type": "hello", "protocol": 1, "token": TOKEN, "client": "t"})
    assert body is None
    assert reply["type"] == "hello_ok" and reply["protocol"] == 1 and reply["worker_id"] == 7
    assert reply["pid"] == worker.proc.pid and reply["python"].count(".") == 2 and reply["weir"]
    c.close()


def test_load_and_eval_general_pandas_chained_literals(worker):
    c = worker.client()
    reply, _ = c.load(fn(1, f"{U}:add_one"), fn(2, f"{U}:hypot"), fn(3, f"{U}:repeat"),
                      fn(4, f"{U}:plain_sqrt", result_type="DOUBLE"))
    assert reply["type"] == "loaded" and reply["seq"] == 1
    assert [f["func_type"] for f in reply["functions"]] == ["general", "pandas", "general", "general"]
    assert reply["functions"][2]["input_types"] == ["STRING", "INT"]
    assert reply["functions"][0]["input_types"] is None and reply["functions"][3]["result_type"] == "DOUBLE"
    cols = [pa.array([1, 2, None]), pa.array([3.0, 6.0, 8.0]), pa.array(["x", "yz", None])]
    program = [
        {"fn": 1, "args": [{"col": 0}]},                                   # add_one(a0)
        {"fn": 1, "args": [{"step": 0}]},                                  # add_one(add_one(a0)) chained
        {"fn": 2, "args": [{"col": 1}, {"lit": 4, "type": "DOUBLE"}]},     # hypot(a1, 4.0) pandas + literal
        {"fn": 3, "args": [{"col": 2}, {"lit": 2, "type": "INT"}]},        # repeat(a2, 2) general + literal
        {"fn": 4, "args": [{"step": 2}]},                                  # sqrt(pandas result) chained
    ]
    reply, batch = c.eval(cols, program, [1, 2, 3, 4, 0])
    assert reply["type"] == "result" and reply["rows"] == 3
    assert set(reply["timings"]) == {"user_ns", "deser_ns", "ser_ns"}
    assert all(isinstance(v, int) and v >= 0 for v in reply["timings"].values())
    assert batch.schema.names == ["r0", "r1", "r2", "r3", "r4"]
    assert batch.schema.types == [pa.int64(), pa.float64(), pa.utf8(), pa.float64(), pa.int64()]
    assert batch.column(0).to_pylist() == [3, 4, None]
    assert batch.column(1).to_pylist() == [5.0, pytest.approx(7.2111025), pytest.approx(8.94427191)]
    assert batch.column(2).to_pylist() == ["xx", "yzyz", None]
    assert batch.column(3).to_pylist()[0] == pytest.approx(5.0 ** 0.5)
    c.close()


def test_module_path_forms(worker):
    c = worker.client()
    reply, _ = c.load(fn(1, "pyflink_style_udfs:add_one"), fn(2, "pyflink_style_udfs.add_one"))
    assert reply["type"] == "loaded", reply
    reply, batch = c.eval([pa.array([1])], [{"fn": 1, "args": [{"col": 0}]}, {"fn": 2, "args": [{"step": 0}]}], [1])
    assert batch.column(0).to_pylist() == [3]
    c.close()


def test_zero_rows_and_literal_only_program(worker):
    c = worker.client()
    c.load(fn(1, f"{U}:add_one"), fn(2, f"{U}:hypot"))
    reply, batch = c.eval([pa.array([], pa.int64())], [{"fn": 1, "args": [{"col": 0}]}], [0])
    assert reply["rows"] == 0 and batch.num_rows == 0 and batch.schema.types == [pa.int64()]
    reply, batch = c.eval([], [{"fn": 2, "args": [{"lit": 3.0, "type": "DOUBLE"}, {"lit": 4, "type": "DOUBLE"}]},
                               {"fn": 1, "args": [{"lit": None, "type": "BIGINT"}]}], [0, 1], rows=2)
    assert batch.column(0).to_pylist() == [5.0, 5.0] and batch.column(1).to_pylist() == [None, None]
    c.close()


def test_udf_error_has_traceback_function_row_values(worker):
    c = worker.client()
    c.load(fn(1, f"{B}:divide_100_by"))
    reply, body = c.eval([pa.array([5, 10, 0, 1])], [{"fn": 1, "args": [{"col": 0}]}], [0])
    assert body is None and reply["type"] == "error" and reply["code"] == "UDF_ERROR" and reply["seq"] == 2
    assert reply["function"] == "divide_100_by" and reply["row"] == 2 and reply["values"] == [0]
    assert "ZeroDivisionError" in reply["message"]
    tb = reply["traceback"]
    assert tb.startswith("Traceback (most recent call last):") and "broken_udfs.py" in tb
    assert "return 100 // x" in tb and tb.rstrip().endswith("ZeroDivisionError: integer division or modulo by zero")
    c.close()


def test_result_length_and_type_errors(worker):
    c = worker.client()
    c.load(fn(1, f"{B}:wrong_length"), fn(2, f"{B}:wrong_type"), fn(3, f"{B}:returns_str"),
           fn(4, f"{B}:returns_scalar"))
    col = [pa.array([1.0, 2.0, 3.0])]
    reply, _ = c.eval(col, [{"fn": 1, "args": [{"col": 0}]}], [0])
    assert reply["code"] == "UDF_RESULT_LENGTH" and reply["function"] == "wrong_length"
    assert "returned 2 rows" in reply["message"] and "3 rows" in reply["message"] and reply["row"] is None
    reply, _ = c.eval(col, [{"fn": 2, "args": [{"col": 0}]}], [0])
    assert reply["code"] == "UDF_RESULT_TYPE" and "BIGINT" in reply["message"] and "dtype" in reply["message"]
    reply, _ = c.eval([pa.array([1, 2, 3])], [{"fn": 3, "args": [{"col": 0}]}], [0])
    assert reply["code"] == "UDF_RESULT_TYPE" and reply["row"] == 1 and reply["values"] == [2]
    assert "str" in reply["message"] and "BIGINT" in reply["message"] and "'not a number'" in reply["message"]
    reply, _ = c.eval(col, [{"fn": 4, "args": [{"col": 0}]}], [0])
    assert reply["code"] == "UDF_RESULT_TYPE" and "pandas.Series" in reply["message"]
    c.close()


@pytest.mark.parametrize("spec,code,needle", [
    (fn(1, "no_such_file.py:f"), "UDF_MODULE_NOT_FOUND", "no_such_file.py"),
    (fn(1, "no_such_pkg.mod:f"), "UDF_MODULE_NOT_FOUND", "no_such_pkg"),
    (fn(1, "import_error_udfs.py:f"), "UDF_MODULE_NOT_FOUND", "this_module_does_not_exist_anywhere"),
    (fn(1, f"{U}:nope"), "UDF_FUNCTION_NOT_FOUND", "nope"),
    (fn(1, f"{B}:not_a_function"), "UDF_NOT_A_FUNCTION", "int"),
    (fn(1, f"{U}:plain_sqrt"), "UDF_NOT_A_FUNCTION", "result_type"),
    (fn(1, f"{U}:add_one", result_type="BIGGINT"), "UDF_UNKNOWN_TYPE", "BIGGINT"),
    (fn(1, f"{B}:fails_open"), "UDF_OPEN_FAILED", "feature store"),
])
def test_load_errors(worker, spec, code, needle):
    c = worker.client()
    reply, _ = c.load(spec)
    assert reply["type"] == "error" and reply["code"] == code and needle in reply["message"], reply
    if code == "UDF_OPEN_FAILED":
        assert "raise RuntimeError" in reply["traceback"]
    c.close()


def test_auth(worker):
    c = worker.client(hello=False)
    reply, _ = c.request({"type": "load", "seq": 1, "functions": []})
    assert reply["code"] == "AUTH_REQUIRED"
    reply, _ = c.request({"type": "hello", "protocol": 2, "token": TOKEN, "client": "t"})
    assert reply["code"] == "PROTOCOL_VERSION"
    reply, _ = c.request({"type": "hello", "protocol": 1, "token": "wrong", "client": "t"})
    assert reply["code"] == "AUTH_FAILED"
    c.send({"type": "hello", "protocol": 1, "token": TOKEN, "client": "t"})  # ignored from now on
    assert c.sock.poll(500) == 0
    c.close()


def test_protocol_errors_and_unknown_function(worker):
    c = worker.client()
    c.sock.send_multipart([b"\xc1not msgpack"])
    reply, _ = c.recv()
    assert reply["code"] == "PROTOCOL_ERROR"
    c.load(fn(1, f"{U}:add_one"))
    reply, _ = c.eval([pa.array([1])], [{"fn": 1, "args": [{"step": 0}]}], [0])
    assert reply["code"] == "PROTOCOL_ERROR" and "earlier steps" in reply["message"]
    reply, _ = c.eval([pa.array([1])], [{"fn": 1, "args": [{"col": 3}]}], [0])
    assert reply["code"] == "PROTOCOL_ERROR" and "column 3" in reply["message"]
    reply, _ = c.eval([pa.array([1])], [{"fn": 1, "args": [{"lit": "x", "type": "BIGINT"}]}], [0])
    assert reply["code"] == "PROTOCOL_ERROR" and "literal" in reply["message"]
    reply, _ = c.eval([pa.array([1])], [{"fn": 2, "args": [{"col": 0}]}], [0])
    assert reply["code"] == "UDF_UNKNOWN_FUNCTION" and reply["seq"] == 5
    c.close()


def test_clients_are_isolated_and_pipelining_keeps_order(worker):
    a, b = worker.client(), worker.client()
    a.load(fn(1, f"{U}:add_one"))
    reply, _ = b.eval([pa.array([1])], [{"fn": 1, "args": [{"col": 0}]}], [0])
    assert reply["code"] == "UDF_UNKNOWN_FUNCTION"
    for seq in range(10, 30):
        a.send(*eval_message([pa.array([seq])], [{"fn": 1, "args": [{"col": 0}]}], [0], seq))
    for seq in range(10, 30):
        reply, batch = a.recv()
        assert reply["seq"] == seq and batch.column(0).to_pylist() == [seq + 1]
    reply, _ = a.request({"type": "close", "seq": 99})
    assert reply == {"type": "closed", "seq": 99}
    reply, _ = a.eval([pa.array([1])], [{"fn": 1, "args": [{"col": 0}]}], [0])
    assert reply["code"] == "UDF_UNKNOWN_FUNCTION"
    a.close()
    b.close()


def test_metrics_reported_when_changed(worker):
    c = worker.client()
    c.load(fn(1, f"{U}:hash_code", job_parameters={"hashcode_factor": "2"}))
    reply, batch = c.eval([pa.array(["abc"])], [{"fn": 1, "args": [{"col": 0}]}], [0])
    assert batch.column(0).to_pylist() == [6]
    metrics = {m["name"]: m for m in reply["metrics"]}
    assert metrics["calls"] == {"fn": 1, "group": ["udf", "hash_code"], "name": "calls", "kind": "counter",
                                "value": 1}
    assert metrics["factor"]["value"] == 2 and metrics["rate"]["value"]["count"] == 1
    assert set(metrics["input_size"]["value"]) == {"count", "sum", "min", "max", "mean"}
    reply, _ = c.eval([pa.array([], pa.utf8())], [{"fn": 1, "args": [{"col": 0}]}], [0])
    assert "metrics" not in reply  # nothing changed
    c.close()


def _ready(proc):
    return json.loads(proc.stdout.readline())


def test_ipc_endpoint_and_sigterm_closes_functions(tmp_path):
    marker = tmp_path / "closed.txt"
    proc = start_worker(f"ipc://{tmp_path}/w.sock")
    try:
        ready = _ready(proc)
        assert ready["endpoint"] == f"ipc://{tmp_path}/w.sock"
        sock = zmq.Context.instance().socket(zmq.DEALER)
        sock.setsockopt(zmq.RCVTIMEO, 10000)
        sock.connect(ready["endpoint"])
        import msgpack
        for h in ({"type": "hello", "protocol": 1, "token": TOKEN, "client": "t"},
                  {"type": "load", "seq": 1, "functions": [fn(1, "lifecycle_udfs.py:marker",
                                                               job_parameters={"marker": str(marker)})]}):
            sock.send(msgpack.packb(h))
            assert msgpack.unpackb(sock.recv())["type"] in ("hello_ok", "loaded")
        sock.close(linger=0)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert marker.read_text() == "closed\n"
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize("endpoint,env,needle", [
    ("tcp://0.0.0.0:0", {}, "refusing to bind"),
    ("tcp://127.0.0.1:0", {"WEIR_WORKER_TOKEN": ""}, "WEIR_WORKER_TOKEN"),
])
def test_startup_refusals(endpoint, env, needle):
    proc = start_worker(endpoint, extra_env=env)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 2 and out == "" and needle in err


def test_each_client_gets_its_own_function_instance(worker):
    a, b = worker.client(), worker.client()
    for c in (a, b):
        c.load(fn(1, f"{U}:hash_code"))
    reply_a, _ = a.eval([pa.array(["x", "y", "z"])], [{"fn": 1, "args": [{"col": 0}]}], [0])
    reply_b, _ = b.eval([pa.array(["x"])], [{"fn": 1, "args": [{"col": 0}]}], [0])
    calls = [{m["name"]: m["value"] for m in r["metrics"]}["calls"] for r in (reply_a, reply_b)]
    assert calls == [3, 1]
    a.close()
    b.close()


def test_integral_floats_accepted_in_headers(worker):
    c = worker.client()
    c.load(fn(1, f"{U}:add_one"))
    header, body = eval_message([pa.array([1, 2])], [{"fn": 1.0, "args": [{"col": 0.0}]}], [0.0], 2.0 ** 40)
    reply, batch = c.request(header, body)
    assert reply["type"] == "result" and reply["seq"] == 2.0 ** 40 and batch.column(0).to_pylist() == [2, 3]
    reply, batch = c.eval([], [{"fn": 1, "args": [{"lit": 2.0 ** 40, "type": "BIGINT"}]}], [0], rows=1)
    assert batch.column(0).to_pylist() == [2 ** 40 + 1]
    c.close()


def test_sigterm_is_noticed_at_once_not_after_the_poll_timeout(tmp_path):
    """The signal wakeup fd makes an idle worker exit promptly on SIGTERM (it used to wait for the 200 ms poll
    timeout, plus ~80 ms of interpreter teardown; now ~25 ms). The bound is loose so a loaded machine stays green."""
    import time
    proc = start_worker(f"ipc://{tmp_path}/w.sock")
    try:
        _ready(proc)
        time.sleep(0.3)  # idle in poll
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert time.monotonic() - t0 < 0.5
    finally:
        if proc.poll() is None:
            proc.kill()
