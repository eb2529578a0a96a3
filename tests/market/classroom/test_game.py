"""The game's rounds, timers, bots, rule changes, persistence, export and CLI equivalence."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from market.classroom.errors import (
    BidError,
    ClassroomInputError,
    GameFullError,
    GameStateError,
    PresetError,
)
from market.classroom.export import export_csv
from market.classroom.game import Game
from market.classroom.presets import Preset, parse_preset
from market.classroom.store import GameStore
from market.classroom.views import debrief_view, player_view, public_view

from .conftest import FakeClock, tiny_rights_data

ROUND_S = 60.0


def new_game(preset: Preset, clock: FakeClock, seats: int = 4, **kw: object) -> Game:
    return Game.create(
        "TEST42", preset, "hash", clock(), n_seats=seats, round_seconds=ROUND_S, **kw
    )


def test_round_timer_bids_until_deadline_then_bots_fill_in(tiny: Preset, clock: FakeClock) -> None:
    game = new_game(tiny, clock)
    game.join("Ann", "h-ann", clock())
    game.join("Ben", "h-ben", clock())
    with pytest.raises(GameStateError):
        game.submit(0, [], clock())  # not started
    game.start(clock())
    assert game.seconds_left(clock()) == pytest.approx(ROUND_S)
    game.submit(0, [{"side": "sell", "quantity": 10, "price": 300}], clock())
    clock.advance(30)
    game.submit(0, [{"side": "sell", "quantity": 20, "price": 350}], clock())  # replaces
    clock.advance(29)
    assert not game.is_due(clock())
    clock.advance(1)
    assert game.is_due(clock())
    with pytest.raises(GameStateError, match="deadline"):
        game.submit(1, [{"side": "buy", "quantity": 1, "price": 1}], clock())
    result, bot_bids = game.clear(clock())
    # Ann's last bid stands; Ben (seat 1) never bid and the two empty seats are bots too.
    assert sorted(b.seat for b in bot_bids) == [1, 2, 3]
    sources = [s["source"] for s in result.seats]
    assert sources == ["player", "bot", "bot", "bot"]
    ann_lines = [line for line in result.book if line.seat == 0]
    assert [(line.quantity, line.price) for line in ann_lines] == [(20.0, 350.0)]
    assert all(line.source == "bot" for line in result.book if line.seat != 0)
    assert game.status == "cleared"


def test_pause_resume_extend_keep_the_remaining_time(tiny: Preset, clock: FakeClock) -> None:
    game = new_game(tiny, clock)
    game.start(clock())
    clock.advance(20)
    game.pause(clock())
    clock.advance(500)  # time stands still while paused
    assert not game.is_due(clock())
    assert game.seconds_left(clock()) == pytest.approx(40)
    game.extend(15, clock())
    game.resume(clock())
    assert game.header.deadline_unix_s == pytest.approx(clock() + 55)
    game.extend(5, clock())
    assert game.seconds_left(clock()) == pytest.approx(60)
    with pytest.raises(ClassroomInputError):
        game.extend(-1, clock())


def test_bots_off_leave_seats_without_bids_out(tiny: Preset, clock: FakeClock) -> None:
    game = new_game(tiny, clock, bots_enabled=False)
    game.join("Ann", "h", clock())
    game.start(clock())
    assert game.values(0).active.tolist() == [True, False, False, False]
    result, bot_bids = game.clear(clock.advance(61))
    assert bot_bids == []
    assert result.volume == 0.0
    assert [s["source"] for s in result.seats] == ["none"] * 4


def test_rules_change_between_rounds_only(tiny: Preset, clock: FakeClock) -> None:
    game = new_game(tiny, clock)
    game.start(clock())
    with pytest.raises(GameStateError):
        game.set_params({"penalty_cny_per_unit": 500})
    game.clear(clock.advance(61))
    game.set_params({"penalty_cny_per_unit": 500, "allocation": "auction", "cap_share": 0.7})
    with pytest.raises(PresetError, match="target_share"):
        game.set_params({"target_share": 0.3})
    with pytest.raises(PresetError, match="allocation"):
        game.set_params({"allocation": "lottery"})
    game.advance(clock())  # opens round 2 with the new rules
    values = game.values(1)
    assert values.auctioneer_qty == pytest.approx(0.7 * 400)  # 4 seats x 100 tce base use
    assert values.max_sell.sum() == 0.0
    result, _ = game.clear(clock.advance(61))
    assert result.params["penalty_cny_per_unit"] == 500
    assert game.results[0].params["penalty_cny_per_unit"] == 1000  # round 1 kept its rules


def test_bids_are_validated_with_named_fields(tiny: Preset, clock: FakeClock) -> None:
    game = new_game(tiny, clock, seats=2)
    game.start(clock())
    cases = [
        ([{"side": "hold", "quantity": 1, "price": 1}], "orders[0].side"),
        ([{"side": "buy", "quantity": -1, "price": 1}], "orders[0].quantity"),
        ([{"side": "buy", "quantity": 1, "price": 5000}], "orders[0].price"),
        ([{"side": "buy", "quantity": "nan", "price": 1}], "orders[0].quantity"),
        ([{"side": "buy", "quantity": True, "price": 1}], "orders[0].quantity"),
        ([{"side": "buy", "quantity": "2", "price": 1}], "orders[0].quantity"),
        ([{"side": "buy", "quantity": 1, "price": 10**400}], "orders[0].price"),
        ([{"side": "sell", "quantity": 81, "price": 1}], "at most 80.000 tce sold"),
        ([{"side": "buy", "quantity": 1, "price": 1}] * 11, "at most 10 orders"),
    ]
    for orders, message in cases:
        with pytest.raises(BidError, match=message.replace("[", r"\[").replace("]", r"\]")):
            game.submit(0, orders, clock())


def test_join_names_and_full_game(tiny: Preset, clock: FakeClock) -> None:
    game = new_game(tiny, clock, seats=2)
    with pytest.raises(ClassroomInputError, match="name"):
        game.join("   ", "h", clock())
    assert game.join("  Ann   Lee ", "h1", clock()).player == "Ann Lee"
    game.join("<img src=x onerror=alert(1)>", "h2", clock())
    with pytest.raises(GameFullError):
        game.join("Cy", "h3", clock())
    assert game.seats[1].player == "<img src=x onerror=alert(1)>"  # kept as text


def test_truthful_bots_reach_the_competitive_equilibrium(shipped: Preset, clock: FakeClock) -> None:
    game = Game.create("CE0001", shipped, "h", clock(), n_seats=12, bot_strategy="truthful")
    game.start(clock())
    result, _ = game.clear(clock.advance(1000))
    ce = result.equilibrium
    assert result.price is not None
    assert ce["price_low"] - 1e-3 <= result.price <= ce["price_high"] + 1e-3  # bots bid to 1e-4
    assert ce["efficiency"] == pytest.approx(1.0, abs=1e-5)


def test_zi_c_bots_never_trade_at_a_loss_and_are_deterministic(
    tiny: Preset, clock: FakeClock
) -> None:
    def play() -> list[float]:
        game = Game.create("ZIC001", tiny, "h", 0.0, n_seats=6, bot_strategy="zi_c")
        profits = []
        for r in range(3):
            game.advance(float(r))  # start / open next
            values = game.values(r)
            result, _ = game.clear(float(r) + 0.5)
            gain = np.array([s["profit_cny"] for s in result.seats]) - values.base_profit_cny
            assert (gain >= -1e-6).all()  # ZI-C: no bot loses by trading
            profits.append(round(sum(s["profit_cny"] for s in result.seats), 6))
        return profits

    assert play() == play()


def test_store_round_trip_resumes_with_every_bid(
    tmp_path: Path, tiny: Preset, clock: FakeClock
) -> None:
    store = GameStore(tmp_path / "g.sqlite3")
    game = new_game(tiny, clock, bot_strategy="zip")
    store.insert_game(game)
    store.save_seat(game, game.join("Ann", "h", clock()))
    game.start(clock())
    store.save_header(game)
    for k in range(3):
        store.insert_bid(
            game, game.submit(0, [{"side": "sell", "quantity": 5 + k, "price": 300}], clock())
        )
    result, bots = game.clear(clock.advance(61))
    store.save_clearing(game, result, bots)
    game.advance(clock())
    store.save_header(game)
    store.insert_bid(game, game.submit(0, [{"side": "buy", "quantity": 3, "price": 900}], clock()))

    again = store.load("TEST42")
    assert again is not None
    assert again.status == "open" and again.header.round == 1
    assert [b.seq for b in again.bid_log] == [b.seq for b in game.bid_log]
    assert again.standing_bid(0, 1) == game.standing_bid(0, 1)
    assert again.results[0].to_dict() == result.to_dict()
    assert again.seats[0].player == "Ann"
    # Both games clear round 2 the same way (the ZIP bots are replayed from round 1).
    a, _ = game.clear(clock.advance(61))
    b, _ = again.clear(clock())
    assert a.to_dict() == b.to_dict()


def test_round_result_equals_greenmarket_clear(
    tmp_path: Path, shipped: Preset, clock: FakeClock
) -> None:
    game = Game.create("CLI001", shipped, "h", clock(), n_seats=9, bot_strategy="zi_c")
    game.join("Ann", "h", clock())
    game.start(clock())
    values = game.values(0)
    side = "buy" if values.max_buy[0] > 0 else "sell"
    limit = values.max_buy[0] if side == "buy" else values.max_sell[0]
    if limit > 0:
        game.submit(0, [{"side": side, "quantity": float(limit) / 2, "price": 42.5}], clock())
    result, _ = game.clear(clock.advance(1000))
    path = tmp_path / "book.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "side", "quantity", "price"])
        for line in result.book:
            writer.writerow([line.order_id, line.side, repr(line.quantity), repr(line.price)])
    cap = str(result.params["price_cap_cny_per_unit"])
    out = subprocess.run(
        [sys.executable, "-m", "market.cli", "clear", str(path), "--json", "--price-cap", cap],
        check=True,
        capture_output=True,
        text=True,
    )
    cli = json.loads(out.stdout)
    assert cli["volume"] == pytest.approx(result.volume)
    assert (cli["price"] is None) == (result.price is None)
    if result.price is not None:
        assert cli["price"] == pytest.approx(result.price)
    for line in result.book:
        assert cli["accepted"][line.order_id] == pytest.approx(line.accepted)
        assert cli["payments"][line.order_id] == pytest.approx(line.payment_cny)


def test_views_and_export_flag_bots_and_keep_names_as_text(tiny: Preset, clock: FakeClock) -> None:
    game = new_game(tiny, clock)
    game.join("=HYPERLINK(1)", "h", clock())
    game.start(clock())
    game.submit(0, [{"side": "sell", "quantity": 10, "price": 300}], clock())
    game.clear(clock.advance(61))
    public = public_view(game, clock())
    assert public["seats"] == {"total": 4, "players": 1, "bots": 3, "submitted": 0}
    assert "=HYPERLINK(1)" not in json.dumps(public)  # no names on the projector
    me = player_view(game, 0, clock())
    assert me["last"]["source"] == "player" and me["history"][0]["round"] == 0
    tables = {
        t: list(csv.DictReader(io.StringIO(export_csv(game, t))))
        for t in ("bids", "trades", "allocations", "payoffs")
    }
    assert {row["source"] for row in tables["bids"]} == {"player", "bot"}
    assert tables["payoffs"][0]["player"] == "'=HYPERLINK(1)"  # not a formula in a spreadsheet
    assert [row["played_by"] for row in tables["allocations"]] == ["player", "bot", "bot", "bot"]
    assert sum(
        float(r["accepted"]) for r in tables["trades"] if r["side"] == "buy"
    ) == pytest.approx(game.results[0].volume)
    with pytest.raises(ClassroomInputError):
        export_csv(game, "secrets")
    debrief = debrief_view(game, with_leaderboard=False)
    assert debrief["leaderboard"] is None and len(debrief["merit_order"]) == 1
    board = debrief_view(game, with_leaderboard=True)["leaderboard"]
    assert [row["rank"] for row in board] == [1, 2, 3, 4]
    gains = [row["gain_cny"] for row in board]
    assert gains == sorted(gains, reverse=True)


def test_preset_errors_name_the_field() -> None:
    data = tiny_rights_data()
    data["market"]["seat_types"][0]["base_need_tce"] = -5
    with pytest.raises(PresetError, match="base_need_tce"):
        parse_preset(data)
    data = tiny_rights_data()
    data["surprise"] = 1
    with pytest.raises(PresetError, match="surprise"):
        parse_preset(data)
