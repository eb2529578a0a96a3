"""Gini, intervals, peaks and burden shares: textbook cases and invariants."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from market.studies.measures import gini, interval, peak, smallest_share_burden

amounts = st.lists(
    st.floats(min_value=0.0, max_value=1e9, allow_nan=False), min_size=1, max_size=50
).filter(lambda xs: sum(xs) > 1e-6)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([5.0, 5.0, 5.0, 5.0], 0.0),  # perfect equality
        ([0.0, 0.0, 0.0, 1.0], 0.75),  # one of four holds all: 1 - 1/n
        ([1.0, 2.0, 3.0, 4.0], 0.25),  # sum |xi - xj| = 20 over 2 * 16 * 2.5
        ([100.0, 200.0, 700.0], 0.4),
        ([3.0], 0.0),
    ],
)
def test_gini_of_known_vectors(values: list[float], expected: float) -> None:
    assert gini(values) == pytest.approx(expected, abs=1e-12)


def test_gini_is_undefined_without_a_positive_total() -> None:
    assert math.isnan(gini([]))
    assert math.isnan(gini([0.0, 0.0]))
    assert math.isnan(gini([-1.0, -2.0]))


def test_gini_ignores_non_finite_entries() -> None:
    assert gini([1.0, 2.0, math.nan, 3.0, 4.0]) == pytest.approx(0.25)


@given(amounts)
def test_gini_matches_the_pairwise_definition(values: list[float]) -> None:
    x = np.array(values)
    pairwise = np.abs(x[:, None] - x[None, :]).sum() / (2.0 * x.size**2 * x.mean())
    assert gini(values) == pytest.approx(pairwise, rel=1e-9, abs=1e-9)
    assert 0.0 <= gini(values) <= 1.0 - 1.0 / x.size + 1e-12


@given(amounts, st.floats(min_value=1e-3, max_value=1e3), st.randoms(use_true_random=False))
def test_gini_is_scale_and_order_invariant(
    values: list[float], scale: float, rnd: random.Random
) -> None:
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert gini([v * scale for v in shuffled]) == pytest.approx(gini(values), rel=1e-9, abs=1e-9)


def test_ninety_percent_interval_of_one_to_twenty_one() -> None:
    # 21 points: the 5th percentile sits at position 0.05 * 20 = 1 -> value 2; the 95th at 19 -> 20.
    stats = interval(np.arange(1.0, 22.0))
    assert stats.mean == 11.0
    assert stats.low == pytest.approx(2.0, abs=1e-12)
    assert stats.high == pytest.approx(20.0, abs=1e-12)


def test_interval_interpolates_and_skips_nan() -> None:
    stats = interval([0.0, 10.0, math.nan])
    assert stats.mean == 5.0
    assert stats.low == pytest.approx(0.5)  # 5 % of the way from 0 to 10
    assert stats.high == pytest.approx(9.5)
    empty = interval([math.nan])
    assert math.isnan(empty.mean) and math.isnan(empty.low) and math.isnan(empty.high)


def test_interval_rejects_a_bad_coverage() -> None:
    with pytest.raises(ValueError, match="coverage"):
        interval([1.0], coverage=1.5)


def test_peak_year_and_level_and_deadline() -> None:
    p = peak([2025, 2026, 2027, 2028], [100.0, 130.0, 130.0, 90.0], deadline_year=2030)
    assert (p.year, p.level, p.before_deadline) == (2026.0, 130.0, 1.0)  # first of the tie


def test_peak_still_rising_before_the_deadline_is_unknown() -> None:
    p = peak([2025, 2026], [100.0, 110.0], deadline_year=2030)
    assert p.year == 2026.0 and math.isnan(p.before_deadline)


def test_peak_at_or_after_the_deadline_misses_it() -> None:
    assert peak([2029, 2030, 2031], [1.0, 3.0, 2.0], 2030).before_deadline == 0.0
    assert peak([2028, 2029, 2030], [1.0, 2.0, 3.0], 2030).before_deadline == 0.0


def test_peak_of_no_data_is_nan() -> None:
    assert math.isnan(peak([2025], [math.nan], 2030).year)
    with pytest.raises(ValueError, match="same size"):
        peak([2025, 2026], [1.0], 2030)


def test_small_firm_burden_by_hand() -> None:
    # Smallest third of six firms by output = two firms (outputs 1 and 2 of 21 in total),
    # carrying 30 of 100 in cost: 30 % of cost for 14.29 % of output.
    b = smallest_share_burden([6.0, 1.0, 5.0, 2.0, 4.0, 3.0], [10.0, 20.0, 15.0, 10.0, 25.0, 20.0])
    assert b.output_share_pct == pytest.approx(100.0 * 3.0 / 21.0)
    assert b.cost_share_pct == pytest.approx(30.0)
    assert b.ratio == pytest.approx(30.0 / (100.0 * 3.0 / 21.0))


def test_small_firm_burden_is_one_when_cost_follows_output() -> None:
    output = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0]
    assert smallest_share_burden(output, [2.0 * o for o in output]).ratio == pytest.approx(1.0)
