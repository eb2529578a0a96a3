"""Tests for Weibull wind speeds, shear and the power curve."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.devices.wind import (
    WindInputError,
    shear_to_hub_height,
    weibull_wind_speed_m_s,
    wind_power_kw,
)


@pytest.mark.parametrize(
    ("speed", "expected_kw"),
    [
        (0.0, 0.0),
        (2.0, 0.0),  # below cut-in
        (3.0, 0.0),  # at cut-in the cubic term is zero
        # 100 kW * (7.5^3 - 3^3) / (12^3 - 3^3) = 100 * 394.875 / 1701 = 23.21428...
        (7.5, 100.0 * 394.875 / 1701.0),
        (12.0, 100.0),  # rated
        (20.0, 100.0),
        (24.99, 100.0),
        (25.0, 0.0),  # cut-out
        (30.0, 0.0),
    ],
)
def test_power_curve_points(speed: float, expected_kw: float) -> None:
    assert wind_power_kw(speed, 100.0) == pytest.approx(expected_kw, rel=1e-12, abs=1e-12)


def test_power_curve_shapes() -> None:
    assert isinstance(wind_power_kw(8.0, 50.0), float)
    speeds = np.linspace(0.0, 30.0, 31)
    assert wind_power_kw(speeds, 50.0).shape == (31,)
    rated = np.array([10.0, 100.0])
    out = wind_power_kw(np.tile(speeds[:, None], (1, 2)), rated)
    assert out.shape == (31, 2)
    np.testing.assert_allclose(out[:, 1], 10.0 * out[:, 0])


@given(speed=st.floats(0.0, 60.0), rated=st.floats(0.0, 5000.0))
def test_power_within_zero_and_rated(speed: float, rated: float) -> None:
    assert 0.0 <= wind_power_kw(speed, rated) <= rated


@given(a=st.floats(0.0, 24.99), b=st.floats(0.0, 24.99))
def test_power_non_decreasing_below_cut_out(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert wind_power_kw(low, 1.0) <= wind_power_kw(high, 1.0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"speed_m_s": -1.0}, "speed_m_s"),
        ({"rated_kw": -5.0}, "rated_kw"),
        ({"cut_in_m_s": 13.0}, "cut_in_m_s"),
        ({"cut_out_m_s": 10.0}, "cut_out_m_s"),
    ],
)
def test_power_curve_rejects_bad_input(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"speed_m_s": 5.0, "rated_kw": 100.0}
    args.update(kwargs)
    with pytest.raises(WindInputError, match=field):
        wind_power_kw(**args)


def test_shear_hand_computed() -> None:
    # 5 m/s at 10 m to 80 m with alpha = 1/7: 5 * 8**(1/7) = 5 * 1.345900 = 6.72950 m/s
    assert shear_to_hub_height(5.0, 10.0, 80.0) == pytest.approx(6.729500, rel=1e-6)
    # same height leaves the speed unchanged; alpha = 0 too
    assert shear_to_hub_height(5.0, 10.0, 10.0) == pytest.approx(5.0)
    assert shear_to_hub_height(5.0, 10.0, 80.0, shear_exponent=0.0) == pytest.approx(5.0)


def test_shear_shapes_broadcast_over_turbines() -> None:
    speeds = np.full((24, 1), 4.0)
    hubs = np.array([10.0, 40.0, 80.0])
    out = shear_to_hub_height(speeds, 10.0, hubs)
    assert out.shape == (24, 3)
    assert np.all(np.diff(out, axis=1) > 0.0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"speed_m_s": -1.0}, "speed_m_s"),
        ({"reference_height_m": 0.0}, "reference_height_m"),
        ({"hub_height_m": -10.0}, "hub_height_m"),
        ({"shear_exponent": -0.1}, "shear_exponent"),
    ],
)
def test_shear_rejects_bad_input(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"speed_m_s": 5.0, "reference_height_m": 10.0, "hub_height_m": 80.0}
    args.update(kwargs)
    with pytest.raises(WindInputError, match=field):
        shear_to_hub_height(**args)


@pytest.mark.parametrize("autocorrelation", [0.0, 0.8])
def test_weibull_sample_mean_and_median(autocorrelation: float) -> None:
    mean, k = 6.0, 2.0
    v = weibull_wind_speed_m_s(200_000, mean, k, np.random.default_rng(11), autocorrelation)
    assert v.shape == (200_000,)
    assert np.all(v >= 0.0)
    assert v.mean() == pytest.approx(mean, rel=0.02)
    # Weibull median = lambda (ln 2)^(1/k), lambda = mean / Gamma(1 + 1/k)
    # k = 2: lambda = 6 / 0.886227 = 6.77028, median = 6.77028 * 0.832555 = 5.63664 m/s
    median = mean / math.gamma(1.0 + 1.0 / k) * math.log(2.0) ** (1.0 / k)
    assert median == pytest.approx(5.63664, rel=1e-5)
    assert np.mean(v <= median) == pytest.approx(0.5, abs=0.01)


def test_weibull_persistence_and_determinism() -> None:
    rng_a, rng_b = np.random.default_rng(4), np.random.default_rng(4)
    a = weibull_wind_speed_m_s(20_000, 5.0, 2.0, rng_a, autocorrelation=0.9)
    b = weibull_wind_speed_m_s(20_000, 5.0, 2.0, rng_b, autocorrelation=0.9)
    np.testing.assert_array_equal(a, b)
    assert np.corrcoef(a[:-1], a[1:])[0, 1] > 0.8
    white = weibull_wind_speed_m_s(20_000, 5.0, 2.0, np.random.default_rng(4))
    assert abs(np.corrcoef(white[:-1], white[1:])[0, 1]) < 0.03


def test_weibull_shape_tuple() -> None:
    v = weibull_wind_speed_m_s((8760, 4), 5.0, 2.2, np.random.default_rng(0), 0.7)
    assert v.shape == (8760, 4)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"mean_m_s": 0.0}, "mean_m_s"),
        ({"shape_k": -1.0}, "shape_k"),
        ({"autocorrelation": 1.0}, "autocorrelation"),
        ({"n": -3}, "n must"),
    ],
)
def test_weibull_rejects_bad_input(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"n": 10, "mean_m_s": 5.0, "shape_k": 2.0}
    args.update(kwargs)
    with pytest.raises(WindInputError, match=field):
        weibull_wind_speed_m_s(rng=np.random.default_rng(0), **args)
