"""Tests for the ambient temperature model and the AR(1) noise generator."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from agents.devices.weather import (
    WeatherInputError,
    ambient_temperature_c,
    ar1_standard_normal,
)

TZ = "Asia/Shanghai"


def test_climatology_hand_computed_points() -> None:
    times = pd.DatetimeIndex(
        [pd.Timestamp("2023-01-15 15:00", tz=TZ), pd.Timestamp("2023-07-15 03:00", tz=TZ)]
    )
    temperature = ambient_temperature_c(times)
    # 15 Jan 15:00: day of year 15 + 15/24 = 15.625
    #   annual = -13.3 cos(2 pi (15.625 - 15) / 365.25) = -13.29924, daily = +5 cos(0) = +5
    #   T = 14.1 - 13.29924 + 5 = 5.80076
    # 15 Jul 03:00: day of year 196 + 3/24 = 196.125
    #   annual = -13.3 cos(2 pi 181.125 / 365.25) = -13.3 * (-0.999667) = +13.29557,
    #   daily = 5 cos(-pi) = -5
    #   T = 14.1 + 13.29557 - 5 = 22.39557
    np.testing.assert_allclose(temperature, [5.80076, 22.39557], atol=1e-4)


def test_climatology_matches_xian_normals() -> None:
    # Xi'an normals: annual about 14 degC, January about 0 degC, July about 27 degC.
    times = pd.date_range("2023-01-01", periods=8760, freq="h", tz=TZ)
    temperature = ambient_temperature_c(times)
    month = times.month.to_numpy()
    assert temperature.mean() == pytest.approx(14.1, abs=0.1)
    assert temperature[month == 1].mean() == pytest.approx(0.5, abs=1.0)
    assert temperature[month == 7].mean() == pytest.approx(27.0, abs=1.0)
    # daily maximum mid-afternoon, minimum before dawn
    hourly_profile = temperature.reshape(365, 24).mean(axis=0)
    assert int(np.argmax(hourly_profile)) == 15
    assert int(np.argmin(hourly_profile)) == 3


def test_noise_is_deterministic_and_has_requested_spread() -> None:
    times = pd.date_range("2023-01-01", periods=8760, freq="h", tz=TZ)
    base = ambient_temperature_c(times)
    a = ambient_temperature_c(times, rng=np.random.default_rng(5))
    b = ambient_temperature_c(times, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    assert a.shape == (8760,)
    residual = a - base
    assert residual.std() == pytest.approx(2.0, rel=0.15)
    assert np.corrcoef(residual[:-1], residual[1:])[0, 1] == pytest.approx(0.95, abs=0.03)


def test_custom_site_parameters() -> None:
    times = pd.date_range("2023-01-01", periods=8760, freq="h", tz=TZ)
    flat = ambient_temperature_c(times, 20.0, 0.0, 0.0)
    np.testing.assert_allclose(flat, 20.0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"annual_amplitude_c": -1.0}, "annual_amplitude_c"),
        ({"daily_amplitude_c": np.nan}, "daily_amplitude_c"),
        ({"noise_std_c": -0.5}, "noise_std_c"),
        ({"annual_mean_c": np.inf}, "annual_mean_c"),
    ],
)
def test_temperature_rejects_bad_input(kwargs: dict[str, Any], field: str) -> None:
    times = pd.date_range("2023-01-01", periods=24, freq="h", tz=TZ)
    with pytest.raises(WeatherInputError, match=field):
        ambient_temperature_c(times, **kwargs)


def test_temperature_rejects_non_datetime_index() -> None:
    with pytest.raises(WeatherInputError, match="times"):
        ambient_temperature_c(np.arange(24))


def test_ar1_statistics() -> None:
    x = ar1_standard_normal(200_000, 0.8, np.random.default_rng(1))
    assert x.shape == (200_000,)
    assert abs(x.mean()) < 0.03  # effective sample about 22,000 -> se 0.007
    assert x.std() == pytest.approx(1.0, abs=0.02)
    assert np.corrcoef(x[:-1], x[1:])[0, 1] == pytest.approx(0.8, abs=0.01)
    assert np.corrcoef(x[:-2], x[2:])[0, 1] == pytest.approx(0.64, abs=0.015)


def test_ar1_columns_are_independent_series() -> None:
    x = ar1_standard_normal((50_000, 3), 0.5, np.random.default_rng(2))
    assert x.shape == (50_000, 3)
    corr = np.asarray(np.corrcoef(x.T))
    assert np.all(np.abs(corr[np.triu_indices(3, 1)]) < 0.03)
    for column in x.T:
        assert np.corrcoef(column[:-1], column[1:])[0, 1] == pytest.approx(0.5, abs=0.02)


def test_ar1_zero_autocorrelation_is_white_noise_from_the_same_draws() -> None:
    x = ar1_standard_normal(100, 0.0, np.random.default_rng(3))
    np.testing.assert_array_equal(x, np.random.default_rng(3).standard_normal(100))


@pytest.mark.parametrize("phi", [-0.1, 1.0, 1.5])
def test_ar1_rejects_bad_autocorrelation(phi: float) -> None:
    with pytest.raises(WeatherInputError, match="autocorrelation"):
        ar1_standard_normal(10, phi, np.random.default_rng(0))


@pytest.mark.parametrize(
    ("shape", "phi", "seed"),
    [(200, 0.95, 4), ((300, 3), 0.5, 5), ((50, 2, 2), 0.999, 6), ((2,), 0.1, 7)],
)
def test_ar1_equals_the_one_pole_filter_bit_for_bit(
    shape: int | tuple[int, ...], phi: float, seed: int
) -> None:
    # The recursion is the filter scipy.signal.lfilter([s], [1, -phi]) with x_0 = e_0, value
    # for value: results of earlier releases stay byte for byte the same.
    from scipy.signal import lfilter

    shocks = np.random.default_rng(seed).standard_normal(shape)
    scale = np.sqrt(1.0 - phi * phi)
    rest = lfilter([scale], [1.0, -phi], shocks[1:], axis=0, zi=(phi * shocks[0])[np.newaxis])[0]
    expected = np.concatenate([shocks[:1], rest], axis=0)
    x = ar1_standard_normal(shape, phi, np.random.default_rng(seed))
    assert x.shape == expected.shape
    assert x.tobytes() == expected.tobytes()
