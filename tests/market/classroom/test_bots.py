"""Bots alone keep a market trading, and ZI-C bots stay within their values and costs."""

from __future__ import annotations

import numpy as np
import pytest

from market.classroom.bots import BotPlayer, bot_price_range
from market.classroom.game import Game
from market.classroom.presets import Preset

SEEDS = (0, 1, 2)


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


def test_zi_c_bots_alone_keep_the_market_trading(shipped: Preset) -> None:
    effs = np.array([e for seed in SEEDS for e in bots_only_efficiencies(shipped, "zi_c", seed)])
    assert effs.size > 0
    assert (effs <= 1.0 + 1e-5).all()
    # A single sealed-bid call with random shading loses more than Gode & Sunder's double
    # auction; with prices drawn from the round's own value range bots trade in most rounds.
    assert effs.mean() >= 0.3  # before: 0.14 on rights_grandfathering


def test_the_presets_own_bots_alone_reach_high_efficiency(shipped: Preset) -> None:
    effs = np.array(
        [e for seed in SEEDS for e in bots_only_efficiencies(shipped, shipped.bot_strategy, seed)]
    )
    assert effs.size > 0
    assert effs.mean() >= 0.9
