"""The dashboard in headless Chromium (Debian's package): start a run, see prices and charts."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web.settings import WebSettings

from .conftest import LiveServer, SyntheticMarketSimulation, start_server

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def require_chromium() -> Path:
    """Return Debian's chromium, or fail with how to install it (CI installs it)."""
    if not CHROMIUM.exists():
        found = shutil.which("chromium")
        pytest.fail(
            f"{CHROMIUM} is missing (found on PATH: {found}); install it with "
            "`apt-get install -y chromium` (.ci/run does this)",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture
def market_server(settings: WebSettings) -> Iterator[LiveServer]:
    """A server whose runs also publish synthetic market clearing events."""
    paced = settings.model_copy(update={"pace_h_per_s": 48.0})
    server = start_server(paced, simulation_factory=SyntheticMarketSimulation)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=LAUNCH_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


def trace_points(page: Any, chart_id: str) -> int:
    """Number of points in the first trace of a plotly chart (0 when it has none)."""
    return int(
        page.evaluate(
            "(id) => { const d = document.getElementById(id).data || [];"
            " return d.length ? d[0].x.length : 0; }",
            chart_id,
        )
    )


@pytest.mark.slow
def test_dashboard_shows_live_prices_and_charts(market_server: LiveServer, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone-sized screen
    external: list[str] = []
    page.on(
        "request",
        lambda r: (
            external.append(r.url)
            if not r.url.startswith(market_server.http)
            and not r.url.startswith(market_server.ws)
            and not r.url.startswith("data:")
            else None
        ),
    )
    page.goto(market_server.http + "/")
    page.wait_for_selector("body[data-ready='true']", timeout=20_000)
    assert page.locator("#chart-green-empty").is_visible()
    assert page.locator("#chart-green-empty").inner_text() == "Start a run or open a past one."
    page.select_option("#scenario", "week")
    page.click("#start")

    # A price appears: the green-power premium from the first clearing of the run.
    page.wait_for_function(
        "() => /\\d/.test(document.getElementById('green-price').textContent)", timeout=20_000
    )
    page.wait_for_selector("#chart-green-empty", state="hidden", timeout=20_000)
    # The chart updates: the green-power trace grows as later days clear.
    first = trace_points(page, "chart-green")
    assert first >= 1
    page.wait_for_function(
        f"() => document.getElementById('chart-green').data[0].x.length > {first}",
        timeout=20_000,
    )
    page.wait_for_function(
        "() => /\\d/.test(document.getElementById('rights-price').textContent)", timeout=20_000
    )
    page.wait_for_function(
        "() => (document.getElementById('chart-assets').data || []).length === 4", timeout=20_000
    )
    # Pause and resume from the dashboard.
    page.click("#pause")
    page.wait_for_function("() => document.getElementById('pause').textContent === 'Resume'")
    page.click("#pause")
    page.wait_for_function("() => document.getElementById('pause').textContent === 'Pause'")
    # At the end the firm table fills in and the download links appear.
    page.wait_for_selector("#firms tbody tr:nth-child(4)", timeout=30_000)
    assert "electronics_a" in page.locator("#firms tbody").inner_text()
    page.wait_for_selector("#downloads a", timeout=10_000)
    assert page.locator("#downloads a").all_inner_texts() == [
        "summary.json",
        "timeseries.parquet",
        "firms.csv",
        "green_power.csv",
        "rights_auctions.csv",
        "events.jsonl",
    ]
    assert trace_points(page, "chart-emissions") == 7  # one bar per simulated day
    # The time axes span the run's horizon (the week from 2025-06-02), not the data's range.
    x_range = page.evaluate("() => document.getElementById('chart-rights').layout.xaxis.range")
    assert x_range == ["2025-06-02T00:00:00", "2025-06-09T00:00:00"]
    # Nothing overflows the phone-sized screen horizontally.
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert external == []
