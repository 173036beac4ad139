"""Aggregate and table functions end to end: a real worker process over ZeroMQ (docs/protocol.md)."""
import pyarrow as pa
import pytest

from conftest import aggregate_message, eval_message, ipc_bytes

A = "pyflink_style_udafs.py"
T = "pyflink_style_udtfs.py"
B = "broken_agg_udfs.py"
WAVG_ACC = pa.struct([("sum", pa.float64()), ("count", pa.int64())])


def fn(i, path, kind, **kw):
    return {"id": i, "path": path, "name": path.split(":")[-1], "kind": kind, **kw}


def agg(c, fn_id, mode, groups, n, args, **kw):
    header, body, body2 = aggregate_message(c.next_seq(), fn_id, mode, groups, n, args, **kw)
    return c.request(header, body, body2)


def test_loaded_describes_aggregates_and_table_functions(worker):
    c = worker.client()
    reply, _ = c.load(fn(1, f"{A}:weighted_avg", "aggregate"), fn(2, f"{A}:mean_udaf", "aggregate"),
                      fn(3, f"{A}:top2", "aggregate"), fn(4, f"{T}:explode", "table"),
                      fn(5, f"{T}:split_words", "table"))
    assert reply["type"] == "loaded", reply
    wavg, mean, top2, explode, split = reply["functions"]
    assert wavg == {"id": 1, "name": "weighted_avg", "kind": "aggregate", "func_type": "general",
                    "input_types": None, "result_type": "DOUBLE",
                    "accumulator_type": "ROW<sum DOUBLE, count BIGINT>", "deterministic": True,
                    "has_retract": True, "has_merge": True}
    assert mean["func_type"] == "pandas" and mean["accumulator_type"] is None and not mean["has_retract"]
    assert top2["accumulator_type"] == "ROW<top ARRAY<BIGINT>>" and not top2["has_retract"]
    assert not top2["has_merge"]
    assert explode == {"id": 4, "name": "explode", "kind": "table", "func_type": "general", "input_types": None,
                       "result_types": ["STRING", "BIGINT"], "result_names": ["item", "pos"],
                       "deterministic": True}
    assert split["result_types"] == ["STRING"] and split["result_names"] == ["f0"]
    c.close()


def test_pandas_udaf_three_groups_one_request_unsorted(worker):
    c = worker.client()
    c.load(fn(1, f"{A}:mean_udaf", "aggregate"), fn(2, f"{A}:weighted_mean_udaf", "aggregate"))
    groups = [2, 0, 1, 0, 2, 2]
    v = pa.array([10.0, 1.0, 5.0, 3.0, None, 20.0])
    reply, batch = agg(c, 1, "complete", groups, 3, [v])
    assert reply["type"] == "result" and reply["rows"] == 3, reply
    assert batch.schema.names == ["r0"] and batch.schema.types == [pa.float64()]
    assert batch.column(0).to_pylist() == [2.0, 5.0, 15.0]  # NaN (NULL) skipped by Series.mean
    reply, batch = agg(c, 2, "complete", [0, 0, 1], 2, [pa.array([1.0, 3.0, 4.0]), pa.array([1.0, 3.0, 2.0])])
    assert batch.column(0).to_pylist() == [2.5, 4.0]
    c.close()


def test_general_udaf_accumulate_retract_with_host_kept_accumulators(worker):
    c = worker.client()
    c.load(fn(1, f"{A}:weighted_avg", "aggregate"))
    # Request 1: three new groups (no frame 2 = all NULL), a NULL argument in group 1.
    reply, batch = agg(c, 1, "accumulate", [0, 1, 0, 2, 1], 3,
                       [pa.array([1.0, 4.0, 3.0, 7.0, None]), pa.array([1, 2, 1, 1, 5])],
                       kinds=[0, 0, 0, 0, 0], previous=True)
    assert reply["type"] == "result" and reply["rows"] == 3, reply
    assert batch.schema.names == ["r0", "p0", "acc"] and batch.schema.field("acc").type == WAVG_ACC
    assert batch.column("r0").to_pylist() == [2.0, 4.0, 7.0]
    assert batch.column("p0").to_pylist() == [None, None, None]
    acc = batch.column("acc")
    assert acc.to_pylist() == [{"sum": 4.0, "count": 2}, {"sum": 8.0, "count": 2}, {"sum": 7.0, "count": 1}]
    # Request 2: the host sends the stored accumulators back (group order of this request: 2, 0, new).
    state = pa.array([acc[2].as_py(), acc[0].as_py(), None], WAVG_ACC)
    reply, batch = agg(c, 1, "accumulate", [0, 0, 1, 1, 2], 3,
                       [pa.array([7.0, 9.0, 1.0, 2.0, 5.0]), pa.array([1, 1, 1, 2, 1])],
                       kinds=[1, 2, 3, 0, 0], acc=state, previous=True)
    assert reply["type"] == "result", reply
    assert batch.column("p0").to_pylist() == [7.0, 2.0, None]
    # group 0: (7, 1) retracted, (9, 1) added; group 1: (1, 1) deleted from (4, 2), (2, 2) added
    assert batch.column("r0").to_pylist() == [9.0, pytest.approx(7 / 3), 5.0]
    assert batch.column("acc").to_pylist() == [{"sum": 9.0, "count": 1}, {"sum": 7.0, "count": 3},
                                               {"sum": 5.0, "count": 1}]
    # results=false: accumulators only; rows=0: results of stored accumulators only (window firing).
    reply, batch = agg(c, 1, "accumulate", [0], 1, [pa.array([1.0]), pa.array([1])], results=False)
    assert batch.schema.names == ["acc"]
    reply, batch = agg(c, 1, "accumulate", [], 2, [pa.array([], pa.float64()), pa.array([], pa.int64())],
                       acc=pa.array([{"sum": 6.0, "count": 3}, None], WAVG_ACC))
    assert batch.column("r0").to_pylist() == [2.0, None] and batch.schema.names == ["r0", "acc"]
    c.close()


def test_listview_and_map_accumulators_round_trip(worker):
    c = worker.client()
    c.load(fn(1, f"{A}:top2", "aggregate"), fn(2, f"{A}:distinct_chars", "aggregate"),
           fn(3, f"{A}:list_view_concat", "aggregate"))
    reply, batch = agg(c, 1, "accumulate", [0, 0, 0, 1], 2, [pa.array([3, 9, 4, None])])
    assert batch.column("r0").to_pylist() == [[9, 4], []]
    state = batch.column("acc")
    assert state.type == pa.struct([("top", pa.list_(pa.int64()))])
    reply, batch = agg(c, 1, "accumulate", [0, 1], 2, [pa.array([5, 2])], acc=state)
    assert batch.column("r0").to_pylist() == [[9, 5], [2]]
    reply, batch = agg(c, 2, "accumulate", [0, 0, 0], 1, [pa.array(["abc", "cd", "ab"])], kinds=[0, 0, 1])
    assert batch.column("r0").to_pylist() == [2]  # "ab" retracted: a and b drop out of the map
    assert sorted(batch.column("acc").to_pylist()[0]) == [("c", 2), ("d", 1)]
    reply, batch = agg(c, 3, "complete", [0, 0, 1], 2, [pa.array(["x", "y", "z"]), pa.array(["+", "-", "/"])])
    assert batch.schema.names == ["r0"] and batch.column(0).to_pylist() == ["x-y", "z"]
    c.close()


def test_merge_accumulators(worker):
    c = worker.client()
    c.load(fn(1, f"{A}:weighted_avg", "aggregate"), fn(2, f"{A}:top2", "aggregate"))
    items = pa.array([{"sum": 2.0, "count": 1}, {"sum": 6.0, "count": 3}, None, {"sum": 1.0, "count": 1}],
                     WAVG_ACC)
    header = {"type": "aggregate", "seq": c.next_seq(), "fn": 1, "mode": "merge", "rows": 4, "groups": 2,
              "previous": True}
    body = ipc_bytes([pa.array([0, 1, 1, 1], pa.int32()), items], ["g", "acc"])
    state = ipc_bytes([pa.array([{"sum": 10.0, "count": 2}, None], WAVG_ACC)], ["acc"])
    reply, batch = c.request(header, body, state)
    assert reply["type"] == "result", reply
    assert batch.schema.names == ["r0", "p0", "acc"]
    assert batch.column("p0").to_pylist() == [5.0, None]
    assert batch.column("acc").to_pylist() == [{"sum": 12.0, "count": 3}, {"sum": 7.0, "count": 4}]
    assert batch.column("r0").to_pylist() == [4.0, 1.75]
    header.update(fn=2, seq=c.next_seq(), previous=False)
    body = ipc_bytes([pa.array([0], pa.int32()), pa.array([{"top": [1]}], pa.struct([("top", pa.list_(pa.int64()))]))],
                     ["g", "acc"])
    reply, _ = c.request({**header, "rows": 1, "groups": 1}, body)
    assert reply["code"] == "UDF_ERROR" and "has no merge()" in reply["message"] and reply["function"] == "top2"
    c.close()


def test_missing_retract_is_reported_before_any_update(worker):
    c = worker.client()
    c.load(fn(1, f"{A}:top2", "aggregate"), fn(2, f"{A}:mean_udaf", "aggregate"))
    reply, body = agg(c, 1, "accumulate", [0, 0, 1], 2, [pa.array([1, 2, 3])], kinds=[0, 3, 0])
    assert body is None and reply["code"] == "UDF_ERROR" and reply["function"] == "top2"
    assert reply["message"].startswith("aggregate function 'top2' has no retract(), it cannot consume updates")
    assert reply["row"] == 1 and reply["values"] == [2]
    reply, _ = agg(c, 2, "complete", [0, 0], 1, [pa.array([1.0, 2.0])], kinds=[0, 1])
    assert reply["code"] == "UDF_ERROR" and "cannot consume updates" in reply["message"]
    c.close()


def test_accumulator_type_mismatch_names_function_and_field(worker):
    c = worker.client()
    c.load(fn(1, f"{B}:bad_accumulator", "aggregate"))
    reply, batch = agg(c, 1, "accumulate", [0, 1], 2, [pa.array([1.0, 2.0])])
    assert reply["type"] == "result" and batch.column("acc").to_pylist()[1] == {"total": 2.0, "cnt": 1}
    reply, _ = agg(c, 1, "accumulate", [0, 1], 2, [pa.array([1.0, 20.0])])
    assert reply["code"] == "UDF_RESULT_TYPE" and reply["function"] == "bad_accumulator" and reply["group"] == 1
    assert "acc.cnt" in reply["message"] and "'many'" in reply["message"] and "BIGINT" in reply["message"]
    # The host sending state of another accumulator type is a protocol error (state incompatibility).
    wrong = pa.array([{"sum": 1.0, "count": 1}], WAVG_ACC)
    reply, _ = agg(c, 1, "accumulate", [0], 1, [pa.array([1.0])], acc=wrong)
    assert reply["code"] == "PROTOCOL_ERROR" and "ROW<total DOUBLE, cnt BIGINT>" in reply["message"]
    c.close()


def test_aggregate_user_errors_have_traceback_row_values_group(worker):
    c = worker.client()
    c.load(fn(1, f"{B}:raises", "aggregate"), fn(2, f"{B}:pandas_raises", "aggregate"))
    reply, _ = agg(c, 1, "accumulate", [0, 1, 1], 2, [pa.array([5, 2, 0])])
    assert reply["code"] == "UDF_ERROR" and reply["row"] == 2 and reply["values"] == [0] and reply["group"] == 1
    assert "ZeroDivisionError" in reply["message"] and "accumulator[0] += 100 // value" in reply["traceback"]
    reply, _ = agg(c, 2, "complete", [0, 1, 1, 1], 2, [pa.array([1.0, 2.0, 3.0, 4.0])])
    assert reply["code"] == "UDF_ERROR" and reply["group"] == 1 and reply["row"] is None
    assert "too many values: 3" in reply["message"] and "pandas_raises" in reply["traceback"]
    c.close()


def test_table_function_index_column_and_zero_output_rows(worker):
    c = worker.client()
    c.load(fn(1, f"{T}:split_words", "table"), fn(2, f"{T}:word_lengths", "table"), fn(3, f"{T}:explode", "table"))
    reply, batch = c.request({"type": "table", "seq": c.next_seq(), "fn": 1, "rows": 3},
                             ipc_bytes([pa.array(["a bb", "", "ccc"])]))
    assert reply["type"] == "result" and reply["rows"] == 3, reply
    assert batch.schema.names == ["i", "r0"] and batch.schema.types == [pa.int32(), pa.utf8()]
    assert batch.column("i").to_pylist() == [0, 0, 2] and batch.column("r0").to_pylist() == ["a", "bb", "ccc"]
    reply, batch = c.request({"type": "table", "seq": c.next_seq(), "fn": 2, "rows": 2},
                             ipc_bytes([pa.array([None, "x,yz"])]))
    assert batch.to_pydict() == {"i": [1, 1], "r0": ["x", "yz"], "r1": [1, 2]}
    reply, batch = c.request({"type": "table", "seq": c.next_seq(), "fn": 3, "rows": 3,
                              "args": [{"col": 0}, {"lit": 2, "type": "BIGINT"}]},
                             ipc_bytes([pa.array(["p", None, "q"])]))
    assert batch.to_pydict() == {"i": [0, 0, 2, 2], "r0": ["p", "p", "q", "q"], "r1": [0, 1, 0, 1]}
    reply, batch = c.request({"type": "table", "seq": c.next_seq(), "fn": 3, "rows": 1},
                             ipc_bytes([pa.array([None], pa.utf8()), pa.array([1])]))
    assert reply["rows"] == 0 and batch.num_rows == 0 and batch.schema.names == ["i", "r0", "r1"]
    c.close()


def test_table_function_errors(worker):
    c = worker.client()
    c.load(fn(1, f"{B}:fails_on_zero", "table"), fn(2, f"{B}:wrong_arity", "table"),
           fn(3, f"{B}:wrong_type", "table"))
    body = ipc_bytes([pa.array([1, 2, 0])])
    reply, _ = c.request({"type": "table", "seq": c.next_seq(), "fn": 1, "rows": 3}, body)
    assert reply["code"] == "UDF_ERROR" and reply["row"] == 2 and reply["values"] == [0]
    assert reply["traceback"].rstrip().endswith("ZeroDivisionError: integer division or modulo by zero")
    reply, _ = c.request({"type": "table", "seq": c.next_seq(), "fn": 2, "rows": 3}, body)
    assert reply["code"] == "UDF_RESULT_TYPE" and reply["row"] == 0 and "2 result column" in reply["message"]
    reply, _ = c.request({"type": "table", "seq": c.next_seq(), "fn": 3, "rows": 3}, body)
    assert reply["code"] == "UDF_RESULT_TYPE" and reply["row"] == 1 and reply["values"] == [2]


def test_kind_mismatches_and_protocol_errors(worker):
    c = worker.client()
    reply, _ = c.load(fn(1, f"{A}:weighted_avg", "scalar"))
    assert reply["code"] == "UDF_NOT_A_FUNCTION" and "udaf" in reply["message"]
    reply, _ = c.load(fn(1, "pyflink_style_udfs.py:add_one", "table"))
    assert reply["code"] == "UDF_NOT_A_FUNCTION" and "udf(...)" in reply["message"]
    reply, _ = c.load(fn(1, f"{A}:weighted_avg", "aggregate"), fn(2, f"{T}:split_words", "table"))
    assert reply["type"] == "loaded"
    reply, _ = c.request(*eval_message([pa.array([1.0])], [{"fn": 1, "args": [{"col": 0}]}], [0], c.next_seq()))
    assert reply["code"] == "PROTOCOL_ERROR" and "aggregate" in reply["message"]
    reply, _ = agg(c, 2, "accumulate", [0], 1, [pa.array(["x"])])
    assert reply["code"] == "PROTOCOL_ERROR" and "table function" in reply["message"]
    reply, _ = agg(c, 1, "accumulate", [0, 3], 2, [pa.array([1.0, 2.0]), pa.array([1, 1])])
    assert reply["code"] == "PROTOCOL_ERROR" and "'g'" in reply["message"]
    reply, _ = agg(c, 1, "rollup", [0], 1, [pa.array([1.0]), pa.array([1])])
    assert reply["code"] == "PROTOCOL_ERROR" and "mode" in reply["message"]
    c.close()


def test_metrics_ride_on_aggregate_results(worker):
    c = worker.client()
    reply, _ = c.load(fn(1, "lifecycle_udfs.py:counting_agg", "aggregate"))
    assert reply["type"] == "loaded", reply
    reply, batch = agg(c, 1, "accumulate", [0, 0, 1], 2, [pa.array([1, 2, 3])])
    assert reply["type"] == "result", reply
    assert {m["name"]: m["value"] for m in reply["metrics"]} == {"accumulated": 3}
    c.close()
