"""The stream hub: each live run's events, fanned out to websocket clients.

Everything here runs on the event loop's thread. The engine's worker thread hands batches of
events over with ``loop.call_soon_threadsafe`` (see :mod:`web.bridge`).

A run's :class:`EventChannel` keeps the newest events in a bounded replay buffer. Each client
reads from it with its own cursor, so a client's queue is the window between its cursor and the
newest event: when a client falls more than its queue size behind the live stream, the oldest
events of its window are dropped and it is sent a ``lagged`` notice. A client never blocks the
engine or other clients: publishing only appends to the buffer and wakes the readers.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StreamItem:
    """One event as sent to clients: its sequence number, kind and JSON text."""

    seq: int
    kind: str
    text: str


def lagged_notice(dropped: int, resume_seq: int, reason: str) -> str:
    """Return the JSON text of a ``lagged`` notice.

    Parameters
    ----------
    dropped
        Number of events the client will not receive.
    resume_seq
        Sequence number of the next event the client will receive.
    reason
        ``slow_client`` (the client fell too far behind) or ``replay_evicted`` (the events asked
        for are no longer kept).
    """
    return json.dumps(
        {"kind": "lagged", "dropped": dropped, "resume_seq": resume_seq, "reason": reason},
        sort_keys=True,
    )


class EventChannel:
    """The live event stream of one run.

    Parameters
    ----------
    run_id
        Run the channel belongs to.
    replay_events
        Size of the replay buffer [events].
    """

    def __init__(self, run_id: str, replay_events: int) -> None:
        self.run_id = run_id
        self._buffer: deque[StreamItem] = deque(maxlen=replay_events)
        self._last_seq = 0
        self._closed = False
        self._wakeup = asyncio.Event()

    @property
    def last_seq(self) -> int:
        """Sequence number of the newest event (0 before any)."""
        return self._last_seq

    @property
    def first_buffered_seq(self) -> int:
        """Sequence number of the oldest event still buffered (``last_seq + 1`` when empty)."""
        return self._buffer[0].seq if self._buffer else self._last_seq + 1

    @property
    def closed(self) -> bool:
        """Whether the run has ended (no more events will come)."""
        return self._closed

    def extend(self, items: Iterable[StreamItem]) -> None:
        """Append events (in sequence order) and wake every reader."""
        for item in items:
            self._buffer.append(item)
            self._last_seq = item.seq
        self._notify()

    def close(self) -> None:
        """Mark the stream as ended and wake every reader."""
        self._closed = True
        self._notify()

    def _notify(self) -> None:
        event, self._wakeup = self._wakeup, asyncio.Event()
        event.set()

    async def wait_beyond(self, seq: int) -> None:
        """Return once an event newer than ``seq`` exists or the channel is closed."""
        while self._last_seq <= seq and not self._closed:
            await self._wakeup.wait()

    def read_after(self, seq: int, limit: int) -> list[StreamItem]:
        """Return up to ``limit`` buffered events with sequence numbers above ``seq``."""
        if not self._buffer or seq >= self._last_seq:
            return []
        first = self._buffer[0].seq
        start = max(0, seq + 1 - first)
        if start < len(self._buffer) and self._buffer[start].seq != max(seq + 1, first):
            # Numbering with gaps (a bus shared with other numbered sinks): search instead.
            start = next(i for i, it in enumerate(self._buffer) if it.seq > seq)
        stop = min(len(self._buffer), start + limit)
        return [self._buffer[i] for i in range(start, stop)]


class StreamHub:
    """Registry of the live runs' channels (thread-safe registry, loop-bound channels)."""

    def __init__(self, replay_events: int) -> None:
        self.replay_events = replay_events
        self._channels: dict[str, EventChannel] = {}
        self._lock = threading.Lock()

    def open(self, run_id: str) -> EventChannel:
        """Create the channel of a new run."""
        with self._lock:
            channel = EventChannel(run_id, self.replay_events)
            self._channels[run_id] = channel
            return channel

    def get(self, run_id: str) -> EventChannel | None:
        """Return a live run's channel, or ``None``."""
        with self._lock:
            return self._channels.get(run_id)

    def publish(self, run_id: str, items: list[StreamItem]) -> None:
        """Append a batch of events to a run's channel (loop thread only)."""
        channel = self.get(run_id)
        if channel is not None:
            channel.extend(items)

    def close(self, run_id: str) -> None:
        """End a run's stream and forget its channel (loop thread only).

        Clients already reading keep their reference and drain what is buffered; later clients
        read the run's events from the database.
        """
        with self._lock:
            channel = self._channels.pop(run_id, None)
        if channel is not None:
            channel.close()

    def close_all(self) -> None:
        """End every stream (server shutdown; loop thread only)."""
        with self._lock:
            run_ids = list(self._channels)
        for run_id in run_ids:
            self.close(run_id)
