"""Firms forecast the energy use compliance counts, shared PV, wind and storage included."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from agents.expected_grid import expected_firm_grid_kwh
from market.config import parse_config
from market.engine.simulation import Simulation

PARK: dict[str, Any] = {
    "name": "shared",
    "grid": {"connection_limit_kw": 60000},
    "shared_assets": {"pv_kwp": 20000, "wind_kw": 6000},
    "firms": [
        {"name": "cement", "sector": "cement", "output_t_per_yr": 200000},
        {"name": "glass", "sector": "glass", "assets": {"pv_kwp": 3000}},
        {"name": "food", "sector": "food", "assets": {"pv_kwp": 9000, "wind_kw": 2000}},
        {"name": "chips", "sector": "electronics"},
    ],
}

BASE: dict[str, Any] = {
    "name": "expected_use",
    "seed": 5,
    "time": {"start": "2025-06-01T00:00:00", "horizon_h": 24 * 21},
    "markets": {
        "energy_rights": {
            "enabled": True,
            "cap_factor": 1.0,
            "allocation": {"rule": "grandfathering"},
            "auctions_per_year": 12,
        }
    },
    "parks": [PARK],
}


def storage_free_grid_kwh(park: Any) -> Any:
    """The forecast of a whole run's grid electricity per firm, without storage [kWh]."""
    return expected_firm_grid_kwh(
        park.firm_load_kw,
        park.firm_pv_kw + park.firm_wind_kw,
        park.shared_pv_kw + park.shared_wind_kw,
        park.grid_limit_kw,
        park.step_weight,
        park.dt_h,
    )


def simulate(data: dict[str, Any]) -> Simulation:
    sim = Simulation(parse_config(data), check_invariants=True)
    sim.run()
    return sim


def test_forecast_without_storage_equals_the_counted_grid_electricity() -> None:
    """Shared PV and wind, own PV and wind, surplus exported: forecast == settlement, per firm."""
    sim = simulate(copy.deepcopy(BASE))
    rights = sim.markets.rights
    park = rights.parks[0]
    counted = rights.runs[0].firm.grid_kwh
    forecast = storage_free_grid_kwh(park)
    assert float(rights.runs[0].export_kw.sum()) > 0.0  # the shared assets do reach the bus
    np.testing.assert_allclose(forecast, counted, rtol=1e-9)
    # The old forecast (own renewables only) overstated the use of firms without their own PV.
    own_only = (park.step_weight * park.dt_h) @ np.maximum(
        park.firm_load_kw - park.firm_pv_kw - park.firm_wind_kw, 0.0
    )
    assert own_only[3] > counted[3] * 1.01


def test_firm_with_free_rights_equal_to_its_use_trades_nothing_and_pays_nothing() -> None:
    """Grandfathered at 100 % of a perfectly forecast use: no trade, no abatement, no penalty."""
    data = copy.deepcopy(BASE)
    for firm in data["parks"][0]["firms"]:
        # No negative-cost option: a firm sells abatement only when it has a reason to.
        firm["abatement"] = {"retrofit_cost_cny_per_tce": 800.0}
    sim = simulate(data)
    rights = sim.markets.rights
    book = rights.years[2025]
    counted = book.result["counted_use_tce"]
    np.testing.assert_allclose(book.free_tce, counted, rtol=1e-9)
    np.testing.assert_allclose(rights.base_use_tce, counted, rtol=1e-9)
    assert float(np.abs(book.bought_tce).max()) < 1e-9
    assert float(np.abs(book.sold_tce).max()) < 1e-9
    assert float(book.abatement_tce.max()) < 1e-9
    assert float(np.abs(book.result["penalty_cny"]).max()) < 1e-6
    rights.ledger.check_conservation()


def test_with_batteries_the_forecast_learns_storage_from_the_meter() -> None:
    """Own and shared batteries: the forecast, recalibrated on the settled steps, reproduces them.

    Without the meter's lesson the storage-free forecast misses the batteries' effect by percent;
    with it, the forecast of the settled steps equals their counted use for every firm.
    """
    data = copy.deepcopy(BASE)
    data["parks"][0]["shared_assets"]["battery"] = {"energy_kwh": 20000}
    data["parks"][0]["firms"][1]["assets"]["battery"] = {"energy_kwh": 3000}
    data["parks"][0]["tariff"] = {"peak_ratio": 1.8, "valley_ratio": 0.4}
    sim = simulate(data)
    rights = sim.markets.rights
    run = rights.runs[0]
    settled = run.settled_until
    assert settled == rights.parks[0].n_steps
    correction = rights.storage_correction()
    assert float(np.abs(correction - 1.0).max()) > 0.01  # the batteries matter
    park = rights.parks[0]
    storage_free = storage_free_grid_kwh(park)
    assert not np.allclose(storage_free, run.firm.grid_kwh, rtol=1e-3)
    np.testing.assert_allclose(storage_free * correction, run.firm.grid_kwh, rtol=1e-9)
