"""A whole game in headless Chromium: three students and bots, two rounds, then the debrief."""

from __future__ import annotations

from typing import Any

import pytest

from ..conftest import LiveServer

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

XSS_NAME = "<img src=x onerror=alert(1)>"
ROUND_S = 6


def student(browser: Any, server: LiveServer, code: str, name: str, alerts: list[str]) -> Any:
    page = browser.new_context().new_page()  # own cookie jar
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    page.goto(server.http + "/join")
    page.fill("#code", code)
    page.fill("#name", name)
    page.click("#join")
    page.wait_for_url(f"**/play/{code}")
    page.wait_for_selector("body[data-ready='true']")
    return page


def bid(page: Any, side: str, quantity: str, price: str) -> None:
    page.select_option("#bid-rows tbody tr:nth-child(1) .side", side)
    page.fill("#bid-rows tbody tr:nth-child(1) .quantity", quantity)
    page.fill("#bid-rows tbody tr:nth-child(1) .price", price)
    page.click("#submit-bid")
    page.wait_for_function("() => /received/.test(document.getElementById('bid-msg').textContent)")


@pytest.mark.slow
def test_three_students_and_bots_play_two_rounds_to_the_debrief(
    server: LiveServer, browser: Any
) -> None:
    alerts: list[str] = []
    teacher = browser.new_context().new_page()
    # The console asks before destructive actions; any other dialog would be a script injection.
    teacher.on(
        "dialog",
        lambda d: d.accept() if d.type == "confirm" else (alerts.append(d.message), d.dismiss()),
    )
    teacher.goto(server.http + "/classroom")
    teacher.wait_for_selector("body[data-ready='true']")
    teacher.select_option("#preset", "rights_grandfathering")
    teacher.fill("#seats", "6")
    teacher.fill("#rounds", "2")
    teacher.fill("#round-seconds", str(ROUND_S))
    teacher.click("#create")
    teacher.wait_for_selector("#created:not([hidden])")
    code = teacher.inner_text("#code")
    teacher.click("#console-link")
    teacher.wait_for_selector("body[data-ready='true']")

    ann = student(browser, server, code, "Ann", alerts)
    ben = student(browser, server, code, XSS_NAME, alerts)
    cy = student(browser, server, code, "Cy", alerts)
    assert ben.inner_text("#player") == XSS_NAME  # shown as text
    # Reopening the join page brings a student back to the same seat.
    ann.goto(server.http + f"/join?code={code}")
    ann.wait_for_url(f"**/play/{code}")
    ann.wait_for_selector("body[data-ready='true']")
    assert ann.inner_text("#firm") == "Cement plant 1"
    teacher.wait_for_function(
        "() => /players 3 /.test(document.getElementById('counts').textContent)"
    )
    assert teacher.locator("#seats img").count() == 0
    assert XSS_NAME in teacher.inner_text("#seats")

    projector = browser.new_page()
    projector.goto(server.http + f"/classroom/projector/{code}")
    projector.wait_for_selector("body[data-ready='true']")
    assert projector.inner_text("#code") == code

    # Round 1: Ann buys, Ben sells, Cy never bids (a bot bids for the seat); the deadline clears.
    teacher.click("#start")
    for page in (ann, ben, cy):
        page.wait_for_selector("body[data-status='open']")
    bid(ann, "buy", "40", "900")
    bid(ann, "buy", "60", "800")  # edited: the last bid stands
    bid(ben, "sell", "30", "150")
    teacher.wait_for_function(
        "() => /submitted 2 /.test(document.getElementById('counts').textContent)"
    )
    for page in (ann, ben, cy, projector):
        page.wait_for_selector("body[data-status='cleared']", timeout=ROUND_S * 1000 + 10_000)
    price = ann.inner_text("#last-price")
    assert any(ch.isdigit() for ch in price)
    assert f"price {price} CNY/tce" in projector.inner_text("#last-line")
    assert "buy" in ann.inner_text("#trades") and "60" in ann.inner_text("#trades")
    assert "sell" in ben.inner_text("#trades")
    assert cy.inner_text("#history").split("\n")[-1].endswith("bot")
    projector.wait_for_function(
        "() => (document.getElementById('chart-curves').data || []).length >= 3"
    )

    # Round 2: the teacher opens it and closes it early from the console.
    teacher.click("#advance")
    ann.wait_for_selector("body[data-status='open'][data-round='1']")
    bid(cy, "buy", "5", "700")
    teacher.click("#advance")
    for page in (ann, ben, cy):
        page.wait_for_selector("body[data-status='cleared'][data-round='1']")
    teacher.wait_for_function(
        "() => document.getElementById('advance').textContent === 'Go to debrief'"
    )
    teacher.click("#advance")
    ann.wait_for_selector("body[data-status='finished']")
    assert not ann.locator("#board-card").is_hidden()

    # Debrief: leaderboard shown at the end; five charts one at a time.
    debrief = browser.new_page()
    debrief.goto(server.http + f"/classroom/debrief/{code}")
    debrief.wait_for_selector("body[data-ready='true']")
    board = debrief.inner_text("#leaderboard")
    assert XSS_NAME in board and "bot" in board
    assert debrief.locator("#leaderboard tbody tr").count() == 6
    titles = []
    for k in range(5):
        debrief.wait_for_selector(f"body[data-chart='{k}']")
        debrief.wait_for_function("() => (document.getElementById('chart').data || []).length > 0")
        titles.append(debrief.inner_text("#chart-title"))
        debrief.click("#next-chart")
    assert [t.split(" · ")[1] for t in titles] == [
        "Merit order and clearing price",
        "Price path",
        "Emissions against the cap",
        "Profit distribution",
        "Comparison with the competitive equilibrium",
    ]
    assert alerts == []
