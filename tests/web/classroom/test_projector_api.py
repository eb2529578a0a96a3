"""What the projector and the student pages get from the API: QR code, lobby, practice round,
a student's own schedule and final standing."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient

from .conftest import FakeClock, create_game, instructor


def control(client: TestClient, game: dict[str, str], action: str) -> None:
    r = client.post(
        f"/api/classroom/games/{game['code']}/control",
        json={"action": action},
        headers=instructor(game),
    )
    assert r.status_code == 200, r.text


def test_qr_code_is_an_svg_of_the_join_url_on_the_requested_host(client: TestClient) -> None:
    game = create_game(client)
    code = game["code"]
    r = client.get(f"/api/classroom/games/{code}/qr.svg", headers={"Host": "testserver"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert r.headers["x-join-url"] == f"http://testserver/join?code={code}"
    svg = ET.fromstring(r.text)
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert int(svg.attrib["width"]) >= 200  # large enough to scan from the back of a room
    assert "<script" not in r.text and "href" not in r.text
    assert client.get("/api/classroom/games/NOPE00/qr.svg").status_code == 404


def test_projector_lists_joined_names_as_data_and_spectators_do_not(client: TestClient) -> None:
    game = create_game(client)
    code = game["code"]
    client.post("/api/classroom/join", json={"code": code, "name": "<b>Zoe</b>"})
    client.cookies.clear()
    client.post("/api/classroom/join", json={"code": code, "name": "Ann"})
    with client.websocket_connect(f"/ws/classroom/{code}?role=projector") as ws:
        view = json.loads(ws.receive_text())
    assert view["lobby"]["joined"] == sorted(["<b>Zoe</b>", "Ann"])
    with client.websocket_connect(f"/ws/classroom/{code}?role=spectator") as ws:
        spectator = json.loads(ws.receive_text())
    assert "lobby" not in spectator and "Zoe" not in json.dumps(spectator)
    assert "Zoe" not in client.get(f"/api/classroom/games/{code}").text


def test_practice_round_game_through_the_api(client: TestClient, clock: FakeClock) -> None:
    game = create_game(client, rounds=1, practice_round=True, seats=4)
    code = game["code"]
    client.post("/api/classroom/join", json={"code": code, "name": "Ann"})
    public = client.get(f"/api/classroom/games/{code}").json()["public"]
    assert public["n_rounds"] == 2 and public["practice_rounds"] == 1
    assert public["preset"] == "rights_grandfathering"
    control(client, game, "start")
    me = client.get(f"/api/classroom/games/{code}/me").json()["me"]
    values = me["values"]
    # The player's own schedule, best step first, for the guide's worked example.
    steps = values["buy_steps"] or values["sell_steps"]
    assert steps and all(s["quantity"] > 0 for s in steps)
    buy_values = [s["value_cny_per_unit"] for s in values["buy_steps"]]
    assert buy_values == sorted(buy_values, reverse=True)
    bid = {"orders": [{"side": "buy", "quantity": 20, "price": 1900}]}
    assert client.put(f"/api/classroom/games/{code}/seats/0/bid", json=bid).status_code == 200
    clock.advance(61)
    control(client, game, "advance")  # opens the scored round (the practice one cleared)
    me = client.get(f"/api/classroom/games/{code}/me").json()["me"]
    assert me["history"][0]["practice"] is True and me["total_profit_cny"] == 0.0
    control(client, game, "advance")  # clears the scored round
    control(client, game, "advance")  # ends the game
    me = client.get(f"/api/classroom/games/{code}/me").json()["me"]
    final = me["final"]
    assert final["of"] == 4 and 1 <= final["rank"] <= 4 and final["scored_rounds"] == 1
    assert final["total_profit_cny"] == me["total_profit_cny"]
    r = client.post(
        "/api/classroom/games", json={"preset": "rights_auction", "practice_round": "x"}
    )
    assert r.status_code == 422
