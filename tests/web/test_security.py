"""A server guarded as on a network bind: operator token, host and origin checks, body limit,
rate limits, security headers."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import psutil
import pytest
from fastapi.testclient import TestClient
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from web.app import create_app
from web.security.access import allowed_host_names, host_allowed
from web.settings import WebSettings, is_loopback

from .conftest import LiveServer, start_server

TOKEN = "operator-secret-" + "x" * 24
BEARER = {"Authorization": f"Bearer {TOKEN}"}
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def guarded(settings: WebSettings) -> WebSettings:
    """Settings of a server checked as if it listened on a network address."""
    return settings.model_copy(
        update={
            "require_operator_token": True,
            "operator_token": TOKEN,
            "join_rate": "3/minute",
            "seat_claims_per_client": 2,
            "game_create_rate": "2/hour",
        }
    )


@pytest.fixture
def client(guarded: WebSettings) -> Iterator[TestClient]:
    with TestClient(create_app(WebSettings.model_validate(guarded.model_dump()))) as test:
        yield test


@pytest.fixture
def server(guarded: WebSettings) -> Iterator[LiveServer]:
    live = start_server(WebSettings.model_validate(guarded.model_dump()))
    try:
        yield live
    finally:
        live.stop()


def assert_error(response: httpx.Response, status: int, path: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["detail"] and body["errors"][0]["path"] == path, body
    return body


def test_loopback_names() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("127.8.0.1") and is_loopback("::1")
    assert is_loopback("localhost") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")
    assert not WebSettings().guarded and WebSettings(host="0.0.0.0").guarded


def test_any_address_bind_answers_at_every_interface_address() -> None:
    # Students reach a classroom server by the address of the machine's network interface.
    allowed = allowed_host_names(WebSettings(host="0.0.0.0"))
    interfaces = {
        a.address.split("%", 1)[0].lower()
        for addresses in psutil.net_if_addrs().values()
        for a in addresses
        if a.family in (socket.AF_INET, socket.AF_INET6)
    }
    assert interfaces and interfaces <= allowed
    assert host_allowed("127.0.0.1:8000", allowed) and host_allowed("localhost", allowed)
    assert not host_allowed("attacker.example", allowed)
    assert host_allowed("10.1.2.3", allowed_host_names(WebSettings(host="10.1.2.3")))
    assert not host_allowed("10.1.2.4", allowed_host_names(WebSettings(host="10.1.2.3")))


def test_run_study_and_admin_operations_need_the_operator_token(client: TestClient) -> None:
    for method, path, body in [
        ("POST", "/api/runs", {"example": "tiny"}),
        ("GET", "/api/runs", None),
        ("POST", "/api/runs/some-run/cancel", None),
        ("POST", "/api/studies", {"example": "nope"}),
        ("POST", "/api/clear", {}),
        ("GET", "/api/configs", None),
    ]:
        refused = client.request(method, path, json=body)
        assert_error(refused, 401, "Authorization")
        wrong = client.request(method, path, json=body, headers={"Authorization": "Bearer nope"})
        assert_error(wrong, 401, "Authorization")
    started = client.post("/api/runs", json={"example": "tiny"}, headers=BEARER)
    assert started.status_code == 201, started.text
    run_id = started.json()["id"]
    cancelled = client.post(f"/api/runs/{run_id}/cancel", headers=BEARER)
    assert cancelled.status_code in (200, 409), cancelled.text
    assert client.get("/api/runs", headers=BEARER).status_code == 200
    assert client.post("/api/studies", json={"example": "nope"}, headers=BEARER).status_code == 404
    # Open to everyone: health, the API docs and the classroom's join flow.
    assert client.get("/api/health").status_code == 200
    assert client.get("/docs").status_code == 200
    assert client.get("/api/classroom/presets").status_code == 200


def test_loopback_server_needs_no_token(settings: WebSettings) -> None:
    with TestClient(create_app(settings)) as local:
        assert local.get("/api/runs").status_code == 200


def test_foreign_host_and_origin_are_refused(client: TestClient) -> None:
    assert_error(client.get("/api/health", headers={"Host": "evil.example"}), 403, "Host")
    assert client.get("/api/health", headers={"Host": "localhost:8000"}).status_code == 200
    foreign = {"Origin": "http://evil.example", **BEARER}
    assert_error(client.post("/api/runs", json={"example": "tiny"}, headers=foreign), 403, "Origin")
    same = {"Origin": "http://testserver", **BEARER}
    assert client.post("/api/runs", json={"example": "nope"}, headers=same).status_code == 404
    # Reads from other pages are not state-changing: no Origin check.
    assert client.get("/api/health", headers={"Origin": "http://evil.example"}).status_code == 200


def test_every_response_carries_security_headers(client: TestClient) -> None:
    for path in ("/", "/classroom", "/api/health", "/api/runs", "/docs", "/static/app.js"):
        headers = client.get(path).headers
        assert headers["x-frame-options"] == "DENY", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "no-referrer", path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path


def test_websockets_check_origin_host_and_token(server: LiveServer) -> None:
    code = httpx.post(
        server.http + "/api/classroom/games", json={"preset": "rights_grandfathering"}
    ).json()["code"]
    url = f"{server.ws}/ws/classroom/{code}?role=spectator"
    with connect(url, origin=server.http, open_timeout=5) as ok:  # type: ignore[arg-type]
        assert json.loads(ok.recv(timeout=5))["kind"] == "view"
    foreign_host = f"ws://evil.example:{server.port}/ws/classroom/{code}"
    for target, kwargs in (
        (url, {"origin": "http://evil.example"}),
        (foreign_host, {"sock": socket.create_connection(("127.0.0.1", server.port))}),
    ):
        with (
            connect(target, open_timeout=5, **kwargs) as refused,  # type: ignore[arg-type]
            pytest.raises(ConnectionClosed) as closed,
        ):
            refused.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
        assert "refused" in closed.value.rcvd.reason
    # The run stream needs the operator token (as a query parameter from the dashboard).
    with pytest.raises(InvalidStatus):
        connect(f"{server.ws}/ws/runs/unknown", open_timeout=5)
    with (
        connect(f"{server.ws}/ws/runs/unknown?token={TOKEN}", open_timeout=5) as stream,
        pytest.raises(ConnectionClosed) as closed,
    ):
        stream.recv(timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4404


def test_a_chunked_body_over_the_limit_gets_413(server: LiveServer) -> None:
    def chunks(total: int) -> Iterator[bytes]:
        for _ in range(total // 65536):
            yield b" " * 65536

    big = httpx.post(
        server.http + "/api/runs",
        content=chunks(2 * 1024 * 1024),
        headers={"Content-Type": "application/json", **BEARER},
        timeout=10,
    )
    assert big.request.headers.get("transfer-encoding") == "chunked"
    assert_error(big, 413, "body")
    small = httpx.post(
        server.http + "/api/classroom/join",
        content=chunks(64 * 1024),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert_error(small, 413, "body")  # the classroom's own, smaller limit


def test_join_attempts_beyond_the_limit_get_429(client: TestClient) -> None:
    answers = [
        client.post("/api/classroom/join", json={"code": "AAAAAA", "name": "x"}) for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [404, 404, 404, 429]
    body = assert_error(answers[-1], 429, "join")
    assert int(answers[-1].headers["Retry-After"]) >= 1, body
    # Guessing codes through other routes counts too.
    assert_error(client.get("/api/classroom/games/CCCCCC"), 429, "join")


def test_one_client_takes_at_most_its_seats_and_games(client: TestClient) -> None:
    def create() -> httpx.Response:
        return client.post("/api/classroom/games", json={"preset": "rights_grandfathering"})

    code = create().json()["code"]
    seats = []
    for name in ("a", "b", "c"):
        client.cookies.clear()
        seats.append(client.post("/api/classroom/join", json={"code": code, "name": name}))
    assert [s.status_code for s in seats] == [200, 200, 429]
    assert_error(seats[-1], 429, "seats")
    assert create().status_code == 201
    assert_error(create(), 429, "games")
