"""Helpers shared by the web tests."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect


def drain_stream(client: TestClient, run_id: str, after: int = 0) -> list[dict[str, Any]]:
    """Read a run's websocket stream until the server closes it (the run has ended)."""
    messages: list[dict[str, Any]] = []
    with client.websocket_connect(f"/ws/runs/{run_id}?after={after}") as ws:
        while True:
            try:
                messages.append(json.loads(ws.receive_text()))
            except WebSocketDisconnect as exc:
                assert exc.code == 1000, exc
                return messages


def start_and_finish(
    client: TestClient, **body: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Start a run, read its whole stream, and return its final status and its events."""
    response = client.post("/api/runs", json=body)
    assert response.status_code == 201, response.text
    run_id = response.json()["id"]
    events = drain_stream(client, run_id)
    status = client.get(f"/api/runs/{run_id}").json()
    return status, events


def wait_for_study(client: TestClient, study_id: str, limit_s: float = 120.0) -> dict[str, Any]:
    """Poll a study's status until it leaves ``running`` (bounded by ``limit_s``)."""
    import time

    deadline = time.monotonic() + limit_s
    while True:
        status: dict[str, Any] = client.get(f"/api/studies/{study_id}").json()
        if status["status"] != "running" or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_process(port: int, db: Path, results: Path) -> subprocess.Popen[bytes]:
    """``greenmarket serve`` on 127.0.0.1 in its own process; returns once it answers (30 s at
    most, else the process is killed and ``RuntimeError`` raised)."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "market.cli",
            "serve",
            "--port",
            str(port),
            "--db",
            str(db),
            "--results",
            str(results),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the server did not start")
