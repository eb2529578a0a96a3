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
