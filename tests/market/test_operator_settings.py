"""The optimal dispatch's settings reach the strategy from YAML."""

from __future__ import annotations

from typing import Any

import pytest

from market.config import parse_config
from market.engine.simulation import Simulation

pytestmark = pytest.mark.filterwarnings("ignore:.*dayofyear.*")


def scenario(**operator: Any) -> Any:
    return parse_config(
        {
            "name": "settings",
            "seed": 3,
            "time": {"start": "2025-06-02T00:00:00", "horizon_h": 48},
            "parks": [
                {
                    "name": "p",
                    "grid": {"connection_limit_kw": 20000},
                    "shared_assets": {"pv_kwp": 3000, "battery": {"energy_kwh": 4000}},
                    "operator": {"strategy": "optimal", **operator},
                    "firms": [{"name": "f", "sector": "food", "output_t_per_yr": 40000}],
                }
            ],
        }
    )


def finished(**operator: Any) -> Simulation:
    sim = Simulation(scenario(**operator))
    sim.run()
    return sim


def test_each_setting_reaches_the_strategy() -> None:
    sim = finished(demand_charge="full", terminal_value="zero", solver="cbc")
    strategy = sim.runs[0].strategy
    assert (strategy.demand_charge, strategy.terminal_value, strategy.solver) == (
        "full",
        "zero",
        "cbc",
    )
    default = finished().runs[0].strategy
    assert (default.demand_charge, default.terminal_value, default.solver) == (
        "prorated",
        "mean_price",
        "highs",
    )


def test_cbc_and_highs_dispatch_at_the_same_cost() -> None:
    costs = []
    for solver in ("highs", "cbc"):
        park = next(iter(finished(solver=solver).results().summary["parks"].values()))
        costs.append(park["cost_cny"]["total"])
    assert costs[0] == pytest.approx(costs[1], rel=1e-6)


def test_an_unknown_choice_names_the_field() -> None:
    from market.config import ConfigError

    with pytest.raises(ConfigError) as caught:
        scenario(terminal_value="last_price")
    assert caught.value.issues[0].path == "parks[0].operator.terminal_value"
