"""PyFlink-shaped metric groups for UDFs, plus change tracking that feeds the protocol's METRIC records.

Metrics are plain in-process objects; the worker asks a ``MetricRegistry`` for the records that changed since
the previous reply (``collect_changes``), so an unchanged metric costs nothing on the wire.
"""
from __future__ import annotations

import math
import time
from collections import deque
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple, Union

Number = Union[int, float]


class Metric:
    kind = ""

    def _value(self) -> Any:
        raise NotImplementedError


class Counter(Metric):
    kind = "counter"

    def __init__(self) -> None:
        self._count = 0

    def inc(self, n: int = 1) -> None:
        self._count += n

    def dec(self, n: int = 1) -> None:
        self._count -= n

    def get_count(self) -> int:
        return self._count

    def _value(self) -> Any:
        return self._count


class Gauge(Metric):
    kind = "gauge"

    def __init__(self, obj: Callable[[], Number]) -> None:
        if not callable(obj):
            raise TypeError(f"gauge expects a callable returning int or float, got {type(obj).__name__}")
        self._obj = obj

    def get_value(self) -> Number:
        return self._obj()

    def _value(self) -> Any:
        return self._obj()


class Meter(Metric):
    """Counts events; ``rate`` is events per second over the last ``time_span_in_seconds`` (like Flink's MeterView).

    Events are bucketed per second so memory stays bounded at any event rate.
    """
    kind = "meter"

    def __init__(self, time_span_in_seconds: int = 60, clock: Callable[[], float] = time.monotonic) -> None:
        if time_span_in_seconds <= 0:
            raise ValueError(f"time_span_in_seconds must be positive, got {time_span_in_seconds}")
        self._span = int(time_span_in_seconds)
        self._clock = clock
        self._count = 0
        self._buckets: Deque[List[int]] = deque()  # [second, events]

    def mark_event(self, value: int = 1) -> None:
        self._count += value
        second = int(self._clock())
        if self._buckets and self._buckets[-1][0] == second:
            self._buckets[-1][1] += value
        else:
            self._buckets.append([second, value])
        self._expire(second)

    def _expire(self, now: int) -> None:
        while self._buckets and self._buckets[0][0] <= now - self._span:
            self._buckets.popleft()

    def get_count(self) -> int:
        return self._count

    def get_rate(self) -> float:
        self._expire(int(self._clock()))
        return sum(b[1] for b in self._buckets) / self._span

    def _value(self) -> Any:
        return {"count": self._count, "rate": self.get_rate()}


class Distribution(Metric):
    kind = "distribution"

    def __init__(self) -> None:
        self._count = 0
        self._sum: Number = 0
        self._min: Optional[Number] = None
        self._max: Optional[Number] = None

    def update(self, value: Number) -> None:
        self._count += 1
        self._sum += value
        self._min = value if self._min is None or value < self._min else self._min
        self._max = value if self._max is None or value > self._max else self._max

    def _value(self) -> Any:
        mean = self._sum / self._count if self._count else 0.0
        return {"count": self._count, "sum": self._sum, "min": self._min, "max": self._max, "mean": mean}


class MetricRegistry:
    """All metrics of one loaded function, with the last value sent to the client for change detection."""

    def __init__(self) -> None:
        self._metrics: Dict[Tuple[Tuple[str, ...], str], Metric] = {}
        self._last_sent: Dict[Tuple[Tuple[str, ...], str], Any] = {}

    def register(self, group: Tuple[str, ...], name: str, metric: Metric) -> Metric:
        key = (group, name)
        existing = self._metrics.get(key)
        if existing is not None:
            if type(existing) is not type(metric):
                raise ValueError(f"metric {'.'.join(group + (name,))!r} is already registered as a "
                                 f"{existing.kind}, cannot re-register it as a {metric.kind}")
            if isinstance(metric, Gauge):  # re-registering a gauge replaces its callable, as in Flink
                self._metrics[key] = metric
                return metric
            return existing
        self._metrics[key] = metric
        return metric

    def collect_changes(self) -> List[Tuple[List[str], str, str, Any]]:
        """(group, name, kind, value) for each metric whose value differs from what was last reported."""
        out: List[Tuple[List[str], str, str, Any]] = []
        for key, metric in self._metrics.items():
            try:
                value = metric._value()
            except Exception as exc:  # a broken gauge callable must not fail the eval that reports it
                value = f"<gauge failed: {type(exc).__name__}: {exc}>"
            if isinstance(value, float) and math.isnan(value):
                value = None
            if key in self._last_sent and self._last_sent[key] == value:
                continue
            self._last_sent[key] = value
            out.append((list(key[0]), key[1], metric.kind, value))
        return out


class MetricGroup:
    """``FunctionContext.get_metric_group()`` as in PyFlink."""

    def __init__(self, registry: MetricRegistry, path: Tuple[str, ...] = ()) -> None:
        self._registry = registry
        self._path = path

    def add_group(self, name: str, extra: Optional[str] = None) -> "MetricGroup":
        """``add_group("k")`` nests a group; ``add_group("k", "v")`` nests the key-value pair k, v as in Flink."""
        if not isinstance(name, str) or not name:
            raise ValueError(f"metric group name must be a non-empty string, got {name!r}")
        path = self._path + (name,) if extra is None else self._path + (name, str(extra))
        return MetricGroup(self._registry, path)

    def counter(self, name: str) -> Counter:
        return self._registry.register(self._path, name, Counter())  # type: ignore[return-value]

    def gauge(self, name: str, obj: Callable[[], Number]) -> None:
        self._registry.register(self._path, name, Gauge(obj))

    def meter(self, name: str, time_span_in_seconds: int = 60) -> Meter:
        return self._registry.register(self._path, name, Meter(time_span_in_seconds))  # type: ignore[return-value]

    def distribution(self, name: str) -> Distribution:
        return self._registry.register(self._path, name, Distribution())  # type: ignore[return-value]

    def get_scope_components(self) -> List[str]:
        return list(self._path)
