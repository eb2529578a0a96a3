"""Event bus: the engine publishes events; sinks (recorders, files, the web) consume them.

The engine knows only callables. A sink may restrict itself to some event kinds; events of a kind
that no sink wants are never built, so fine-grained events cost nothing when nobody listens.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

#: Event kinds published by the engine (markets add their own).
RUN_STARTED = "run_started"
RUN_FINISHED = "run_finished"
PARK_STEP = "park_step"
PARK_DAY = "park_day"
BILLING_PERIOD = "billing_period"


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened in a simulation.

    Attributes
    ----------
    seq
        Sequence number, strictly increasing within a run (starts at 1).
    kind
        Event kind, e.g. ``park_day``.
    time_h
        Simulation time in hours since the scenario start.
    payload
        JSON-ready data of the event.
    """

    seq: int
    kind: str
    time_h: float
    payload: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """Return the event as a JSON-ready mapping."""
        return {"seq": self.seq, "kind": self.kind, "time_h": self.time_h, **self.payload}


Sink = Callable[[Event], None]


@dataclass
class _Subscription:
    sink: Sink
    kinds: frozenset[str] | None


@dataclass
class EventBus:
    """Publish/subscribe hub with numbered events."""

    _subscriptions: list[_Subscription] = field(default_factory=list)
    _seq: int = 0

    def subscribe(self, sink: Sink, kinds: Iterable[str] | None = None) -> None:
        """Register ``sink`` for ``kinds`` (all kinds when ``None``)."""
        self._subscriptions.append(_Subscription(sink, None if kinds is None else frozenset(kinds)))

    def wants(self, kind: str) -> bool:
        """Whether any sink listens to ``kind``."""
        return any(s.kinds is None or kind in s.kinds for s in self._subscriptions)

    def publish(self, kind: str, time_h: float, payload: Mapping[str, Any]) -> Event | None:
        """Number an event and hand it to every interested sink.

        Returns
        -------
        Event or None
            The published event, or ``None`` when no sink wanted it.
        """
        targets = [s.sink for s in self._subscriptions if s.kinds is None or kind in s.kinds]
        if not targets:
            return None
        self._seq += 1
        event = Event(self._seq, kind, float(time_h), payload)
        for sink in targets:
            sink(event)
        return event

    @property
    def last_seq(self) -> int:
        """Sequence number of the last published event (0 before any)."""
        return self._seq


@dataclass
class RecordingSink:
    """Keep every event in memory (tests, notebooks, the web layer's replay buffer)."""

    events: list[Event] = field(default_factory=list)

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of_kind(self, kind: str) -> list[Event]:
        """Return the recorded events of one kind, in order."""
        return [e for e in self.events if e.kind == kind]


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def event_to_json(event: Event) -> str:
    """Serialise an event as one line of JSON with sorted keys (deterministic bytes)."""
    return json.dumps(
        _finite(event.as_dict()), sort_keys=True, separators=(",", ":"), default=_json_default
    )


class JsonlSink:
    """Append events to a JSON-lines file, one event per line.

    Each line's ``seq`` is the event's place in the file (1, 2, ...), so the file is the same
    whatever else listens on the bus (a live stream numbers every event it sends, the file only
    those it records).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = path.open("w", encoding="utf-8", newline="\n")
        self._written = 0

    def __call__(self, event: Event) -> None:
        self._written += 1
        self._file.write(event_to_json(replace(event, seq=self._written)))
        self._file.write("\n")

    def close(self) -> None:
        """Flush and close the file."""
        if not self._file.closed:
            self._file.close()
