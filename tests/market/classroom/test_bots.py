"""Bots alone keep every preset's market efficient; ZI-C bots stay random within their values."""

from __future__ import annotations

import numpy as np
import pytest

from agents.bidding import competitive_equilibrium
from market.classroom.bots import BotPlayer, bot_price_range, zi_c_price_bounds
from market.classroom.game import Game
from market.classroom.presets import Preset
from market.classroom.rounds import market_schedule

SEEDS = (0, 1, 2, 3, 4)
#: Mean efficiency a class of bots only must reach in every preset [-].
EFFICIENCY_BOUND = 0.9


def bots_only_efficiencies(preset: Preset, strategy: str, seed: int) -> list[float]:
    """Realised / competitive surplus of every round of a game played by bots only."""
    game = Game.create("BOTS", preset, "hash", 0.0, n_seats=12, bot_strategy=strategy, seed=seed)
    now = 0.0
    out: list[float] = []
    game.start(now)
    while game.status != "finished":
        now += 1.0
        cleared = game.advance(now)
        if cleared is not None and cleared[0].equilibrium["efficiency"] is not None:
            out.append(float(cleared[0].equilibrium["efficiency"]))
    return out


def test_bot_range_lies_inside_the_preset_bounds_and_spans_the_round(shipped: Preset) -> None:
    game = Game.create("BOTS", shipped, "hash", 0.0, n_seats=12, seed=3)
    values = game.values(0)
    params = game.header.params
    low, high = bot_price_range(values, params)
    assert params.price_floor_cny_per_unit <= low <= high <= params.price_cap_cny_per_unit
    s = values.schedule
    top_value = s.buy_value[s.buy_qty > 0].max()
    assert high == pytest.approx(min(top_value, params.price_cap_cny_per_unit))
    assert high < params.price_cap_cny_per_unit or top_value >= params.price_cap_cny_per_unit


@pytest.mark.parametrize("seed", SEEDS)
def test_zi_c_bots_never_bid_above_value_or_ask_below_cost(shipped: Preset, seed: int) -> None:
    game = Game.create("BOTS", shipped, "hash", 0.0, n_seats=12, bot_strategy="zi_c", seed=seed)
    player = BotPlayer("zi_c", seed)
    for r in range(min(3, game.header.n_rounds)):
        values = game.values(r)
        s = values.schedule
        for seat, rows in player.orders(values, game.header.params, None).items():
            for _row, order in rows:
                if order.side == "buy":
                    assert order.price <= s.buy_value[seat][s.buy_qty[seat] > 0].max() + 1e-9
                else:
                    assert order.price >= s.sell_cost[seat][s.sell_qty[seat] > 0].min() - 1e-9
        player._last = None  # next round without observing


def test_zi_c_bots_alone_reach_high_efficiency(shipped: Preset) -> None:
    effs = np.array([e for seed in SEEDS for e in bots_only_efficiencies(shipped, "zi_c", seed)])
    assert effs.size >= len(SEEDS) * 2
    assert (effs <= 1.0 + 1e-5).all()
    # With the whole value range as the bots' range: about 0.32 / 0.97 / 0.68 (bench_bots).
    assert effs.mean() >= EFFICIENCY_BOUND


def test_the_presets_own_bots_alone_reach_high_efficiency(shipped: Preset) -> None:
    effs = np.array(
        [e for seed in SEEDS for e in bots_only_efficiencies(shipped, shipped.bot_strategy, seed)]
    )
    assert effs.size > 0
    assert effs.mean() >= EFFICIENCY_BOUND


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_zi_c_prices_are_uniform_draws_between_the_band_and_the_own_value(
    shipped: Preset, seed: int
) -> None:
    game = Game.create("BOTS", shipped, "hash", 0.0, n_seats=12, bot_strategy="zi_c", seed=seed)
    params = game.header.params
    bids: list[float] = []
    for r in range(game.header.n_rounds):
        values = game.values(r)
        lowest_bid, highest_ask = zi_c_price_bounds(values, params)
        low, high = bot_price_range(values, params)
        assert low <= lowest_bid <= highest_ask <= high
        player = BotPlayer("zi_c", seed)
        for rows in player.orders(values, params, None).values():
            for _row, order in rows:
                if order.side == "buy":
                    assert order.price >= lowest_bid - 1e-4
                    bids.append(order.price)
                else:
                    assert order.price <= highest_ask + 1e-4
    # Random, not a posted price: the bids of one game spread over many distinct prices.
    assert len(set(bids)) >= len(bids) // 2 >= 1


def test_zi_c_bots_are_deterministic_per_seed(shipped: Preset) -> None:
    game = Game.create("BOTS", shipped, "hash", 0.0, n_seats=12, bot_strategy="zi_c", seed=5)
    values, params = game.values(0), game.header.params
    first = BotPlayer("zi_c", 5).orders(values, params, None)
    assert first == BotPlayer("zi_c", 5).orders(values, params, None)
    assert first != BotPlayer("zi_c", 6).orders(values, params, None)


def test_zi_c_bounds_run_from_the_competitive_interval_to_the_whole_range(shipped: Preset) -> None:
    game = Game.create("BOTS", shipped, "hash", 0.0, n_seats=12, seed=3)
    values, params = game.values(1), game.header.params
    ce = competitive_equilibrium(market_schedule(values))
    assert ce.volume > 0
    low, high = bot_price_range(values, params)
    tight = zi_c_price_bounds(values, params, margin_share=0.0)
    assert tight == pytest.approx((max(ce.price_low, low), min(ce.price_high, high)))
    assert zi_c_price_bounds(values, params, margin_share=1.0) == pytest.approx((low, high))
    shipped_low, shipped_high = zi_c_price_bounds(values, params)
    assert low <= shipped_low <= tight[0] <= tight[1] <= shipped_high <= high
    assert (shipped_low, shipped_high) != tight
