"""The two markets inside the engine: equilibrium, allocation rules, compliance, certificates."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from market.config import parse_config
from market.engine.simulation import Simulation
from market.runner import run_scenario

BASE: dict[str, Any] = {
    "name": "markets_small",
    "seed": 11,
    "time": {"start": "2025-05-01T00:00:00", "horizon_h": 24 * 45},
    "markets": {
        "green_power": {"enabled": True, "forecast_error_std_frac": 0.1},
        "energy_rights": {"enabled": True, "cap_factor": 0.95, "auctions_per_year": 12},
    },
    "parks": [
        {
            "name": "north",
            "grid": {"connection_limit_kw": 200000},
            "shared_assets": {"pv_kwp": 8000},
            "firms": [
                {"name": "cement", "sector": "cement", "output_t_per_yr": 200000},
                {"name": "methanol", "sector": "coal_chemical", "output_t_per_yr": 30000},
                {
                    "name": "glass",
                    "sector": "glass",
                    "assets": {"pv_kwp": 3000},
                    "green_power": {"target_share": 0.2},
                },
            ],
        },
        {
            "name": "south",
            "grid": {"connection_limit_kw": 200000},
            "firms": [
                {
                    "name": "chips",
                    "sector": "electronics",
                    "green_power": {"target_share": 1.0, "max_premium_cny_per_mwh": 60},
                },
                {"name": "food", "sector": "food", "assets": {"pv_kwp": 4000}},
                {"name": "steel", "sector": "steel_eaf", "output_t_per_yr": 80000},
            ],
        },
    ],
}


def scenario(**changes: Any) -> Any:
    data = copy.deepcopy(BASE)
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return parse_config(data)


def run(config: Any) -> Simulation:
    sim = Simulation(config, check_invariants=True)
    sim.run()
    return sim


def test_truthful_auction_equalises_marginal_abatement_costs() -> None:
    sim = run(scenario(markets__green_power__enabled=False))
    rights = sim.markets.rights
    book = rights.years[2025]
    price = rights.auctions[0]["price_cny_per_tce"]
    opts = book.options
    used = book.abated_by_slot > 1e-9
    unused = (opts.capacity_tce - book.abated_by_slot > 1e-9) & np.isfinite(opts.cost_cny_per_tce)
    # Textbook result: every option used costs no more than the price, every option left idle
    # costs no less; so marginal costs are equal across firms (cost-effectiveness).
    assert np.all(opts.cost_cny_per_tce[used] <= price + 1e-6)
    assert np.all(opts.cost_cny_per_tce[unused & (book.abated_by_slot > 0)] >= price - 1e-6)
    required = rights.expected_use_tce(book.first_step, book.stop_step).sum() - book.cap_tce
    assert book.abatement_tce.sum() == pytest.approx(required, rel=0.02)


@pytest.mark.parametrize(
    "rule", ["grandfathering", "benchmark", "output_based", "auction", "hybrid"]
)
def test_allocation_rules(rule: str) -> None:
    sim = run(scenario(markets__energy_rights__allocation={"rule": rule}))
    rights = sim.markets.rights
    book = rights.years[2025]
    free = book.free_tce.sum()
    if rule == "grandfathering":
        share = rights.base_use_tce / rights.base_use_tce.sum()
        np.testing.assert_allclose(book.free_tce / free, share, rtol=1e-9)
        assert free == pytest.approx(book.cap_tce, rel=1e-9)
    elif rule == "benchmark":
        expected = rights.expected_output_t(book.first_step, book.stop_step)
        ratio = book.free_tce / (expected * rights.intensity_tce_per_t)
        np.testing.assert_allclose(ratio, ratio[0], rtol=1e-9)  # one scaling factor for all
        assert free <= book.cap_tce * (1 + 1e-9)
    elif rule == "output_based":
        actual = book.result["output_t"]
        np.testing.assert_allclose(
            book.free_tce, actual * rights.oba_intensity_tce_per_t, rtol=1e-9
        )
        expected = rights.expected_output_t(book.first_step, book.stop_step)
        assert float(expected @ rights.oba_intensity_tce_per_t) == pytest.approx(book.cap_tce)
    elif rule == "auction":
        assert free == 0.0
        assert book.primary_sold_tce > 0.0
        assert book.revenue_cny > 0.0
    else:
        assert free == pytest.approx(0.9 * book.cap_tce, rel=1e-9)
        assert book.primary_tce == pytest.approx(0.1 * book.cap_tce, rel=1e-9)
    ledger = rights.ledger
    ledger.check_conservation()
    assert abs(sim.markets.money.balances().sum()) < 1e-6


@pytest.mark.parametrize("strategy", ["zi_c", "zip", "roth_erev"])
def test_learning_strategies_keep_every_ledger_balanced(strategy: str) -> None:
    data = copy.deepcopy(BASE)
    for park in data["parks"]:
        for firm in park["firms"]:
            firm["bidding"] = strategy
    sim = run(parse_config(data))  # check_invariants raises on any violation
    prices = [a["price_cny_per_tce"] for a in sim.markets.rights.auctions]
    assert len(prices) == 2 and all(np.isnan(p) or p >= 0 for p in prices)


def test_price_floor_and_ceiling_hold() -> None:
    high = run(
        scenario(
            markets__energy_rights__price_floor_cny_per_tce=2000.0,
            markets__energy_rights__reserve_tce=1e6,
        )
    )
    assert all(a["price_cny_per_tce"] >= 2000.0 - 1e-6 for a in high.markets.rights.auctions)
    low = run(
        scenario(
            markets__energy_rights__price_ceiling_cny_per_tce=60.0,
            markets__energy_rights__reserve_tce=1e6,
            markets__energy_rights__cap_factor=0.8,
        )
    )
    assert all(a["price_cny_per_tce"] <= 60.0 + 1e-6 for a in low.markets.rights.auctions)
    assert low.markets.rights.ledger.reserve_held_tce < 1e6


def test_banking_off_expires_surplus_and_penalty_for_shortfall() -> None:
    loose = run(
        scenario(
            markets__energy_rights__cap_factor=1.3,
            markets__energy_rights__banking=False,
            horizon_to_year_end=None,
        )
        if False
        else scenario(
            markets__energy_rights__cap_factor=1.3,
            markets__energy_rights__banking=False,
            time={"start": "2025-11-15T00:00:00", "horizon_h": 24 * 60},
        )
    )
    res = loose.markets.rights.years[2025].result
    assert res["expired_tce"].sum() > 0.0
    assert loose.markets.rights.ledger.cancelled_in_year_tce(2025) == pytest.approx(
        res["expired_tce"].sum(), rel=1e-9
    )
    tight = run(
        scenario(
            markets__energy_rights__cap_factor=0.5,
            markets__energy_rights__penalty={"kind": "fixed", "fixed_cny_per_tce": 100.0},
            time={"start": "2025-11-15T00:00:00", "horizon_h": 24 * 60},
        )
    )
    rights = tight.markets.rights
    res = rights.years[2025].result
    assert res["shortfall_tce"].sum() > 0.0
    np.testing.assert_allclose(res["penalty_cny"], res["shortfall_tce"] * 100.0, rtol=1e-9)
    # Make-good: next year's free allocation is cut by last year's shortfall.
    assert rights.years[2026].free_tce.sum() < rights.years[2026].cap_tce - 1e-6


def test_certificates_follow_generation_and_delivery() -> None:
    sim = run(scenario())
    green = sim.markets.green
    registry = green.registry
    registry.check_invariants()
    assert registry.issued_count <= registry.metered_mwh().sum() + 1e-9
    assert registry.issued_count == registry.holdings().sum() + registry.retired().sum()
    t = green.totals
    assert np.all(t.delivered_mwh <= t.sold_mwh + 1e-9)
    assert np.all(t.received_mwh <= t.bought_mwh + 1e-9)
    assert t.certified_mwh.sum() == registry.retired().sum()
    assert t.certified_mwh.sum() <= t.received_mwh.sum() + 1e-9
    frame = green.price_frame()
    traded = frame[frame["volume_mwh"] > 0]
    assert len(traded) > 0
    assert traded["price_cny_per_mwh"].min() >= 5.0 - 1e-9  # sellers' reserve premium


def green_gap(capacity_mw: float) -> Any:
    data = copy.deepcopy(BASE)
    data["time"]["horizon_h"] = 24 * 3
    data["markets"]["energy_rights"]["enabled"] = False
    data["markets"]["green_power"]["interconnectors"] = [
        {
            "from_park": "north",
            "to_park": "south",
            "capacity_mw": capacity_mw,
            "wheeling_fee_cny_per_mwh": 30.0,
        }
    ]
    sim = run(parse_config(data))
    frame = sim.markets.green.price_frame()
    wide = frame.pivot(index="time_h", columns="zone", values="price_cny_per_mwh").dropna()
    return (wide["south"] - wide["north"]).abs()


def test_interconnector_limits_cross_park_trade() -> None:
    # A wide link: zonal premiums differ by at most the wheeling fee.
    assert np.all(green_gap(1000.0) <= 30.0 + 1e-6)
    # A narrow link congests: the zones split by more than the fee.
    assert green_gap(0.5).max() > 30.0 + 1e-6


def test_renewable_exclusion_lowers_counted_use_and_never_raises_the_price() -> None:
    """Auction by auction: the volume-weighted average can rise when a dearer later auction
    trades only with the exclusion on, so the clearing prices are compared one by one."""
    sim_on = run(scenario())
    sim_off = run(scenario(accounting={"renewable_exclusion": False}))
    on, off = sim_on.results().summary, sim_off.results().summary
    y_on = on["markets"]["energy_rights"]["years"]["2025"]
    y_off = off["markets"]["energy_rights"]["years"]["2025"]
    assert y_on["renewable_exclusion_tce"] > 0.0
    assert y_off["renewable_exclusion_tce"] == 0.0
    prices_on = [a["price_cny_per_tce"] for a in sim_on.markets.rights.auctions]
    prices_off = [a["price_cny_per_tce"] for a in sim_off.markets.rights.auctions]
    assert len(prices_on) == len(prices_off) > 0
    for with_exclusion, without in zip(prices_on, prices_off, strict=True):
        assert with_exclusion <= without + 1e-9
    assert y_on["counted_use_tce"] < y_off["counted_use_tce"]


def test_market_runs_are_byte_identical(tmp_path: Path) -> None:
    config = scenario(time={"start": "2025-05-01T00:00:00", "horizon_h": 24 * 10})
    digests = []
    for name in ("a", "b"):
        outcome = run_scenario(config, tmp_path / name, with_exclusion_effect=False)
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in outcome.files})
    assert digests[0] == digests[1]
    assert {"green_power.csv", "rights_auctions.csv"} <= set(digests[0])


@pytest.mark.parametrize(("period", "books_per_zone"), [("daily", 45), ("monthly", 2)])
def test_daily_and_monthly_green_power_products(period: str, books_per_zone: int) -> None:
    sim = run(scenario(markets__green_power__period=period))
    frame = sim.markets.green.price_frame()
    assert len(frame) == 2 * books_per_zone
    assert sim.markets.green.totals.received_mwh.sum() > 0.0


def test_cli_check_invariants_flag(tmp_path: Path) -> None:
    import yaml

    from market.cli import main

    path = tmp_path / "s.yaml"
    data = copy.deepcopy(BASE)
    data["time"]["horizon_h"] = 24 * 5
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet", "--check-invariants"]) == 0
    import json

    summary = json.loads((out / "summary.json").read_text())
    assert summary["markets"]["money_conservation_cny"] == 0.0
    effect = summary["renewable_exclusion_effect"]["years"]["2025"]
    assert effect["excluded_tce"] >= 0.0


def test_park_market_based_scope2_is_lowered_by_its_firms_certificates() -> None:
    summary = run(scenario(markets__energy_rights__enabled=False)).results().summary
    lowered = 0.0
    for park in summary["parks"].values():
        co2 = park["co2_tco2"]
        firms = park["firms_detail"].values()
        cut = sum(
            f["co2_tco2"]["scope2_location"] - f["co2_tco2"]["scope2_market"] for f in firms
        )
        assert co2["scope2_location"] - co2["scope2_market"] == pytest.approx(cut, abs=1e-5)
        lowered += cut
    assert lowered > 0.0  # certified green power was bought, so the figures must differ
