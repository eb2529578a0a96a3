"""Websocket ``/ws/runs/{run_id}``: a run's events as JSON text messages.

Query parameters: ``after`` (the last sequence number the client has; it receives the events after
it), ``kinds`` (comma-separated event kinds to receive; all when absent) and ``batch`` (when true,
each message is a JSON array of the events that became available together, typically one engine
chunk; otherwise each message is one event object). Every event carries ``seq`` (strictly
increasing), ``kind``, ``time_h``, its payload and ``published_unix_s``. A client that falls
behind gets ``{"kind": "lagged", "dropped": n, "resume_seq": s, "reason": r}`` (always an object).
The server closes with code 1000 once the run has ended and everything was sent, and with 4404
for an unknown run.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect

from web.hub import EventChannel, StreamItem, lagged_notice
from web.runs import RunManager
from web.settings import WebSettings
from web.store import RunStore

router = APIRouter(tags=["stream"])

Send = Callable[[str], Awaitable[None]]
CLOSE_UNKNOWN_RUN = 4404


class StreamReader:
    """Sends one client the events of one run, from the log, the replay buffer and live.

    Parameters
    ----------
    send
        Sends one text message.
    store
        Event log of past events.
    run_id
        The run.
    after
        Last sequence number the client already has.
    kinds
        Event kinds wanted (all when ``None``).
    queue_events
        Largest live backlog before the oldest events are dropped.
    batch
        Events taken at a time.
    batched
        Send the events taken at a time as one JSON array message.
    """

    def __init__(
        self,
        send: Send,
        store: RunStore,
        run_id: str,
        after: int,
        kinds: frozenset[str] | None,
        queue_events: int,
        batch: int,
        batched: bool = False,
    ) -> None:
        self.send = send
        self.store = store
        self.run_id = run_id
        self.cursor = after
        self.kinds = kinds
        self.queue_events = queue_events
        self.batch = max(1, min(batch, queue_events))
        self.batched = batched
        self.sent = 0

    async def _send_items(self, items: list[StreamItem]) -> None:
        if not items:
            return
        wanted = [i for i in items if self.kinds is None or i.kind in self.kinds]
        if self.batched:
            self.cursor = items[-1].seq
            if wanted:
                await self.send("[" + ",".join(i.text for i in wanted) + "]")
                self.sent += len(wanted)
            return
        for item in items:
            if self.kinds is None or item.kind in self.kinds:
                await self.send(item.text)
                self.sent += 1
            self.cursor = item.seq

    async def from_log(self, before_seq: int | None) -> None:
        """Send logged events after the cursor (and before ``before_seq``)."""
        while True:
            rows = await asyncio.to_thread(
                self.store.read_events, self.run_id, self.cursor, self.batch, before_seq
            )
            if not rows:
                return
            await self._send_items([StreamItem(seq, kind, text) for seq, kind, text in rows])

    async def live(self, channel: EventChannel) -> None:
        """Send everything after the cursor from a live channel until it closes."""
        replay_until = channel.last_seq
        if self.cursor + 1 < channel.first_buffered_seq:
            await self.from_log(channel.first_buffered_seq)
        while True:
            backlog = channel.last_seq - max(self.cursor, replay_until)
            if backlog > self.queue_events:
                skip_to = channel.last_seq - self.queue_events
                await self._lagged(skip_to, "slow_client")
            if self.cursor + 1 < channel.first_buffered_seq:
                await self._lagged(channel.first_buffered_seq - 1, "replay_evicted")
            items = channel.read_after(self.cursor, self.batch)
            if items:
                await self._send_items(items)
                continue
            if channel.closed:
                return
            await channel.wait_beyond(self.cursor)

    async def _lagged(self, skip_to: int, reason: str) -> None:
        dropped = skip_to - self.cursor
        self.cursor = skip_to
        await self.send(lagged_notice(dropped, skip_to + 1, reason))


async def _wait_disconnect(websocket: WebSocket) -> None:
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return


@router.websocket("/ws/runs/{run_id}")
async def stream_run(
    websocket: WebSocket,
    run_id: str,
    after: Annotated[int, Query(ge=0, description="Last sequence number received.")] = 0,
    kinds: Annotated[
        str | None, Query(max_length=2000, description="Event kinds, comma-separated.")
    ] = None,
    batch: Annotated[bool, Query(description="Send JSON arrays of events.")] = False,
) -> None:
    """Stream a run's events; see the module documentation for the protocol."""
    manager: RunManager = websocket.app.state.manager
    store: RunStore = websocket.app.state.store
    settings: WebSettings = websocket.app.state.settings
    await websocket.accept()
    channel = manager.hub.get(run_id)
    if channel is None and await asyncio.to_thread(store.get_run, run_id) is None:
        await websocket.close(CLOSE_UNKNOWN_RUN, "unknown run")
        return
    wanted = None if not kinds else frozenset(k.strip() for k in kinds.split(",") if k.strip())
    reader = StreamReader(
        websocket.send_text,
        store,
        run_id,
        after,
        wanted,
        settings.client_queue_events,
        settings.send_batch_events,
        batch,
    )
    pump = asyncio.ensure_future(reader.live(channel) if channel else reader.from_log(None))
    watch = asyncio.ensure_future(_wait_disconnect(websocket))
    try:
        done, _ = await asyncio.wait({pump, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (pump, watch):
            task.cancel()
        for task in (pump, watch):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    if pump in done and pump.exception() is None:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
            await websocket.close(1000, "run ended")
