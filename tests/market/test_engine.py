"""The engine end to end on small scenarios: balance, determinism, events, strategies."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from market.config import parse_config
from market.engine.bus import PARK_DAY, PARK_STEP, RecordingSink
from market.engine.simulation import Simulation
from market.runner import simulate

SMALL: dict[str, Any] = {
    "name": "small",
    "seed": 5,
    "time": {"start": "2025-06-02T00:00:00", "horizon_h": 72},
    "parks": [
        {
            "name": "a",
            "grid": {"connection_limit_kw": 2500},
            "shared_assets": {"pv_kwp": 1500, "battery": {"energy_kwh": 1500}},
            "operator": {"strategy": "self_consumption"},
            "firms": [
                {
                    "name": "e",
                    "sector": "electronics",
                    "output_t_per_yr": 300,
                    "assets": {"pv_kwp": 900, "battery": {"energy_kwh": 800}},
                },
                {
                    "name": "t",
                    "sector": "textiles",
                    "output_t_per_yr": 2000,
                    "assets": {"heat_pump": {"capacity_kw_th": 400, "source": "air"}},
                },
                {"name": "f", "sector": "food", "output_t_per_yr": 8000, "heat_fuel": "gas"},
            ],
        },
        {
            "name": "b",
            "grid": {"connection_limit_kw": 300},
            "firms": [
                {
                    "name": "g",
                    "sector": "equipment",
                    "output_t_per_yr": 3000,
                    "assets": {"pv_kwp": 2000},
                },
            ],
        },
    ],
}


def config_with(strategy: str, **operator: Any) -> Any:
    data = copy.deepcopy(SMALL)
    data["parks"][0]["operator"] = {"strategy": strategy, **operator}
    return parse_config(data)


@pytest.mark.parametrize("strategy", ["none", "self_consumption", "tou_arbitrage", "optimal"])
def test_energy_balance_closes_every_step(strategy: str) -> None:
    sim = Simulation(config_with(strategy))
    sim.run()
    assert sim.finished
    for run in sim.runs:
        inp = run.inputs
        load = inp.firm_load_kw.sum(axis=1)
        pv = inp.renewable_kw
        discharge = run.discharge_kw.sum(axis=1)
        charge = run.charge_kw.sum(axis=1)
        rhs = (
            pv
            + discharge
            + run.import_kw
            - run.export_kw
            - charge
            - run.curtailment_kw
            + run.unserved_kw
        )
        np.testing.assert_allclose(load, rhs, atol=1e-6, rtol=0)
        assert np.all(run.import_kw <= inp.grid_limit_kw + 1e-9)
        assert np.all(run.export_kw <= inp.grid_limit_kw + 1e-9)
        assert np.all(run.curtailment_kw <= pv + 1e-9)
        fleet = inp.fleet
        assert np.all(run.soc_record_kwh >= fleet.energy_kwh * fleet.soc_min_frac - 1e-9)
        assert np.all(run.soc_record_kwh <= fleet.energy_kwh * fleet.soc_max_frac + 1e-9)


def test_small_export_limit_forces_curtailment() -> None:
    sim = Simulation(config_with("none"))
    sim.run()
    park_b = sim.runs[1]
    assert park_b.export_kw.max() == pytest.approx(300.0)
    assert park_b.curtailment_kw.sum() > 0.0


def firm_sum(firms: list[dict[str, Any]], key: str, sub: str | None = None) -> float:
    """Sum of one summary figure over firms."""
    return float(sum(f[key] if sub is None else f[key][sub] for f in firms))


def assert_firms_sum_to_park(sim: Simulation) -> None:
    """Σ firms == park, on the unrounded totals and on the (rounded) summary figures."""
    for run in sim.runs:
        inp = run.inputs
        wdt = inp.step_weight * inp.dt_h
        tot = run.firm
        for firm_kwh, park_kw in [
            (tot.grid_kwh, run.import_kw),
            (tot.exported_kwh, run.export_kw),
            (tot.curtailed_kwh, run.curtailment_kw),
            (tot.unserved_kwh, run.unserved_kw),
        ]:
            assert firm_kwh.sum() == pytest.approx(wdt @ park_kw, rel=1e-9, abs=1e-9)
        assert tot.energy_cost_cny.sum() == pytest.approx(
            wdt @ (run.import_kw * inp.import_price_cny_per_kwh), rel=1e-9, abs=1e-9
        )
    for park in sim.results().summary["parks"].values():
        firms = list(park["firms_detail"].values())
        # Summary figures are rounded to 1e-6 each.
        rounding = 1e-6 * len(firms)

        for firm_key, park_key in [
            ("load_kwh", "load_kwh"),
            ("grid_kwh", "import_kwh"),
            ("exported_kwh", "export_kwh"),
            ("curtailment_kwh", "curtailment_kwh"),
            ("unserved_kwh", "unserved_kwh"),
            ("energy_use_tce", "energy_use_tce"),
        ]:
            total = firm_sum(firms, firm_key)
            assert total == pytest.approx(park[park_key], rel=1e-9, abs=rounding), firm_key
        for scope in ("scope1", "scope2_location", "scope2_market"):
            assert firm_sum(firms, "co2_tco2", scope) == pytest.approx(
                park["co2_tco2"][scope], rel=1e-9, abs=rounding
            ), scope
        for cost in ("energy", "export_revenue", "demand_charge"):
            assert firm_sum(firms, "cost_cny", cost) == pytest.approx(
                park["cost_cny"][cost], rel=1e-9, abs=rounding
            ), cost


@pytest.mark.parametrize("strategy", ["none", "self_consumption", "tou_arbitrage", "optimal"])
def test_firm_allocation_sums_to_park(strategy: str) -> None:
    sim = Simulation(config_with(strategy))
    sim.run()
    assert sim.runs[0].charge_kw.sum() > 0.0 or strategy == "none"
    assert_firms_sum_to_park(sim)


def test_optimal_not_costlier_than_rule_based_strategies() -> None:
    costs = {}
    for strategy in ["self_consumption", "tou_arbitrage", "optimal"]:
        results = simulate(
            config_with(
                strategy,
                **({"horizon_h": 72, "reoptimise_every_h": 24} if strategy == "optimal" else {}),
            )
        )
        cost = results.summary["parks"]["a"]["cost_cny"]
        costs[strategy] = (
            cost["energy"] + cost["export_revenue"] + cost["demand_charge"] + cost["degradation"]
        )
    assert costs["optimal"] <= costs["self_consumption"] + 1e-6
    assert costs["optimal"] <= costs["tou_arbitrage"] + 1e-6


def test_same_seed_same_results_and_different_seed_differs() -> None:
    a = simulate(config_with("self_consumption")).summary
    b = simulate(config_with("self_consumption")).summary
    assert a == b
    other = copy.deepcopy(SMALL)
    other["seed"] = 6
    c = simulate(parse_config(other)).summary
    assert c["totals"]["energy_use_tce"] != a["totals"]["energy_use_tce"]


def test_chunked_run_equals_single_run_and_events_are_ordered() -> None:
    whole = Simulation(config_with("tou_arbitrage"))
    whole.run()
    sink = RecordingSink()
    chunked = Simulation(config_with("tou_arbitrage"))
    chunked.bus.subscribe(sink)
    for until in (5.0, 24.0, 30.5, 71.0, 200.0):
        chunked.run(until_h=until)
    assert chunked.finished
    for r1, r2 in zip(whole.runs, chunked.runs, strict=True):
        np.testing.assert_array_equal(r1.import_kw, r2.import_kw)
    seqs = [e.seq for e in sink.events]
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(sink.of_kind(PARK_STEP)) == 72 * 2
    assert len(sink.of_kind(PARK_DAY)) == 3 * 2
    times = [e.time_h for e in sink.events]
    assert times == sorted(times)
