"""Every shipped page in headless Chromium on a guarded server, with the network cut off beyond
127.0.0.1: no Content-Security-Policy violation, no outside request, the API docs render."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest

from web.settings import WebSettings

from .conftest import LiveServer, start_server
from .test_browser import LAUNCH_ARGS, require_chromium

TOKEN = "operator-secret-" + "y" * 24
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`));
"""


@pytest.fixture
def server(settings: WebSettings) -> Iterator[LiveServer]:
    guarded = {"require_operator_token": True, "operator_token": TOKEN}
    live = start_server(WebSettings.model_validate({**settings.model_dump(), **guarded}))
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def context(server: LiveServer) -> Iterator[tuple[Any, list[str], list[str]]]:
    """A browser context that aborts every request beyond 127.0.0.1 and records CSP reports."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    console: list[str] = []

    def only_loopback(route: Any) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(require_chromium()), headless=True, args=LAUNCH_ARGS
        )
        try:
            ctx = browser.new_context()
            ctx.route("**/*", only_loopback)
            ctx.add_init_script(WATCH_CSP)
            ctx.on(
                "console",
                lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
            )
            yield ctx, outside, console
        finally:
            browser.close()


@pytest.mark.slow
def test_every_page_keeps_its_policy_and_docs_render_offline(
    server: LiveServer, context: tuple[Any, list[str], list[str]]
) -> None:
    ctx, outside, console = context
    game = httpx.post(
        server.http + "/api/classroom/games", json={"preset": "rights_grandfathering"}
    ).json()
    code = game["code"]
    page = ctx.new_page()
    violations: dict[str, list[str]] = {}

    def visit(path: str, ready: str = "body[data-ready='true']") -> None:
        page.goto(server.http + path)
        page.wait_for_selector(ready, timeout=20_000)
        found = page.evaluate("() => window.__csp")
        if found:
            violations[path] = found

    # The operator opens the dashboard once with the token; the page keeps it for the tab.
    visit(f"/?token={TOKEN}")
    assert "token" not in page.url
    assert page.locator("#scenario option").count() >= 1  # examples read with the token
    visit("/")  # the token is still sent after a reload
    assert page.locator("#scenario option").count() >= 1
    visit("/classroom")
    visit(f"/join?code={code}")
    page.fill("#name", "Ann")
    page.click("#join")
    page.wait_for_url(f"**/play/{code}")
    visit(f"/play/{code}")
    visit(f"/classroom/console/{code}#token={game['instructor_token']}")
    visit(f"/classroom/projector/{code}")
    visit(f"/classroom/debrief/{code}")
    visit("/docs", ".opblock")
    assert page.locator(".opblock").count() >= 10
    assert page.locator(".opblock").first.is_visible()
    assert violations == {}, "\n".join(f"{k}: {v}" for k, v in violations.items())
    assert console == []
    assert outside == []
