"""Operator figures of a run: asset economics, battery cycles, and their identities."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from market.config import load_config
from market.economics import bus_cost_cny, park_economics
from market.engine.simulation import Simulation
from market.inputs.paths import CONFIGS_DIR
from market.reference import load_reference
from market.results import battery_cycles

pytestmark = pytest.mark.filterwarnings("ignore:.*dayofyear.*")


class Finished:
    """A finished simulation and its results."""

    def __init__(self, config: Any) -> None:
        sim = Simulation(config)
        sim.run()
        self.runs = sim.runs
        results = sim.results()
        self.summary = results.summary
        self.timeseries = results.timeseries


@pytest.fixture(scope="module")
def shipped_week() -> Finished:
    """The shipped Shaanxi park, cut to its first week (tests run shipped configs)."""
    config = load_config(CONFIGS_DIR / "shaanxi_park.yaml")
    time = config.time.model_copy(update={"horizon_h": 24 * 7})
    return Finished(config.model_copy(update={"time": time}))


def test_zero_injection_reproduces_the_park_bill(shipped_week: Finished) -> None:
    results = shipped_week
    run = results.runs[0]
    park = next(iter(results.summary["parks"].values()))
    energy, demand = bus_cost_cny(run.inputs, run, np.zeros(run.inputs.n_steps))
    cost = park["cost_cny"]
    assert energy == pytest.approx(cost["energy"] + cost["export_revenue"], rel=1e-9)
    assert demand == pytest.approx(cost["demand_charge"], rel=1e-9)


def test_park_totals_are_the_sum_of_its_assets(shipped_week: Finished) -> None:
    park = next(iter(shipped_week.summary["parks"].values()))
    economics = park["economics"]
    kinds = [a["kind"] for a in economics["assets"]]
    assert kinds == ["pv", "wind", "battery", "heat_pump"]
    for key in ("capex_cny", "annualised_cost_cny_per_yr"):
        assert economics[key] == pytest.approx(sum(a[key] for a in economics["assets"]), abs=1e-5)
    valued = [a for a in economics["assets"] if a["annual_value_cny_per_yr"] is not None]
    assert economics["npv_cny"] == pytest.approx(sum(a["npv_cny"] for a in valued), abs=1e-5)
    pv = economics["assets"][0]
    ref = load_reference()
    assert pv["capex_cny"] == pytest.approx(
        pv["size"] * ref.number("asset_costs.pv_capex_cny_per_kwp")
    )
    # PV saves money: removing it from the bus raises the bill.
    assert pv["annual_value_cny_per_yr"] > 0.0
    assert pv["lcoe_cny_per_mwh"] == pytest.approx(
        pv["annualised_cost_cny_per_yr"] / pv["annual_energy_mwh"], rel=1e-6
    )


def test_reference_overrides_change_the_costs(shipped_week: Finished) -> None:
    run = shipped_week.runs[0]
    ref = load_reference().with_overrides({"asset_costs.pv_capex_cny_per_kwp": 7000.0})
    doubled = park_economics(run, ref)["assets"][0]
    base = park_economics(run, load_reference())["assets"][0]
    assert doubled["capex_cny"] == pytest.approx(2 * base["capex_cny"])
    assert doubled["npv_cny"] == pytest.approx(base["npv_cny"] - base["capex_cny"], rel=1e-9)


def test_battery_cycles_match_the_time_series(shipped_week: Finished) -> None:
    results = shipped_week
    run = results.runs[0]
    park = next(iter(results.summary["parks"].values()))
    units = battery_cycles(run)
    assert [u["owner"] for u in units] == [
        *(u["owner"] for u in units if u["owner"] != "park"),
        "park",
    ]
    wdt = run.inputs.step_weight * run.inputs.dt_h
    frame = results.timeseries
    charged = float(wdt @ frame["battery_charge_kw"].to_numpy())
    discharged = float(wdt @ frame["battery_discharge_kw"].to_numpy())
    assert sum(u["charged_kwh"] for u in units) == pytest.approx(charged, rel=1e-9)
    assert sum(u["discharged_kwh"] for u in units) == pytest.approx(discharged, rel=1e-9)
    eta = run.inputs.fleet.eta_discharge
    for k, unit in enumerate(units):
        assert unit["full_equivalent_cycles"] == pytest.approx(
            unit["discharged_kwh"] / eta[k] / unit["usable_kwh"], rel=1e-6
        )
        assert unit["discharged_kwh"] < unit["charged_kwh"]  # losses
    usable = sum(u["usable_kwh"] for u in units)
    out_of_store = sum(u["discharged_kwh"] / eta[k] for k, u in enumerate(units))
    assert park["battery_cycles"] == pytest.approx(out_of_store / usable, rel=1e-6)


def test_one_full_cycle_a_day_is_one_cycle_a_day() -> None:
    """Textbook: a battery charged full in the valley and emptied in the peak, every day."""
    data = {
        "name": "cycles",
        "seed": 1,
        "time": {"start": "2025-06-02T00:00:00", "horizon_h": 24 * 5},
        "parks": [
            {
                "name": "p",
                "grid": {"connection_limit_kw": 100000},
                "tariff": {"demand_charge_cny_per_kw_month": 0.0},
                "shared_assets": {
                    "battery": {"energy_kwh": 1000, "c_rate_per_h": 0.25, "initial_soc_frac": 0.1}
                },
                "operator": {"strategy": "tou_arbitrage"},
                "firms": [{"name": "big", "sector": "cement", "output_t_per_yr": 2_000_000}],
            }
        ],
    }
    from market.config import parse_config

    results = Finished(parse_config(data))
    (unit,) = battery_cycles(results.runs[0])
    usable = 1000 * (0.95 - 0.1)
    assert unit["usable_kwh"] == pytest.approx(usable)
    # Five valleys fill it and five peaks empty it: five full-equivalent cycles.
    assert unit["full_equivalent_cycles"] == pytest.approx(5.0, rel=0.02)
