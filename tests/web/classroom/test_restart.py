"""Kill the server with SIGKILL mid-round, start it again on the same database: nothing is lost."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import httpx2 as httpx

from ..helpers import free_port, serve_process


def serve(port: int, db: Path, tmp: Path) -> subprocess.Popen[bytes]:
    """``greenmarket serve`` on ``db``, its result files under ``tmp/results``."""
    return serve_process(port, db, tmp / "results")


def test_kill_and_restart_mid_round_keeps_every_bid(tmp_path: Path) -> None:
    db = tmp_path / "web.sqlite3"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = serve(port, db, tmp_path)
    try:
        game: dict[str, Any] = httpx.post(
            base + "/api/classroom/games",
            json={"preset": "rights_grandfathering", "seats": 6, "round_seconds": 600},
        ).json()
        code, head = game["code"], {"X-Instructor-Token": game["instructor_token"]}
        players = [httpx.Client(base_url=base) for _ in range(2)]
        for k, player in enumerate(players):
            assert player.post(
                "/api/classroom/join", json={"code": code, "name": f"P{k}"}
            ).is_success
        assert httpx.post(
            f"{base}/api/classroom/games/{code}/control", json={"action": "start"}, headers=head
        ).is_success
        sent = [
            (0, [{"side": "buy", "quantity": 20.0, "price": 700.0}]),
            (1, [{"side": "sell", "quantity": 10.0, "price": 300.0}]),
            (0, [{"side": "buy", "quantity": 25.0, "price": 750.0}]),  # replaces the first
        ]
        for seat, orders in sent:
            r = players[seat].put(
                f"/api/classroom/games/{code}/seats/{seat}/bid", json={"orders": orders}
            )
            assert r.status_code == 200, r.text
        os.kill(proc.pid, signal.SIGKILL)  # no shutdown: only what was committed survives
        proc.wait(timeout=10)

        proc = serve(port, db, tmp_path)
        view = httpx.get(f"{base}/api/classroom/games/{code}/instructor", headers=head).json()
        assert view["public"]["status"] == "open" and view["public"]["round"] == 0
        assert view["public"]["seats"]["submitted"] == 2
        assert [s["submitted"] for s in view["instructor"]["seats"][:3]] == [True, True, False]
        for seat, orders in ((0, sent[2][1]), (1, sent[1][1])):
            me = players[seat].get(f"/api/classroom/games/{code}/me").json()["me"]  # same cookie
            assert me["bid"]["orders"] == orders
        assert httpx.post(
            f"{base}/api/classroom/games/{code}/control", json={"action": "advance"}, headers=head
        ).is_success
        last = httpx.get(f"{base}/api/classroom/games/{code}").json()["public"]["last"]
        assert last is not None and last["round"] == 0
        csv_text = httpx.get(
            f"{base}/api/classroom/games/{code}/export/trades.csv", headers=head
        ).text
        rows = [line.split(",") for line in csv_text.splitlines()[1:]]
        mine = {(r[1], r[5], float(r[6]), float(r[7])) for r in rows if r[4] == "player"}
        assert mine == {("r0-s0-0", "buy", 25.0, 750.0), ("r0-s1-0", "sell", 10.0, 300.0)}
    finally:
        proc.kill()
        proc.wait(timeout=10)
