"""Carbon-market accounting: covered emissions, intensity allocation, offsets, certificates."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from agents.accounting import GB_T_2589_2020
from agents.carbon_accounting import (
    benchmark_year_factor,
    certificate_deductions,
    convert_abatement,
    covered_emissions_tco2,
    intensity_allocation_tco2,
    offset_limit_tco2,
)

COEF_TCE_PER_KWH = GB_T_2589_2020.electricity_kgce_per_kwh("equivalent") / 1000.0


def test_allocation_is_benchmark_times_output() -> None:
    free = intensity_allocation_tco2([1000.0, 250.0, 0.0], [0.8, 1.6, 0.8])
    np.testing.assert_allclose(free, [800.0, 400.0, 0.0])
    tightened = intensity_allocation_tco2([1000.0], [0.8], benchmark_year_factor(-0.02, 2))
    assert tightened[0] == pytest.approx(800.0 * 0.98**2)


def test_offsets_are_limited_to_a_share_of_verified_emissions() -> None:
    np.testing.assert_allclose(offset_limit_tco2([1000.0, -5.0], 0.05), [50.0, 0.0])


def test_direct_coverage_ignores_electricity_and_certificates() -> None:
    direct = covered_emissions_tco2(
        [10.0], [5000.0], [5000.0], 0.5, include_scope2=False, certificates_zero_scope2=True
    )
    assert direct[0] == 10.0
    location = covered_emissions_tco2(
        [10.0], [5000.0], [2000.0], 0.5, include_scope2=True, certificates_zero_scope2=False
    )
    market = covered_emissions_tco2(
        [10.0], [5000.0], [2000.0], 0.5, include_scope2=True, certificates_zero_scope2=True
    )
    assert location[0] == pytest.approx(12.5)  # 5 MWh x 0.5
    assert market[0] == pytest.approx(11.5)  # (5 - 2) MWh x 0.5


def test_curtailment_converts_at_the_whole_ratio_other_options_at_the_fuel_ratio() -> None:
    abated = np.array([[10.0, 4.0]])
    curtail = np.array([[True, False]])
    out = convert_abatement(abated, curtail, np.array([7.0]), np.array([2.5]))
    assert out[0] == pytest.approx(10.0 * 7.0 + 4.0 * 2.5)


kwh = arrays(np.float64, 6, elements=st.floats(0.0, 1e7, allow_nan=False))


def deduct(
    certified: np.ndarray, grid: np.ndarray, factor: float, on: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    return certificate_deductions(
        certified,
        grid,
        factor,
        convention="equivalent",
        factors=GB_T_2589_2020,
        count_in_energy=on,
        count_in_scope2=on,
    )


@settings(max_examples=200, deadline=None)
@given(certified=kwh, grid=kwh, factor=st.floats(0.0, 1.2))
def test_a_certificate_counts_once_in_each_account_and_never_beyond_own_grid(
    certified: np.ndarray, grid: np.ndarray, factor: float
) -> None:
    energy, scope2 = deduct(certified, grid, factor)
    eligible_kwh = np.minimum(certified, grid)
    # Each account deducts the same eligible green power, once, at its own factor.
    np.testing.assert_allclose(energy, eligible_kwh * COEF_TCE_PER_KWH, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(scope2, eligible_kwh / 1000.0 * factor, rtol=1e-9, atol=1e-6)
    # Never more than the firm's own electricity in either account.
    assert np.all(energy <= grid * COEF_TCE_PER_KWH * (1 + 1e-12) + 1e-12)
    assert np.all(scope2 <= grid / 1000.0 * factor * (1 + 1e-12) + 1e-9)
    # A firm's certificates lower only its own accounts: moving one firm's certificates to
    # another changes nothing for the rest.
    moved = certified.copy()
    moved[0], moved[1] = 0.0, certified[1] + certified[0]
    energy2, scope22 = deduct(moved, grid, factor)
    np.testing.assert_array_equal(energy2[2:], energy[2:])
    np.testing.assert_array_equal(scope22[2:], scope2[2:])
    # Switched off, an account deducts nothing.
    off_energy, off_scope2 = deduct(certified, grid, factor, on=False)
    assert not off_energy.any() and not off_scope2.any()
