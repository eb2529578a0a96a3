"""Textbook cases for the asset economics formulas."""

from __future__ import annotations

import math

import pytest

from agents.economics import (
    EconomicsInputError,
    annualised_cost_cny_per_yr,
    capital_recovery_factor,
    discounted_payback_yr,
    levelised_cost_cny_per_mwh,
    npv_cny,
)


def test_capital_recovery_factor_textbook_values() -> None:
    assert capital_recovery_factor(0.06, 25) == pytest.approx(0.078227, abs=1e-6)
    assert capital_recovery_factor(0.10, 10) == pytest.approx(0.162745, abs=1e-6)
    assert capital_recovery_factor(0.0, 20) == pytest.approx(0.05)


def test_pv_lcoe_of_a_known_system() -> None:
    # 1 MWp at 3,500 CNY/kWp, 50 CNY/kWp/yr O&M, 6 %, 25 years, 1,200 kWh/kWp a year.
    annual = annualised_cost_cny_per_yr(3_500_000.0, 50_000.0, 0.06, 25)
    assert annual == pytest.approx(3_500_000.0 * 0.0782267 + 50_000.0, rel=1e-6)
    assert levelised_cost_cny_per_mwh(annual, 1200.0) == pytest.approx(269.8, abs=0.1)
    assert levelised_cost_cny_per_mwh(annual, 0.0) is None


def test_npv_and_payback_of_a_constant_cash_flow() -> None:
    # 1,000 repaid by 250 a year: 4 years undiscounted; at 10 % the annuity takes longer.
    assert discounted_payback_yr(1000.0, 250.0, 0.0, 10) == pytest.approx(4.0)
    years = discounted_payback_yr(1000.0, 250.0, 0.10, 10)
    assert years is not None
    assert sum(250.0 / 1.1**k for k in range(1, 6)) < 1000.0 + 250.0 / 1.1**6
    assert 5.0 < years < 6.0
    assert npv_cny(1000.0, 250.0, 0.0, 0.10, years) == pytest.approx(0.0, abs=1e-6)
    assert npv_cny(1000.0, 300.0, 50.0, 0.0, 10) == pytest.approx(1500.0)


def test_payback_is_none_when_the_asset_never_repays() -> None:
    assert discounted_payback_yr(1000.0, 50.0, 0.06, 10) is None  # 500 in 10 years
    assert discounted_payback_yr(1000.0, 60.0, 0.06, 30) is None  # interest exceeds the cash
    assert discounted_payback_yr(1000.0, -5.0, 0.06, 30) is None
    assert discounted_payback_yr(0.0, 0.0, 0.06, 30) == 0.0


@pytest.mark.parametrize(("rate", "life"), [(-0.1, 10), (0.06, 0.0), (math.nan, 10), (2.0, 5)])
def test_bad_inputs_are_refused(rate: float, life: float) -> None:
    with pytest.raises(EconomicsInputError):
        capital_recovery_factor(rate, life)
