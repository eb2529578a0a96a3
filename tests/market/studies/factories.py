"""Tiny scenarios, studies and synthetic run summaries for the study tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

TINY_SCENARIO: dict[str, Any] = {
    "name": "tiny",
    "seed": 1,
    "time": {"start": "2025-06-02T00:00:00", "horizon_h": 48},
    "parks": [
        {
            "name": "p",
            "grid": {"connection_limit_kw": 5000},
            "shared_assets": {"pv_kwp": 500, "battery": {"energy_kwh": 500}},
            "firms": [
                {
                    "name": "a",
                    "sector": "electronics",
                    "output_t_per_yr": 400,
                    "assets": {"pv_kwp": 300},
                },
                {"name": "b", "sector": "food", "output_t_per_yr": 20000, "heat_fuel": "gas"},
            ],
        }
    ],
}

TINY_STUDY: dict[str, Any] = {
    "name": "tiny_study",
    "base": "tiny.yaml",
    "seeds": [1, 2, 3],
    "variants": [
        {"name": "self_consumption", "overrides": {}},
        {"name": "tou", "overrides": {"parks.0.operator.strategy": "tou_arbitrage"}},
        {
            "name": "thermal",
            "overrides": {"accounting": {"electricity_accounting": "thermal_equivalent"}},
        },
    ],
}


def tiny_scenario() -> dict[str, Any]:
    """A fresh copy of the tiny scenario (1 park, 2 firms, 2 days)."""
    return copy.deepcopy(TINY_SCENARIO)


def tiny_study() -> dict[str, Any]:
    """A fresh copy of the tiny study (3 variants x 3 seeds on ``tiny.yaml``)."""
    return copy.deepcopy(TINY_STUDY)


def write_study(folder: Path, study: dict[str, Any] | None = None) -> Path:
    """Write ``tiny.yaml`` and ``study.yaml`` into ``folder``; return the study path."""
    (folder / "tiny.yaml").write_text(yaml.safe_dump(tiny_scenario()), encoding="utf-8")
    path = folder / "study.yaml"
    path.write_text(yaml.safe_dump(study if study is not None else tiny_study()), "utf-8")
    return path


def firm(sector: str, output_t: float, cost: float, rights: float | None) -> dict[str, Any]:
    """A ``firms_detail`` entry in the summary's schema."""
    detail: dict[str, Any] = {
        "sector": sector,
        "output_t": output_t,
        "cost_cny": {"total": cost},
        "value_added_10k_cny": 0.1 * output_t,
        "small_firm": output_t < 100.0,
    }
    detail["rights"] = None if rights is None else {"net_cost_cny": rights}
    return detail


def market_summary() -> dict[str, Any]:
    """A synthetic three-year summary with every field the metrics read.

    Hand-computed figures (see the tests): CO2 100, 120, 110 → peak 2026 at 120; intensity
    2.0 → 1.6 = -20 %; rights prices 100 (volume 10), 200 (volume 30), 400 (volume 0).
    """
    years = {
        "2025": {
            "energy_use_tce": 1000.0,
            "counted_energy_use_tce": 900.0,
            "co2_tco2": 100.0,
            "value_added_10k_cny": 500.0,
            "energy_intensity_tce_per_10k_cny": 2.0,
            "by_sector": {
                "cement": {"co2_tco2": 70.0, "energy_use_tce": 600.0, "output_t": 1000.0},
                "food": {"co2_tco2": 30.0, "energy_use_tce": 400.0, "output_t": 50.0},
            },
        },
        "2026": {
            "energy_use_tce": 1100.0,
            "counted_energy_use_tce": 1000.0,
            "co2_tco2": 120.0,
            "value_added_10k_cny": 600.0,
            "energy_intensity_tce_per_10k_cny": 1.8,
            "by_sector": {
                "cement": {"co2_tco2": 80.0, "energy_use_tce": 700.0, "output_t": 1100.0},
                "food": {"co2_tco2": 40.0, "energy_use_tce": 400.0, "output_t": 60.0},
            },
        },
        "2027": {
            "energy_use_tce": 1050.0,
            "counted_energy_use_tce": 950.0,
            "co2_tco2": 110.0,
            "value_added_10k_cny": 656.25,
            "energy_intensity_tce_per_10k_cny": 1.6,
            "by_sector": {
                "cement": {"co2_tco2": 75.0, "energy_use_tce": 650.0, "output_t": 1050.0},
                "food": {"co2_tco2": 35.0, "energy_use_tce": 400.0, "output_t": 55.0},
            },
        },
    }

    def rights_year(price: float, volume: float, std: float, rate: float) -> dict[str, Any]:
        return {
            "cap_tce": 950.0,
            "allocated_free_tce": 800.0,
            "auctioned_tce": 150.0,
            "average_price_cny_per_tce": price,
            "price_std_cny_per_tce": std,
            "volume_tce": volume,
            "auction_revenue_cny": 1000.0,
            "compliance_rate_pct": rate,
            "penalties_cny": 50.0,
            "shortfall_tce": 1.0,
            "abatement_tce": 20.0,
            "abatement_cost_cny": 300.0,
            "abatement_by_option_tce": {"efficiency": 15.0, "heat_pump": 5.0},
            "least_cost_abatement_cost_cny": 200.0,
            "windfall_cny": 400.0,
            "renewable_exclusion_tce": 10.0,
        }

    return {
        "scenario": "synthetic",
        "seed": 7,
        "start": "2025-01-01T00:00:00+08:00",
        "totals": {"cost_cny": 9999.0},
        "years": years,
        "markets": {
            "energy_rights": {
                "years": {
                    "2025": rights_year(100.0, 10.0, 5.0, 100.0),
                    "2026": rights_year(200.0, 30.0, 15.0, 90.0),
                    "2027": rights_year(400.0, 0.0, 10.0, 80.0),
                }
            },
            "green_power": {
                "volume_mwh": 250.0,
                "average_premium_cny_per_mwh": 40.0,
                "green_share_pct": 12.5,
            },
        },
        "parks": {
            "p1": {
                "firms_detail": {
                    "big": firm("cement", 3000.0, 600.0, 100.0),
                    "mid": firm("cement", 300.0, 150.0, 50.0),
                    "small": firm("food", 50.0, 100.0, 0.0),
                }
            },
        },
    }
