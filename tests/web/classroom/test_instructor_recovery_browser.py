"""An instructor who lost the console tab takes back control with the code shown at creation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ..conftest import LiveServer

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.slow
def test_fresh_browser_regains_control_with_the_instructor_code(
    server: LiveServer, browser: Any, tmp_path: Path
) -> None:
    creator = browser.new_context().new_page()
    creator.goto(server.http + "/classroom")
    creator.wait_for_selector("body[data-ready='true']")
    assert "none yet" in creator.inner_text("#my-games")
    creator.select_option("#preset", "rights_grandfathering")
    creator.fill("#round-seconds", "600")
    creator.click("#create")
    creator.wait_for_selector("#created:not([hidden])")
    code = creator.inner_text("#code")
    secret = creator.inner_text("#instructor-code")
    assert len(secret) >= 40
    assert "Keep this instructor code" in creator.inner_text("#created")
    # The browser remembers its games with console links, never their tokens.
    assert creator.get_attribute("#my-games a", "href") == f"/classroom/console/{code}"
    stored = creator.evaluate("() => JSON.stringify(localStorage)")
    assert code in stored and secret not in stored
    creator.reload()
    creator.wait_for_selector("body[data-ready='true']")
    assert code in creator.inner_text("#my-games")

    dialogs: list[str] = []
    console = browser.new_context().new_page()  # nothing in its storage
    console.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    console.goto(server.http + f"/classroom/console/{code}")
    console.wait_for_selector("body[data-control='none']")
    assert console.is_visible("#token-needed")
    for button in ("start", "finish", "advance", "bots-toggle"):
        assert console.is_disabled(f"#{button}")

    console.fill("#token-input", "x" * 43)
    console.click("#token-submit")
    console.wait_for_function(
        "() => /does not match/.test(document.getElementById('token-msg').textContent)"
    )
    assert console.is_disabled("#start")

    console.screenshot(path=str(tmp_path / "console-no-code.png"))
    console.fill("#token-input", secret)
    console.click("#token-submit")
    console.wait_for_selector("body[data-control='ok'][data-status='lobby']")
    assert console.is_hidden("#token-card")
    assert console.inner_text("#conn") == "connected"
    console.click("#start")
    console.wait_for_selector("body[data-status='open']")
    console.click("#pause")
    console.wait_for_selector("body[data-status='paused']")
    console.click("#advance")  # closes the round early: asks first
    console.wait_for_selector("body[data-status='cleared']")
    assert any("Close the round now" in d for d in dialogs)
    console.click("#finish")
    console.wait_for_selector("body[data-status='finished']")
    assert any("End the game now" in d for d in dialogs)
    console.screenshot(path=str(tmp_path / "console-regained.png"), full_page=True)
