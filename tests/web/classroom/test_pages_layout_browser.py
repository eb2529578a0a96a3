"""Page details: favicon, empty charts before the first round, the debrief's round picker, the
price axis of the supply/demand chart, and tables on a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from ..conftest import LiveServer

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PHONE = {"width": 375, "height": 740}


def test_favicon_is_served_and_linked_from_every_page(server: LiveServer) -> None:
    icon = httpx.get(server.http + "/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in icon.content
    for path in (
        "/",
        "/classroom",
        "/join",
        "/play/ABC",
        "/classroom/console/ABC",
        "/classroom/projector/ABC",
        "/classroom/debrief/ABC",
    ):
        assert 'rel="icon" href="/favicon.ico"' in httpx.get(server.http + path).text, path


@pytest.mark.slow
def test_empty_charts_round_picker_price_axis_and_phone_tables(
    server: LiveServer, browser: Any, tmp_path: Path
) -> None:
    game = httpx.post(
        server.http + "/api/classroom/games",
        json={"preset": "rights_grandfathering", "seats": 4, "round_seconds": 600},
    ).json()
    code = game["code"]

    projector = browser.new_page()
    projector.goto(server.http + f"/classroom/projector/{code}")
    projector.wait_for_selector("body[data-ready='true']")
    for chart in ("chart-curves", "chart-path", "chart-emissions"):
        assert "No rounds yet" in projector.inner_text(f"#{chart}")
        assert projector.locator(f"#{chart} svg").count() == 0  # no fake axis
    # The price axis stays near the crossing: asks at 1,900 do not stretch it.
    y_range = projector.evaluate(
        "() => GM.curveYRange({demand: {q: [0, 10, 20], p: [900, 600, 300]},"
        " supply: {q: [0, 10, 20], p: [200, 500, 1900]}}, 550, 540)"
    )
    assert 550 * 1.2 <= y_range[1] <= 2 * 550 * 1.1
    # ... and the quantity axis too: asks out to 1,200 tce leave the crossing at 20 mid-chart.
    x_range = projector.evaluate(
        "() => GM.curveXRange({demand: {q: [0, 10, 30], p: [900, 600, 300]},"
        " supply: {q: [0, 10, 1200], p: [200, 500, 1900]}}, 20, 18)"
    )
    assert x_range == [0, 40]
    assert (
        projector.evaluate("() => GM.curveXRange({demand: {q: []}, supply: {q: []}}, 0, 0)") is None
    )
    projector.screenshot(path=str(tmp_path / "projector-empty.png"))

    debrief = browser.new_page()
    debrief.goto(server.http + f"/classroom/debrief/{code}")
    debrief.wait_for_selector("body[data-ready='true']")
    assert "No rounds yet" in debrief.inner_text("#chart")
    assert debrief.is_visible("#round-picker")
    debrief.click("#next-chart")
    debrief.wait_for_selector("body[data-chart='1']")
    assert debrief.is_hidden("#round-picker")

    head = {"X-Instructor-Token": game["instructor_token"]}
    started = httpx.post(
        f"{server.http}/api/classroom/games/{code}/control", json={"action": "start"}, headers=head
    )
    assert started.is_success
    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(server.http + f"/join?code={code}")
    phone.fill("#name", "Ann")
    phone.click("#join")
    phone.wait_for_selector("body[data-status='open']")
    phone.click("#add-order")
    assert phone.locator("#firm-steps tbody tr").count() >= 2
    overflow = phone.evaluate(
        "() => ['firm-steps', 'bid-rows'].map((id) => {"
        " const t = document.getElementById(id);"
        " return t.scrollWidth - t.parentElement.clientWidth; })"
    )
    assert overflow[0] <= 0 and overflow[1] <= 0, overflow
    assert phone.locator("#bid-rows button[aria-label='remove order']").first.is_visible()
    box = phone.locator("#bid-rows button[aria-label='remove order']").first.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot(path=str(tmp_path / "phone-bid.png"), full_page=True)
