"""A student's page while the server is down and after it comes back on the same port."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from ..helpers import free_port, serve_process

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

RECONNECT_LIMIT_S = 2.0


@pytest.mark.slow
def test_page_shows_offline_refuses_bids_and_reconnects_within_two_seconds(
    tmp_path: Path, browser: Any
) -> None:
    db, results = tmp_path / "web.sqlite3", tmp_path / "results"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = serve_process(port, db, results)
    try:
        game: dict[str, Any] = httpx.post(
            base + "/api/classroom/games",
            json={"preset": "rights_grandfathering", "seats": 4, "round_seconds": 600},
        ).json()
        code, head = game["code"], {"X-Instructor-Token": game["instructor_token"]}
        page = browser.new_context().new_page()
        page.goto(f"{base}/join?code={code}")
        page.fill("#name", "Ann")
        page.click("#join")
        page.wait_for_url(f"**/play/{code}")
        assert httpx.post(
            f"{base}/api/classroom/games/{code}/control", json={"action": "start"}, headers=head
        ).is_success
        page.wait_for_selector("body[data-status='open'][data-conn='connected']")
        assert page.inner_text("#conn") == "connected"

        proc.terminate()
        proc.wait(timeout=15)
        page.wait_for_selector("body[data-conn='offline']", timeout=10_000)
        assert "offline" in page.inner_text("#conn")
        assert "(offline)" in page.inner_text("#countdown")
        assert "stale" in (page.get_attribute("#status", "class") or "")
        page.fill("#bid-rows tbody tr:nth-child(1) .quantity", "10")
        page.fill("#bid-rows tbody tr:nth-child(1) .price", "500")
        page.click("#submit-bid")
        assert page.inner_text("#bid-msg").startswith("Not connected: your bid was not sent")

        proc = serve_process(port, db, results)
        ready = time.monotonic()
        page.wait_for_selector(
            "body[data-conn='connected']", timeout=RECONNECT_LIMIT_S * 1000 + 500
        )
        elapsed_s = time.monotonic() - ready
        assert elapsed_s <= RECONNECT_LIMIT_S
        assert "(offline)" not in page.inner_text("#countdown")
        page.click("#submit-bid")
        page.wait_for_function(
            "() => /received/.test(document.getElementById('bid-msg').textContent)"
        )
    finally:
        proc.kill()
        proc.wait(timeout=15)
