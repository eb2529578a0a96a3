"""Fixtures of the classroom web tests: an app on a fake clock and helpers to drive a game."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from web.app import create_app
from web.settings import WebSettings

from ..conftest import LiveServer, start_server
from ..test_browser import LAUNCH_ARGS, require_chromium


class FakeClock:
    """A clock the test moves by hand [s since the epoch]."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock for the app's timers and rate limits."""
    return FakeClock()


@pytest.fixture
def client(settings: WebSettings, clock: FakeClock) -> Iterator[TestClient]:
    """An in-process client of an app whose classroom runs on the fake clock."""
    app = create_app(settings)
    app.state.classroom_clock = clock
    app.state.classroom_rate = "1000/minute"  # tests of the bid limit set their own
    with TestClient(app) as test_client:
        yield test_client


def create_game(client: TestClient, **body: Any) -> dict[str, Any]:
    """Create a game; returns the answer (code, instructor token, links)."""
    payload = {"preset": "rights_grandfathering", "seats": 6, "round_seconds": 60, **body}
    response = client.post("/api/classroom/games", json=payload)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def instructor(game: dict[str, Any]) -> dict[str, str]:
    """The instructor's header."""
    return {"X-Instructor-Token": game["instructor_token"]}


@pytest.fixture
def server(settings: WebSettings) -> Iterator[LiveServer]:
    """A real uvicorn server on 127.0.0.1 with the classroom settings, stopped after the test."""
    live = start_server(settings)
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Chromium (the system's), closed after the test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(require_chromium()), headless=True, args=LAUNCH_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()
