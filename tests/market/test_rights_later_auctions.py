"""Monthly rights auctions over one year, as in the markets benchmark (a scaled-down copy of its
scenario): firms settle the year's needs in the first auctions, so later auctions trade little;
under perfect foresight those later auctions keep the year's price (with myopic valuation it
slides down with every low trade: at 1,000 firms to 3.4 CNY/tce by May)."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from market.config import parse_config
from market.engine.simulation import Simulation
from market.markets.energy_rights import EnergyRightsMarket

SECTORS = (
    ("cement", 100000.0),
    ("steel_eaf", 60000.0),
    ("glass", None),
    ("ceramics", None),
    ("electronics", None),
    ("equipment", None),
    ("vehicles", None),
    ("textiles", None),
    ("food", None),
    ("caustic_soda", 10000.0),
)


def scenario(expectation: str, n_parks: int = 2, per_park: int = 15) -> dict[str, Any]:
    """The markets benchmark's firms (PV and battery on every third, green power on every
    fourth, zero-intelligence bidding on every fifth), one year, two days a month."""
    parks = []
    for p in range(n_parks):
        firms = []
        for k in range(per_park):
            sector, output = SECTORS[(p + k) % len(SECTORS)]
            firm: dict[str, Any] = {"name": f"f{k}", "sector": sector}
            if output is not None:
                firm["output_t_per_yr"] = output
            if k % 3 == 0:
                firm["assets"] = {
                    "pv_kwp": 500.0 + 50.0 * (k % 7),
                    "battery": {"energy_kwh": 1000.0, "c_rate_per_h": 0.5},
                }
            if k % 4 == 1:
                firm["green_power"] = {"target_share": 0.5}
            if k % 5 == 2:
                firm["bidding"] = "zi_c"
            firms.append(firm)
        parks.append(
            {
                "name": f"park{p}",
                "location": {"latitude_deg": 33.0 + 0.2 * p, "longitude_deg": 107.0 + 0.2 * p},
                "grid": {"connection_limit_kw": 1e6},
                "shared_assets": {"pv_kwp": 5000.0, "battery": {"energy_kwh": 5000.0}},
                "operator": {"strategy": "self_consumption"},
                "firms": firms,
            }
        )
    return {
        "name": "later_auctions",
        "seed": 7,
        "time": {
            "start": "2025-01-01T00:00:00",
            "horizon_h": 8760.0,
            "representative_days_per_month": 2,
        },
        "markets": {
            "green_power": {"enabled": True, "period": "hourly"},
            "energy_rights": {
                "enabled": True,
                "auctions_per_year": 12,
                "banking_expectation": expectation,
            },
        },
        "parks": parks,
    }


@cache
def rights(expectation: str) -> EnergyRightsMarket:
    sim = Simulation(parse_config(scenario(expectation)))
    sim.run()
    assert sim.markets is not None and sim.markets.rights is not None
    return sim.markets.rights


def from_april(market: EnergyRightsMarket) -> tuple[np.ndarray, np.ndarray]:
    """Prices (nan: no trade) and volumes of the auctions from April on."""
    later = market.auctions[3:]
    return (
        np.array([a["price_cny_per_tce"] for a in later], dtype=float),
        np.array([a["volume_tce"] for a in later], dtype=float),
    )


def test_later_auctions_trade_little_because_needs_are_settled_early() -> None:
    for expectation in ("myopic", "perfect_foresight"):
        market = rights(expectation)
        total = sum(a["volume_tce"] for a in market.auctions)
        _, later = from_april(market)
        assert 0.0 < later.sum() < 0.02 * total


def test_later_auctions_keep_the_year_price_under_perfect_foresight() -> None:
    market = rights("perfect_foresight")
    path = market.years[2025].expected_price_cny_per_tce
    prices, _ = from_april(market)
    traded = prices[np.isfinite(prices)]
    assert path > 0.0 and traded.size > 0
    assert np.all(traded >= path * (1 - 1e-6)), (path, traded)
    # Every long firm keeps its surplus at the path price, so no later trade goes below it.
    assert not any(a["price_cny_per_tce"] == 0.0 for a in market.auctions)
