"""``load`` with ``kind: "auto"``: registration asks the worker which kind an attribute was declared as."""


def auto(i, path):
    return {"id": i, "path": path, "name": path.split(":")[-1], "kind": "auto"}


def test_auto_reports_the_declared_kind(worker):
    c = worker.client()
    reply, _ = c.load(auto(1, "pyflink_style_udfs.py:hash_code"), auto(2, "pyflink_style_udafs.py:weighted_avg"),
                      auto(3, "pyflink_style_udtfs.py:explode"), auto(4, "pyflink_style_udtfs.py:split_words"),
                      auto(5, "pyflink_style_udafs.py:mean_udaf"))
    assert reply["type"] == "loaded", reply
    kinds = [(f["id"], f["kind"]) for f in reply["functions"]]
    assert kinds == [(1, "scalar"), (2, "aggregate"), (3, "table"), (4, "table"), (5, "aggregate")]
    explode = reply["functions"][2]
    assert explode["result_types"] == ["STRING", "BIGINT"] and explode["result_names"] == ["item", "pos"]
    c.close()


def test_auto_on_an_undecorated_function_is_scalar_and_reports_what_is_missing(worker):
    c = worker.client()
    reply, _ = c.load(auto(1, "pyflink_style_udfs.py:plain_sqrt"))
    assert reply["type"] == "error" and reply["code"] == "UDF_NOT_A_FUNCTION", reply
    c.close()


def test_unknown_kind_names_auto_among_the_choices(worker):
    c = worker.client()
    reply, _ = c.load({"id": 1, "path": "pyflink_style_udfs.py:hash_code", "name": "h", "kind": "window"})
    assert reply["code"] == "PROTOCOL_ERROR" and "auto" in reply["message"]
    c.close()


def test_a_nil_func_type_means_general_for_table_functions(worker):
    c = worker.client()
    reply, _ = c.load({**auto(1, "pyflink_style_udtfs.py:explode"), "func_type": None})
    assert reply["type"] == "loaded" and reply["functions"][0]["kind"] == "table", reply
    c.close()
