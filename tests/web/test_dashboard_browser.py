"""The dashboard as a park operator uses it, in headless Chromium at desktop and phone sizes:
time axes on the run's horizon, empty states, cancel with a confirmation, chart downloads, two
runs compared, and the page in Chinese. Screenshots go to the test output folder
(``$GREENMARKET_TEST_OUTPUT``, else ``test-output/`` in the repository) under ``dashboard/``."""

from __future__ import annotations

import csv
import io
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from web.i18n import catalogue
from web.settings import WebSettings

from .conftest import LiveServer, SyntheticMarketSimulation, start_server
from .test_browser import LAUNCH_ARGS, require_chromium

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
#: The test scenarios (quickstart cut short) start on this local date.
START = "2025-06-02T00:00:00"
WEEK_END = "2025-06-09T00:00:00"
TINY_END = "2025-06-05T00:00:00"


SERIES_OF_TWO_ZONES = """() => gmCompare.seriesOf([
  {kind: "green_power_cleared", time: "2025-06-02T00:00:00+08:00", zone: "a",
   price_cny_per_mwh: 300, volume_mwh: 3},
  {kind: "green_power_cleared", time: "2025-06-02T00:00:00+08:00", zone: "b",
   price_cny_per_mwh: 400, volume_mwh: 1},
  {kind: "green_power_cleared", time: "2025-06-02T01:00:00+08:00", zone: "a",
   price_cny_per_mwh: null, volume_mwh: 0},
  {kind: "green_power_cleared", time_h: 1, zone: "b", price_cny_per_mwh: 400, volume_mwh: 0},
  {kind: "rights_auction_cleared", time_h: 24, price_cny_per_tce: 610},
  {kind: "park_day", date: "2025-06-02", park: "a", co2_tco2: 5},
  {kind: "park_day", date: "2025-06-02", park: "b", import_kwh: 1000},
], {b: {grid_co2_tco2_per_mwh: 0.5}}, Date.parse("2025-06-02T00:00:00Z"))"""


#: A plotly chart has been redrawn to its container's width (after a viewport change).
FITS_ITS_BOX = (
    "(id) => { const gd = document.getElementById(id);"
    " return Math.abs(gd._fullLayout.width - gd.clientWidth) < 2; }"
)


def output_dir() -> Path:
    """The folder screenshots are written to (created when missing)."""
    base = os.environ.get("GREENMARKET_TEST_OUTPUT")
    root = Path(base) if base else Path(__file__).resolve().parents[2] / "test-output"
    folder = root / "dashboard"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(require_chromium()), headless=True, args=LAUNCH_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def server(settings: WebSettings) -> Iterator[LiveServer]:
    """A server whose runs publish synthetic market events, paced at 48 simulated h/s."""
    paced = settings.model_copy(update={"pace_h_per_s": 48.0})
    live = start_server(paced, simulation_factory=SyntheticMarketSimulation)
    try:
        yield live
    finally:
        live.stop()


def open_dashboard(chromium: Any, server: LiveServer, viewport: dict[str, int]) -> tuple[Any, Any]:
    """A fresh English page on the dashboard, ready; page errors fail the test."""
    context = chromium.new_context(viewport=viewport, locale="en-GB", accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.http + "/")
    page.wait_for_selector("body[data-ready='true']", timeout=20_000)
    page.errors = errors  # type: ignore[attr-defined]
    return context, page


def finished_run(server: LiveServer, example: str) -> str:
    """Start an unpaced run of ``example`` over the API and return its id once finished."""
    run = httpx.post(server.http + "/api/runs", json={"example": example, "pace_h_per_s": 0})
    assert run.status_code == 201, run.text
    run_id = str(run.json()["id"])
    deadline = time.monotonic() + 60
    while httpx.get(f"{server.http}/api/runs/{run_id}").json()["state"] != "finished":
        assert time.monotonic() < deadline, "the run did not finish"
        time.sleep(0.05)
    return run_id


def layout_of(page: Any, chart_id: str) -> dict[str, Any]:
    return dict(page.evaluate("(id) => document.getElementById(id).layout", chart_id))


def tick_labels(page: Any, chart_id: str) -> list[str]:
    return list(
        page.evaluate(
            "(id) => [...document.querySelectorAll(`#${id} .xtick text`)]"
            ".map((n) => n.textContent)",
            chart_id,
        )
    )


def no_horizontal_overflow(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.slow
def test_run_on_its_horizon_downloads_and_cancel(chromium: Any, server: LiveServer) -> None:
    context, page = open_dashboard(chromium, server, DESKTOP)
    # Before a run: a placeholder, and no axes (no "Jan–Oct 2000").
    assert page.locator("#chart-rights-empty").inner_text() == "Start a run or open a past one."
    assert tick_labels(page, "chart-rights") == []
    assert page.locator("#chart-rights-csv").is_disabled()
    page.screenshot(path=str(output_dir() / "empty-desktop.png"))

    page.select_option("#scenario", "week")
    page.select_option("#speed", "0.25")  # 12 simulated h/s: the week takes 14 s
    page.click("#start")
    # One rights auction so far: the axis still spans the run's horizon.
    page.wait_for_function(
        "() => /\\d/.test(document.getElementById('rights-price').textContent)", timeout=20_000
    )
    page.wait_for_selector("#chart-rights-empty", state="hidden", timeout=20_000)
    xaxis = layout_of(page, "chart-rights")["xaxis"]
    assert xaxis["range"] == [START, WEEK_END]
    assert xaxis["autorange"] is False
    labels = tick_labels(page, "chart-rights")
    assert labels and all(re.fullmatch(r"\d\d-\d\d", label) for label in labels), labels
    assert "06-02" in labels and "06-08" in labels
    assert layout_of(page, "chart-green")["xaxis"]["range"] == [START, WEEK_END]
    page.screenshot(path=str(output_dir() / "horizon-desktop.png"), full_page=True)

    # Downloads: the chart's data as CSV, and the chart as a PNG image.
    with page.expect_download() as csv_download:
        page.click("#chart-rights-csv")
    text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["series", "time", "CNY/tce"]
    assert rows[1] == ["auction", START, "600"]
    assert csv_download.value.suggested_filename.endswith("-chart-rights.csv")
    with page.expect_download() as png_download:
        page.click("#chart-rights-png")
    assert Path(png_download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png_download.value.suggested_filename.endswith("-chart-rights.png")

    # Cancel asks first; "keep running" leaves the run alone.
    assert page.locator("#cancel").is_enabled()
    page.click("#cancel")
    assert page.locator("#cancel-dialog").is_visible()
    page.screenshot(path=str(output_dir() / "cancel-dialog-desktop.png"))
    page.set_viewport_size(PHONE)
    box = page.locator("#cancel-dialog").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.screenshot(path=str(output_dir() / "cancel-dialog-phone.png"))
    page.set_viewport_size(DESKTOP)
    page.click("#cancel-keep")
    assert not page.locator("#cancel-dialog").is_visible()
    run_id = page.evaluate("() => document.getElementById('chart-rights').dataset.run")
    assert httpx.get(f"{server.http}/api/runs/{run_id}").json()["state"] in ("running", "queued")
    page.click("#cancel")
    page.click("#cancel-confirm")
    page.wait_for_function(
        "() => document.getElementById('status').textContent.includes('cancelled')",
        timeout=20_000,
    )
    assert httpx.get(f"{server.http}/api/runs/{run_id}").json()["state"] == "cancelled"
    assert page.locator("#cancel").is_disabled() and page.locator("#pause").is_disabled()
    assert page.errors == []  # type: ignore[attr-defined]
    context.close()


@pytest.mark.slow
def test_compare_two_runs_in_chinese_on_a_phone(chromium: Any, server: LiveServer) -> None:
    run_a = finished_run(server, "tiny")
    run_b = finished_run(server, "week")
    context, page = open_dashboard(chromium, server, PHONE)
    zh = catalogue("zh")

    page.click("[data-lang-switch] button[lang='zh-CN']")
    assert page.locator("#compare-title").inner_text() == zh["dashboard.compare.title"]
    assert page.locator("#start").inner_text() == zh["dashboard.control.start"]
    assert page.locator("#chart-green-empty").inner_text() == zh["dashboard.empty.no_run"]
    assert page.locator("#chart-rights-csv").inner_text() == zh["dashboard.download.csv"]
    assert page.evaluate("() => document.documentElement.lang") == "zh-CN"

    page.select_option("#compare-a", run_a)
    page.select_option("#compare-b", run_b)
    page.click("#compare")
    page.wait_for_function(
        "() => (document.getElementById('compare-emissions').data || []).length === 2",
        timeout=20_000,
    )
    for chart in ("compare-green", "compare-rights", "compare-emissions"):
        traces = page.evaluate(
            "(id) => document.getElementById(id).data.map((d) => ({name: d.name, n: d.x.length,"
            " color: d.line.color, dash: d.line.dash}))",
            chart,
        )
        assert [t["name"] for t in traces] == [f"A：tiny（{run_a}）", f"B：week（{run_b}）"]
        assert traces[0]["color"] != traces[1]["color"] and traces[0]["dash"] != traces[1]["dash"]
        layout = layout_of(page, chart)
        assert layout["xaxis"]["range"] == [START, WEEK_END]  # the longer run's horizon
        assert layout["yaxis"]["title"]["text"] in (
            zh["dashboard.unit.cny_per_mwh"],
            zh["dashboard.unit.cny_per_tce"],
            zh["dashboard.unit.tco2_per_day"],
        )
    emissions = page.evaluate(
        "() => document.getElementById('compare-emissions').data.map((d) => d.x.length)"
    )
    assert emissions == [3, 7]  # one point per simulated day
    # The green-power price of a period is the volume-weighted mean over zones.
    series = page.evaluate(SERIES_OF_TWO_ZONES)
    assert series["green"] == [["2025-06-02T00:00:00", 325.0], ["2025-06-02T01:00:00", 400.0]]
    assert series["rights"] == [["2025-06-03T00:00:00", 610.0]]
    assert series["emissions"] == [["2025-06-02T12:00:00", 5.0 + 1000.0 * 0.5 / 1000]]
    legend = page.evaluate(
        "() => [...document.querySelectorAll('#compare-green .legendtext')]"
        ".map((n) => n.textContent)"
    )
    assert legend == [f"A：tiny（{run_a}）", f"B：week（{run_b}）"]

    # Every translated element shows its Chinese message; no English words are left on the page
    # beyond names from the data (scenarios, run ids) and the product and format names.
    mismatched = page.evaluate(
        """(zh) => [...document.querySelectorAll('[data-i18n]')]
             .filter((n) => n.textContent !== zh[n.getAttribute('data-i18n')])
             .map((n) => n.getAttribute('data-i18n'))""",
        {k: v for k, v in zh.items() if k.startswith(("dashboard.", "lang."))},
    )
    assert mismatched == []
    visible = page.evaluate("() => document.body.innerText")
    visible = visible.replace(run_a, "").replace(run_b, "")
    allowed = {"greenmarket", "tiny", "week", "PNG", "CSV", "API", "English", "A", "B"}
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", visible)) - allowed
    assert words == set(), words
    page.screenshot(path=str(output_dir() / "compare-zh-phone.png"), full_page=True)
    assert no_horizontal_overflow(page)
    page.set_viewport_size(DESKTOP)
    page.wait_for_function(FITS_ITS_BOX, arg="compare-green", timeout=10_000)
    page.screenshot(path=str(output_dir() / "compare-zh-desktop.png"), full_page=True)
    assert no_horizontal_overflow(page)

    # Back to English: the traces are renamed, the axis titles too.
    page.click("[data-lang-switch] button[lang='en']")
    names = page.evaluate("() => document.getElementById('compare-rights').data.map((d) => d.name)")
    assert names == [f"A: tiny ({run_a})", f"B: week ({run_b})"]
    assert layout_of(page, "compare-rights")["yaxis"]["title"]["text"] == "CNY/tce"
    assert page.errors == []  # type: ignore[attr-defined]
    context.close()
