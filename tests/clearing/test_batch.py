"""Batched book clearing equals clearing each book alone."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearing.batch import clear_uniform_books
from clearing.merit_order import clear_uniform_arrays

ORDER = st.tuples(
    st.integers(0, 3),  # book
    st.booleans(),  # is_buy
    st.sampled_from([0.5, 1.0, 2.0, 3.5, 10.0, 1e-13, 6e-297]),  # quantity, with slivers
    st.sampled_from([0.0, 5.0, 10.0, 10.0, 20.0, 35.0, 50.0]),  # price, with ties
)


@settings(max_examples=300, deadline=None)
@given(orders=st.lists(ORDER, max_size=40))
def test_batch_equals_per_book_clearing(orders: list[tuple[int, bool, float, float]]) -> None:
    n_books = 4
    book = np.array([o[0] for o in orders], dtype=np.int64)
    is_buy = np.array([o[1] for o in orders], dtype=bool)
    qty = np.array([o[2] for o in orders])
    price = np.array([o[3] for o in orders])
    result = clear_uniform_books(book, is_buy, qty, price, n_books, price_cap=100.0)
    for k in range(n_books):
        b = np.flatnonzero((book == k) & is_buy)
        s = np.flatnonzero((book == k) & ~is_buy)
        alone = clear_uniform_arrays(qty[b], price[b], qty[s], price[s], price_cap=100.0)
        assert result.volume[k] == pytest.approx(alone.volume, rel=1e-12, abs=1e-300)
        np.testing.assert_allclose(result.accepted[b], alone.buy_accepted, rtol=1e-12, atol=0)
        np.testing.assert_allclose(result.accepted[s], alone.sell_accepted, rtol=1e-12, atol=0)
        if np.isnan(alone.price):
            assert np.isnan(result.price[k])
        else:
            assert result.price[k] == alone.price
            assert (result.price_low[k], result.price_high[k]) == (
                alone.price_low,
                alone.price_high,
            )


def test_textbook_two_books() -> None:
    # Book 0: bids 10@30, 10@20; asks 15@10 -> 15 trade, interval [20, 20] (bid partly filled).
    # Book 1: no seller -> no trade, price nan.
    result = clear_uniform_books(
        [0, 0, 0, 1], [True, True, False, True], [10, 10, 15, 5], [30, 20, 10, 40], 2
    )
    assert result.volume.tolist() == [15.0, 0.0]
    assert result.price[0] == 20.0 and np.isnan(result.price[1])
    assert result.accepted.tolist() == [10.0, 5.0, 15.0, 0.0]


def test_sliver_bid_below_the_offer_never_trades() -> None:
    result = clear_uniform_books([0, 0], [True, False], [6e-297, 1.0], [0.0, 1.0], 1)
    assert result.volume[0] == 0.0 and np.isnan(result.price[0])
    assert result.accepted.tolist() == [0.0, 0.0]
