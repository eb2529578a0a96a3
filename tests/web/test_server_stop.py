"""SIGTERM a real server mid-run, start it again on the same database: the run is interrupted.

A user's cancel stays ``cancelled``; a run the server stopped is ``interrupted`` with the time,
the hour it had reached and the advice to start it again.
"""

from __future__ import annotations

import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from market.api import RunResults, Simulation
from web.app import create_app
from web.settings import WebSettings

from .helpers import free_port, serve_process

#: Pace of the stopped run [h/s]: the quickstart example's 336 h would take 14 s.
SLOW_PACE_H_PER_S = 24.0


def serve(port: int, tmp: Path) -> subprocess.Popen[bytes]:
    """``greenmarket serve`` on ``tmp/web.sqlite3`` with results under ``tmp/results``."""
    return serve_process(port, tmp / "web.sqlite3", tmp / "results")


def wait_for(base: str, run_id: str, done: Any, limit_s: float = 20.0) -> dict[str, Any]:
    """Poll a run's status until ``done(status)`` holds (bounded by ``limit_s``)."""
    deadline = time.monotonic() + limit_s
    while True:
        status: dict[str, Any] = httpx.get(f"{base}/api/runs/{run_id}", timeout=5).json()
        if done(status) or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


@pytest.mark.slow
def test_sigterm_interrupts_live_runs_and_keeps_cancelled_ones(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = serve(port, tmp_path)
    try:
        body = {"example": "quickstart", "pace_h_per_s": SLOW_PACE_H_PER_S}
        live = httpx.post(f"{base}/api/runs", json=body, timeout=30).json()
        cancelled = httpx.post(f"{base}/api/runs", json=body, timeout=30).json()
        httpx.post(f"{base}/api/runs/{cancelled['id']}/cancel", timeout=5)
        assert wait_for(base, cancelled["id"], lambda s: s["state"] == "cancelled")["state"] == (
            "cancelled"
        )
        running = wait_for(base, live["id"], lambda s: s["now_h"] >= 24.0)
        assert running["state"] == "running" and running["now_h"] < running["horizon_h"]
        proc.send_signal(signal.SIGTERM)
        # uvicorn re-raises the signal once its shutdown (lifespan included) is complete
        assert proc.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)

    proc = serve(port, tmp_path)
    try:
        stopped = httpx.get(f"{base}/api/runs/{live['id']}", timeout=5).json()
        listed = {r["id"]: r for r in httpx.get(f"{base}/api/runs", timeout=5).json()}
        user_stop = httpx.get(f"{base}/api/runs/{cancelled['id']}", timeout=5).json()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)

    assert stopped["state"] == "interrupted" and listed[live["id"]]["state"] == "interrupted"
    assert not stopped["has_results"]
    reason = stopped["error"]
    match = re.fullmatch(
        r"the server stopped at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC while the run was at hour "
        r"(\d+) of 336; start it again",
        reason,
    )
    assert match is not None, reason
    assert running["now_h"] <= float(match[1]) == stopped["now_h"] < 336
    assert user_stop["state"] == "cancelled" and user_stop["error"] is None


class HeldResultsSimulation(Simulation):
    """The engine's simulation whose results wait for :attr:`release` (a worker still busy
    writing results when the server stops)."""

    release = threading.Event()

    def results(self) -> RunResults:
        assert self.release.wait(timeout=30)
        return super().results()


def test_a_run_still_writing_results_at_shutdown_is_marked_then_finished(
    settings: WebSettings,
) -> None:
    HeldResultsSimulation.release.clear()
    with TestClient(create_app(settings, simulation_factory=HeldResultsSimulation)) as client:
        run_id = client.post("/api/runs", json={"example": "tiny"}).json()["id"]
        manager = client.app.state.manager
        deadline = time.monotonic() + 20
        while manager.store.get_run(run_id).now_h < 72 and time.monotonic() < deadline:
            time.sleep(0.02)
        manager.shutdown(timeout_s=0.2)
        marked = manager.store.get_run(run_id)
        HeldResultsSimulation.release.set()
        deadline = time.monotonic() + 30
        final = client.get(f"/api/runs/{run_id}").json()
        while not final["has_results"] and time.monotonic() < deadline:
            time.sleep(0.02)
            final = client.get(f"/api/runs/{run_id}").json()
    assert marked.state == "interrupted" and not marked.has_summary
    assert "while the run was at hour 72 of 72; start it again" in marked.error
    assert final["state"] == "finished" and final["error"] is None and final["has_results"]
