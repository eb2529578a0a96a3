"""A lesson as it runs, in headless Chromium: the instructor creates a game with a practice round
and runs it from the console; three students on phones (one named like markup) read the guide,
play the practice round and two scored rounds; the server restarts in the middle; the debrief
follows live; the final screens show rank and profit; every classroom page reads in Chinese.
Screenshots go to the test's output folder."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from ..helpers import free_port, serve_process

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
RECONNECT_LIMIT_S = 2.0
XSS_NAME = "<img src=x onerror=alert(1)>"
NAMES = ("Ann", XSS_NAME, "Cy")
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"
#: Latin words allowed on a page in Chinese: the product's name, unit and file names, bot
#: strategy names, the other language's name in the switch, and the players' names.
ALLOWED_LATIN = {
    "greenmarket", "tCO2", "csv", "bids", "trades", "allocations", "payoffs", "ZIP", "ZI",
    "Roth", "Erev", "English", "Ann", "Ben", "Cy",
}  # fmt: skip


def latin_words(text: str, code: str) -> list[str]:
    """Words in Latin letters on a page, without URLs, order ids, the join code, players' names
    and allowed words."""
    for name in (code, *NAMES):
        text = text.replace(name, " ")
    text = re.sub(r"https?://\S+|\br\d+-(s\d+-\d+|auctioneer)\b", " ", text)
    words = re.findall(r"[A-Za-z][A-Za-z0-9]+", text)
    return sorted({w for w in words if w not in ALLOWED_LATIN})


def bid(page: Any, side: str, quantity: str, price: str) -> None:
    page.select_option("#bid-rows tbody tr:nth-child(1) .side", side)
    page.fill("#bid-rows tbody tr:nth-child(1) .quantity", quantity)
    page.fill("#bid-rows tbody tr:nth-child(1) .price", price)
    page.click("#submit-bid")
    page.wait_for_function("() => /received/.test(document.getElementById('bid-msg').textContent)")


@pytest.mark.slow
def test_three_phones_play_practice_and_two_scored_rounds_through_a_restart(
    tmp_path: Path, browser: Any
) -> None:
    db, results, shots = tmp_path / "web.sqlite3", tmp_path / "results", tmp_path / "screens"
    shots.mkdir()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = serve_process(port, db, results)
    try:
        alerts: list[str] = []
        desk = browser.new_context(viewport=DESKTOP, locale="en-US")
        teacher = desk.new_page()
        # The console asks before destructive actions; any other dialog would be an injection.
        teacher.on(
            "dialog",
            lambda d: (
                d.accept() if d.type == "confirm" else (alerts.append(d.message), d.dismiss())
            ),
        )
        teacher.goto(base + "/classroom")
        teacher.wait_for_selector("body[data-ready='true']")
        teacher.select_option("#preset", "rights_grandfathering")
        teacher.fill("#seats", "3")
        teacher.fill("#rounds", "2")
        teacher.fill("#round-seconds", "600")
        teacher.check("#practice")
        teacher.click("#create")
        teacher.wait_for_selector("#created:not([hidden])")
        code = teacher.inner_text("#code")
        token = teacher.inner_text("#instructor-code")
        teacher.click("#console-link")
        teacher.wait_for_selector("body[data-ready='true'][data-control='ok']")

        def control(button: str, status: str, round_index: int) -> None:
            teacher.click(f"#{button}")
            teacher.wait_for_selector(f"body[data-status='{status}'][data-round='{round_index}']")

        # Projector: QR code and join URL, then the lobby fills in (names as text).
        projector = desk.new_page()
        projector.goto(f"{base}/classroom/projector/{code}")
        projector.wait_for_selector("body[data-ready='true']")
        projector.wait_for_function("() => document.getElementById('qr').naturalWidth > 100")
        assert projector.inner_text("#join-url") == f"{base}/join?code={code}"
        assert "nobody yet" in projector.inner_text("#lobby")
        assert "No rounds yet" in projector.inner_text("#chart-curves")

        phones = []
        for name in NAMES:
            page = browser.new_context(
                viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US"
            ).new_page()
            page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
            page.goto(f"{base}/join?code={code}")
            page.wait_for_selector("body[data-ready='true']")
            page.fill("#name", name)
            page.click("#join")
            page.wait_for_url(f"**/play/{code}")
            page.wait_for_selector("body[data-ready='true'][data-guide='shown']")
            phones.append(page)
        ann, ben, cy = phones
        assert ben.inner_text("#player") == XSS_NAME  # shown as text
        # Reopening the join page brings a student back to the same seat.
        ann.goto(f"{base}/join?code={code}")
        ann.wait_for_url(f"**/play/{code}")
        ann.wait_for_selector("body[data-ready='true']")
        assert ann.inner_text("#firm") == "Cement plant 1"
        projector.wait_for_selector("body[data-joined='3']")
        assert sorted(projector.locator("#lobby li").all_inner_texts()) == sorted(NAMES)
        assert projector.locator("#lobby img").count() == 0  # markup in a name stays text
        teacher.wait_for_function(
            "() => /players 3 /.test(document.getElementById('counts').textContent)"
        )
        assert teacher.locator("#seats img").count() == 0
        assert XSS_NAME in teacher.inner_text("#seats")
        projector.screenshot(path=str(shots / "projector-lobby.png"))

        # The guide explains the firm with a worked example from the student's own values.
        for page in phones:
            example = page.inner_text("#guide-example")
            assert "=" in example and re.search(r"\d", example), example
            assert page.evaluate(NO_OVERFLOW)
        ann.screenshot(path=str(shots / "phone-guide.png"), full_page=True)
        for page in phones:
            page.click("#hide-guide")

        # Practice round: it says so, and Ann's reckless bid costs her nothing in the end.
        control("start", "open", 0)
        for page in phones:
            page.wait_for_selector("body[data-status='open'][data-round='0']")
            assert page.is_visible("#practice-banner")
        bid(ann, "buy", "20", "1900")
        bid(ben, "sell", "20", "100")
        bid(cy, "buy", "10", "600")
        ann.screenshot(path=str(shots / "phone-practice-bid.png"), full_page=True)
        control("advance", "cleared", 0)
        for page in phones:
            page.wait_for_selector("body[data-status='cleared'][data-round='0']")
        assert "practice, not counted" in ann.inner_text("#history")
        assert "total profit 0 CNY" in ann.inner_text("#total-line")

        # Scored round 1, with a server restart in the middle: Ann's bid waits and goes out.
        control("advance", "open", 1)
        for page in phones:
            page.wait_for_selector("body[data-status='open'][data-round='1']")
            assert page.is_hidden("#practice-banner")
        bid(ben, "sell", "20", "100")
        bid(cy, "buy", "10", "600")
        proc.terminate()
        proc.wait(timeout=15)
        ann.wait_for_selector("body[data-conn='offline']", timeout=10_000)
        assert "offline" in ann.inner_text("#conn")
        assert "(offline)" in ann.inner_text("#countdown")
        ann.fill("#bid-rows tbody tr:nth-child(1) .quantity", "20")
        ann.fill("#bid-rows tbody tr:nth-child(1) .price", "900")
        ann.click("#submit-bid")
        assert ann.inner_text("#bid-msg").startswith("Not connected: your bid is kept here")
        ann.screenshot(path=str(shots / "phone-offline.png"))
        proc = serve_process(port, db, results)
        ready = time.monotonic()
        ann.wait_for_selector("body[data-conn='connected']", timeout=RECONNECT_LIMIT_S * 1000 + 500)
        assert time.monotonic() - ready <= RECONNECT_LIMIT_S
        ann.wait_for_function(
            "() => /received/.test(document.getElementById('bid-msg').textContent)"
        )
        for page in (ben, cy, projector, teacher):
            page.wait_for_selector("body[data-conn='connected']", timeout=5_000)

        # The debrief follows the game live from here.
        debrief = desk.new_page()
        debrief.goto(f"{base}/classroom/debrief/{code}")
        debrief.wait_for_selector("body[data-ready='true'][data-rounds='1']")
        control("advance", "cleared", 1)  # closes the round early: asks first
        debrief.wait_for_selector("body[data-rounds='2']")
        projector.wait_for_function(
            "() => (document.getElementById('chart-curves').data || []).length >= 3"
        )
        # Round 2: Ann edits her bid (the last one stands); Cy does not bid and a bot plays.
        control("advance", "open", 2)
        for page in phones:
            page.wait_for_selector("body[data-status='open'][data-round='2']")
        bid(ann, "buy", "40", "900")
        bid(ann, "buy", "20", "900")
        bid(ben, "sell", "20", "100")
        teacher.wait_for_function(
            "() => /submitted 2 /.test(document.getElementById('counts').textContent)"
        )
        control("advance", "cleared", 2)
        teacher.wait_for_function(
            "() => document.getElementById('advance').textContent === 'Go to debrief'"
        )
        assert ann.locator("#trades td[data-label='Quantity']").all_inner_texts() == ["20"]
        assert cy.inner_text("#history").split("\n")[-1].endswith("bot")
        control("advance", "finished", 2)
        debrief.wait_for_selector("body[data-rounds='3'][data-game-status='finished']")
        assert debrief.inner_text("#status") == "Game over"
        assert debrief.locator("#leaderboard tbody tr").count() == 3
        assert XSS_NAME in debrief.inner_text("#leaderboard")
        titles = []
        for k in range(5):
            debrief.wait_for_selector(f"body[data-chart='{k}']")
            assert debrief.is_visible("#round-picker") == (k == 0)
            debrief.wait_for_function(
                "() => (document.getElementById('chart').data || []).length > 0"
            )
            titles.append(debrief.inner_text("#chart-title").split(" · ")[1])
            debrief.click("#next-chart")
        assert titles == [
            "Merit order and clearing price",
            "Price path",
            "Emissions against the cap",
            "Profit distribution",
            "Comparison with the competitive equilibrium",
        ]

        # Final screens: rank and profit of the scored rounds.
        ranks = []
        for k, page in enumerate(phones):
            page.wait_for_selector("body[data-status='finished'][data-final='true']")
            me = page.evaluate(
                f"() => fetch('/api/classroom/games/{code}/me').then((r) => r.json())"
            )["me"]
            scored = [h["profit_cny"] for h in me["history"] if not h["practice"]]
            assert [h["practice"] for h in me["history"]] == [True, False, False]
            assert me["total_profit_cny"] == pytest.approx(sum(scored), abs=0.01)
            final = me["final"]
            assert page.inner_text("#final-rank") == f"Rank {final['rank']} of 3"
            shown = page.evaluate(
                f"() => GM.fmt({final['total_profit_cny']}, 0) === "
                "document.querySelector('#final-values dd').textContent"
            )
            assert shown
            assert "gain from trading" in page.inner_text("#final-text")
            assert page.evaluate(NO_OVERFLOW)
            page.screenshot(path=str(shots / f"phone-final-{k}.png"), full_page=True)
            ranks.append(final["rank"])
        assert sorted(ranks) == [1, 2, 3]
        projector.screenshot(path=str(shots / "projector-end.png"))
        debrief.screenshot(path=str(shots / "debrief-end.png"), full_page=True)

        # Chinese with the switch, on a phone and on the projector: nothing left in English.
        ann.click("[data-lang-switch] button[lang='zh-CN']")
        ann.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
        assert re.fullmatch(r"第 \d 名 / 共 3 名", ann.inner_text("#final-rank"))
        words = latin_words(ann.inner_text("body"), code)
        assert words == [], " ".join(words)
        ann.screenshot(path=str(shots / "phone-final-zh.png"), full_page=True)
        projector.click("[data-lang-switch] button[lang='zh-CN']")
        projector.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
        words = latin_words(projector.inner_text("body"), code)
        assert words == [], " ".join(words)
        projector.screenshot(path=str(shots / "projector-zh.png"))
        # ... and every other classroom page in a browser set to Chinese, on a phone-sized
        # screen, without running off its right edge.
        zh = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
        for name, path in (
            ("create", "/classroom"),
            ("join", f"/join?code={code}"),
            ("console", f"/classroom/console/{code}#token={token}"),
            ("debrief", f"/classroom/debrief/{code}"),
        ):
            page = zh.new_page()
            page.goto(base + path)
            page.wait_for_selector("body[data-ready='true']")
            words = latin_words(page.inner_text("body"), code)
            assert words == [], f"{path}: {' '.join(words)}"
            assert page.evaluate(NO_OVERFLOW), path
            page.screenshot(path=str(shots / f"phone-zh-{name}.png"), full_page=True)
        assert alerts == []
    finally:
        proc.kill()
        proc.wait(timeout=15)
