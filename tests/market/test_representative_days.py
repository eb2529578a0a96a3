"""Representative days: a few simulated days per month stand for the whole month."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
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
    # February 2025: its middle weekday (Friday the 14th) stands for its 20 weekdays, its
    # middle Saturday (the 8th) for its 4 Saturdays and 4 Sundays.
    feb = times[times.month == 2]
    assert sorted(set(feb.day)) == [8, 14]
    # Weighted hours add up to the calendar: 8,760 h in 2025.
    assert weight.sum() == pytest.approx(365.0 * 24.0)
    np.testing.assert_allclose(weight[(times.month == 2) & (times.day == 14)], 20.0)
    np.testing.assert_allclose(weight[(times.month == 2) & (times.day == 8)], 8.0)


def test_weighted_totals_estimate_the_full_year() -> None:
    full = simulate(parse_config(SCENARIO)).summary
    data = copy.deepcopy(SCENARIO)
    data["time"]["representative_days_per_month"] = 4
    rep = simulate(parse_config(data)).summary
    for key in ("load_kwh", "pv_kwh", "energy_use_tce"):
        a, b = full["parks"]["p"][key], rep["parks"]["p"][key]
        assert b == pytest.approx(a, rel=0.08), key
    assert set(rep["years"]) == {"2025"}


@pytest.mark.parametrize("k", [3, 5])
def test_every_year_keeps_its_output_value_added_and_day_mix(k: int) -> None:
    """2025-2027 on k days a month: each year's output, value added, process electricity and
    days of each type equal the calendar year's (demand noise off, so only sampling counts)."""
    from market.representative_days import day_type

    data = copy.deepcopy(SCENARIO)
    data["time"] = {
        "start": "2025-01-01T00:00:00",
        "horizon_h": 24 * (365 + 366 + 365),
        "representative_days_per_month": k,
    }
    firms = [
        {"name": "two", "sector": "textiles", "demand_noise_frac": 0.0},
        {"name": "one", "sector": "electronics", "schedule": "one_shift", "demand_noise_frac": 0.0},
        {"name": "cont", "sector": "cement", "demand_noise_frac": 0.0},
    ]
    data["parks"][0]["firms"] = firms
    rep = simulate(parse_config(data)).summary
    full = copy.deepcopy(data)
    del full["time"]["representative_days_per_month"]
    full_summary = simulate(parse_config(full)).summary
    for year in ("2025", "2026", "2027"):
        a, b = full_summary["years"][year], rep["years"][year]
        assert b["value_added_10k_cny"] == pytest.approx(a["value_added_10k_cny"], rel=1e-9)
        for sector in ("textiles", "electronics", "cement"):
            got = b["by_sector"][sector]["output_t"]
            assert got == pytest.approx(a["by_sector"][sector]["output_t"], rel=1e-9), sector
    config = parse_config(data)
    times, weight = simulation_times(config, "Asia/Shanghai")
    for year in (2025, 2026, 2027):
        in_year = times.year == year
        days = weight[in_year] / 24.0
        types = np.array([day_type(d) for d in times[in_year].date])
        calendar_days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
        expected = np.bincount([day_type(d) for d in calendar_days.date], minlength=3)
        got = np.array([days[types == t].sum() for t in range(3)])
        np.testing.assert_allclose(got, expected, rtol=1e-12)
