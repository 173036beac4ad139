from weir.metrics import Meter, MetricGroup, MetricRegistry


def test_counter_gauge_meter_distribution_and_changes():
    reg = MetricRegistry()
    root = MetricGroup(reg)
    g = root.add_group("udf", "f1").add_group("inner")
    assert g.get_scope_components() == ["udf", "f1", "inner"]
    c = g.counter("calls")
    c.inc()
    c.inc(5)
    c.dec(2)
    assert c.get_count() == 4
    assert g.counter("calls") is c  # same name -> same metric
    level = [1.5]
    g.gauge("level", lambda: level[0])
    m = g.meter("events", time_span_in_seconds=10)
    m.mark_event(20)
    assert m.get_count() == 20 and m.get_rate() == 2.0
    d = g.distribution("sizes")
    for v in (3, 1, 2):
        d.update(v)
    changes = {name: (kind, value) for _, name, kind, value in reg.collect_changes()}
    assert changes["calls"] == ("counter", 4)
    assert changes["level"] == ("gauge", 1.5)
    assert changes["events"] == ("meter", {"count": 20, "rate": 2.0})
    assert changes["sizes"] == ("distribution", {"count": 3, "sum": 6, "min": 1, "max": 3, "mean": 2.0})
    assert reg.collect_changes() == []  # nothing changed since the last report
    c.inc()
    level[0] = 2.5
    assert {n for _, n, _, _ in reg.collect_changes()} == {"calls", "level"}


def test_meter_window_expires_old_events():
    now = [100.0]
    m = Meter(5, clock=lambda: now[0])
    m.mark_event(10)
    now[0] = 103.0
    m.mark_event(5)
    assert m.get_rate() == 3.0
    now[0] = 106.0
    assert m.get_rate() == 1.0 and m.get_count() == 15


def test_kind_conflict_and_broken_gauge():
    reg = MetricRegistry()
    g = MetricGroup(reg)
    g.counter("x")
    try:
        g.distribution("x")
        raise AssertionError("expected ValueError")
    except ValueError as exc:
        assert "already registered as a counter" in str(exc)
    g.gauge("bad", lambda: 1 / 0)
    (_, name, kind, value), = [c for c in reg.collect_changes() if c[1] == "bad"]
    assert kind == "gauge" and "ZeroDivisionError" in value
