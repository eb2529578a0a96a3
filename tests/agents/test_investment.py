"""Investment appraisal."""

from __future__ import annotations

import numpy as np
import pytest

from agents.investment import (
    InvestmentInputError,
    adopt_when_cheaper,
    annuity_factor,
    pv_npv_cny_per_kwp,
)


def test_annuity_factor_known_values() -> None:
    # (1 - 1.06^-25) / 0.06 = 12.78336
    assert annuity_factor(0.06, 25) == pytest.approx(12.78336, rel=1e-6)
    assert annuity_factor(0.0, 10) == 10.0
    with pytest.raises(InvestmentInputError, match="rate"):
        annuity_factor(-0.1, 5)


def test_pv_npv_hand_example() -> None:
    # 1,200 kWh/kWp x 0.5 CNY/kWh = 600 CNY/yr, minus 50 O&M = 550; x 12.78336 = 7,030.85;
    # minus 3,500 capex = 3,530.85 CNY/kWp.
    npv = pv_npv_cny_per_kwp([1200.0, 300.0], 0.5, 3500.0, 50.0, 0.06, 25)
    assert npv[0] == pytest.approx(550 * 12.78336 - 3500, rel=1e-6)
    assert npv[1] < 0.0


def test_adopt_when_cheaper() -> None:
    got = adopt_when_cheaper([100.0, 500.0, np.inf, -20.0], 300.0)
    assert got.tolist() == [True, False, False, True]
    assert adopt_when_cheaper([-1.0, 1.0], float("nan")).tolist() == [True, False]


def test_battery_arbitrage_value_is_one_cycle_a_day_net_of_losses_and_wear() -> None:
    from agents.investment import battery_arbitrage_value_cny_per_kwh, battery_npv_cny_per_kwh

    # Lossless, no wear: half the nameplate usable, bought at 0.2 and displacing 1.0.
    ideal = battery_arbitrage_value_cny_per_kwh([1.0], [0.2], [1.0], 0.5, 1.0, 1.0, 0.0)
    assert ideal == pytest.approx(0.4)
    # Losses and wear shrink it; a day whose spread does not pay is skipped, not negative.
    real = battery_arbitrage_value_cny_per_kwh(
        [1.0, 0.5], [0.2, 0.49], [2.0, 1.0], 0.5, 0.9, 0.9, 0.05
    )
    assert real == pytest.approx(2.0 * 0.5 * (0.9 - 0.2 / 0.9 - 0.1))
    assert battery_npv_cny_per_kwh(100.0, 500.0, 0.0, 0.0, 10) == pytest.approx(500.0)
