"""Representative days: a few simulated days per month stand for the whole month."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from market.build import simulation_times
from market.config import parse_config
from market.runner import simulate

SCENARIO: dict[str, Any] = {
    "name": "rep",
    "seed": 3,
    "time": {"start": "2025-01-01T00:00:00", "horizon_h": 8760},
    "parks": [
        {
            "name": "p",
            "grid": {"connection_limit_kw": 100000},
            "firms": [
                {"name": "a", "sector": "textiles", "assets": {"pv_kwp": 2000}},
                {"name": "b", "sector": "ceramics", "schedule": "continuous"},
            ],
        }
    ],
}


def test_times_and_weights_cover_each_month_exactly() -> None:
    data = copy.deepcopy(SCENARIO)
    data["time"]["representative_days_per_month"] = 2
    config = parse_config(data)
    times, weight = simulation_times(config, "Asia/Shanghai")
    assert times.size == 12 * 2 * 24
    # February 2025 has 28 days: days 7 and 21 (0-based 7, 21 → the 8th and the 22nd).
    feb = times[times.month == 2]
    assert sorted(set(feb.day)) == [8, 22]
    # Weighted hours add up to the calendar: 8,760 h in 2025.
    assert weight.sum() == pytest.approx(365.0 * 24.0)
    np.testing.assert_allclose(weight[times.month == 2], 14.0)


def test_weighted_totals_estimate_the_full_year() -> None:
    full = simulate(parse_config(SCENARIO)).summary
    data = copy.deepcopy(SCENARIO)
    data["time"]["representative_days_per_month"] = 4
    rep = simulate(parse_config(data)).summary
    for key in ("load_kwh", "pv_kwh", "energy_use_tce"):
        a, b = full["parks"]["p"][key], rep["parks"]["p"][key]
        assert b == pytest.approx(a, rel=0.08), key
    assert set(rep["years"]) == {"2025"}
