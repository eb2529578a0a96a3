"""Continuous double auction: price-time priority, immutability, validation."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearing.continuous import ContinuousBook, Trade, cancel, cancel_all, submit
from clearing.errors import ClearingInputError
from clearing.types import Order, Side


def buy(oid: str, qty: float, price: float, **kw: object) -> Order:
    return Order(id=oid, agent="a-" + oid, side=Side.BUY, quantity=qty, price=price, **kw)


def sell(oid: str, qty: float, price: float, **kw: object) -> Order:
    return Order(id=oid, agent="a-" + oid, side=Side.SELL, quantity=qty, price=price, **kw)


def book_of(*orders: Order, floor: float = 0.0, cap: float = 1000.0) -> ContinuousBook:
    book = ContinuousBook(price_floor=floor, price_cap=cap)
    for order in orders:
        book, _ = submit(book, order)
    return book


def test_non_crossing_orders_rest_in_price_time_priority():
    book = book_of(buy("b1", 1, 10), buy("b2", 1, 12), buy("b3", 1, 10), sell("s1", 1, 15))
    assert [r.order.id for r in book.bids] == ["b2", "b1", "b3"]
    assert [r.order.id for r in book.asks] == ["s1"]
    assert book.best_bid == 12 and book.best_ask == 15


def test_incoming_order_trades_at_resting_prices_best_first():
    book = book_of(sell("s1", 2, 11), sell("s2", 3, 10), sell("s3", 1, 10))
    new_book, trades = submit(book, buy("b1", 5, 12))
    assert trades == (
        Trade("b1", "s2", 3, 10.0, 0),
        Trade("b1", "s3", 1, 10.0, 1),
        Trade("b1", "s1", 1, 11.0, 2),
    )
    # s1 keeps its time priority with the remaining unit; b1 is filled and does not rest.
    assert [(r.order.id, r.remaining) for r in new_book.asks] == [("s1", 1)]
    assert new_book.bids == ()
    assert new_book.trade_count == 3


def test_incoming_sell_partially_fills_and_rests():
    book = book_of(buy("b1", 2, 20), buy("b2", 2, 18))
    new_book, trades = submit(book, sell("s1", 3, 19))
    assert trades == (Trade("b1", "s1", 2, 20.0, 0),)
    assert [(r.order.id, r.remaining) for r in new_book.asks] == [("s1", 1)]
    assert [r.order.id for r in new_book.bids] == ["b2"]


def test_submit_leaves_old_book_unchanged():
    book = book_of(sell("s1", 2, 11))
    new_book, _ = submit(book, buy("b1", 1, 12))
    assert book.asks[0].remaining == 2
    assert new_book.asks[0].remaining == 1
    assert "b1" not in book.seen_ids


def test_cancel_removes_resting_order_and_unknown_id_raises():
    book = book_of(buy("b1", 1, 10), sell("s1", 1, 15))
    after = cancel(book, "b1")
    assert after.bids == () and book.bids[0].order.id == "b1"
    with pytest.raises(ClearingInputError, match="'b1'"):
        cancel(after, "b1")
    assert cancel_all(book).asks == () and cancel_all(book).seen_ids == book.seen_ids


@pytest.mark.parametrize(
    ("order", "field"),
    [
        (buy("x", math.nan, 10), "quantity"),
        (buy("x", 0.0, 10), "quantity"),
        (sell("x", -1.0, 10), "quantity"),
        (buy("x", 1.0, math.nan), "price"),
        (buy("x", 1.0, math.inf), "price"),
        (buy("x", 1.0, -1.0), "price"),
        (sell("x", 1.0, 1000.5), "price"),
        (buy("b1", 1.0, 10), "id"),
        (buy("x", 1.0, 10, block="B"), "block"),
        (buy("x", 1.0, 10, min_acceptance_ratio=1.0), "min_acceptance_ratio"),
    ],
)
def test_invalid_order_raises_and_book_is_untouched(order, field):
    book = book_of(buy("b1", 1, 10), sell("s1", 2, 12))
    snapshot = (book.bids, book.asks, book.seen_ids, book.trade_count)
    with pytest.raises(ClearingInputError, match=field):
        submit(book, order)
    assert (book.bids, book.asks, book.seen_ids, book.trade_count) == snapshot
    # The old book is still usable.
    _, trades = submit(book, buy("ok", 1, 12))
    assert trades == (Trade("ok", "s1", 1, 12.0, 0),)


def test_reusing_id_of_filled_order_is_rejected():
    book = book_of(sell("s1", 1, 10), buy("b1", 1, 10))
    assert book.asks == () and book.bids == ()
    with pytest.raises(ClearingInputError, match="already used"):
        submit(book, sell("s1", 1, 10))


def test_floor_above_cap_is_rejected():
    with pytest.raises(ClearingInputError, match="price_floor"):
        ContinuousBook(price_floor=10.0, price_cap=5.0)


order_specs = st.lists(
    st.tuples(
        st.booleans(),
        st.integers(1, 5).map(float),
        st.integers(1, 20).map(float),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=100, deadline=None)
@given(order_specs)
def test_book_invariants_under_random_order_flow(specs):
    book = ContinuousBook(price_floor=0.0, price_cap=100.0)
    submitted = {"buy": 0.0, "sell": 0.0}
    traded = 0.0
    sequences: list[int] = []
    for k, (is_buy, qty, price) in enumerate(specs):
        order = (buy if is_buy else sell)(f"o{k}", qty, price)
        submitted["buy" if is_buy else "sell"] += qty
        before_bid, before_ask = book.best_bid, book.best_ask
        book, trades = submit(book, order)
        if trades:
            # The first fill is at the best resting price of the other side.
            assert trades[0].price == (before_ask if is_buy else before_bid)
        for t in trades:
            traded += t.quantity
            sequences.append(t.sequence)
            # Trades never violate the incoming order's limit.
            assert t.price <= price if is_buy else t.price >= price
        # The book never stays crossed.
        if book.best_bid is not None and book.best_ask is not None:
            assert book.best_bid < book.best_ask
        # Priority order is kept.
        bid_prices = [r.order.price for r in book.bids]
        ask_prices = [r.order.price for r in book.asks]
        assert bid_prices == sorted(bid_prices, reverse=True)
        assert ask_prices == sorted(ask_prices)
    # Quantity is conserved: submitted = traded + resting, per side.
    resting_buy = sum(r.remaining for r in book.bids)
    resting_sell = sum(r.remaining for r in book.asks)
    assert submitted["buy"] == pytest.approx(traded + resting_buy)
    assert submitted["sell"] == pytest.approx(traded + resting_sell)
    assert sequences == list(range(book.trade_count))
