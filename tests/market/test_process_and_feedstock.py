"""Process CO2 and the feedstock rule: cement per tonne in the published range, coal chemicals
counted without their feedstock when the rule is on."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from market.config import parse_config
from market.engine.simulation import Simulation
from market.reference import load_reference

pytestmark = pytest.mark.filterwarnings("ignore:.*dayofyear.*")

BASE: dict[str, Any] = {
    "name": "process",
    "seed": 2,
    "time": {"start": "2025-04-07T00:00:00", "horizon_h": 24 * 7},
    "parks": [
        {
            "name": "p",
            "grid": {"connection_limit_kw": 400000},
            "firms": [
                {"name": "kiln", "sector": "cement"},
                {"name": "methanol", "sector": "coal_chemical"},
                {"name": "float", "sector": "glass"},
                {"name": "chips", "sector": "electronics"},
            ],
        }
    ],
}


def firms(**accounting: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["accounting"] = accounting
    sim = Simulation(parse_config(data))
    sim.run()
    summary = sim.results().summary
    return dict(summary["parks"]["p"]["firms_detail"])


def test_cement_co2_per_tonne_is_in_the_published_range_with_process_emissions() -> None:
    on, off = firms(), firms(process_emissions=False)
    kiln = on["kiln"]
    per_t = kiln["co2_tco2"]["total_location"] / kiln["production_t"]
    # Clinker: about 0.8-0.9 tCO2/t (0.52 calcination + fuel + power).
    assert 0.8 <= per_t <= 0.9
    assert off["kiln"]["co2_tco2"]["process"] == 0.0
    assert kiln["co2_tco2"]["process"] == pytest.approx(0.52 * kiln["production_t"], rel=1e-9)
    assert kiln["co2_tco2"]["scope1"] == off["kiln"]["co2_tco2"]["scope1"]  # reported apart
    assert on["chips"]["co2_tco2"]["process"] == 0.0
    assert on["float"]["co2_tco2"]["process"] == pytest.approx(0.2 * on["float"]["production_t"])


def test_feedstock_exclusion_removes_the_feedstock_share_of_coal_from_energy_use() -> None:
    counted, excluded = firms(), firms(exclude_feedstock=True)
    share = load_reference().sector("coal_chemical").feedstock_share_of_fuel
    before, after = counted["methanol"], excluded["methanol"]
    electricity_tce = before["grid_kwh"] * 0.1229 / 1000.0
    fuel_before = before["energy_use_tce"] - electricity_tce
    fuel_after = after["energy_use_tce"] - after["grid_kwh"] * 0.1229 / 1000.0
    assert fuel_after == pytest.approx(fuel_before * (1.0 - share), rel=1e-6)
    # CO2 and the other firms do not change.
    assert after["co2_tco2"]["scope1"] == before["co2_tco2"]["scope1"]
    assert excluded["kiln"]["energy_use_tce"] == counted["kiln"]["energy_use_tce"]


def test_sector_figures_say_whether_they_are_before_or_after_abatement() -> None:
    data = copy.deepcopy(BASE)
    data["markets"] = {"energy_rights": {"enabled": True, "cap_factor": 0.8}}
    sim = Simulation(parse_config(data))
    sim.run()
    year = sim.results().summary["years"]["2025"]
    sectors = year["by_sector"]
    assert sum(s["counted_energy_use_tce"] for s in sectors.values()) == pytest.approx(
        year["counted_energy_use_tce"], rel=1e-9
    )
    assert sum(s["output_t"] for s in sectors.values()) == pytest.approx(year["output_t"])
    for sector in sectors.values():
        assert sector["counted_energy_use_tce"] <= sector["energy_use_tce"] + 1e-9
        assert sector["output_t"] <= sector["output_before_abatement_t"] + 1e-9
    # A tight cap makes someone abate: the two views differ somewhere.
    assert any(s["counted_energy_use_tce"] < s["energy_use_tce"] - 1e-6 for s in sectors.values())
