"""The engine-side sink: turns events into stream items and hands them to the event loop.

The sink is called on the worker thread while the engine runs. It serialises each event once,
stamps it with its publish time, and keeps it until :meth:`LoopBridgeSink.flush` (after each
chunk) passes the batch to the loop with one ``call_soon_threadsafe`` and stores it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from market.api import Event, event_to_json
from web.hub import StreamItem

#: Field added to every streamed event: wall-clock time of publication [s since the epoch].
PUBLISHED_FIELD = "published_unix_s"


def stamp_json(text: str, published_unix_s: float) -> str:
    """Add ``published_unix_s`` to the JSON object ``text`` (the engine's event line)."""
    if not text.endswith("}"):
        raise ValueError(f"text: got {text[-20:]!r}; allowed: a JSON object")
    separator = "" if text == "{}" else ","
    return f'{text[:-1]}{separator}"{PUBLISHED_FIELD}":{published_unix_s:.6f}}}'


class LoopBridgeSink:
    """Event sink that batches events for an asyncio loop.

    Parameters
    ----------
    loop
        The web server's event loop.
    deliver
        Called on the loop with each batch.
    persist
        Called on the worker thread with each batch after it is handed over (event log).
    clock
        Wall clock [s since the epoch].
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        deliver: Callable[[list[StreamItem]], None],
        persist: Callable[[list[StreamItem]], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._loop = loop
        self._deliver = deliver
        self._persist = persist
        self._clock = clock
        self._pending: list[StreamItem] = []
        self.last_seq = 0

    def __call__(self, event: Event) -> None:
        text = stamp_json(event_to_json(event), self._clock())
        self._pending.append(StreamItem(event.seq, event.kind, text))
        self.last_seq = event.seq

    def flush(self) -> int:
        """Hand over and store the events gathered since the last flush.

        Returns
        -------
        int
            Number of events handed over.
        """
        batch, self._pending = self._pending, []
        if not batch:
            return 0
        # Deliver first (lowest latency), then log: clients read the log only for events older
        # than the replay buffer, which were logged long before. A closed loop means the server
        # is shutting down; the events still go to the log.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._deliver, batch)
        if self._persist is not None:
            self._persist(batch)
        return len(batch)
