"""HiGHS and CBC publish the same prices and welfare on multi-zone, multi-period, block books."""

from __future__ import annotations

import numpy as np
import pytest

from clearing import ClearingResult, Interconnector, MarketSpec, clear
from tests.clearing.book_factories import random_book

ZONES = ("north", "central", "south")
SPEC = MarketSpec(
    zones=ZONES,
    interconnectors=(
        Interconnector("north", "central", 15.0, 5.0),
        Interconnector("central", "south", 10.0, 0.0),
    ),
)


def _assert_same_prices_and_welfare(a: ClearingResult, b: ClearingResult) -> None:
    # Volume is not compared here: zero-surplus trades between linked zones at equal prices
    # (net of the fee) are degenerate, and solvers may move different amounts of them.
    assert a.prices.keys() == b.prices.keys()
    for cell, price in a.prices.items():
        assert price == pytest.approx(b.prices[cell], abs=1e-6, nan_ok=True), cell
    assert a.welfare == pytest.approx(b.welfare, abs=1e-6)
    assert a.paradoxically_accepted_blocks == b.paradoxically_accepted_blocks


@pytest.mark.parametrize("seed", range(8))
def test_zonal_multi_period_books(seed: int) -> None:
    orders = random_book(np.random.default_rng(seed), 90, zones=ZONES, periods=3)
    _assert_same_prices_and_welfare(clear(orders, SPEC, "highs"), clear(orders, SPEC, "cbc"))


@pytest.mark.parametrize("seed", range(6))
def test_block_books(seed: int) -> None:
    orders = random_book(
        np.random.default_rng(100 + seed), 40, zones=ZONES, periods=2, block_share=0.3
    )
    _assert_same_prices_and_welfare(clear(orders, SPEC, "highs"), clear(orders, SPEC, "cbc"))


@pytest.mark.parametrize("seed", range(4))
def test_degenerate_single_cell_books_agree_order_by_order(seed: int) -> None:
    # Prices on a coarse grid make ties and vertical overlaps common.
    orders = random_book(np.random.default_rng(200 + seed), 60, price_levels=4)
    fast, highs, cbc = (clear(orders, solver=s) for s in ("fast", "highs", "cbc"))
    for other in (highs, cbc):
        _assert_same_prices_and_welfare(fast, other)
        assert other.volume == pytest.approx(fast.volume, abs=1e-9)
        for oid, quantity in fast.accepted.items():
            assert other.accepted[oid] == pytest.approx(quantity, abs=1e-9)
