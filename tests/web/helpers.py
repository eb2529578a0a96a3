"""Helpers shared by the web tests."""

from __future__ import annotations

import json
from typing import Any

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
