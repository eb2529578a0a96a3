"""Forecast error model: separate load, PV and wind errors, AR(1), growing with lead time."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from agents.dispatch import (
    DispatchInputError,
    OptimalDispatch,
    ParkDispatchProblem,
    StrategyParameterError,
)
from agents.dispatch.forecast import (
    ForecastErrorModel,
    ar1_paths,
    clear_sky_envelope_kw,
    forecast_scales,
    forecast_window,
)
from tests.agents.dispatch.cases import month_problem


def with_wind(days: int = 6) -> ParkDispatchProblem:
    """A month problem whose renewable output is PV plus a steady 400 kW of wind."""
    problem = month_problem(days=days, n_units=2)
    wind = np.full(problem.n_steps, 400.0)
    return replace(
        problem,
        net_load_kw=problem.net_load_kw - wind,
        renewable_kw=problem.renewable_kw + wind,
        pv_kw=problem.renewable_kw,
    )


def issue(
    model: ForecastErrorModel, seed: int, days: int = 6
) -> tuple[ParkDispatchProblem, ParkDispatchProblem]:
    problem = with_wind(days)
    scales = forecast_scales(problem)
    window = problem.window(0, 48)
    forecast = forecast_window(
        window,
        scales.clear_sky_pv_kw[:48],
        scales.wind_capacity_kw,
        model,
        np.random.default_rng(seed),
    )
    return window, forecast


def test_same_seed_gives_the_same_bytes_and_another_seed_differs() -> None:
    model = ForecastErrorModel()
    _, first = issue(model, 1)
    _, again = issue(model, 1)
    _, other = issue(model, 2)
    assert first.net_load_kw.tobytes() == again.net_load_kw.tobytes()
    assert first.renewable_kw.tobytes() == again.renewable_kw.tobytes()
    assert first.net_load_kw.tobytes() != other.net_load_kw.tobytes()


def test_pv_error_is_zero_at_night_and_stays_within_clear_sky() -> None:
    model = ForecastErrorModel(load_error_frac=0.0, wind_error_frac=0.0, pv_error_frac=0.5)
    actual, forecast = issue(model, 3)
    night = actual.pv_output_kw == 0.0
    assert night.sum() >= 20
    np.testing.assert_array_equal(forecast.pv_output_kw[night], 0.0)
    day = ~night
    assert np.abs(forecast.pv_output_kw[day] - actual.pv_output_kw[day]).max() > 1.0
    envelope = forecast_scales(with_wind()).clear_sky_pv_kw[:48]
    assert np.all(forecast.pv_output_kw <= envelope + 1e-9)
    # Load and wind are exact, so the forecast load (net load + renewable) is too.
    np.testing.assert_allclose(
        forecast.net_load_kw + forecast.renewable_kw, actual.net_load_kw + actual.renewable_kw
    )


def test_load_and_wind_errors_are_separate() -> None:
    only_wind = ForecastErrorModel(load_error_frac=0.0, pv_error_frac=0.0, wind_error_frac=0.2)
    actual, forecast = issue(only_wind, 4)
    np.testing.assert_allclose(forecast.pv_output_kw, actual.pv_output_kw)
    wind_f = forecast.renewable_kw - forecast.pv_output_kw
    assert np.all((wind_f >= 0.0) & (wind_f <= 400.0 + 1e-9))
    assert np.abs(wind_f - 400.0).max() > 10.0
    only_load = ForecastErrorModel(load_error_frac=0.1, pv_error_frac=0.0, wind_error_frac=0.0)
    actual, forecast = issue(only_load, 4)
    np.testing.assert_array_equal(forecast.renewable_kw, actual.renewable_kw)
    assert not np.allclose(forecast.net_load_kw, actual.net_load_kw)


def test_errors_are_correlated_hour_to_hour_and_grow_with_lead_time() -> None:
    normals = np.random.default_rng(5).standard_normal((4000, 48))
    paths = ar1_paths(48, 1.0, 0.9, normals)
    lag_one = np.corrcoef(paths[:, 10], paths[:, 11])[0, 1]
    assert lag_one == pytest.approx(0.9, abs=0.02)
    assert paths[:, 40].std() == pytest.approx(1.0, abs=0.05)
    # The relative load error at lead 47 h has about sqrt(1 + 47/24) times the spread at 0 h.
    model = ForecastErrorModel(load_error_frac=0.05, pv_error_frac=0.0, wind_error_frac=0.0)
    ratios = []
    for seed in range(300):
        actual, forecast = issue(model, seed, days=3)
        load = actual.net_load_kw + actual.renewable_kw
        ratios.append((forecast.net_load_kw + forecast.renewable_kw) / load - 1.0)
    spread = np.std(ratios, axis=0)
    assert spread[0] == pytest.approx(0.05, rel=0.15)
    assert spread[47] == pytest.approx(0.05 * np.sqrt(1.0 + 47.0 / 24.0), rel=0.15)


def test_clear_sky_envelope_is_the_best_hour_of_the_fortnight() -> None:
    hod = np.arange(24 * 20) % 24
    shape = np.maximum(np.sin(np.pi * (hod - 6.0) / 12.0), 0.0)
    cloudiness = np.repeat(np.linspace(0.2, 1.0, 20), 24)
    envelope = clear_sky_envelope_kw(100.0 * shape * cloudiness, 1.0)
    # Day 19 is the clearest; days 12 and later see it within seven days.
    np.testing.assert_allclose(envelope[24 * 12 : 24 * 13], 100.0 * shape[:24])
    assert np.all(envelope >= 100.0 * shape * cloudiness - 1e-9)
    np.testing.assert_array_equal(envelope[shape == 0.0], 0.0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("load_forecast_error_frac", -0.1),
        ("pv_forecast_error_frac", 1.5),
        ("wind_forecast_error_frac", float("nan")),
        ("forecast_error_autocorrelation_per_h", 1.0),
        ("forecast_error_growth_per_day", 11.0),
    ],
)
def test_out_of_range_parameters_are_named(name: str, value: float) -> None:
    with pytest.raises(StrategyParameterError, match=f"^{name} must be"):
        OptimalDispatch(**{name: value})  # type: ignore[arg-type]


def test_pv_split_outside_the_renewable_output_is_rejected() -> None:
    problem = month_problem(days=1, n_units=1)
    with pytest.raises(DispatchInputError, match="pv_kw must lie in"):
        replace(problem, pv_kw=problem.renewable_kw + 1.0)
