"""Live views of classroom games for websocket clients.

Each connected screen is a :class:`Subscriber` with a small bounded queue of JSON texts; every
message is a whole view, so when a slow screen falls behind, the oldest views are dropped and it
still ends on the newest. Publishing never waits for a client. Everything here runs on the event
loop's thread.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

#: Views a screen may fall behind before the oldest are dropped.
QUEUE_VIEWS = 4


@dataclass(eq=False)
class Subscriber:
    """One screen: its role (``player``, ``instructor``, ``projector`` or ``spectator``), its
    seat (players), and the views waiting to be sent."""

    role: str
    seat: int | None = None
    pending: deque[str] = field(default_factory=lambda: deque(maxlen=QUEUE_VIEWS))
    dropped: int = 0
    closed: bool = False
    _wakeup: asyncio.Event = field(default_factory=asyncio.Event)

    def push(self, text: str) -> None:
        """Queue a view (dropping the oldest when full) and wake the sender."""
        if len(self.pending) == self.pending.maxlen:
            self.dropped += 1
        self.pending.append(text)
        self._wakeup.set()

    def close(self) -> None:
        """Ask the sender to stop."""
        self.closed = True
        self._wakeup.set()

    async def next_batch(self) -> list[str]:
        """Wait for views and take them all (empty when closed)."""
        while not self.pending and not self.closed:
            self._wakeup.clear()
            await self._wakeup.wait()
        batch = list(self.pending)
        self.pending.clear()
        return batch


class Channels:
    """The subscribers of every game, by join code."""

    def __init__(self) -> None:
        self._games: dict[str, set[Subscriber]] = {}

    def add(self, code: str, subscriber: Subscriber) -> None:
        """Register a screen."""
        self._games.setdefault(code, set()).add(subscriber)

    def remove(self, code: str, subscriber: Subscriber) -> None:
        """Forget a screen."""
        subs = self._games.get(code)
        if subs is not None:
            subs.discard(subscriber)
            if not subs:
                del self._games[code]

    def subscribers(self, code: str) -> list[Subscriber]:
        """Screens of a game."""
        return list(self._games.get(code, ()))

    def count(self, code: str) -> int:
        """Number of screens of a game."""
        return len(self._games.get(code, ()))

    def close_all(self) -> None:
        """Stop every sender (server shutdown)."""
        for subs in self._games.values():
            for sub in subs:
                sub.close()
