"""Classroom games expire: finished and idle games are deleted, creation works again."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from market.api import GameStore, default_presets_dir
from web.classroom import service as service_module
from web.classroom.service import ClassroomService, TooManyGamesError

from .conftest import FakeClock, create_game, instructor

HOUR_S = 3600.0


def new_service(path: Path, clock: FakeClock) -> ClassroomService:
    return ClassroomService(
        GameStore(path),
        default_presets_dir(),
        clock,
        game_ttl_s=24 * HOUR_S,
        idle_ttl_s=72 * HOUR_S,
    )


def create(service: ClassroomService) -> str:
    game, _ = service.create(
        "rights_grandfathering",
        seats=4,
        rounds=None,
        round_seconds=None,
        bot_strategy=None,
        bots_enabled=True,
    )
    return game.code


def copy_finished_games(path: Path, code: str, count: int) -> None:
    """Store ``count`` finished copies of a game (new join codes) in one transaction."""
    with sqlite3.connect(path) as db:
        preset, header, created = db.execute(
            "SELECT preset_json, header_json, created_unix_s FROM classroom_games WHERE code=?",
            (code,),
        ).fetchone()
        data = json.loads(header)
        rows = []
        for i in range(count):
            data.update(code=f"Z{i:05d}", status="finished")
            rows.append((f"Z{i:05d}", preset, json.dumps(data), created))
        db.executemany("INSERT INTO classroom_games VALUES (?, ?, ?, ?)", rows)
        db.executemany(
            "INSERT INTO classroom_activity VALUES (?, ?)", [(r[0], created) for r in rows]
        )


def test_game_creation_works_after_a_thousand_expired_games(tmp_path: Path) -> None:
    path, clock = tmp_path / "games.sqlite3", FakeClock()
    first = new_service(path, clock)
    code = create(first)
    first.control(first.game(code), "finish")
    copy_finished_games(path, code, service_module.MAX_GAMES)
    assert len(GameStore(path).codes()) == service_module.MAX_GAMES + 1

    clock.advance(25 * HOUR_S)  # past the finished games' lifetime
    restarted = new_service(path, clock)
    assert restarted.games == {} and GameStore(path).codes() == []
    fresh = create(restarted)
    assert GameStore(path).codes() == [fresh]


def test_live_games_expire_while_the_server_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "MAX_GAMES", 3)
    path, clock = tmp_path / "games.sqlite3", FakeClock()
    service = new_service(path, clock)
    finished, open_game, idle = create(service), create(service), create(service)
    service.control(service.game(finished), "finish")
    with pytest.raises(TooManyGamesError):
        create(service)
    clock.advance(25 * HOUR_S)
    service.control(service.game(open_game), "start")  # activity keeps a game
    newer = create(service)  # the finished game expired to make room
    assert set(service.games) == {open_game, idle, newer}
    clock.advance(48 * HOUR_S)
    assert service.expire() == [idle]  # no activity for 73 h
    assert set(GameStore(path).codes()) == {open_game, newer}


def test_instructor_deletes_their_own_game(client: TestClient) -> None:
    game = create_game(client)
    code = game["code"]
    other = create_game(client)
    refused = client.delete(f"/api/classroom/games/{code}", headers=instructor(other))
    assert refused.status_code == 401 and refused.json()["errors"][0]["path"]
    assert client.delete(f"/api/classroom/games/{code}").status_code == 401
    deleted = client.delete(f"/api/classroom/games/{code}", headers=instructor(game))
    assert deleted.status_code == 200 and deleted.json() == {"deleted": code}
    assert client.get(f"/api/classroom/games/{code}").status_code == 404
    assert client.get(f"/api/classroom/games/{other['code']}").status_code == 200
