"""Montgomery (1972) on the engine, through a study: with truthful bidders and lump-sum free
allocation, how free rights are handed out does not change emissions or the rights price;
output-based (ex-post) allocation subsidises output and raises it.

Tolerance: grandfathering, ex-ante benchmark and full auction with lump-sum recycling agree on
total CO2, counted energy use and the average rights price within 0.1 % on every seed; output-based
allocation raises total output by more than 1 %.
"""

from __future__ import annotations

from typing import Any

import pytest

from market.studies import RunRecord, parse_study, plan_study, run_serial
from tests.market.studies.factories import tiny_scenario

TOLERANCE = 1e-3
RULES = ("grandfathering", "benchmark", "auction", "output_based")


def montgomery_base() -> dict[str, Any]:
    """Four firms for one year on one representative day per month; rights market on."""
    base = tiny_scenario()
    base["time"] = {
        "start": "2025-01-01T00:00:00",
        "horizon_h": 8760,
        "representative_days_per_month": 1,
    }
    base["parks"][0]["firms"] = [
        {"name": "cement_1", "sector": "cement", "output_t_per_yr": 200000},
        {"name": "glass_1", "sector": "glass"},
        {"name": "food_1", "sector": "food", "output_t_per_yr": 20000, "heat_fuel": "gas"},
        {"name": "steel_1", "sector": "steel_eaf", "output_t_per_yr": 50000},
    ]
    base["markets"] = {
        "energy_rights": {
            "enabled": True,
            "allocation": {"revenue_recycling": "lump_sum_equal"},
        }
    }
    return base


@pytest.fixture(scope="module")
def records() -> dict[tuple[str, int], RunRecord]:
    study = parse_study(
        {
            "name": "montgomery",
            "base": "inline",
            "seeds": [1, 2],
            "variants": [
                {"name": rule, "overrides": {"markets.energy_rights.allocation.rule": rule}}
                for rule in RULES
            ],
        }
    )
    result = run_serial(plan_study(study, montgomery_base()).tasks)
    assert not result.failures, [f.describe() for f in result.failures]
    return {(r.variant, r.seed): r for r in result.records}


def total_output_t(record: RunRecord) -> float:
    return sum(v for k, v in record.metrics.items() if k.startswith("output_t["))


@pytest.mark.parametrize("rule", ["benchmark", "auction"])
@pytest.mark.parametrize("seed", [1, 2])
def test_lump_sum_allocation_does_not_change_emissions_or_price(
    records: dict[tuple[str, int], RunRecord], rule: str, seed: int
) -> None:
    reference = records[("grandfathering", seed)].metrics
    other = records[(rule, seed)].metrics
    assert reference["rights_volume_tce"] + reference["rights_auctioned_tce"] > 0.0  # a market
    for metric in ("co2_tco2", "counted_energy_use_tce", "rights_price_cny_per_tce"):
        assert other[metric] == pytest.approx(reference[metric], rel=TOLERANCE), metric


@pytest.mark.parametrize("seed", [1, 2])
def test_output_based_allocation_raises_output_and_emissions(
    records: dict[tuple[str, int], RunRecord], seed: int
) -> None:
    lump_sum = records[("grandfathering", seed)]
    output_based = records[("output_based", seed)]
    assert total_output_t(output_based) > 1.01 * total_output_t(lump_sum)
    assert output_based.metrics["co2_tco2"] > lump_sum.metrics["co2_tco2"]
