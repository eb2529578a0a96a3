"""Tests of the energy and CO2 accounting functions.

The textbook case used throughout: a firm draws 1,000 MWh from the grid and burns 100 t of raw coal
and 10,000 m3 of natural gas in a year. With the GB/T 2589-2020 coefficients:

- electricity, equivalent value:   1,000,000 kWh x 0.1229 kgce/kWh = 122,900 kgce = 122.900 tce
- electricity, thermal-equivalent: 1,000,000 kWh x 0.30 kgce/kWh   = 300,000 kgce = 300.000 tce
- coal:                              100,000 kg x 0.7143 kgce/kg    =  71,430 kgce =  71.430 tce
- gas:                                10,000 m3 x 1.2143 kgce/m3    =  12,143 kgce =  12.143 tce

so 206.473 tce (equivalent) and 383.573 tce (thermal-equivalent).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.accounting import (
    DEFAULT_EMISSION_FACTORS,
    GB_T_2589_2020,
    AccountingInputError,
    ConversionFactors,
    EmissionFactors,
    counted_energy_use_tce,
    electricity_tce,
    energy_use_tce,
    exclusion_applies_to_intensity,
    intensity_change,
    intensity_per_value_added,
    renewable_exclusion_tce,
    scope1_tco2,
    scope2_location_tco2,
    scope2_market_tco2,
    target_progress,
)

GRID_KWH = 1_000_000.0
COAL_KG = 100_000.0
GAS_M3 = 10_000.0
EQUIVALENT_TOTAL_TCE = 122.9 + 71.43 + 12.143
THERMAL_TOTAL_TCE = 300.0 + 71.43 + 12.143
FUELS_TCE = 71.43 + 12.143


# -- energy use --------------------------------------------------------------------------------


def test_energy_use_equivalent_textbook_case() -> None:
    result = energy_use_tce(GRID_KWH, COAL_KG, GAS_M3, convention="equivalent")
    assert result == pytest.approx(206.473, abs=1e-9)
    assert result == pytest.approx(EQUIVALENT_TOTAL_TCE, abs=1e-9)
    assert isinstance(result, np.ndarray) and result.dtype == np.float64


def test_energy_use_thermal_equivalent_textbook_case() -> None:
    result = energy_use_tce(GRID_KWH, COAL_KG, GAS_M3, convention="thermal_equivalent")
    assert result == pytest.approx(383.573, abs=1e-9)
    assert result == pytest.approx(THERMAL_TOTAL_TCE, abs=1e-9)


def test_purchased_heat_counts_at_0_03412_kgce_per_mj() -> None:
    # 1,000 GJ of steam = 1,000,000 MJ x 0.03412 kgce/MJ = 34,120 kgce = 34.12 tce
    result = energy_use_tce(0.0, 0.0, 0.0, 1_000_000.0, convention="equivalent")
    assert result == pytest.approx(34.12, abs=1e-9)


def test_electricity_tce_per_convention() -> None:
    assert electricity_tce(GRID_KWH, convention="equivalent") == pytest.approx(122.9)
    assert electricity_tce(GRID_KWH, convention="thermal_equivalent") == pytest.approx(300.0)


def test_energy_use_vectorised_over_firms() -> None:
    grid = np.array([GRID_KWH, 0.0, 2 * GRID_KWH])
    coal = np.array([COAL_KG, COAL_KG, 0.0])
    gas = np.array([GAS_M3, 0.0, 0.0])
    result = energy_use_tce(grid, coal, gas, convention="equivalent")
    np.testing.assert_allclose(result, [206.473, 71.43, 245.8], atol=1e-9)


def test_custom_conversion_factors_are_used() -> None:
    high_calorific_gas = ConversionFactors(natural_gas_kgce_per_m3=1.33)
    result = energy_use_tce(0.0, 0.0, GAS_M3, convention="equivalent", factors=high_calorific_gas)
    assert result == pytest.approx(13.3)


def test_default_factors_are_gb_t_2589_2020() -> None:
    assert GB_T_2589_2020.electricity_kgce_per_kwh("equivalent") == 0.1229
    assert GB_T_2589_2020.electricity_kgce_per_kwh("thermal_equivalent") == 0.30
    assert GB_T_2589_2020.raw_coal_kgce_per_kg == 0.7143
    assert GB_T_2589_2020.natural_gas_kgce_per_m3 == 1.2143
    assert GB_T_2589_2020.heat_kgce_per_mj == 0.03412


# -- renewable exclusion -------------------------------------------------------------------------


def test_full_exclusion_deducts_all_certified_green_power() -> None:
    # 400 MWh certified: 400,000 kWh x 0.1229 = 49,160 kgce = 49.16 tce
    total = energy_use_tce(GRID_KWH, COAL_KG, GAS_M3, convention="equivalent")
    deduction = renewable_exclusion_tce(
        400_000.0, grid_electricity_kwh=GRID_KWH, convention="equivalent", rule="full"
    )
    counted = counted_energy_use_tce(
        total, 400_000.0, grid_electricity_kwh=GRID_KWH, convention="equivalent", rule="full"
    )
    assert deduction == pytest.approx(49.16)
    assert counted == pytest.approx(206.473 - 49.16)


def test_increment_rule_deducts_only_the_increase_over_the_base_year() -> None:
    # 400 MWh now, 150 MWh in the base year: 250,000 kWh x 0.1229 = 30.725 tce
    total = energy_use_tce(GRID_KWH, COAL_KG, GAS_M3, convention="equivalent")
    counted = counted_energy_use_tce(
        total,
        400_000.0,
        grid_electricity_kwh=GRID_KWH,
        convention="equivalent",
        rule="increment_over_base",
        base_green_kwh=150_000.0,
    )
    assert counted == pytest.approx(206.473 - 30.725)


def test_increment_rule_deducts_nothing_when_green_power_fell() -> None:
    deduction = renewable_exclusion_tce(
        100_000.0,
        grid_electricity_kwh=GRID_KWH,
        convention="equivalent",
        rule="increment_over_base",
        base_green_kwh=150_000.0,
    )
    assert deduction == 0.0


def test_rule_none_deducts_nothing() -> None:
    total = energy_use_tce(GRID_KWH, COAL_KG, GAS_M3, convention="equivalent")
    counted = counted_energy_use_tce(
        total, 400_000.0, grid_electricity_kwh=GRID_KWH, convention="equivalent", rule="none"
    )
    assert counted == pytest.approx(206.473)


def test_thermal_equivalent_exclusion_uses_the_thermal_coefficient() -> None:
    # 400,000 kWh x 0.30 = 120 tce
    total = energy_use_tce(GRID_KWH, COAL_KG, GAS_M3, convention="thermal_equivalent")
    counted = counted_energy_use_tce(
        total,
        400_000.0,
        grid_electricity_kwh=GRID_KWH,
        convention="thermal_equivalent",
        rule="full",
    )
    assert counted == pytest.approx(383.573 - 120.0)


def test_exclusion_never_goes_below_the_fuel_part() -> None:
    # certificates for 1,500 MWh but only 1,000 MWh drawn: deduction capped at 122.9 tce
    total = energy_use_tce(GRID_KWH, COAL_KG, GAS_M3, convention="equivalent")
    counted = counted_energy_use_tce(
        total, 1_500_000.0, grid_electricity_kwh=GRID_KWH, convention="equivalent", rule="full"
    )
    assert counted == pytest.approx(FUELS_TCE)


def test_exclusion_applies_to_intensity_only_under_the_2024_rule() -> None:
    assert exclusion_applies_to_intensity("full") is True
    assert exclusion_applies_to_intensity("increment_over_base") is False
    assert exclusion_applies_to_intensity("none") is False


def test_counted_rejects_total_smaller_than_its_electricity_part() -> None:
    with pytest.raises(AccountingInputError, match="energy_use_tce"):
        counted_energy_use_tce(
            100.0, 0.0, grid_electricity_kwh=GRID_KWH, convention="equivalent", rule="full"
        )


# -- CO2 -----------------------------------------------------------------------------------------


def test_scope1_textbook_case() -> None:
    # 100 t x 1.900 tCO2/t + 10 (1,000 m3) x 2.165 tCO2/1,000 m3 = 190 + 21.65 = 211.65 tCO2
    assert scope1_tco2(COAL_KG, GAS_M3) == pytest.approx(211.65)


def test_scope1_with_other_factors() -> None:
    factors = EmissionFactors(raw_coal_tco2_per_t=2.0, natural_gas_tco2_per_1000m3=2.0)
    assert scope1_tco2(COAL_KG, GAS_M3, factors) == pytest.approx(220.0)


def test_scope2_location_textbook_case() -> None:
    # 1,000 MWh x 0.5366 tCO2/MWh (national 2022) = 536.6 tCO2
    assert scope2_location_tco2(GRID_KWH, 0.5366) == pytest.approx(536.6)


def test_scope2_market_counts_certified_green_power_as_zero() -> None:
    # (1,000 - 400) MWh x 0.5366 = 321.96 tCO2
    assert scope2_market_tco2(GRID_KWH, 400_000.0, 0.5366) == pytest.approx(321.96)


def test_scope2_market_is_never_negative() -> None:
    assert scope2_market_tco2(GRID_KWH, 1_500_000.0, 0.5366) == 0.0


def test_scope2_grid_factor_may_vary_per_firm() -> None:
    result = scope2_location_tco2(np.array([GRID_KWH, GRID_KWH]), np.array([0.5366, 0.5543]))
    np.testing.assert_allclose(result, [536.6, 554.3])


# -- intensities and targets ---------------------------------------------------------------------


def test_intensity_per_value_added() -> None:
    # 206.473 tce over 1,000 x 10^4 CNY = 0.206473 tce per 10^4 CNY
    assert intensity_per_value_added(206.473, 1_000.0) == pytest.approx(0.206473)


def test_intensity_with_zero_value_added_is_nan_without_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = intensity_per_value_added(np.array([10.0, 10.0]), np.array([0.0, 5.0]))
    assert np.isnan(result[0])
    assert result[1] == pytest.approx(2.0)


def test_intensity_change() -> None:
    assert intensity_change(0.865, 1.0) == pytest.approx(-0.135)
    assert intensity_change(1.2, 1.0) == pytest.approx(0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(intensity_change(1.0, 0.0))


def test_target_progress_on_a_straight_line_path() -> None:
    # 2023 is 3/5 of the way from 2020 to 2025: required -13.5 % x 0.6 = -8.1 %
    progress = target_progress(1.0, 0.9, base_year=2020, year=2023)
    assert progress.change_achieved == pytest.approx(-0.1)
    assert progress.change_required == pytest.approx(-0.081)
    assert bool(progress.on_track) is True


def test_target_progress_behind_the_target_in_the_target_year() -> None:
    progress = target_progress(1.0, 0.87, base_year=2020, year=2025)
    assert progress.change_achieved == pytest.approx(-0.13)
    assert progress.change_required == pytest.approx(-0.135)
    assert bool(progress.on_track) is False


def test_target_progress_holds_the_target_after_the_target_year() -> None:
    progress = target_progress(1.0, 0.86, base_year=2020, year=2028)
    assert progress.change_required == pytest.approx(-0.135)
    assert bool(progress.on_track) is True


def test_target_progress_in_the_base_year_requires_no_change() -> None:
    progress = target_progress(1.0, 1.0, base_year=2020, year=2020)
    assert progress.change_required == 0.0
    assert bool(progress.on_track) is True


def test_target_progress_vectorised_with_an_undefined_base() -> None:
    progress = target_progress(
        np.array([1.0, 2.0, 0.0]),
        np.array([0.95, 1.5, 1.0]),
        base_year=2020,
        year=2022,
        target_change=-0.10,
    )
    # required -10 % x 2/5 = -4 %; achieved -5 %, -25 %, undefined
    np.testing.assert_allclose(progress.change_required, [-0.04, -0.04, -0.04])
    np.testing.assert_allclose(progress.change_achieved[:2], [-0.05, -0.25])
    assert np.isnan(progress.change_achieved[2])
    np.testing.assert_array_equal(progress.on_track, [True, True, False])
    with pytest.raises(ValueError):
        progress.on_track[0] = False  # results are read-only


def test_target_progress_increase_target() -> None:
    # a share to raise by 20 % by 2030 from 2020: in 2025 half of it, +10 %
    ahead = target_progress(0.5, 0.56, base_year=2020, year=2025, target_change=0.2,
                            target_year=2030)
    behind = target_progress(0.5, 0.52, base_year=2020, year=2025, target_change=0.2,
                             target_year=2030)
    assert ahead.change_required == pytest.approx(0.1)
    assert bool(ahead.on_track) is True
    assert bool(behind.on_track) is False


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"base_year": 2020, "year": 2019}, "year"),
        ({"base_year": 2020, "year": 2021, "target_year": 2020}, "target_year"),
        ({"base_year": 2020.0, "year": 2021}, "base_year"),
        ({"base_year": 2020, "year": True}, "year"),
        ({"base_year": 2020, "year": 2021, "target_change": -1.5}, "target_change"),
    ],
)
def test_target_progress_rejects_bad_years_and_targets(
    kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(AccountingInputError, match=field):
        target_progress(1.0, 0.9, **kwargs)  # type: ignore[arg-type]


# -- bad input -----------------------------------------------------------------------------------


def test_negative_quantity_names_the_field_and_value() -> None:
    with pytest.raises(AccountingInputError, match=r"coal_kg .*-5\.0"):
        energy_use_tce(1.0, np.array([1.0, -5.0]), 0.0, convention="equivalent")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "ten"])
def test_non_finite_or_non_numeric_quantity_is_rejected(bad: object) -> None:
    with pytest.raises(AccountingInputError, match="gas_m3"):
        energy_use_tce(1.0, 1.0, bad, convention="equivalent")  # type: ignore[arg-type]


def test_unknown_convention_lists_the_allowed_ones() -> None:
    with pytest.raises(AccountingInputError, match="equivalent, thermal_equivalent"):
        energy_use_tce(1.0, 1.0, 1.0, convention="primary")  # type: ignore[arg-type]


def test_unknown_rule_lists_the_allowed_ones() -> None:
    with pytest.raises(AccountingInputError, match="none, increment_over_base, full"):
        renewable_exclusion_tce(
            1.0, grid_electricity_kwh=1.0, convention="equivalent", rule="all"  # type: ignore[arg-type]
        )


def test_shapes_that_do_not_broadcast_are_named() -> None:
    with pytest.raises(AccountingInputError, match=r"grid_electricity_kwh \(2,\).*coal_kg \(3,\)"):
        energy_use_tce(np.ones(2), np.ones(3), 0.0, convention="equivalent")


def test_negative_value_added_is_rejected() -> None:
    with pytest.raises(AccountingInputError, match="value_added_10k_cny"):
        intensity_per_value_added(1.0, -1.0)


@pytest.mark.parametrize("bad", [0.0, -0.1, float("nan"), True])
def test_factor_dataclasses_reject_non_positive_factors(bad: object) -> None:
    with pytest.raises(AccountingInputError, match="raw_coal_kgce_per_kg"):
        ConversionFactors(raw_coal_kgce_per_kg=bad)  # type: ignore[arg-type]
    with pytest.raises(AccountingInputError, match="raw_coal_tco2_per_t"):
        EmissionFactors(raw_coal_tco2_per_t=bad)  # type: ignore[arg-type]


# -- properties ----------------------------------------------------------------------------------

quantities = st.floats(min_value=0.0, max_value=1e9, allow_nan=False, allow_infinity=False)
increments = st.floats(min_value=0.0, max_value=1e9, allow_nan=False, allow_infinity=False)
grid_factors = st.floats(min_value=0.0, max_value=2.0, allow_nan=False, allow_infinity=False)
conventions = st.sampled_from(["equivalent", "thermal_equivalent"])
rules = st.sampled_from(["none", "increment_over_base", "full"])


@given(quantities, quantities, quantities, quantities, increments, st.integers(0, 3), conventions)
def test_energy_use_is_monotone_in_every_input(
    grid: float, coal: float, gas: float, heat: float, step: float, which: int, convention: str
) -> None:
    inputs = [grid, coal, gas, heat]
    more = list(inputs)
    more[which] += step
    assert energy_use_tce(*more, convention=convention) >= energy_use_tce(  # type: ignore[arg-type]
        *inputs, convention=convention  # type: ignore[arg-type]
    )


@given(quantities, quantities, quantities, quantities)
def test_thermal_equivalent_counts_at_least_as_much_as_equivalent(
    grid: float, coal: float, gas: float, heat: float
) -> None:
    thermal = energy_use_tce(grid, coal, gas, heat, convention="thermal_equivalent")
    assert thermal >= energy_use_tce(grid, coal, gas, heat, convention="equivalent")


@given(quantities, quantities, quantities, quantities, quantities, conventions, rules)
def test_counted_energy_use_lies_between_fuels_and_total(
    grid: float, coal: float, gas: float, green: float, base: float, convention: str, rule: str
) -> None:
    total = energy_use_tce(grid, coal, gas, convention=convention)  # type: ignore[arg-type]
    counted = counted_energy_use_tce(
        total,
        green,
        grid_electricity_kwh=grid,
        convention=convention,  # type: ignore[arg-type]
        rule=rule,  # type: ignore[arg-type]
        base_green_kwh=base,
    )
    fuels = energy_use_tce(0.0, coal, gas, convention=convention)  # type: ignore[arg-type]
    assert counted <= total
    assert counted >= fuels * (1 - 1e-12) - 1e-9


@given(quantities, quantities, quantities, conventions)
def test_rules_are_ordered_full_over_increment_over_none(
    grid: float, green: float, base: float, convention: str
) -> None:
    def deduction(rule: str) -> float:
        return float(
            renewable_exclusion_tce(
                green,
                grid_electricity_kwh=grid,
                convention=convention,  # type: ignore[arg-type]
                rule=rule,  # type: ignore[arg-type]
                base_green_kwh=base,
            )
        )

    assert deduction("full") >= deduction("increment_over_base") >= deduction("none") == 0.0


@given(quantities, quantities, increments, grid_factors)
def test_exclusion_grows_with_certified_green_power(
    grid: float, green: float, step: float, factor: float
) -> None:
    def deduction(amount: float) -> float:
        return float(
            renewable_exclusion_tce(
                amount, grid_electricity_kwh=grid, convention="equivalent", rule="full"
            )
        )

    assert deduction(green + step) >= deduction(green)


@given(quantities, quantities, grid_factors)
def test_scope2_market_never_exceeds_location(grid: float, green: float, factor: float) -> None:
    market = scope2_market_tco2(grid, green, factor)
    assert 0.0 <= market <= scope2_location_tco2(grid, factor)


@given(quantities, quantities, grid_factors, increments, st.integers(0, 2))
def test_scope2_market_is_monotone(
    grid: float, green: float, factor: float, step: float, which: int
) -> None:
    base = float(scope2_market_tco2(grid, green, factor))
    if which == 0:
        assert scope2_market_tco2(grid + step, green, factor) >= base
    elif which == 1:
        assert scope2_market_tco2(grid, green + step, factor) <= base
    else:
        assert scope2_market_tco2(grid, green, factor + step) >= base


@given(quantities, quantities, increments, st.booleans())
def test_scope1_is_monotone(coal: float, gas: float, step: float, more_coal: bool) -> None:
    before = scope1_tco2(coal, gas)
    after = scope1_tco2(coal + step, gas) if more_coal else scope1_tco2(coal, gas + step)
    assert after >= before


@given(
    st.lists(
        st.tuples(quantities, quantities, quantities, quantities, quantities, grid_factors),
        min_size=1,
        max_size=20,
    ),
    conventions,
    rules,
)
def test_vectorised_equals_scalar(
    rows: list[tuple[float, float, float, float, float, float]], convention: str, rule: str
) -> None:
    grid, coal, gas, green, base, factor = (np.array(column) for column in zip(*rows, strict=True))
    kwargs = {"convention": convention, "rule": rule}
    total = energy_use_tce(grid, coal, gas, convention=convention)  # type: ignore[arg-type]
    counted = counted_energy_use_tce(
        total, green, grid_electricity_kwh=grid, base_green_kwh=base, **kwargs  # type: ignore[arg-type]
    )
    scope1 = scope1_tco2(coal, gas)
    location = scope2_location_tco2(grid, factor)
    market = scope2_market_tco2(grid, green, factor)
    for i, (g, c, s, gr, b, f) in enumerate(rows):
        one_total = energy_use_tce(g, c, s, convention=convention)  # type: ignore[arg-type]
        assert total[i] == one_total
        assert counted[i] == counted_energy_use_tce(
            one_total, gr, grid_electricity_kwh=g, base_green_kwh=b, **kwargs  # type: ignore[arg-type]
        )
        assert scope1[i] == scope1_tco2(c, s)
        assert location[i] == scope2_location_tco2(g, f)
        assert market[i] == scope2_market_tco2(g, gr, f)


@given(st.lists(st.tuples(quantities, quantities), min_size=1, max_size=20))
def test_intensity_vectorised_equals_scalar(rows: list[tuple[float, float]]) -> None:
    amount, value_added = (np.array(column) for column in zip(*rows, strict=True))
    vector = intensity_per_value_added(amount, value_added)
    for i, (q, v) in enumerate(rows):
        np.testing.assert_array_equal(vector[i], intensity_per_value_added(q, v))


def test_default_emission_factors_match_their_derivation() -> None:
    # NCV x carbon content x oxidation x 44/12, as written in the factor's source
    coal = 20.908 * 26.37e-3 * 0.94 * 44 / 12
    gas = 38.931 * 15.32e-3 * 0.99 * 44 / 12
    assert coal == pytest.approx(1.900, abs=5e-4)
    assert gas == pytest.approx(2.165, abs=5e-4)
    assert DEFAULT_EMISSION_FACTORS.raw_coal_tco2_per_t == pytest.approx(coal, abs=5e-4)
    assert DEFAULT_EMISSION_FACTORS.natural_gas_tco2_per_1000m3 == pytest.approx(gas, abs=5e-4)
