"""Tests for shifting flexible load from high- to low-price steps."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from agents.devices.flexible_load import FlexibleLoadInputError, shift_flexible_load_kw

PRICE_4 = np.array([10.0, 30.0, 20.0, 40.0])  # mean 25: high = steps 1, 3; low = steps 0, 2


def test_shift_hand_computed() -> None:
    # flexible 20 % of high steps: 20 + 20 = 40 to move; room 30 % of 100 = 30 per low step.
    # Cheapest first: step 0 (price 10) takes 30, step 2 (price 20) takes 10.
    out = shift_flexible_load_kw(np.full(4, 100.0), PRICE_4, 0.2, 4, 0.3)
    np.testing.assert_allclose(out, [130.0, 80.0, 110.0, 80.0])


def test_shift_limited_by_room() -> None:
    # room 10 + 10 = 20 < 40 requested: move 20; each high step gives up half its 20.
    out = shift_flexible_load_kw(np.full(4, 100.0), PRICE_4, 0.2, 4, 0.1)
    np.testing.assert_allclose(out, [110.0, 90.0, 110.0, 90.0])


def test_flat_price_and_zero_fraction_leave_load_unchanged() -> None:
    load = np.arange(1.0, 25.0)
    np.testing.assert_array_equal(
        shift_flexible_load_kw(load, np.full(24, 5.0), 0.5, 24, 1.0), load
    )
    price = np.sin(np.arange(24.0))
    np.testing.assert_array_equal(shift_flexible_load_kw(load, price, 0.0, 24, 1.0), load)


def test_shapes_and_per_firm_daily_sums() -> None:
    rng = np.random.default_rng(0)
    load = rng.uniform(0.0, 500.0, size=(48, 3))
    price = np.tile(np.r_[np.full(8, 300.0), np.full(8, 700.0), np.full(8, 500.0)], 2)
    out = shift_flexible_load_kw(load, price, 0.3, 24, 0.5)
    assert out.shape == (48, 3)
    np.testing.assert_allclose(
        out.reshape(2, 24, 3).sum(axis=1), load.reshape(2, 24, 3).sum(axis=1), atol=1e-9
    )
    # one-dimensional load gives the same as each column on its own
    np.testing.assert_allclose(shift_flexible_load_kw(load[:, 1], price, 0.3, 24, 0.5), out[:, 1])
    # per-firm prices of shape (T, F) are accepted
    per_firm = shift_flexible_load_kw(load, np.tile(price[:, None], (1, 3)), 0.3, 24, 0.5)
    np.testing.assert_allclose(per_firm, out)


def test_no_firms_gives_empty_result() -> None:
    out = shift_flexible_load_kw(np.zeros((48, 0)), np.arange(48.0), 0.3, 24, 0.5)
    assert out.shape == (48, 0)


@settings(max_examples=60, deadline=None)
@given(
    days=st.integers(1, 4),
    firms=st.integers(1, 3),
    flexible=st.floats(0.0, 1.0),
    max_increase=st.floats(0.0, 3.0),
    data=st.data(),
)
def test_daily_energy_conserved_and_bounds_hold(
    days: int, firms: int, flexible: float, max_increase: float, data: st.DataObject
) -> None:
    steps = 24
    load = data.draw(arrays(np.float64, (days * steps, firms), elements=st.floats(0.0, 1e4)))
    price = data.draw(arrays(np.float64, (days * steps,), elements=st.floats(-100.0, 2000.0)))
    out = shift_flexible_load_kw(load, price, flexible, steps, max_increase)
    assert out.shape == load.shape
    daily_in = load.reshape(days, steps, firms).sum(axis=1)
    daily_out = out.reshape(days, steps, firms).sum(axis=1)
    np.testing.assert_allclose(daily_out, daily_in, rtol=1e-12, atol=1e-9)
    assert np.all(out >= -1e-9)
    # no step rises by more than max_increase_frac of its own load
    assert np.all(out - load <= max_increase * load + 1e-9)
    # high-price steps never rise, low-price steps never fall
    daily_price = price.reshape(days, steps)
    mean = daily_price.mean(axis=1, keepdims=True)
    high = np.repeat((daily_price > mean).reshape(-1, 1), firms, axis=1)
    low = np.repeat((daily_price < mean).reshape(-1, 1), firms, axis=1)
    assert np.all(out[high] <= load[high] + 1e-9)
    assert np.all(out[low] >= load[low] - 1e-9)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"load_kw": -np.ones(24)}, "load_kw"),
        ({"load_kw": np.ones((24, 2, 2))}, "load_kw"),
        ({"price": np.ones(23)}, "price"),
        ({"price": np.full(24, np.nan)}, "price"),
        ({"steps_per_day": 7}, "steps_per_day"),
        ({"steps_per_day": 0}, "steps_per_day"),
        ({"flexible_frac": 1.5}, "flexible_frac"),
        ({"max_increase_frac": -0.1}, "max_increase_frac"),
    ],
)
def test_rejects_bad_input(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {
        "load_kw": np.ones(24),
        "price": np.arange(24.0),
        "flexible_frac": 0.2,
        "steps_per_day": 24,
        "max_increase_frac": 0.5,
    }
    args.update(kwargs)
    with pytest.raises(FlexibleLoadInputError, match=field):
        shift_flexible_load_kw(**args)
