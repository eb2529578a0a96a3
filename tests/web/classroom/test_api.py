"""The classroom API: join and rejoin, seat and instructor tokens, validation, rate limits."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from limits import parse

from .conftest import FakeClock, create_game, instructor


def start(client: TestClient, game: dict[str, str]) -> None:
    r = client.post(
        f"/api/classroom/games/{game['code']}/control",
        json={"action": "start"},
        headers=instructor(game),
    )
    assert r.status_code == 200, r.text


def test_join_sets_an_httponly_cookie_and_rejoin_returns_the_seat(client: TestClient) -> None:
    game = create_game(client)
    code = game["code"]
    assert len(code) == 6 and len(game["instructor_token"]) >= 43  # >= 256 bits
    r = client.post("/api/classroom/join", json={"code": code.lower(), "name": "Ann"})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    assert f"gm_seat_{code}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert r.json()["seat"] == 0 and r.json()["rejoined"] is False
    again = client.post("/api/classroom/join", json={"code": code, "name": ""})
    assert again.json() == {**r.json(), "rejoined": True}
    me = client.get(f"/api/classroom/games/{code}/me").json()["me"]
    assert me["seat"] == 0 and me["player"] == "Ann" and me["controlled_by"] == "player"
    client.cookies.clear()
    assert client.get(f"/api/classroom/games/{code}/me").status_code == 401
    other = client.post("/api/classroom/join", json={"code": code, "name": "Ben"})
    assert other.json()["seat"] == 1


def test_unknown_game_and_bad_names(client: TestClient) -> None:
    assert (
        client.post("/api/classroom/join", json={"code": "ZZZZZZ", "name": "A"}).status_code == 404
    )
    game = create_game(client)
    r = client.post("/api/classroom/join", json={"code": game["code"], "name": "x" * 41})
    assert r.status_code == 422 and r.json()["errors"][0]["path"] == "name"
    r = client.post("/api/classroom/join", json={"code": game["code"], "name": "a" * 500})
    assert r.status_code == 422  # bounded by the request model
    r = client.post("/api/classroom/games", json={"preset": "nope"})
    assert r.status_code == 404 and "rights_grandfathering" in r.json()["detail"]


def test_seat_token_acts_only_for_its_own_seat(client: TestClient) -> None:
    game = create_game(client)
    code = game["code"]
    client.post("/api/classroom/join", json={"code": code, "name": "Ann"})
    start(client, game)
    bid = {"orders": [{"side": "buy", "quantity": 10, "price": 500}]}
    assert client.put(f"/api/classroom/games/{code}/seats/0/bid", json=bid).status_code == 200
    r = client.put(f"/api/classroom/games/{code}/seats/1/bid", json=bid)
    assert r.status_code == 403 and r.json()["errors"][0]["allowed"] == "your own seat only"
    client.cookies.clear()
    client.cookies.set(f"gm_seat_{code}", "forged-token")
    assert client.put(f"/api/classroom/games/{code}/seats/0/bid", json=bid).status_code == 401


def test_instructor_endpoints_need_the_instructor_token(client: TestClient) -> None:
    game = create_game(client)
    code = game["code"]
    calls = [
        ("post", f"/api/classroom/games/{code}/control", {"action": "start"}),
        ("patch", f"/api/classroom/games/{code}/params", {"penalty_cny_per_unit": 10}),
        ("post", f"/api/classroom/games/{code}/bots", {"enabled": False}),
        ("post", f"/api/classroom/games/{code}/leaderboard", {"hidden": False}),
        ("post", f"/api/classroom/games/{code}/seats/0/free", {}),
        ("post", f"/api/classroom/games/{code}/seats/0/reassign", {"name": "Z"}),
        ("get", f"/api/classroom/games/{code}/instructor", None),
        ("get", f"/api/classroom/games/{code}/export/bids.csv", None),
    ]
    other = create_game(client)
    for headers in ({}, {"X-Instructor-Token": "wrong"}, instructor(other)):
        for method, path, body in calls:
            kwargs = {} if body is None else {"json": body}
            r = getattr(client, method)(path, headers=headers, **kwargs)
            assert r.status_code == 401, (method, path, r.status_code)
    ok = client.get(f"/api/classroom/games/{code}/instructor", headers=instructor(game))
    assert ok.status_code == 200 and ok.json()["instructor"]["seats"][0]["seat"] == 0
    bearer = {"Authorization": "Bearer " + game["instructor_token"]}
    assert client.get(f"/api/classroom/games/{code}/instructor", headers=bearer).status_code == 200


def test_bad_bids_get_422_with_a_message(client: TestClient, clock: FakeClock) -> None:
    game = create_game(client)
    code = game["code"]
    client.post("/api/classroom/join", json={"code": code, "name": "Ann"})
    url = f"/api/classroom/games/{code}/seats/0/bid"
    r = client.put(url, json={"orders": []})
    assert r.status_code == 409  # round not open yet
    start(client, game)
    cases = [
        ({"orders": [{"side": "buy", "quantity": 10, "price": 99999}]}, "orders[0].price"),
        ({"orders": [{"side": "steal", "quantity": 10, "price": 1}]}, "orders[0].side"),
        ({"orders": [{"side": "buy", "quantity": 0, "price": 1}]}, "orders[0].quantity"),
        ({"orders": [{"side": "buy", "quantity": 1e9, "price": 1}]}, "orders"),
        ({"orders": [{"side": "buy", "quantity": "ten", "price": 1}]}, "orders[0].quantity"),
        ({"orders": [{"side": "buy", "quantity": True, "price": 1}]}, "orders[0].quantity"),
        ({"orders": [{"side": "buy", "quantity": "2", "price": 1}]}, "orders[0].quantity"),
        ({"orders": [{"side": "buy", "quantity": 1, "price": False}]}, "orders[0].price"),
        ({"orders": [{"side": "buy", "quantity": 1, "price": 1}] * 11}, "orders"),
        ({"bids": []}, "orders"),
    ]
    for body, path in cases:
        clock.advance(1.0)  # stay under the rate limit
        r = client.put(url, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["detail"] and r.json()["errors"][0]["path"].startswith(path.split("[")[0])
    big = json.dumps({"orders": [{"side": "buy", "quantity": 1, "price": 1}], "pad": "x" * 40_000})
    r = client.put(url, content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_bids_are_rate_limited_per_seat(client: TestClient) -> None:
    game = create_game(client)
    code = game["code"]
    client.post("/api/classroom/join", json={"code": code, "name": "Ann"})
    start(client, game)
    service = client.app.state.classroom  # type: ignore[attr-defined]
    service.bid_limit = parse("3/minute")
    url = f"/api/classroom/games/{code}/seats/0/bid"
    bid = {"orders": [{"side": "buy", "quantity": 1, "price": 100}]}
    answers = [client.put(url, json=bid) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].json()["errors"][0]["path"] == "bids"
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    client.cookies.clear()
    client.post("/api/classroom/join", json={"code": code, "name": "Ben"})
    other = client.put(f"/api/classroom/games/{code}/seats/1/bid", json=bid)
    assert other.status_code == 200  # the limit is per seat


def test_deadline_clears_the_round_and_everyone_sees_results(
    client: TestClient, clock: FakeClock
) -> None:
    game = create_game(client)
    code = game["code"]
    client.post("/api/classroom/join", json={"code": code, "name": "Ann"})
    start(client, game)
    client.put(
        f"/api/classroom/games/{code}/seats/0/bid",
        json={"orders": [{"side": "buy", "quantity": 30, "price": 900}]},
    )
    with client.websocket_connect(f"/ws/classroom/{code}?role=projector") as ws:
        assert json.loads(ws.receive_text())["public"]["status"] == "open"
        clock.advance(61)
        view = client.get(f"/api/classroom/games/{code}").json()["public"]  # clears when due
        assert view["status"] == "cleared" and view["last"]["price"] is not None
        pushed = json.loads(ws.receive_text())
        assert pushed["public"]["status"] == "cleared"
        assert pushed["public"]["last"]["price"] == view["last"]["price"]
    me = client.get(f"/api/classroom/games/{code}/me").json()["me"]
    assert me["last"]["trades"][0]["order_id"] == "r0-s0-0"
    assert me["last"]["source"] == "player"
    late = client.put(f"/api/classroom/games/{code}/seats/0/bid", json={"orders": []})
    assert late.status_code == 409


def test_websocket_roles_are_checked(client: TestClient) -> None:
    game = create_game(client)
    code = game["code"]
    for query, close_code in (
        ("role=player", 4401),
        ("role=instructor&token=bad", 4401),
        ("role=root", 4400),
    ):
        with client.websocket_connect(f"/ws/classroom/{code}?{query}") as ws:
            message = ws.receive()
            assert message["type"] == "websocket.close" and message["code"] == close_code
    with client.websocket_connect("/ws/classroom/NOPE00?role=spectator") as ws:
        assert ws.receive()["code"] == 4404
    token = game["instructor_token"]
    with client.websocket_connect(f"/ws/classroom/{code}?role=instructor&token={token}") as ws:
        view = json.loads(ws.receive_text())
        assert view["role"] == "instructor" and len(view["instructor"]["seats"]) == 6


def test_free_and_reassign_move_a_seat_to_a_new_device(client: TestClient) -> None:
    game = create_game(client)
    code = game["code"]
    client.post("/api/classroom/join", json={"code": code, "name": "Ann"})
    r = client.post(
        f"/api/classroom/games/{code}/seats/0/reassign",
        json={"name": "Ann"},
        headers=instructor(game),
    )
    claim = r.json()["claim_url"].split("#claim=")[1]
    assert client.get(f"/api/classroom/games/{code}/me").status_code == 401  # old token is dead
    client.cookies.clear()
    r = client.post("/api/classroom/join", json={"code": code, "name": "", "claim": claim})
    assert r.status_code == 200 and r.json()["seat"] == 0
    assert client.get(f"/api/classroom/games/{code}/me").json()["me"]["seat"] == 0
    r = client.post(f"/api/classroom/games/{code}/seats/0/free", headers=instructor(game))
    assert r.json() == {"seat": 0, "controlled_by": "bot"}
    assert client.get(f"/api/classroom/games/{code}/me").status_code == 401


def test_pages_are_served(client: TestClient) -> None:
    game = create_game(client)
    for path in (
        "/classroom",
        "/join",
        f"/play/{game['code']}",
        f"/classroom/console/{game['code']}",
        f"/classroom/projector/{game['code']}",
        f"/classroom/debrief/{game['code']}",
    ):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "innerHTML" not in client.get("/static/classroom/common.js").text
