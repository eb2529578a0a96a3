"""The practice round: played and cleared like any round, counted in no total and no rank."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from market.classroom.errors import ClassroomInputError
from market.classroom.export import export_csv
from market.classroom.game import Game
from market.classroom.presets import Preset, default_presets_dir, load_preset
from market.classroom.store import GameStore
from market.classroom.views import (
    debrief_view,
    final_standing,
    leaderboard,
    player_view,
    public_view,
)

from .conftest import FakeClock

ROUND_S = 60.0


def practice_game(preset: Preset, clock: FakeClock, rounds: int = 2) -> Game:
    return Game.create(
        "PRAC01",
        preset,
        "hash",
        clock(),
        n_seats=4,
        n_rounds=rounds,
        round_seconds=ROUND_S,
        practice_round=True,
    )


def play_round(game: Game, clock: FakeClock, orders: list[dict[str, object]]) -> None:
    """Open the next round, seat 0 bids ``orders``, bots fill the rest, clear."""
    game.advance(clock())
    game.submit(0, orders, clock())
    game.clear(clock.advance(ROUND_S + 1))


def test_practice_round_is_played_first_and_left_out_of_totals_and_ranks(
    tiny: Preset, clock: FakeClock
) -> None:
    game = practice_game(tiny, clock)
    game.join("Ann", "h-ann", clock())
    assert game.header.n_rounds == 3 and game.header.practice_rounds == 1
    # In the practice round Ann bids far above her value and loses money.
    play_round(game, clock, [{"side": "buy", "quantity": 40, "price": 1999}])
    practice_profit = game.results[0].seats[0]["profit_cny"]
    assert game.is_practice(0) and not game.is_practice(1)
    assert game.cumulative_profit().tolist() == [0.0, 0.0, 0.0, 0.0]
    assert player_view(game, 0, clock())["total_profit_cny"] == 0.0
    play_round(game, clock, [{"side": "sell", "quantity": 5, "price": 100}])
    play_round(game, clock, [{"side": "sell", "quantity": 5, "price": 100}])
    game.advance(clock())
    assert game.status == "finished"

    scored = sum(r.seats[0]["profit_cny"] for r in game.results[1:])
    assert game.cumulative_profit()[0] == pytest.approx(scored)
    me = player_view(game, 0, clock())
    assert me["total_profit_cny"] == pytest.approx(scored, abs=0.01)
    assert [h["practice"] for h in me["history"]] == [True, False, False]
    assert me["history"][0]["profit_cny"] == practice_profit
    # The final screen: rank by gain over the scored rounds only.
    final = me["final"]
    board = leaderboard(game)
    base = sum(r.seats[0]["base_profit_cny"] for r in game.results[1:])
    assert final["gain_cny"] == pytest.approx(scored - base, abs=0.01)
    assert final["rank"] == next(row["rank"] for row in board if row["seat"] == 0)
    assert final["of"] == 4 and final["scored_rounds"] == 2
    assert final_standing(game, 0) == final

    path = public_view(game, clock())["path"]
    assert [row["practice"] for row in path] == [True, False, False]
    debrief = debrief_view(game, with_leaderboard=True)
    assert debrief["practice_rounds"] == 1
    assert [m["practice"] for m in debrief["merit_order"]] == [True, False, False]
    payoffs = list(csv.DictReader(io.StringIO(export_csv(game, "payoffs"))))
    ann = [row for row in payoffs if row["seat"] == "0"]
    assert [row["practice"] for row in ann] == ["1", "0", "0"]
    assert float(ann[0]["cumulative_profit_cny"]) == 0.0
    assert float(ann[-1]["cumulative_profit_cny"]) == pytest.approx(scored)


def test_final_standing_only_when_the_game_is_over(tiny: Preset, clock: FakeClock) -> None:
    game = practice_game(tiny, clock, rounds=1)
    game.join("Ann", "h-ann", clock())
    play_round(game, clock, [{"side": "sell", "quantity": 5, "price": 100}])
    assert player_view(game, 0, clock())["final"] is None
    game.finish()
    assert player_view(game, 0, clock())["final"]["scored_rounds"] == 0


def test_round_count_limit_applies_to_scored_rounds(clock: FakeClock) -> None:
    green = load_preset(default_presets_dir() / "green_power_day.yaml")
    game = practice_game(green, clock, rounds=green.rounds)
    assert game.header.n_rounds == green.rounds + 1
    with pytest.raises(ClassroomInputError, match="rounds"):
        practice_game(green, clock, rounds=green.rounds + 1)


def test_green_practice_round_plays_the_first_period_without_carrying_the_battery(
    clock: FakeClock,
) -> None:
    green = load_preset(default_presets_dir() / "green_power_day.yaml")
    plain = Game.create("PLAIN1", green, "hash", clock(), n_seats=6, round_seconds=ROUND_S)
    game = Game.create(
        "PRAC02", green, "hash", clock(), n_seats=6, round_seconds=ROUND_S, practice_round=True
    )
    assert game.period_index(0) == 0 and game.period_index(1) == 0 and game.period_index(2) == 1
    game.start(clock())
    game.clear(clock.advance(ROUND_S + 1))  # practice: bots only
    game.advance(clock())
    first = game.values(1)
    assert first.round == 1
    # The first scored round is the plain game's first round: same values, empty batteries.
    reference = plain.values(0)
    np.testing.assert_allclose(first.max_sell, reference.max_sell)
    np.testing.assert_allclose(first.schedule.sell_cost, reference.schedule.sell_cost)
    labels = public_view(game, clock())["period_labels"]
    assert labels[0] == labels[1] == green.market.period_labels[0]  # type: ignore[union-attr]


def test_store_keeps_the_practice_round(tiny: Preset, clock: FakeClock, tmp_path: Path) -> None:
    store = GameStore(tmp_path / "games.sqlite3")
    game = practice_game(tiny, clock)
    store.insert_game(game)
    game.start(clock())
    store.save_header(game)
    loaded = store.load(game.code)
    assert loaded is not None
    assert loaded.header.practice_rounds == 1 and loaded.is_practice(0)
