"""Annual investment decisions inside multi-year runs."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from market.config import parse_config
from market.engine.simulation import Simulation

SCENARIO: dict[str, Any] = {
    "name": "invest",
    "seed": 5,
    "time": {
        "start": "2025-01-01T00:00:00",
        "horizon_h": 24 * 365 * 2,
        "representative_days_per_month": 2,
    },
    "investments": {"enabled": True},
    "markets": {"energy_rights": {"enabled": True, "cap_factor": 0.9}},
    "parks": [
        {
            "name": "p",
            "grid": {"connection_limit_kw": 100000},
            "firms": [
                {"name": "roof", "sector": "equipment", "assets": {"pv_potential_kwp": 800}},
                {
                    "name": "kiln",
                    "sector": "ceramics",
                    "abatement": {"retrofit_cost_cny_per_tce": 10.0, "retrofit_saving_frac": 0.1},
                },
            ],
        }
    ],
}


def run(data: dict[str, Any]) -> Simulation:
    sim = Simulation(parse_config(data), check_invariants=True)
    sim.run()
    return sim


def test_pv_and_retrofit_investments_change_the_second_year() -> None:
    sim = run(SCENARIO)
    records = sim.markets.investor.records
    kinds = {(r["firm"], r["kind"]) for r in records}
    assert ("roof", "pv") in kinds
    assert all(r["year"] == 2026 for r in records)
    park = sim.parks[0]
    year2 = park.times.year == 2026
    # PV appears only from the second year on, at the firm's potential.
    assert park.firm_pv_kw[~year2, 0].max() == 0.0
    assert park.firm_pv_kw[year2, 0].max() > 0.0
    assert park.firms.pv_kwp[0] == pytest.approx(800.0)
    summary = sim.results().summary
    firm = summary["parks"]["p"]["firms_detail"]["roof"]
    assert firm["cost_cny"]["investment"] > 0.0
    # The balance still closes at every step after the arrays changed.
    run_ = sim.runs[0]
    load = park.firm_load_kw.sum(axis=1)
    rhs = (
        park.renewable_kw
        + run_.discharge_kw.sum(axis=1)
        + run_.import_kw
        - run_.export_kw
        - run_.charge_kw.sum(axis=1)
        - run_.curtailment_kw
        + run_.unserved_kw
    )
    np.testing.assert_allclose(load, rhs, atol=1e-6)


def test_retrofit_adopted_when_cheaper_than_the_rights_price_lowers_use() -> None:
    sim = run(SCENARIO)
    records = [r for r in sim.markets.investor.records if r["kind"] == "efficiency_retrofit"]
    assert "kiln" in [r["firm"] for r in records]
    years = sim.results().summary["years"]
    data = copy.deepcopy(SCENARIO)
    data["investments"] = {"enabled": False}
    base = run(data).results().summary["years"]
    assert years["2026"]["energy_use_tce"] < base["2026"]["energy_use_tce"]
    assert years["2025"]["energy_use_tce"] == pytest.approx(base["2025"]["energy_use_tce"])


def battery_scenario(peak_ratio: float, valley_ratio: float) -> dict[str, Any]:
    data = copy.deepcopy(SCENARIO)
    data["investments"] = {"enabled": True, "pv": False, "retrofit": False, "heat_pump": False,
                           "battery": True}  # fmt: skip
    data["time"] = {"start": "2025-12-20T00:00:00", "horizon_h": 24 * 20}
    data["markets"] = {}
    data["parks"][0]["tariff"] = {"peak_ratio": peak_ratio, "valley_ratio": valley_ratio}
    data["parks"][0]["operator"] = {"strategy": "tou_arbitrage"}
    return data


def test_a_wide_spread_buys_batteries_that_then_cycle() -> None:
    """Peak 2.5x and valley 0.25x the flat price: a daily cycle repays 1,000 CNY/kWh."""
    sim = run(battery_scenario(2.5, 0.25))
    records = [r for r in sim.markets.investor.records if r["kind"] == "battery"]
    assert {r["firm"] for r in records} == {"roof", "kiln"}
    assert all(r["year"] == 2026 and r["npv_cny"] > 0.0 for r in records)
    park = sim.parks[0]
    start = int(np.flatnonzero(park.times.year == 2026)[0])
    mean_kw = park.firm_load_kw[start:].mean(axis=0)
    assert [r["size"] for r in records] == pytest.approx(list(2.0 * mean_kw), rel=1e-9)
    summary = sim.results().summary["parks"]["p"]
    batteries = summary["batteries"]
    assert [b["owner"] for b in batteries] == ["roof", "kiln"]
    run_ = sim.runs[0]
    assert run_.discharge_kw[:start].sum() == 0.0  # none before the investment
    assert all(b["discharged_kwh"] > 0.0 for b in batteries)
    assert summary["economics"]["assets"][-1]["kind"] == "battery"


def test_a_flat_tariff_buys_no_battery() -> None:
    sim = run(battery_scenario(1.0, 1.0))
    assert [r for r in sim.markets.investor.records if r["kind"] == "battery"] == []
    assert sim.parks[0].unit_owner.size == 0
