"""Tests for the PV chain: power model, clearness index, full profile and its calibration."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pvlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.devices.pv import (
    XIAN_CLEARNESS,
    XIAN_TARGET_YIELD_KWH_PER_KWP,
    ClearnessParams,
    PVInputError,
    clearness_index_series,
    pv_power_kw,
    pv_profile_from_clearness_kw_per_kwp,
    pv_profile_kw_per_kwp,
)

pytestmark = pytest.mark.filterwarnings("ignore:.*dayofyear.*")

TZ = "Asia/Shanghai"
CLEAR_SKY = ClearnessParams(monthly_mean=(1.0,) * 12, daily_std=0.0, hourly_std=0.0)


def year_2023() -> pd.DatetimeIndex:
    return pd.date_range("2023-01-01", periods=8760, freq="h", tz=TZ)


def xian_profile(times: pd.DatetimeIndex, seed: int, **kwargs: Any) -> npt.NDArray[np.float64]:
    """South-facing, 25-deg tilt array near Xi'an (34.26 N, 108.94 E, 400 m)."""
    site: dict[str, Any] = {
        "latitude_deg": 34.26,
        "longitude_deg": 108.94,
        "altitude_m": 400.0,
        "tilt_deg": 25.0,
        "azimuth_deg": 180.0,
    }
    site.update(kwargs)
    return pv_profile_kw_per_kwp(times, rng=np.random.default_rng(seed), **site)


# --- pv_power_kw -------------------------------------------------------------------------


def test_pv_power_hand_computed() -> None:
    # DC = 10 kWp * 800/1000 * (1 - 0.0035 * (45 - 25)) = 8 * 0.93 = 7.44 kW
    # AC = 7.44 * (1 - 0.14) * 0.96 = 6.142464 kW, below the 10/1.2 = 8.333 kW inverter rating
    assert pv_power_kw(800.0, 45.0, 10.0) == pytest.approx(6.142464, rel=1e-12)


def test_pv_power_clips_at_inverter_rating() -> None:
    # DC = 1.2 kW -> AC before clipping 1.2 * 0.86 * 0.96 = 0.99072 > 1 / 1.2 = 0.8333 kW
    assert pv_power_kw(1200.0, 25.0, 1.0) == pytest.approx(1.0 / 1.2, rel=1e-12)
    # with dc_ac_ratio = 1 the rating is 1 kW and nothing is clipped
    assert pv_power_kw(1200.0, 25.0, 1.0, dc_ac_ratio=1.0) == pytest.approx(0.99072)


def test_pv_power_zero_irradiance_gives_zero() -> None:
    assert pv_power_kw(0.0, -10.0, 5.0) == 0.0


def test_pv_power_shapes() -> None:
    assert isinstance(pv_power_kw(500.0, 30.0, 1.0), float)
    poa = np.linspace(0.0, 1000.0, 24)
    assert pv_power_kw(poa, 30.0, 2.0).shape == (24,)
    capacity = np.array([1.0, 2.0, 5.0])
    out = pv_power_kw(poa[:, None], np.full((24, 1), 30.0), capacity)
    assert out.shape == (24, 3)
    # each firm's output scales with its capacity
    np.testing.assert_allclose(out[:, 2], 5.0 * out[:, 0])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"poa_irradiance_w_m2": -1.0}, "poa_irradiance_w_m2"),
        ({"poa_irradiance_w_m2": np.nan}, "poa_irradiance_w_m2"),
        ({"capacity_kwp": -2.0}, "capacity_kwp"),
        ({"cell_temperature_c": np.inf}, "cell_temperature_c"),
        ({"system_loss_frac": 1.0}, "system_loss_frac"),
        ({"inverter_efficiency": 0.0}, "inverter_efficiency"),
        ({"dc_ac_ratio": 0.0}, "dc_ac_ratio"),
    ],
)
def test_pv_power_rejects_bad_input(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {
        "poa_irradiance_w_m2": 500.0,
        "cell_temperature_c": 25.0,
        "capacity_kwp": 1.0,
    }
    args.update(kwargs)
    with pytest.raises(PVInputError, match=field):
        pv_power_kw(**args)


@given(
    poa=st.floats(0.0, 1500.0),
    temperature=st.floats(-30.0, 80.0),
    capacity=st.floats(0.0, 1e4),
)
def test_pv_power_within_zero_and_inverter_rating(
    poa: float, temperature: float, capacity: float
) -> None:
    power = pv_power_kw(poa, temperature, capacity)
    assert 0.0 <= power <= capacity / 1.2 + 1e-12


@given(poa_a=st.floats(0.0, 1500.0), poa_b=st.floats(0.0, 1500.0), temp=st.floats(-30.0, 80.0))
def test_pv_power_non_decreasing_in_irradiance(poa_a: float, poa_b: float, temp: float) -> None:
    low, high = sorted((poa_a, poa_b))
    assert pv_power_kw(low, temp, 1.0) <= pv_power_kw(high, temp, 1.0) + 1e-12


# --- clearness index -----------------------------------------------------------------------


def test_clearness_without_noise_equals_monthly_mean() -> None:
    means = tuple(0.3 + 0.05 * m for m in range(12))
    params = ClearnessParams(monthly_mean=means, daily_std=0.0, hourly_std=0.0)
    times = year_2023()
    index = clearness_index_series(times, np.random.default_rng(0), params)
    expected = np.asarray(means)[times.month.to_numpy() - 1]
    np.testing.assert_array_equal(index, expected)


def test_clearness_is_deterministic_bounded_and_varies() -> None:
    times = year_2023()
    a = clearness_index_series(times, np.random.default_rng(42), XIAN_CLEARNESS)
    b = clearness_index_series(times, np.random.default_rng(42), XIAN_CLEARNESS)
    c = clearness_index_series(times, np.random.default_rng(43), XIAN_CLEARNESS)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.shape == (8760,)
    assert a.min() >= XIAN_CLEARNESS.minimum
    assert a.max() <= XIAN_CLEARNESS.maximum
    # day-to-day weather: daily means spread widely, hours within a day are correlated
    daily = a.reshape(365, 24).mean(axis=1)
    assert daily.std() > 0.1
    assert np.corrcoef(a[:-1], a[1:])[0, 1] > 0.7


def test_clearness_september_is_cloudier_than_may() -> None:
    times = year_2023()
    index = np.mean(
        [clearness_index_series(times, np.random.default_rng(s)) for s in range(5)], axis=0
    )
    month = times.month.to_numpy()
    assert index[month == 5].mean() > index[month == 9].mean() + 0.05


@pytest.mark.parametrize(
    "kwargs",
    [
        {"monthly_mean": (0.5,) * 11},
        {"monthly_mean": (0.0,) * 12},
        {"monthly_mean": (0.5,) * 12, "daily_std": -0.1},
        {"monthly_mean": (0.5,) * 12, "daily_autocorrelation": 1.0},
        {"monthly_mean": (0.5,) * 12, "minimum": 0.9, "maximum": 0.8},
        {"monthly_mean": (0.5,) * 12, "beam_threshold": 1.0},
    ],
)
def test_clearness_params_reject_bad_values(kwargs: dict[str, Any]) -> None:
    with pytest.raises(PVInputError, match="ClearnessParams"):
        ClearnessParams(**kwargs)


# --- full profile ---------------------------------------------------------------------------


def test_clear_sky_profile_matches_pvlib_chain_at_equinox_noon() -> None:
    # Solar noon in Xi'an on 21 March 2023 is about 12:52 Beijing time (longitude 108.94 E is
    # 11.06 deg = 44 min west of 120 E; equation of time about -7 min). The step starting at
    # 12:22 has its mid-point there.
    times = pd.DatetimeIndex([pd.Timestamp("2023-03-21 12:22", tz=TZ)])
    ours = xian_profile(times, 0, clearness=CLEAR_SKY, ambient_temperature_c=15.0, step_h=1.0)

    mid = times + pd.Timedelta(minutes=30)
    site = pvlib.location.Location(34.26, 108.94, TZ, 400.0)
    solpos = site.get_solarposition(mid)
    clear = site.get_clearsky(mid, solar_position=solpos)
    poa = pvlib.irradiance.get_total_irradiance(
        25.0,
        180.0,
        solpos["apparent_zenith"],
        solpos["azimuth"],
        clear["dni"],
        clear["ghi"],
        clear["dhi"],
        dni_extra=pvlib.irradiance.get_extra_radiation(mid),
        airmass=pvlib.atmosphere.get_relative_airmass(solpos["apparent_zenith"]),
        albedo=0.2,
        model="haydavies",
    )["poa_global"]
    cell = pvlib.temperature.faiman(poa, 15.0, wind_speed=1.0)
    dc = pvlib.pvsystem.pvwatts_dc(poa, cell, pdc0=1.0, gamma_pdc=-0.0035)
    expected = min(float(dc.iloc[0]) * 0.86 * 0.96, 1.0 / 1.2)
    assert ours[0] == pytest.approx(expected, rel=1e-9)

    # Hand checks of the geometry: at the equinox the noon zenith is the latitude (declination
    # about +0.3 deg on 21 March), so the sun is about 34.0 deg from the zenith and about
    # 9 deg off the normal of a 25-deg south-facing array.
    zenith = float(solpos["zenith"].iloc[0])
    assert zenith == pytest.approx(34.0, abs=0.5)
    assert float(solpos["azimuth"].iloc[0]) == pytest.approx(180.0, abs=3.0)
    aoi = float(pvlib.irradiance.aoi(25.0, 180.0, zenith, float(solpos["azimuth"].iloc[0])))
    assert aoi == pytest.approx(9.0, abs=0.6)
    # A hazy-clear noon gives roughly 900-1,050 W/m2 on the array and 0.7-0.83 kW/kWp AC.
    assert 900.0 < float(poa.iloc[0]) < 1050.0
    assert 0.70 < ours[0] <= 1.0 / 1.2


def test_profile_is_zero_at_night_and_deterministic() -> None:
    times = pd.date_range("2023-06-01", periods=48, freq="h", tz=TZ)
    a = xian_profile(times, 7)
    b = xian_profile(times, 7)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (48,)
    # 00:00-01:00 and 22:00-23:00 local are dark in June in Xi'an
    assert a[0] == 0.0 and a[22] == 0.0 and a[24] == 0.0
    assert a[12] > 0.0


def test_hourly_midpoint_energy_matches_minute_integration() -> None:
    # With a clear sky, hourly values sampled at the step mid-point reproduce the day's energy
    # from a 1-minute simulation within 1 %.
    day_hours = pd.date_range("2023-06-21", periods=24, freq="h", tz=TZ)
    day_minutes = pd.date_range("2023-06-21", periods=1440, freq="min", tz=TZ)
    hourly = xian_profile(day_hours, 0, clearness=CLEAR_SKY, ambient_temperature_c=25.0)
    minutely = xian_profile(day_minutes, 0, clearness=CLEAR_SKY, ambient_temperature_c=25.0)
    assert hourly.sum() == pytest.approx(minutely.sum() / 60.0, rel=0.01)


def test_isotropic_model_runs_and_differs_from_hay_davies() -> None:
    times = pd.date_range("2023-04-01", periods=24 * 7, freq="h", tz=TZ)
    hay = xian_profile(times, 3)
    iso = xian_profile(times, 3, sky_model="isotropic")
    assert iso.sum() > 0.0
    assert not np.allclose(hay, iso)


def test_annual_yield_near_xian_target() -> None:
    # Mean over five seeds within +/-5 % of the documented target (1,200 kWh/kWp per year),
    # with the clearness scale of a calibrated Xi'an sky.
    times = year_2023()
    yields = [xian_profile(times, seed, mean_clearness_scale=1.0).sum() for seed in range(5)]
    assert np.mean(yields) == pytest.approx(XIAN_TARGET_YIELD_KWH_PER_KWP, rel=0.05)
    # the clear-sky-only year is far higher (about 1,940 kWh/kWp)
    clear = xian_profile(times, 0, clearness=CLEAR_SKY).sum()
    assert 1800.0 < clear < 2100.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"latitude_deg": 95.0}, "latitude_deg"),
        ({"tilt_deg": -5.0}, "tilt_deg"),
        ({"sky_model": "perez"}, "sky_model"),
        ({"step_h": 0.0}, "step_h"),
        ({"ambient_temperature_c": np.nan}, "ambient_temperature_c"),
        ({"ambient_temperature_c": np.zeros(5)}, "ambient_temperature_c"),
    ],
)
def test_profile_rejects_bad_input(kwargs: dict[str, Any], field: str) -> None:
    times = pd.date_range("2023-06-01", periods=24, freq="h", tz=TZ)
    with pytest.raises(PVInputError, match=field):
        xian_profile(times, 0, **kwargs)


def test_profile_rejects_non_datetime_index() -> None:
    with pytest.raises(PVInputError, match="times"):
        xian_profile([0, 1, 2], 0)


@pytest.mark.parametrize("unit", ["ns", "us", "s"])
def test_daily_output_centred_on_solar_noon_for_any_timestamp_unit(unit: str) -> None:
    # A whole year of a south-facing 1 kWp array near Xi'an: each day's energy-weighted centre
    # (step mid-points) falls within 0.2 h of solar noon, whatever the index's time unit.
    times = year_2023().as_unit(unit)
    output = xian_profile(times, 0, clearness=CLEAR_SKY, ambient_temperature_c=20.0)
    noisy = xian_profile(times, 0)
    days = pd.date_range("2023-01-01", periods=365, freq="D", tz=TZ)
    transit = pvlib.solarposition.sun_rise_set_transit_spa(days, 34.26, 108.94)["transit"]
    noon_h = (transit - days).dt.total_seconds().to_numpy() / 3600.0
    mid_h = np.tile(np.arange(24) + 0.5, 365)
    for profile, worst_h in ((output, 0.2), (noisy, None)):
        energy = profile.reshape(365, 24)
        centre_h = (energy * mid_h.reshape(365, 24)).sum(axis=1) / energy.sum(axis=1)
        offset_h = centre_h - noon_h
        if worst_h is not None:
            assert np.abs(offset_h).max() < worst_h
        assert abs(float(np.mean(offset_h))) < 0.2


# --- clearness scale and a given sky ---------------------------------------------------------


def test_scaled_params_multiply_monthly_means_within_bounds() -> None:
    assert XIAN_CLEARNESS.scaled(1.0) is XIAN_CLEARNESS
    brighter = XIAN_CLEARNESS.scaled(1.5)
    # 0.63 * 1.5 = 0.945 stays below the bound; 0.73 * 1.5 = 1.095 is clipped to maximum = 1
    assert brighter.monthly_mean[0] == pytest.approx(0.945)
    assert brighter.monthly_mean[4] == XIAN_CLEARNESS.maximum
    assert max(brighter.monthly_mean) <= XIAN_CLEARNESS.maximum
    assert brighter.daily_std == XIAN_CLEARNESS.daily_std
    darker = XIAN_CLEARNESS.scaled(0.01)
    assert min(darker.monthly_mean) == XIAN_CLEARNESS.minimum


@pytest.mark.parametrize("scale", [0.0, -0.5, 1.6, float("nan")])
def test_scale_outside_range_is_rejected(scale: float) -> None:
    times = pd.date_range("2023-06-01", periods=24, freq="h", tz=TZ)
    with pytest.raises(PVInputError, match="mean_scale"):
        clearness_index_series(times, np.random.default_rng(0), mean_scale=scale)


def test_scale_moves_the_mean_clearness() -> None:
    times = year_2023()
    base = clearness_index_series(times, np.random.default_rng(5))
    darker = clearness_index_series(times, np.random.default_rng(5), mean_scale=0.5)
    brighter = clearness_index_series(times, np.random.default_rng(5), mean_scale=1.2)
    assert darker.mean() < 0.6 * base.mean()
    assert base.mean() + 0.05 < brighter.mean() <= XIAN_CLEARNESS.maximum


def test_scale_one_gives_exactly_the_unscaled_profile() -> None:
    times = pd.date_range("2023-03-01", periods=24 * 14, freq="h", tz=TZ)
    default = xian_profile(times, 9)
    scaled = xian_profile(times, 9, mean_clearness_scale=1.0)
    assert scaled.tobytes() == default.tobytes()


def test_profile_under_given_sky_equals_profile_drawing_it() -> None:
    # The profile is the given-sky chain applied to the series drawn from the same generator.
    times = pd.date_range("2023-03-01", periods=24 * 14, freq="h", tz=TZ)
    index = clearness_index_series(times, np.random.default_rng(9), mean_scale=1.3)
    given_sky = pv_profile_from_clearness_kw_per_kwp(
        times, index, 34.26, 108.94, 400.0, 25.0, 180.0
    )
    drawn = xian_profile(times, 9, mean_clearness_scale=1.3)
    assert given_sky.tobytes() == drawn.tobytes()
    # another orientation under the same sky: same dark hours, different output
    east = pv_profile_from_clearness_kw_per_kwp(times, index, 34.26, 108.94, 400.0, 25.0, 90.0)
    np.testing.assert_array_equal(east == 0.0, drawn == 0.0)
    assert not np.allclose(east, drawn)


@pytest.mark.parametrize(
    ("index", "field"),
    [
        (np.full(23, 0.5), "clearness_index"),
        (np.full(24, -0.1), "clearness_index"),
        (np.full(24, np.nan), "clearness_index"),
        (np.full(24, 1.6), "clearness_index"),
    ],
)
def test_profile_under_given_sky_rejects_bad_sky(
    index: npt.NDArray[np.float64], field: str
) -> None:
    times = pd.date_range("2023-06-01", periods=24, freq="h", tz=TZ)
    with pytest.raises(PVInputError, match=field):
        pv_profile_from_clearness_kw_per_kwp(times, index, 34.26, 108.94, 400.0, 25.0, 180.0)


_SUNNY_WEEK = pd.date_range("2023-05-20", periods=24 * 7, freq="h", tz=TZ)
_BRIGHT_SKY = ClearnessParams(monthly_mean=(0.9,) * 12, maximum=1.5)


@settings(max_examples=25, deadline=None)
@given(
    scale=st.floats(0.0, 1.5, exclude_min=True),
    seed=st.integers(0, 2**32 - 1),
    dc_ac_ratio=st.floats(1.0, 1.5),
    bright=st.booleans(),
)
def test_output_never_exceeds_inverter_rating_for_any_scale(
    scale: float, seed: int, dc_ac_ratio: float, bright: bool
) -> None:
    # A cold, bright week (cloud enhancement up to k = 1.5) drives the DC side far above the
    # inverter; whatever the scale, the AC output stays within the rating.
    output = xian_profile(
        _SUNNY_WEEK,
        seed,
        clearness=_BRIGHT_SKY if bright else XIAN_CLEARNESS,
        ambient_temperature_c=-20.0,
        mean_clearness_scale=scale,
        dc_ac_ratio=dc_ac_ratio,
    )
    assert np.all(output >= 0.0)
    assert output.max() <= 1.0 / dc_ac_ratio + 1e-12


def test_bright_scale_reaches_but_never_passes_the_inverter_rating() -> None:
    output = xian_profile(
        _SUNNY_WEEK, 1, clearness=_BRIGHT_SKY, ambient_temperature_c=-20.0, mean_clearness_scale=1.5
    )
    assert output.max() == pytest.approx(1.0 / 1.2, rel=1e-12)
