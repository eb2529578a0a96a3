"""The classroom pages: create a game, join, play, instructor console, projector, debrief.

Plain HTML files under ``web/static/classroom``; their scripts read the join code from the URL
and talk to the API and the websocket.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

PAGES_DIR = Path(__file__).resolve().parents[1] / "static" / "classroom"

router = APIRouter(include_in_schema=False)


def _page(name: str) -> FileResponse:
    return FileResponse(
        PAGES_DIR / f"{name}.html",
        media_type="text/html",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@router.get("/classroom")
def create_page() -> FileResponse:
    """The instructor's page to create a game."""
    return _page("create")


@router.get("/join")
def join_page() -> FileResponse:
    """Students enter the join code and a name."""
    return _page("join")


@router.get("/play/{code}")
def play_page(code: str) -> FileResponse:
    """A student's seat."""
    return _page("play")


@router.get("/classroom/console/{code}")
def console_page(code: str) -> FileResponse:
    """The instructor console (the token comes in the link's fragment)."""
    return _page("console")


@router.get("/classroom/projector/{code}")
def projector_page(code: str) -> FileResponse:
    """The projector view."""
    return _page("projector")


@router.get("/classroom/debrief/{code}")
def debrief_page(code: str) -> FileResponse:
    """The debrief: leaderboard, charts one at a time, CSV export."""
    return _page("debrief")
