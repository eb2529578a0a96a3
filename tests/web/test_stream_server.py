"""The websocket stream against a real uvicorn server with real ``websockets`` clients."""

from __future__ import annotations

import asyncio
import json
import socket
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from market.api import Simulation
from web.settings import WebSettings

from .conftest import LiveServer, start_server

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def post(server: LiveServer, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        server.http + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        data: dict[str, Any] = json.loads(response.read())
        return data


def get(server: LiveServer, path: str) -> Any:
    with urllib.request.urlopen(server.http + path, timeout=30) as response:
        return json.loads(response.read())


async def read_all(url: str, limit: int | None = None) -> tuple[list[dict[str, Any]], int | None]:
    """Read messages until the server closes (or ``limit`` messages); return them and the code."""
    messages: list[dict[str, Any]] = []
    async with connect(url, max_size=2**22, max_queue=None) as ws:
        try:
            while limit is None or len(messages) < limit:
                messages.append(json.loads(await ws.recv()))
        except ConnectionClosed as closed:
            return messages, closed.rcvd.code if closed.rcvd else None
    return messages, None


def test_clients_receive_the_stream_in_order(live_server: LiveServer) -> None:
    run = post(live_server, "/api/runs", {"example": "week", "pace_h_per_s": 336.0})
    url = f"{live_server.ws}/ws/runs/{run['id']}"

    async def three_clients() -> list[tuple[list[dict[str, Any]], int | None]]:
        return list(await asyncio.gather(*(read_all(url) for _ in range(3))))

    results = asyncio.run(three_clients())
    status = get(live_server, f"/api/runs/{run['id']}")
    assert status["state"] == "finished"
    for messages, code in results:
        assert code == 1000
        seqs = [m["seq"] for m in messages]
        assert all(b > a for a, b in zip(seqs, seqs[1:], strict=False))
        assert seqs == list(range(1, status["last_seq"] + 1))
        assert messages[-1]["kind"] == "run_finished"


def test_reconnecting_client_resumes_after_its_last_seq(live_server: LiveServer) -> None:
    run = post(live_server, "/api/runs", {"example": "week", "pace_h_per_s": 168.0})
    url = f"{live_server.ws}/ws/runs/{run['id']}"

    async def with_reconnect() -> list[dict[str, Any]]:
        first, _ = await read_all(url, limit=40)
        rest, code = await read_all(f"{url}?after={first[-1]['seq']}")
        assert code == 1000
        return first + rest

    messages = asyncio.run(with_reconnect())
    last = get(live_server, f"/api/runs/{run['id']}")["last_seq"]
    assert [m["seq"] for m in messages] == list(range(1, last + 1))


def test_kinds_filter_and_unknown_run(live_server: LiveServer) -> None:
    run = post(live_server, "/api/runs", {"example": "tiny"})
    url = f"{live_server.ws}/ws/runs/{run['id']}?kinds=park_day,run_finished"
    messages, code = asyncio.run(read_all(url))
    assert code == 1000
    assert [m["kind"] for m in messages] == ["park_day"] * 3 + ["run_finished"]
    _, unknown_code = asyncio.run(read_all(f"{live_server.ws}/ws/runs/nosuchrun"))
    assert unknown_code == 4404


def read_raw_frames(sock: socket.socket) -> list[dict[str, Any]]:
    """Read a websocket handshake answer, then text frames until a close frame."""
    reader = sock.makefile("rb")
    while reader.readline() not in (b"\r\n", b""):
        pass  # the HTTP 101 answer and its headers
    messages: list[dict[str, Any]] = []
    while True:
        head = reader.read(2)
        opcode, length = head[0] & 0x0F, head[1] & 0x7F
        if length == 126:
            length = int.from_bytes(reader.read(2), "big")
        elif length == 127:
            length = int.from_bytes(reader.read(8), "big")
        payload = reader.read(length)
        if opcode == 0x8:  # close
            return messages
        messages.append(json.loads(payload))


class PaddedSimulation(Simulation):
    """The engine's simulation plus one 64 kB ``padding`` event per simulated hour, so that a
    stalled client's socket buffers fill up."""

    def run(self, until_h: float | None = None, progress: Any = None) -> None:
        target = self.horizon_h if until_h is None else min(float(until_h), self.horizon_h)
        for hour in range(int(self.now_h + 0.5), int(target)):
            self.bus.publish("padding", float(hour), {"blob": "x" * 64_000})
        super().run(until_h=until_h, progress=progress)


@pytest.fixture
def padded_server(settings: WebSettings) -> Iterator[LiveServer]:
    small = settings.model_copy(update={"client_queue_events": 100, "send_batch_events": 10})
    server = start_server(small, simulation_factory=PaddedSimulation)
    try:
        yield server
    finally:
        server.stop()


def test_slow_client_is_told_it_lagged_and_does_not_hold_up_others(
    padded_server: LiveServer,
) -> None:
    run = post(padded_server, "/api/runs", {"example": "week", "pace_h_per_s": 96.0})
    url = f"{padded_server.ws}/ws/runs/{run['id']}"

    async def scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        # The stalled client reads nothing until the others are done, with a tiny receive buffer.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", padded_server.port))
        sock.sendall(
            f"GET /ws/runs/{run['id']} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        fast, code = await read_all(url)
        assert code == 1000
        sock.setblocking(True)
        slow = await asyncio.to_thread(read_raw_frames, sock)
        return fast, slow

    fast, slow = asyncio.run(scenario())
    last = get(padded_server, f"/api/runs/{run['id']}")["last_seq"]
    assert [m.get("seq", m) for m in fast] == list(range(1, last + 1))
    notices = [m for m in slow if m["kind"] == "lagged"]
    assert notices, "the stalled client got no lagged notice"
    assert all(n["reason"] == "slow_client" and n["dropped"] > 0 for n in notices)
    seqs = [m["seq"] for m in slow if "seq" in m]
    assert all(b > a for a, b in zip(seqs, seqs[1:], strict=False))
    assert len(seqs) + sum(n["dropped"] for n in notices) == last
    assert seqs[-1] == last
