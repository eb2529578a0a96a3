"""Websocket ``/ws/classroom/{code}?role=…``: live views of a game as JSON text messages.

Roles: ``spectator`` and ``projector`` (public view), ``player`` (seat cookie needed; adds
``me``, the player's own firm) and ``instructor`` (``token`` query parameter; adds
``instructor``). Every message is a whole view ``{"kind": "view", "role", "public", ...}``: the
screen redraws from the newest one, so a slow screen that misses views loses nothing. Close
codes: 4404 unknown game, 4401 missing or invalid token (or the seat was freed), 4400 unknown
role; 1008 a page from another origin or a foreign ``Host`` (the app's guard middleware) or too
many unknown join codes from one client.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect

from market.api import ClassroomInputError
from web.classroom.channel import Subscriber
from web.classroom.deps import count_code_guess, seat_cookie
from web.classroom.service import ClassroomService
from web.security import RateLimitedError

router = APIRouter(tags=["classroom"])

ROLES = ("spectator", "projector", "player", "instructor")


async def _send_views(websocket: WebSocket, sub: Subscriber) -> None:
    while True:
        batch = await sub.next_batch()
        if not batch:
            return
        await websocket.send_text(batch[-1])


async def _wait_disconnect(websocket: WebSocket) -> None:
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return


@router.websocket("/ws/classroom/{code}")
async def stream_game(
    websocket: WebSocket,
    code: str,
    role: Annotated[str, Query(max_length=16)] = "spectator",
    token: Annotated[str | None, Query(max_length=128)] = None,
) -> None:
    """Send a screen the game's views; see the module documentation."""
    service: ClassroomService = websocket.app.state.classroom
    await websocket.accept()
    try:
        count_code_guess(websocket, code)
    except RateLimitedError as exc:
        await websocket.close(1008, f"too many unknown join codes; retry in {exc.retry_after_s} s")
        return
    try:
        game = service.game(code)
    except ClassroomInputError:
        await websocket.close(4404, "unknown game")
        return
    if role not in ROLES:
        await websocket.close(4400, "unknown role")
        return
    seat: int | None = None
    if role == "player":
        seat = service.seat_of(game, websocket.cookies.get(seat_cookie(game.code)))
        if seat is None:
            await websocket.close(4401, "join the game first")
            return
    if role == "instructor" and not service.is_instructor(game, token):
        await websocket.close(4401, "instructor token needed")
        return
    sub = Subscriber(role, seat)
    service.channels.add(game.code, sub)
    sub.push(service.view_text(game, sub))
    sender = asyncio.ensure_future(_send_views(websocket, sub))
    watcher = asyncio.ensure_future(_wait_disconnect(websocket))
    try:
        done, _ = await asyncio.wait({sender, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        service.channels.remove(game.code, sub)
        for task in (sender, watcher):
            task.cancel()
        for task in (sender, watcher):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    if sender in done and sub.closed:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
            await websocket.close(4401, "seat reassigned or freed")
