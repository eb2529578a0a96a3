"""The fast path, for a list of ``Order`` and for an ``OrderTable``, against HiGHS and CBC.

Random books are drawn above and below the size at which the fast path changes its merit-order
sort, with prices on a coarse grid (many ties) or continuous, and repeated sequence numbers (ties
broken by id).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearing import ClearingInputError, ClearingResult, MarketSpec, Order, OrderTable, Side, clear
from clearing.fast_path import SMALL_BOOK_ORDERS
from clearing.sums import BLAS_SINGLE_THREAD_SIZE, dot
from clearing.validation import validate_spec


def _book(seed: int, n: int, price_levels: int, sequence_levels: int) -> list[Order]:
    rng = np.random.default_rng(seed)
    is_buy = rng.random(n) < 0.5
    if price_levels:
        price = rng.integers(0, price_levels, n) * 2.5 + 300.0
    else:
        price = np.round(rng.uniform(300.0, 500.0, n), 6)
    quantity = np.round(rng.uniform(0.001, 5.0, n), 3)
    sequence = rng.integers(0, sequence_levels, n)
    return [
        Order(f"o{(k * 7919) % n:05d}", f"f{k % 13}",
              Side.BUY if is_buy[k] else Side.SELL, float(quantity[k]), float(price[k]),
              sequence=int(sequence[k]))
        for k in range(n)
    ]


def _assert_same(a: ClearingResult, b: ClearingResult) -> None:
    assert a.status == b.status
    assert a.prices.keys() == b.prices.keys()
    for cell, price in a.prices.items():
        other = b.prices[cell]
        assert (math.isnan(price) and math.isnan(other)) or price == pytest.approx(other, abs=1e-6)
    assert a.volume == pytest.approx(b.volume, abs=1e-6)
    assert a.welfare == pytest.approx(b.welfare, abs=1e-6)
    assert a.accepted.keys() == b.accepted.keys()
    got_a, got_b = a.accepted.to_array(), b.accepted.to_array()  # type: ignore[attr-defined]
    np.testing.assert_allclose(got_a, got_b, rtol=0.0, atol=1e-6)
    pay_a, pay_b = a.payments.to_array(), b.payments.to_array()  # type: ignore[attr-defined]
    np.testing.assert_allclose(pay_a, pay_b, rtol=0.0, atol=1e-5)


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.sampled_from([7, 40, SMALL_BOOK_ORDERS - 1, SMALL_BOOK_ORDERS + 1, 3_000]),
    price_levels=st.sampled_from([0, 3, 40]),
    sequence_levels=st.sampled_from([1, 5, 10**9]),
)
def test_fast_path_of_both_forms_equals_highs_and_cbc(
    seed: int, n: int, price_levels: int, sequence_levels: int
) -> None:
    orders = _book(seed, n, price_levels, sequence_levels)
    table = OrderTable.from_orders(orders)
    fast = clear(orders, solver="fast")
    _assert_same(fast, clear(table, solver="fast"))
    _assert_same(fast, clear(orders, solver="highs"))
    _assert_same(fast, clear(table, solver="cbc"))


def test_long_dot_products_sum_to_the_exact_value() -> None:
    rng = np.random.default_rng(5)
    a = rng.uniform(-1e3, 1e3, 3 * BLAS_SINGLE_THREAD_SIZE)
    b = rng.uniform(0.0, 5.0, a.size)
    exact = math.fsum((a * b).tolist())
    assert dot(a, b) == pytest.approx(exact, rel=1e-12, abs=1e-9)
    assert dot(a[:100], b[:100]) == pytest.approx(math.fsum((a[:100] * b[:100]).tolist()),
                                                  rel=1e-12)


def test_a_spec_equal_to_a_valid_one_is_still_checked() -> None:
    # True == 1.0 and hashes alike: validity is remembered per object, not per value.
    validate_spec(MarketSpec(price_cap=1.0))
    with pytest.raises(ClearingInputError, match="price_cap"):
        validate_spec(MarketSpec(price_cap=True))  # type: ignore[arg-type]
    spec = MarketSpec(price_cap=2.0)
    validate_spec(spec)
    validate_spec(spec)  # remembered: no error, nothing changed
    with pytest.raises(ClearingInputError, match="zones"):
        validate_spec(MarketSpec(zones=["a"]))  # type: ignore[arg-type]
