"""The sort-based path on books with tiny quantities, its merit order, and its validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearing import ClearingInputError, MarketSpec, Order, Side, clear, clear_uniform_arrays
from clearing.fast_path import _stable_by_side, merit_order_positions
from clearing.validation import _validate_each
from tests.clearing.book_factories import buy, sell

TINY_QUANTITIES = st.one_of(
    st.sampled_from([5e-324, 6e-297, 1e-300, 1e-15, 1e-12]),
    st.floats(1e-300, 1e-6, allow_nan=False, allow_infinity=False),
)
QUANTITIES = st.one_of(
    st.integers(1, 6).map(float), st.floats(0.1, 10.0, allow_nan=False), TINY_QUANTITIES
)


@st.composite
def books_with_tiny_orders(draw: st.DrawFn, max_orders: int = 12) -> list[Order]:
    """One-cell divisible books whose quantities range from subnormal to ordinary."""
    n = draw(st.integers(0, max_orders))
    return [
        Order(
            f"o{k:02d}", f"a{k}", draw(st.sampled_from([Side.BUY, Side.SELL])),
            draw(QUANTITIES), draw(st.integers(0, 12)) * 2.5, sequence=draw(st.integers(0, 3)),
        )
        for k in range(n)
    ]


@pytest.mark.parametrize("solver", ["fast", "auto", "highs", "cbc"])
def test_tiny_bid_below_the_offer_does_not_trade(solver: str) -> None:
    # A bid of 6e-297 at 0 cannot meet an offer at 1: nothing trades, whatever the tolerance.
    result = clear([buy("b", 6e-297, 0.0), sell("s", 1.0, 1.0)], solver=solver)
    assert result.status == "no_trade"
    assert not result.traded
    assert math.isnan(result.price)
    assert result.volume == 0.0
    assert dict(result.accepted) == {"b": 0.0, "s": 0.0}
    assert dict(result.payments) == {"b": 0.0, "s": 0.0}


def test_tiny_bid_below_the_offer_in_the_array_api() -> None:
    out = clear_uniform_arrays([6e-297], [0.0], [1.0], [1.0])
    assert out.volume == 0.0
    assert math.isnan(out.price)
    assert not out.buy_accepted.any() and not out.sell_accepted.any()


def test_sliver_below_the_price_is_not_accepted() -> None:
    # 1 unit trades between the 10 bid and the 5 offer; the 1e-15 bid at 0 stays out although
    # its quantity is far below the rounding tolerance of the book.
    result = clear([buy("b1", 1.0, 10.0), buy("b2", 1e-15, 0.0), sell("s", 1.0, 5.0)])
    assert result.accepted == {"b1": 1.0, "b2": 0.0, "s": 1.0}
    assert result.price == 7.5


def test_tiny_volume_trades_at_the_limit_of_the_partial_order() -> None:
    # Only 1e-13 is offered: the bid takes all of it and, partly filled, sets the price.
    result = clear([buy("b", 1.0, 2.0), sell("s", 1e-13, 1.0)], solver="fast")
    assert result.status == "optimal"
    assert result.accepted == {"b": 1e-13, "s": 1e-13}
    assert result.price == 2.0


@settings(max_examples=300, deadline=None)
@given(books_with_tiny_orders())
def test_no_accepted_order_is_priced_out_of_the_market(orders: list[Order]) -> None:
    result = clear(orders, solver="fast")
    bought = math.fsum(result.accepted[o.id] for o in orders if o.side == Side.BUY)
    sold = math.fsum(result.accepted[o.id] for o in orders if o.side == Side.SELL)
    accepted = [o for o in orders if result.accepted[o.id] > 0.0]
    for o in orders:
        assert 0.0 <= result.accepted[o.id] <= o.quantity
    if not accepted:
        assert result.status == "no_trade"
        assert result.volume == 0.0
        assert all(p == 0.0 for p in result.payments.values())
        assert math.isnan(result.price) or not orders
        return
    assert result.status == "optimal"
    price = result.price
    low, high = result.price_intervals[("default", "default", 0)]
    assert low <= price <= high
    for o in accepted:
        if o.side == Side.BUY:
            assert o.price >= price, (o, price)
        else:
            assert o.price <= price, (o, price)
    assert bought > 0.0 and sold > 0.0
    assert abs(bought - sold) <= 1e-9 * max(bought, sold)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.booleans(), st.integers(-3, 3).map(lambda k: k * 0.5)), max_size=40
    )
)
def test_merit_order_positions_match_a_stable_sort(rows: list[tuple[bool, float]]) -> None:
    is_buy = np.array([r[0] for r in rows], dtype=bool)
    price = np.array([r[1] for r in rows], dtype=np.float64)
    reference = np.argsort(np.where(is_buy, -price, price), kind="stable")
    buys, sells = merit_order_positions(is_buy, price)
    np.testing.assert_array_equal(buys, reference[is_buy[reference]])
    np.testing.assert_array_equal(sells, reference[~is_buy[reference]])


def _plain_book(n: int = 40) -> list[Order]:
    return [
        Order(f"o{k:03d}", f"a{k % 5}", Side.BUY if k % 2 else Side.SELL, 1.0 + k % 3,
              10.0 + k % 7, sequence=k)
        for k in range(n)
    ]


ODD_VALUES: dict[str, list[object]] = {
    "id": ["", 7, "o001", np.str_("x")],
    "agent": [None, 3, np.str_("firm")],
    "side": ["buy", "sell", "hold", True],
    "quantity": [True, False, 1, np.float64(2.5), np.float32(1.5), np.int64(3), "3", None,
                 math.nan, math.inf, 0.0, -1.0, np.array(2.0)],
    "price": [True, 0, np.float64(12.0), "12", math.nan, -0.0, 2e6, np.array(5.0)],
    "period": [False, True, 0.0, -1, np.int64(0), np.int32(2), 1.5],
    "zone": ["default", "mars", 0, np.str_("default")],
    "product": ["", "default", None, "other"],
    "block": ["", "B1", 0],
    "min_acceptance_ratio": [False, True, 0, 0.5, 1, np.float64(0.0), 1.5, -0.1, math.nan],
    "sequence": [True, False, 1.0, np.int64(4), -3, 2**70],
}


ODD_CASES = [(f, v) for f, values in ODD_VALUES.items() for v in values]


def book_with_odd_value(field: str, value: object, position: int) -> list[Order]:
    """A plain book whose order at ``position`` has ``value`` in ``field``."""
    book = _plain_book()
    fields = {name: getattr(book[position], name) for name in Order.__dataclass_fields__}
    fields[field] = value
    book[position] = Order(**fields)
    return book


@pytest.mark.parametrize(("field", "value"), ODD_CASES)
@pytest.mark.parametrize("position", [0, 17])
def test_vectorised_validation_agrees_with_the_order_by_order_pass(
    field: str, value: object, position: int
) -> None:
    book = book_with_odd_value(field, value, position)
    try:
        _validate_each(book, MarketSpec())
    except ClearingInputError as expected:
        with pytest.raises(ClearingInputError) as info:
            clear(book)
        assert str(info.value) == str(expected)
    else:
        clear(book)  # a valid book clears (by whichever path applies)


def test_shared_and_per_order_fields_give_the_same_result() -> None:
    # The same book, once with every order holding the very same period/zone/product/ratio
    # objects and once with equal but distinct objects, clears identically.
    shared = _plain_book(200)
    distinct = [
        Order(o.id, o.agent, o.side, o.quantity, o.price, period=int("0"),
              zone="".join(["de", "fault"]), product="".join(["def", "ault"]),
              min_acceptance_ratio=float("0"), sequence=o.sequence)
        for o in shared
    ]
    a, b = clear(shared, solver="fast"), clear(distinct, solver="fast")
    assert a.accepted == b.accepted and a.payments == b.payments
    assert a.price == b.price and a.volume == b.volume


def test_first_bad_order_of_a_large_book_is_named() -> None:
    book = _plain_book(1_000)
    book[611] = buy("o611", math.nan, 10.0, sequence=611)
    book[700] = sell("o700", -1.0, 10.0, sequence=700)
    with pytest.raises(ClearingInputError, match=r"order 'o611': field 'quantity' = nan"):
        clear(book, solver="fast")


def test_sequences_beyond_int64_break_ties_like_small_ones() -> None:
    book = [buy("b", 1.0, 10.0, sequence=2**70), buy("a", 1.0, 10.0, sequence=2**70),
            sell("s", 1.0, 5.0, sequence=-(2**70))]
    result = clear(book)
    # Equal sequence: the smaller id goes first and takes the single unit.
    assert result.accepted == {"a": 1.0, "b": 0.0, "s": 1.0}


@pytest.mark.parametrize(
    ("n", "distinct_prices"),
    [(5_000, 40), (5_000, 5_000), (40_000, 40_000)],
    ids=["large-few-prices", "large-all-distinct", "radix-ranks-exceeded"],
)
def test_merit_order_of_large_books_matches_a_stable_sort(n: int, distinct_prices: int) -> None:
    # Books above SMALL_BOOK_ORDERS take the ranked path: radix-sorted 16-bit ranks, or the
    # rank * n + position sort once the distinct prices outnumber 16-bit ranks.
    rng = np.random.default_rng(n + distinct_prices)
    is_buy = rng.random(n) < 0.5
    price = rng.integers(0, distinct_prices, n) * 0.25
    reference = np.argsort(np.where(is_buy, -price, price), kind="stable")
    for positions in (merit_order_positions(is_buy, price), _stable_by_side(is_buy, price)):
        buys, sells = positions
        np.testing.assert_array_equal(buys, reference[is_buy[reference]])
        np.testing.assert_array_equal(sells, reference[~is_buy[reference]])
