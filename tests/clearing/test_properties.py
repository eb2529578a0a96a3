"""Hypothesis properties of the clearing engine on tie-prone random books."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearing import ClearingResult, Order, Side, clear
from tests.clearing.book_factories import buy, divisible_books

LP_SETTINGS = settings(max_examples=60, deadline=None)
FAST_SETTINGS = settings(max_examples=150, deadline=None)


def _sides(orders: list[Order]) -> tuple[list[Order], list[Order]]:
    return [o for o in orders if o.side == Side.BUY], [o for o in orders if o.side == Side.SELL]


def _assert_identical(a: ClearingResult, b: ClearingResult) -> None:
    assert a.status == b.status
    assert a.prices.keys() == b.prices.keys()
    for cell, price in a.prices.items():
        assert price == pytest.approx(b.prices[cell], abs=1e-6, nan_ok=True)
    assert a.volume == pytest.approx(b.volume, abs=1e-6)
    assert a.welfare == pytest.approx(b.welfare, abs=1e-6)
    for oid, quantity in a.accepted.items():
        assert quantity == pytest.approx(b.accepted[oid], abs=1e-6), oid
        assert a.payments[oid] == pytest.approx(b.payments[oid], abs=1e-5), oid


@FAST_SETTINGS
@given(divisible_books(max_orders=30))
def test_balance_and_individual_rationality(orders: list[Order]) -> None:
    result = clear(orders)
    buys, sells = _sides(orders)
    bought = sum(result.accepted[o.id] for o in buys)
    sold = sum(result.accepted[o.id] for o in sells)
    assert bought == pytest.approx(sold, abs=1e-9)
    assert bought == pytest.approx(result.volume, abs=1e-9)
    for o in orders:
        q = result.accepted[o.id]
        assert 0.0 <= q <= o.quantity
        if q > 0:
            # No buyer pays above its limit, no seller receives below its limit.
            if o.side == Side.BUY:
                assert result.payments[o.id] <= o.price * q + 1e-9
            else:
                assert -result.payments[o.id] >= o.price * q - 1e-9
    if result.volume == 0:
        assert result.status == "no_trade" and math.isnan(result.price) or not orders


@LP_SETTINGS
@given(divisible_books(max_orders=14))
def test_fast_path_equals_lp(orders: list[Order]) -> None:
    _assert_identical(clear(orders, solver="fast"), clear(orders, solver="highs"))


@LP_SETTINGS
@given(divisible_books(max_orders=10))
def test_highs_and_cbc_agree_on_one_cell(orders: list[Order]) -> None:
    _assert_identical(clear(orders, solver="highs"), clear(orders, solver="cbc"))


@FAST_SETTINGS
@given(divisible_books(max_orders=20), st.randoms(use_true_random=False))
def test_invariant_under_reordering_of_the_book(orders: list[Order], shuffler: object) -> None:
    shuffled = list(orders)
    shuffler.shuffle(shuffled)  # type: ignore[attr-defined]
    _assert_identical(clear(orders), clear(shuffled))


@FAST_SETTINGS
@given(
    divisible_books(max_orders=20),
    st.integers(1, 6).map(float),
    st.integers(0, 12).map(lambda k: k * 2.5),
)
def test_more_demand_never_lowers_the_price(
    orders: list[Order], quantity: float, price: float
) -> None:
    before = clear(orders)
    after = clear([*orders, buy("extra", quantity, price, sequence=99)])
    low_b, high_b = before.price_intervals.get(("default", "default", 0), (-np.inf, -np.inf))
    low_a, high_a = after.price_intervals[("default", "default", 0)]
    assert low_a >= low_b - 1e-9 and high_a >= high_b - 1e-9
    if before.volume > 0:
        assert after.price >= before.price - 1e-9
        assert after.volume >= before.volume - 1e-9


@FAST_SETTINGS
@given(divisible_books(max_orders=20))
def test_welfare_is_maximal_against_the_competitive_benchmark(orders: list[Order]) -> None:
    # Every unit whose bid exceeds the published price trades fully; every offer below it too.
    result = clear(orders)
    if result.volume == 0:
        return
    for o in orders:
        q = result.accepted[o.id]
        better = o.price > result.price if o.side == Side.BUY else o.price < result.price
        worse = o.price < result.price if o.side == Side.BUY else o.price > result.price
        if better:
            assert q == pytest.approx(o.quantity)
        if worse:
            assert q == 0.0
