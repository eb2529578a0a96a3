"""Classroom benchmark: a full class on loopback websockets, deadline to results on every screen.

``python -m bench.bench_classroom`` starts ``greenmarket serve`` on 127.0.0.1 in its own process,
creates a game with 60 seats, seats 60 students (each with its own seat cookie), and connects 60
player screens, one projector and 200 spectators by websocket. Each round every student submits
a bid over HTTP; the server clears the round at its deadline by itself. For every screen and
round it records the time from the round's deadline (the server's time stamp) to the arrival of
the view with that round's results, and reports p50, p99 and max [ms] (target p99 <= 1,000 ms),
plus how many screens missed a result. Bounded in time (``--limit-s``); writes
``bench/out/classroom.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
from websockets.asyncio.client import connect

from bench.bench_web import free_port, start_server
from bench.common import write_json

TARGET_P99_MS = 1000.0
ROUND_RE = re.compile(r'"status":"(\w+)","round":(-?\d+)')
DEADLINE_RE = re.compile(r'"deadline_unix_s":([0-9.]+)')


def call(
    base: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[Any, dict[str, str]]:
    """Call the API; returns the decoded answer and the response headers."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read()), dict(response.headers)


class Screen:
    """One websocket screen; records when each round's results arrived."""

    def __init__(self, role: str) -> None:
        self.role = role
        self.cleared_at: dict[int, float] = {}
        self.deadlines: dict[int, float] = {}
        self.messages = 0

    async def watch(
        self,
        url: str,
        cookie: str | None,
        ready: asyncio.Event,
        stop: asyncio.Event,
        counter: list[int],
        n: int,
    ) -> None:
        headers = {"Cookie": cookie} if cookie else None
        async with connect(
            url, additional_headers=headers, max_queue=None, open_timeout=60, max_size=None
        ) as ws:
            counter[0] += 1
            if counter[0] == n:
                ready.set()
            while not stop.is_set():
                try:
                    text = await asyncio.wait_for(ws.recv(), 0.5)
                except TimeoutError:
                    continue
                received = time.time()
                self.messages += 1
                match = ROUND_RE.search(str(text))
                if match is None:
                    continue
                status, round_index = match.group(1), int(match.group(2))
                if status == "open":
                    deadline = DEADLINE_RE.search(str(text))
                    if deadline:
                        self.deadlines[round_index] = float(deadline.group(1))
                elif status == "cleared" and round_index not in self.cleared_at:
                    self.cleared_at[round_index] = received


async def play(base: str, ws_base: str, args: argparse.Namespace) -> dict[str, Any]:
    game, _ = call(
        base,
        "POST",
        "/api/classroom/games",
        {
            "preset": args.preset,
            "seats": args.students,
            "rounds": args.rounds,
            "round_seconds": args.round_seconds,
        },
    )
    code, head = game["code"], {"X-Instructor-Token": game["instructor_token"]}
    cookies: list[str] = []
    for k in range(args.students):
        _, headers = call(base, "POST", "/api/classroom/join", {"code": code, "name": f"S{k}"})
        cookies.append(headers["set-cookie"].split(";")[0])
    screens: list[tuple[Screen, str, str | None]] = []
    for cookie in cookies:
        screens.append((Screen("player"), f"{ws_base}/ws/classroom/{code}?role=player", cookie))
    screens.append((Screen("projector"), f"{ws_base}/ws/classroom/{code}?role=projector", None))
    for _ in range(args.spectators):
        screens.append((Screen("spectator"), f"{ws_base}/ws/classroom/{code}?role=spectator", None))
    ready, stop, counter = asyncio.Event(), asyncio.Event(), [0]
    tasks = [
        asyncio.create_task(s.watch(url, c, ready, stop, counter, len(screens)))
        for s, url, c in screens
    ]
    await asyncio.wait_for(ready.wait(), 60)
    truth: dict[int, float] = {}
    for r in range(args.rounds):
        action = "start" if r == 0 else "advance"
        await asyncio.to_thread(
            call, base, "POST", f"/api/classroom/games/{code}/control", {"action": action}, head
        )
        view, _ = await asyncio.to_thread(call, base, "GET", f"/api/classroom/games/{code}")
        truth[r] = float(view["public"]["deadline_unix_s"])

        def bid(k: int, r: int = r) -> None:
            me, _ = call(
                base, "GET", f"/api/classroom/games/{code}/me", None, {"Cookie": cookies[k]}
            )
            values = me["me"]["values"]
            side = "buy" if values["max_buy"] > 0 else "sell"
            limit = values["max_buy"] if side == "buy" else values["max_sell"]
            if limit <= 0:
                return
            price = 400.0 + 10.0 * ((k * 7 + r) % 30)
            call(
                base,
                "PUT",
                f"/api/classroom/games/{code}/seats/{k}/bid",
                {"orders": [{"side": side, "quantity": round(limit / 3, 3), "price": price}]},
                {"Cookie": cookies[k]},
            )

        await asyncio.gather(*(asyncio.to_thread(bid, k) for k in range(args.students)))
        wait_until = truth[r] + 5.0
        while time.time() < wait_until and not all(r in s.cleared_at for s, _, _ in screens):
            await asyncio.sleep(0.05)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    lat_ms = []
    missing = 0
    by_role: dict[str, list[float]] = {}
    for screen, _, _ in screens:
        for r, deadline in truth.items():
            if r not in screen.cleared_at:
                missing += 1
                continue
            ms = (screen.cleared_at[r] - deadline) * 1000.0
            lat_ms.append(ms)
            by_role.setdefault(screen.role, []).append(ms)
    arr = np.array(lat_ms)
    return {
        "screens": len(screens),
        "players": args.students,
        "spectators": args.spectators,
        "rounds": args.rounds,
        "observations": int(arr.size),
        "missing": missing,
        "deadline_to_results_ms": {
            "p50": float(np.percentile(arr, 50)),
            "p99": float(np.percentile(arr, 99)),
            "max": float(arr.max()),
            "min": float(arr.min()),
        },
        "p99_by_role_ms": {k: float(np.percentile(v, 99)) for k, v in by_role.items()},
        "messages_received": sum(s.messages for s, _, _ in screens),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--spectators", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--round-seconds", type=float, default=6.0)
    parser.add_argument("--preset", default="rights_grandfathering")
    parser.add_argument("--limit-s", type=float, default=180.0)
    args = parser.parse_args(argv)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        proc: subprocess.Popen[bytes] = start_server(port, Path(tmp), pace=0.0)
        try:
            figures = asyncio.run(
                asyncio.wait_for(
                    play(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", args), args.limit_s
                )
            )
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    figures["target_p99_ms"] = TARGET_P99_MS
    figures["meets_target"] = (
        figures["deadline_to_results_ms"]["p99"] <= TARGET_P99_MS and figures["missing"] == 0
    )
    path = write_json("classroom", figures)
    print(json.dumps(figures, indent=2))
    print(f"wrote {path}", file=sys.stderr)
    return 0 if figures["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
