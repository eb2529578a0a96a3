"""Time-of-use tariff bands, step prices and bills."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.tariff import (
    TariffInputError,
    TouPeriod,
    TouTariff,
    demand_charge_cny,
    energy_cost_cny,
    peak_valley_ratio,
    step_price_cny_per_kwh,
    tariff_from_ratios,
    tou_price_cny_per_kwh,
)

FLAT = 0.6


@pytest.fixture
def shaanxi() -> TouTariff:
    return tariff_from_ratios(FLAT)


@pytest.mark.parametrize(
    ("hour", "ratio"),
    [
        (0.0, 0.5),
        (6.99, 0.5),
        (7.0, 1.0),
        (8.0, 1.5),
        (11.49, 1.5),
        (11.5, 1.0),
        (18.49, 1.0),
        (18.5, 1.5),
        (22.99, 1.5),
        (23.0, 0.5),
        (23.75, 0.5),
        (24.0, 0.5),
        (31.0, 1.0),
        (-1.0, 0.5),
    ],
)
def test_default_shaanxi_bands(shaanxi: TouTariff, hour: float, ratio: float) -> None:
    assert float(tou_price_cny_per_kwh(hour, shaanxi)) == pytest.approx(FLAT * ratio)


def test_default_ratios_meet_the_national_three_to_one_rule(shaanxi: TouTariff) -> None:
    assert peak_valley_ratio(shaanxi) == pytest.approx(3.0)
    assert peak_valley_ratio(shaanxi) >= 3.0
    names = {p.name for p in shaanxi.periods}
    assert names == {"peak", "flat", "valley"}


def test_band_hours_add_up_to_a_day(shaanxi: TouTariff) -> None:
    minutes = np.arange(24 * 60) / 60.0
    prices = tou_price_cny_per_kwh(minutes, shaanxi)
    assert np.count_nonzero(np.isclose(prices, 1.5 * FLAT)) == 8 * 60
    assert np.count_nonzero(np.isclose(prices, 0.5 * FLAT)) == 8 * 60
    assert np.count_nonzero(np.isclose(prices, FLAT)) == 8 * 60


def test_period_wrapping_midnight() -> None:
    tariff = TouTariff(
        periods=(
            TouPeriod("night", "22:00", "06:00", 0.2),
            TouPeriod("day", "06:00", "22:00", 0.8),
        )
    )
    prices = tou_price_cny_per_kwh(np.array([21.9, 22.0, 23.5, 0.0, 5.99, 6.0]), tariff)
    np.testing.assert_allclose(prices, [0.8, 0.2, 0.2, 0.2, 0.2, 0.8])


def test_single_all_day_period_and_24_00_end() -> None:
    flat = TouTariff(periods=(TouPeriod("flat", "00:00", "24:00", 0.5),))
    np.testing.assert_allclose(tou_price_cny_per_kwh(np.arange(0, 24, 0.5), flat), 0.5)
    same = TouTariff(periods=(TouPeriod("flat", "07:00", "07:00", 0.5),))
    assert float(tou_price_cny_per_kwh(3.0, same)) == 0.5


def test_step_price_averages_across_a_boundary(shaanxi: TouTariff) -> None:
    hourly = step_price_cny_per_kwh(np.arange(24.0), 1.0, shaanxi)
    assert hourly[11] == pytest.approx(1.25 * FLAT)
    assert hourly[18] == pytest.approx(1.25 * FLAT)
    assert hourly[23] == pytest.approx(0.5 * FLAT)
    assert hourly.mean() == pytest.approx(FLAT)
    assert float(step_price_cny_per_kwh(23.0, 2.0, shaanxi)) == pytest.approx(0.5 * FLAT)
    assert float(step_price_cny_per_kwh(-1.0, 48.0, shaanxi)) == pytest.approx(FLAT)


@settings(max_examples=100, deadline=None)
@given(hour=st.floats(-48.0, 72.0), dt=st.sampled_from([0.25, 0.5, 1.0, 3.0]))
def test_step_price_lies_between_band_prices(hour: float, dt: float) -> None:
    tariff = tariff_from_ratios(FLAT)
    price = float(step_price_cny_per_kwh(hour, dt, tariff))
    assert 0.5 * FLAT - 1e-9 <= price <= 1.5 * FLAT + 1e-9
    if dt == 0.25 and hour * 4 == int(hour * 4):
        assert price == pytest.approx(float(tou_price_cny_per_kwh(hour, tariff)))


@pytest.mark.parametrize(
    ("periods", "match"),
    [
        ((TouPeriod("a", "00:00", "12:00", 1.0),), "stop at 12:00"),
        ((TouPeriod("a", "00:00", "13:00", 1.0), TouPeriod("b", "12:00", "24:00", 1.0)), "overlap"),
        ((TouPeriod("a", "00:00", "11:00", 1.0), TouPeriod("b", "12:00", "24:00", 1.0)), "gap"),
    ],
)
def test_periods_must_cover_the_day_once(periods: tuple[TouPeriod, ...], match: str) -> None:
    with pytest.raises(TariffInputError, match=match):
        TouTariff(periods=periods)


@pytest.mark.parametrize("clock", ["8:00", "25:00", "12:60", "24:30", "noon"])
def test_bad_clock_times_are_named(clock: str) -> None:
    with pytest.raises(TariffInputError, match="start"):
        TouPeriod("peak", clock, "12:00", 1.0)


def test_bad_prices_and_overlapping_ratio_bands() -> None:
    with pytest.raises(TariffInputError, match="price_cny_per_kwh"):
        TouPeriod("peak", "08:00", "12:00", -1.0)
    with pytest.raises(TariffInputError, match="peak_ratio"):
        tariff_from_ratios(0.6, peak_ratio=float("nan"))
    with pytest.raises(TariffInputError, match="overlap"):
        tariff_from_ratios(0.6, peak_periods=(("06:00", "12:00"),))
    with pytest.raises(TariffInputError, match="demand_charge"):
        tariff_from_ratios(0.6, demand_charge_cny_per_kw_month=-3.0)


def test_energy_cost_is_import_charge_minus_export_revenue() -> None:
    cost = energy_cost_cny([10.0, 0.0], [0.0, 4.0], [0.5, 0.5], 0.3, 0.25)
    np.testing.assert_allclose(cost, [1.25, -0.3])
    with pytest.raises(TariffInputError, match="import_kw"):
        energy_cost_cny([-1.0], [0.0], [0.5], 0.3, 1.0)


def test_demand_charge_sums_each_period_peak() -> None:
    imports = np.array([5.0, 7.0, 3.0, 9.0, 2.0])
    periods = np.array([0, 0, 1, 1, 1])
    assert demand_charge_cny(imports, periods, 10.0) == pytest.approx(160.0)
    assert demand_charge_cny(np.zeros(0), np.zeros(0, dtype=int), 10.0) == 0.0
    with pytest.raises(TariffInputError, match="billing_period"):
        demand_charge_cny(imports, np.zeros(5), 10.0)
