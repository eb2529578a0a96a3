"""The shipped quick study: its variants differ in the rights price and in compliance."""

from __future__ import annotations

from pathlib import Path

import pytest

from market.api import parse_config
from market.engine.simulation import Simulation
from market.markets.report import rights_year_summary
from market.studies import load_study

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_quick_study_variants_differ_in_price_and_compliance() -> None:
    plan = load_study(REPO / "configs" / "studies" / "quick.yaml")
    seed = plan.seeds[0]
    price: dict[str, float] = {}
    compliance: dict[str, float] = {}
    for task in plan.tasks:
        if task.seed != seed:
            continue
        sim = Simulation(parse_config(task.scenario))
        sim.run()
        assert sim.markets is not None and sim.markets.rights is not None
        year = rights_year_summary(sim.markets.rights)["2025"]
        price[task.variant] = year["average_price_cny_per_tce"] or 0.0
        compliance[task.variant] = year["compliance_rate_pct"]
    # Every variant has its own rights price; the looser cap has the highest compliance and
    # paying a penalty below the cost of retrofits leaves every firm short.
    assert len({round(p) for p in price.values()}) == len(plan.variants), price
    assert price["tight_cap"] > price["reference"] > price["loose_cap"]
    assert price["low_penalty"] <= 500.0 < price["reference"]
    assert compliance["loose_cap"] == max(compliance.values()) > compliance["tight_cap"]
    assert compliance["low_penalty"] < compliance["loose_cap"]
