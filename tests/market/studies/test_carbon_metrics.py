"""Carbon-market study metrics read from a summary written by hand."""

from __future__ import annotations

import math

import pytest

from market.studies.metrics import run_metrics, yearly_metrics

SUMMARY = {
    "start": "2025-01-01T00:00:00+08:00",
    "markets": {
        "carbon": {
            "years": {
                "2025": {
                    "cap_tco2": 1000.0,
                    "average_price_cny_per_tco2": 80.0,
                    "volume_tco2": 10.0,
                    "compliance_rate_pct": 100.0,
                    "offsets_tco2": 20.0,
                    "physical_abatement_tco2": 0.0,
                    "abatement_by_option_tco2": {"offset": 20.0},
                },
                "2026": {
                    "cap_tco2": 980.0,
                    "average_price_cny_per_tco2": 200.0,
                    "volume_tco2": 30.0,
                    "compliance_rate_pct": 50.0,
                    "offsets_tco2": 25.0,
                    "physical_abatement_tco2": 15.0,
                    "abatement_by_option_tco2": {"offset": 25.0, "curtail_output": 15.0},
                },
            }
        }
    },
}


def test_carbon_metrics_per_year_and_over_the_run() -> None:
    rows = yearly_metrics(SUMMARY)
    assert [row["year"] for row in rows] == [2025.0, 2026.0]
    assert rows[1]["carbon_price_cny_per_tco2"] == 200.0
    assert rows[1]["carbon_abatement_tco2[curtail_output]"] == 15.0
    out = run_metrics(SUMMARY)
    assert out["carbon_price_cny_per_tco2"] == pytest.approx((80 * 10 + 200 * 30) / 40)
    assert out["carbon_compliance_rate_pct"] == pytest.approx(75.0)
    assert out["carbon_allowances_tco2"] == pytest.approx(1980.0)
    assert out["carbon_offsets_tco2"] == pytest.approx(45.0)
    assert out["carbon_abatement_tco2"] == pytest.approx(15.0)
    assert out["carbon_abatement_tco2[offset]"] == pytest.approx(45.0)
    assert "rights_price_cny_per_tce" not in out


def test_carbon_price_without_trades_is_the_plain_mean() -> None:
    years = SUMMARY["markets"]["carbon"]["years"]  # type: ignore[index]
    quiet = {
        "markets": {"carbon": {"years": {y: {**v, "volume_tco2": 0.0} for y, v in years.items()}}}
    }
    out = run_metrics(quiet)
    assert out["carbon_price_cny_per_tco2"] == pytest.approx(140.0)
    assert not math.isnan(out["carbon_compliance_rate_pct"])
