"""The array API of the sort-based path: hand-computed books, ties, no trade, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from clearing import clear_uniform_arrays


def test_partially_accepted_buy_sets_the_price() -> None:
    # Demand 10@50, 5@45; supply 12@40. 12 units trade; the 45 bid gets 2 of its 5 and pins
    # the price at 45 (interval [45, 45]).
    out = clear_uniform_arrays([10.0, 5.0], [50.0, 45.0], [12.0], [40.0])
    assert out.volume == 12.0
    assert out.price == 45.0
    np.testing.assert_array_equal(out.buy_accepted, [10.0, 2.0])
    np.testing.assert_array_equal(out.sell_accepted, [12.0])
    assert out.welfare == pytest.approx(10 * 50 + 2 * 45 - 12 * 40)


def test_vertical_overlap_gives_the_midpoint() -> None:
    # Demand and supply both exactly 10: any price in [40, 50] clears; midpoint 45.
    out = clear_uniform_arrays([10.0], [50.0], [10.0], [40.0])
    assert (out.price_low, out.price_high, out.price) == (40.0, 50.0, 45.0)
    assert out.volume == 10.0


def test_interval_uses_first_rejected_orders() -> None:
    # Rejected bid at 44 and rejected offer at 47 narrow [40, 50] to [44, 47].
    out = clear_uniform_arrays([10.0, 3.0], [50.0, 44.0], [10.0, 3.0], [40.0, 47.0])
    assert out.volume == 10.0
    assert (out.price_low, out.price_high) == (44.0, 47.0)
    assert out.price == 45.5


def test_zero_surplus_units_trade() -> None:
    # A bid and an offer at the same price trade (volume is maximised among optima).
    out = clear_uniform_arrays([4.0], [30.0], [4.0], [30.0])
    assert out.volume == 4.0
    assert out.price == 30.0
    assert out.welfare == 0.0


def test_ties_are_broken_by_input_position() -> None:
    # Three bids at 50 compete for 5 units of supply: earlier positions are filled first.
    out = clear_uniform_arrays([3.0, 3.0, 3.0], [50.0, 50.0, 50.0], [5.0], [10.0])
    np.testing.assert_array_equal(out.buy_accepted, [3.0, 2.0, 0.0])
    assert out.price == 50.0


def test_sell_ties_are_broken_by_input_position() -> None:
    out = clear_uniform_arrays([5.0], [90.0], [4.0, 4.0], [20.0, 20.0])
    np.testing.assert_array_equal(out.sell_accepted, [4.0, 1.0])
    assert out.price == 20.0


def test_no_trade_price_is_nan_but_interval_is_reported() -> None:
    out = clear_uniform_arrays([5.0], [30.0], [5.0], [40.0])
    assert out.volume == 0.0
    assert math.isnan(out.price)
    assert (out.price_low, out.price_high) == (30.0, 40.0)
    assert not out.buy_accepted.any() and not out.sell_accepted.any()


def test_empty_side_gives_no_trade() -> None:
    out = clear_uniform_arrays([5.0], [30.0], [], [])
    assert out.volume == 0.0
    assert math.isnan(out.price)
    assert out.sell_accepted.shape == (0,)


def test_balance_holds_with_fractional_quantities() -> None:
    rng = np.random.default_rng(7)
    bq, bp = rng.uniform(0.1, 3.0, 500), rng.uniform(0.0, 100.0, 500)
    sq, sp = rng.uniform(0.1, 3.0, 500), rng.uniform(0.0, 100.0, 500)
    out = clear_uniform_arrays(bq, bp, sq, sp)
    assert out.buy_accepted.sum() == pytest.approx(out.volume, rel=1e-12)
    assert out.sell_accepted.sum() == pytest.approx(out.volume, rel=1e-12)
    accepted_b = out.buy_accepted > 0
    accepted_s = out.sell_accepted > 0
    assert bp[accepted_b].min() >= out.price >= sp[accepted_s].max()


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"buy_qty": [0.0]}, "buy_qty[0] = 0.0"),
        ({"buy_qty": [np.nan]}, "buy_qty[0] = nan"),
        ({"sell_price": [np.inf]}, "sell_price[0] = inf"),
        ({"sell_price": [-1.0]}, "sell_price[0] = -1.0"),
        ({"buy_price": [1.0, 2.0]}, "same length"),
    ],
)
def test_bad_arrays_raise_a_named_value_error(
    kwargs: dict[str, list[float]], fragment: str
) -> None:
    args = {"buy_qty": [1.0], "buy_price": [10.0], "sell_qty": [1.0], "sell_price": [5.0]}
    args.update(kwargs)
    with pytest.raises(ValueError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        clear_uniform_arrays(**args)  # type: ignore[arg-type]
