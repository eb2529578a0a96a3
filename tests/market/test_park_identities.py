"""Firms' grid electricity, energy use and CO2 sum to their park's, shared battery or not."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from market.config import parse_config
from market.engine.simulation import Simulation
from tests.market.test_engine import SMALL, assert_firms_sum_to_park

SHAANXI = Path(__file__).resolve().parents[2] / "configs" / "shaanxi_park.yaml"


def shaanxi_for_two_weeks(strategy: str) -> Any:
    data = yaml.safe_load(SHAANXI.read_text(encoding="utf-8"))
    data["time"]["horizon_h"] = 14 * 24
    park = data["parks"][0]
    if strategy != park["operator"]["strategy"]:
        park["operator"] = {"strategy": strategy}
    return parse_config(data)


@pytest.mark.parametrize("strategy", ["none", "self_consumption", "tou_arbitrage", "optimal"])
def test_shipped_park_firms_sum_to_park(strategy: str) -> None:
    sim = Simulation(shaanxi_for_two_weeks(strategy))
    sim.run()
    run = sim.runs[0]
    shared = run.inputs.unit_owner < 0
    if strategy in ("tou_arbitrage", "optimal"):
        # In January the park's load absorbs all PV: only these strategies cycle the battery.
        assert run.charge_kw[:, shared].sum() > 0.0, "the shared battery is used"
    assert_firms_sum_to_park(sim)
    summary = sim.results().summary
    park = summary["parks"]["xian_guanzhong_park"]
    firms = list(park["firms_detail"].values())
    # Counted energy use: the year's park figure is the sum of its firms'.
    (year,) = summary["years"].values()
    counted = sum(f["counted_energy_use_tce"] for f in firms)
    assert counted == pytest.approx(year["counted_energy_use_tce"], rel=1e-9, abs=1e-4)
    location = sum(f["co2_tco2"]["total_location"] for f in firms)
    park_co2 = park["co2_tco2"]
    assert location == pytest.approx(
        park_co2["scope1"] + park_co2["process"] + park_co2["scope2_location"], rel=1e-9, abs=1e-4
    )
    process = sum(f["co2_tco2"]["process"] for f in firms)
    assert process == pytest.approx(park_co2["process"], rel=1e-9, abs=1e-4)


def test_days_of_different_weights_in_one_block_still_sum() -> None:
    # Starting at noon of a representative day, each settled block spans two representative
    # days (January's weight 31, February's 28).
    data: dict[str, Any] = copy.deepcopy(SMALL)
    data["time"] = {
        "start": "2025-01-16T12:00:00",
        "horizon_h": 45 * 24,
        "representative_days_per_month": 1,
    }
    data["parks"][0]["operator"] = {"strategy": "tou_arbitrage"}
    sim = Simulation(parse_config(data))
    sim.run()
    weights = sim.runs[0].inputs.step_weight
    assert np.unique(weights[:24]).size == 2
    assert_firms_sum_to_park(sim)


def test_firms_sum_to_park_at_every_settled_day() -> None:
    data: dict[str, Any] = copy.deepcopy(SMALL)
    data["parks"][0]["operator"] = {"strategy": "tou_arbitrage"}
    sim = Simulation(parse_config(data))
    for day in range(1, 4):
        sim.run(until_h=24.0 * day + 0.5)
        run = sim.runs[0]
        wdt = run.inputs.step_weight * run.inputs.dt_h
        assert run.settled_until == 24 * day
        settled = slice(0, run.settled_until)
        assert run.firm.grid_kwh.sum() == pytest.approx(
            wdt[settled] @ run.import_kw[settled], rel=1e-9
        )
        assert run.firm.energy_cost_cny.sum() == pytest.approx(
            wdt[settled] @ (run.import_kw * run.inputs.import_price_cny_per_kwh)[settled], rel=1e-9
        )
    # The shared battery did carry grid electricity across the day.
    shared = run.inputs.unit_owner < 0
    assert run.charge_kw[:, shared].sum() > 0.0
