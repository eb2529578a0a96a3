"""The classroom market game in the browser: pages, REST API, websocket views and timers.

``router`` carries everything, including a lifespan that loads the games from the database and
runs the round timers; ``web.app.create_app`` includes it. Tests may set
``app.state.classroom_clock`` (a callable returning seconds since the epoch) and
``app.state.classroom_rate`` (the per-seat bid limit in ``limits`` notation, e.g. ``"3/second"``)
before start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from market.api import GameStore, default_presets_dir
from web.classroom import api, pages, ws
from web.classroom.service import ClassroomService


@asynccontextmanager
async def classroom_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load the games, run the timers while the app runs, stop the screens at the end."""
    settings = app.state.settings
    clock = getattr(app.state, "classroom_clock", None) or time.time
    bid_rate = getattr(app.state, "classroom_rate", "10 per 5 seconds")
    presets_dir = settings.configs_dir / "classroom"
    if not presets_dir.is_dir():
        presets_dir = default_presets_dir()
    store = await asyncio.to_thread(GameStore, settings.db_path)
    service = await asyncio.to_thread(
        ClassroomService,
        store,
        presets_dir,
        clock,
        bid_rate,
        settings.game_ttl_h * 3600.0,
        settings.idle_game_ttl_h * 3600.0,
    )
    app.state.classroom = service
    timers = asyncio.ensure_future(service.run_timers())
    try:
        yield
    finally:
        timers.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await timers
        service.channels.close_all()


router = APIRouter(lifespan=classroom_lifespan)
router.include_router(api.router)
router.include_router(pages.router)
router.include_router(ws.router)

__all__ = ["ClassroomService", "classroom_lifespan", "router"]
