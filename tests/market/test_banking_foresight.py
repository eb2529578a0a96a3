"""Banking under perfect foresight inside the engine: with truthful, price-taking firms the
allocation rule does not change yearly prices or abatement (output-based allocation excepted,
as theory says), prices follow the Hotelling rule while the bank is positive, and no auction
clears at 0 while rights are scarce later."""

from __future__ import annotations

import copy
import math
from functools import cache
from typing import Any

import numpy as np
import pytest

from market.config import parse_config
from market.engine.simulation import Simulation
from market.markets.energy_rights import EnergyRightsMarket
from market.markets.report import rights_year_summary

YEARS = (2025, 2026, 2027, 2028)
DISCOUNT_RATE = 0.035

SCENARIO: dict[str, Any] = {
    "name": "banking_foresight",
    "seed": 5,
    "time": {
        "start": "2025-01-01T00:00:00",
        "horizon_h": 24 * (365 * 4 + 1),
        "representative_days_per_month": 1,
    },
    "markets": {
        "energy_rights": {
            "enabled": True,
            "cap_factor": 0.97,
            "cap_annual_change": -0.04,
            "auctions_per_year": 4,
            "banking_discount_rate": DISCOUNT_RATE,
        }
    },
    "parks": [
        {
            "name": "north",
            "grid": {"connection_limit_kw": 200000},
            "shared_assets": {"pv_kwp": 8000},
            "firms": [
                {"name": "cement", "sector": "cement", "output_t_per_yr": 200000},
                {"name": "methanol", "sector": "coal_chemical", "output_t_per_yr": 30000},
                {"name": "glass", "sector": "glass", "assets": {"pv_kwp": 3000}},
            ],
        },
        {
            "name": "south",
            "grid": {"connection_limit_kw": 200000},
            "firms": [
                {"name": "chips", "sector": "electronics"},
                {"name": "food", "sector": "food", "assets": {"pv_kwp": 4000}},
                {"name": "steel", "sector": "steel_eaf", "output_t_per_yr": 80000},
            ],
        },
    ],
}


@cache
def rights(
    rule: str, expectation: str = "perfect_foresight", cap_factor: float = 0.97
) -> EnergyRightsMarket:
    data = copy.deepcopy(SCENARIO)
    er = data["markets"]["energy_rights"]
    er["allocation"] = {"rule": rule}
    er["banking_expectation"] = expectation
    er["cap_factor"] = cap_factor
    sim = Simulation(parse_config(data), check_invariants=True)
    sim.run()
    assert sim.markets is not None and sim.markets.rights is not None
    return sim.markets.rights


def yearly(market: EnergyRightsMarket, key: str) -> np.ndarray:
    summary = rights_year_summary(market)
    return np.array([summary[str(y)][key] for y in YEARS], dtype=float)


@pytest.mark.parametrize("rule", ["benchmark", "auction"])
def test_allocation_rules_give_the_same_prices_and_abatement(rule: str) -> None:
    base = rights("grandfathering")
    other = rights(rule)
    if rule == "auction":
        assert yearly(other, "allocated_free_tce").sum() == 0.0
        assert yearly(other, "auctioned_tce").sum() > 0.9 * yearly(base, "cap_tce").sum()
    for key in ("average_price_cny_per_tce", "abatement_tce"):
        np.testing.assert_allclose(yearly(other, key), yearly(base, key), rtol=0.01)
    assert np.all(yearly(base, "average_price_cny_per_tce") > 0.0)


def test_prices_rise_at_the_discount_rate_while_the_bank_is_positive() -> None:
    market = rights("grandfathering")
    price = yearly(market, "expected_price_cny_per_tce")
    bank = yearly(market, "expected_bank_tce")
    assert bank[0] > 0.0 and bank[-1] == pytest.approx(0.0, abs=1e-6)
    for t in range(len(YEARS) - 1):
        if bank[t] > 1e-6:
            assert price[t + 1] == pytest.approx(price[t] * (1 + DISCOUNT_RATE), rel=1e-6)
    # The auctions clear at the path's prices (the last year's within the range its step cost
    # curves leave open).
    np.testing.assert_allclose(yearly(market, "average_price_cny_per_tce"), price, rtol=0.005)


def zero_price_auctions_before_scarce_years(market: EnergyRightsMarket) -> list[int]:
    """Auctions that cleared at 0 although a later year's auction cleared above 0."""
    out = []
    for k, a in enumerate(market.auctions):
        later = [b["price_cny_per_tce"] for b in market.auctions[k + 1 :] if b["year"] > a["year"]]
        if a["price_cny_per_tce"] == 0.0 and any(p > 0 for p in later if math.isfinite(p)):
            out.append(k)
    return out


@pytest.mark.parametrize("rule", ["grandfathering", "benchmark", "auction", "output_based"])
def test_no_auction_clears_at_zero_while_later_years_clear_above_zero(rule: str) -> None:
    # The first year's cap exceeds the use by 3 %; it falls by 4 % a year, so rights are
    # scarce from the second year on and the first year's surplus is worth banking.
    assert zero_price_auctions_before_scarce_years(rights(rule, cap_factor=1.03)) == []
    price = yearly(rights(rule, cap_factor=1.03), "average_price_cny_per_tce")
    assert price[0] > 0.0 and np.all(np.diff(price) > 0.0)


def test_myopic_firms_sell_a_surplus_year_at_zero() -> None:
    market = rights("grandfathering", "myopic", cap_factor=1.03)
    assert zero_price_auctions_before_scarce_years(market) != []


def test_output_based_allocation_raises_the_price_and_curtails_less() -> None:
    # An allocation in proportion to output is an output subsidy: curtailing output forfeits
    # rights, so the cap is met with dearer options and the price is higher.
    gf = rights("grandfathering")
    oba = rights("output_based")
    assert np.all(
        yearly(oba, "average_price_cny_per_tce") > yearly(gf, "average_price_cny_per_tce")
    )
    curtail_gf = sum(
        rights_year_summary(gf)[str(y)]["abatement_by_option_tce"].get("curtail_output", 0.0)
        for y in YEARS
    )
    curtail_oba = sum(
        rights_year_summary(oba)[str(y)]["abatement_by_option_tce"].get("curtail_output", 0.0)
        for y in YEARS
    )
    assert curtail_oba < curtail_gf


def test_foresight_abates_the_same_total_at_lower_cost_than_myopic_banking() -> None:
    foresight = rights("grandfathering")
    myopic = rights("grandfathering", "myopic")
    assert yearly(foresight, "abatement_tce").sum() == pytest.approx(
        yearly(myopic, "abatement_tce").sum(), rel=0.01
    )
    assert (
        yearly(foresight, "abatement_cost_cny").sum() < yearly(myopic, "abatement_cost_cny").sum()
    )
    # Myopic prices do not follow the Hotelling rule: they rise much faster than the rate.
    price = yearly(myopic, "average_price_cny_per_tce")
    assert price[-1] > price[0] * (1 + DISCOUNT_RATE) ** 3 * 1.5


@pytest.mark.parametrize("rule", ["auction", "hybrid"])
def test_learning_strategies_bid_on_the_path_under_primary_sales(rule: str) -> None:
    data = copy.deepcopy(SCENARIO)
    data["time"]["horizon_h"] = 24 * 365 * 2
    data["markets"]["energy_rights"]["allocation"] = {"rule": rule}
    strategies = ("zip", "roth_erev", "zi_c")
    for park in data["parks"]:
        for k, firm in enumerate(park["firms"]):
            firm["bidding"] = strategies[k % 3]
    sim = Simulation(parse_config(data), check_invariants=True)
    sim.run()  # the invariants are checked after every event
    assert sim.markets is not None and sim.markets.rights is not None
    prices = [a["price_cny_per_tce"] for a in sim.markets.rights.auctions]
    assert len(prices) == 8 and all(math.isnan(p) or p >= 0.0 for p in prices)
    assert sim.markets.rights.years[2026].primary_sold_tce > 0.0
