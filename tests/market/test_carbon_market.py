"""The carbon market inside the engine: allocation, trading, price, money, offsets, coupling."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from market.config import parse_config
from market.config.errors import ConfigError
from market.results import collect_results
from market.runner import run_scenario
from tests.market.test_markets import run

BASE: dict[str, Any] = {
    "name": "carbon_small",
    "seed": 5,
    "time": {"start": "2025-05-01T00:00:00", "horizon_h": 24 * 45},
    "markets": {"carbon": {"enabled": True, "auctions_per_year": 12}},
    "parks": [
        {
            "name": "north",
            "grid": {"connection_limit_kw": 300000},
            "shared_assets": {"pv_kwp": 8000},
            "firms": [
                {"name": "cement", "sector": "cement", "output_t_per_yr": 400000},
                {"name": "aluminium", "sector": "aluminium", "output_t_per_yr": 20000},
                {"name": "steel", "sector": "steel_eaf", "output_t_per_yr": 80000},
                {"name": "chips", "sector": "electronics"},
            ],
        }
    ],
}
#: Cement a little long (benchmark above its intensity of about 0.80), aluminium short (about
#: 1.63): the cement firm's surplus does not cover the aluminium firm's deficit.
LONG_AND_SHORT = {
    "carbon_market.benchmark_cement_tco2_per_t": 0.81,
    "carbon_market.benchmark_aluminium_tco2_per_t": 1.3,
}
#: Both short, beyond what CCER can cover.
BOTH_SHORT = {
    "carbon_market.benchmark_cement_tco2_per_t": 0.75,
    "carbon_market.benchmark_aluminium_tco2_per_t": 1.5,
}


def scenario(reference_overrides: dict[str, float] | None = None, **carbon: Any) -> Any:
    data = copy.deepcopy(BASE)
    data["markets"]["carbon"].update(carbon)
    if reference_overrides:
        data["reference_overrides"] = reference_overrides
    return parse_config(data)


def test_free_allocation_is_benchmark_times_actual_output_for_covered_firms() -> None:
    sim = run(scenario())
    carbon = sim.markets.carbon
    assert carbon is not None and sim.markets.rights is None
    book = carbon.years[2025]
    output = book.result["output_t"]
    benchmark = np.array([0.80, 1.6, 0.02, 0.0])  # carbon_market.yaml; chips not covered
    np.testing.assert_allclose(book.free_tce, output * benchmark, rtol=1e-9)
    assert book.free_tce[3] == 0.0 and book.result["modelled_use_tce"][3] == 0.0
    assert list(carbon.covered) == [True, True, True, False]


def test_a_long_firm_sells_and_a_short_firm_buys() -> None:
    sim = run(scenario(LONG_AND_SHORT, ccer_limit_frac=0.0))
    book = sim.markets.carbon.years[2025]
    cement, aluminium = 0, 1
    assert book.sold_tce[cement] > 0.0 and book.bought_tce[cement] < 1e-9
    assert book.bought_tce[aluminium] > 0.0 and book.sold_tce[aluminium] < 1e-9
    assert book.received_cny[cement] > 0.0 and book.paid_cny[aluminium] > 0.0
    assert book.sold_tce.sum() == pytest.approx(book.bought_tce.sum(), rel=1e-9)


def test_price_equals_the_marginal_abatement_cost_at_the_cap() -> None:
    sim = run(scenario(LONG_AND_SHORT, ccer_limit_frac=0.0))
    carbon = sim.markets.carbon
    book = carbon.years[2025]
    price = carbon.auctions[0]["price_cny_per_tce"]
    assert np.isfinite(price) and price > 0.0
    opts = book.options
    used = book.abated_by_slot > 1e-9
    idle = (opts.capacity_tce - book.abated_by_slot > 1e-9) & np.isfinite(opts.cost_cny_per_tce)
    # Every option used costs at most the price, every one left idle at least: marginal
    # abatement costs are equal across firms at the price.
    assert used.any()
    assert np.all(opts.cost_cny_per_tce[used] <= price + 1e-6)
    assert np.all(opts.cost_cny_per_tce[idle & used] >= price - 1e-6)
    short = carbon.expected_use_tce(book.first_step, book.stop_step).sum() - book.cap_tce
    assert book.abatement_tce.sum() == pytest.approx(short, rel=0.05)


def test_money_sums_to_zero_across_firms_and_the_auction() -> None:
    sim = run(scenario(allocation="auction", revenue_recycling="to_treasury"))
    carbon = sim.markets.carbon
    book = carbon.years[2025]
    assert book.free_tce.sum() == 0.0 and book.primary_sold_tce > 0.0
    firms_paid = float(book.paid_cny.sum() - book.received_cny.sum())
    assert firms_paid == pytest.approx(book.revenue_cny, rel=1e-9)
    money = sim.markets.money
    assert abs(money.balances().sum()) < 1e-6
    treasury = money.balances()[money.layout.treasury]
    penalties = float(book.result["penalty_cny"].sum())
    assert treasury == pytest.approx(book.revenue_cny + penalties, rel=1e-9)


def test_offsets_stay_within_the_limit_and_do_not_lower_co2() -> None:
    sim = run(scenario(BOTH_SHORT))
    carbon = sim.markets.carbon
    book = carbon.years[2025]
    offsets = carbon.offsets_tco2(2025)
    verified = book.result["modelled_use_tce"]
    assert offsets.sum() > 0.0
    assert np.all(offsets <= 0.05 * verified + 1e-9)
    physical = carbon.physical_abatement_tco2(2025)
    np.testing.assert_allclose(physical + offsets, book.abatement_tce, rtol=1e-12)
    summary = collect_results(sim.runs, sim.reference, sim.config, sim.markets).summary
    year = summary["years"]["2025"]
    firms = summary["parks"]["north"]["firms_detail"]
    before = sum(f["co2_tco2"]["total_location"] for f in firms.values())
    # CO2 falls by the physical abatement only; offsets lower what is counted for compliance.
    assert year["co2_tco2"] == pytest.approx(before - physical.sum(), rel=1e-6)
    section = summary["markets"]["carbon"]["years"]["2025"]
    assert section["offsets_tco2"] == pytest.approx(offsets.sum(), rel=1e-6)
    assert section["counted_emissions_tco2"] == pytest.approx(
        float((verified - book.abatement_tce).sum()), rel=1e-6
    )


def test_scope2_switch_counts_electricity_and_certificates_once() -> None:
    data = copy.deepcopy(BASE)
    data["markets"]["green_power"] = {"enabled": True}
    data["markets"]["energy_rights"] = {"enabled": True}
    data["markets"]["carbon"].update(include_scope2=True)
    data["policy"] = {"control": "both"}
    data["parks"][0]["firms"][3]["green_power"] = {"target_share": 1.0}
    data["parks"][0]["firms"][1]["green_power"] = {"target_share": 1.0}
    sim = run(parse_config(data))
    carbon, rights, green = sim.markets.carbon, sim.markets.rights, sim.markets.green
    assert carbon is not None and rights is not None and green is not None
    res_c, res_e = carbon.years[2025].result, rights.years[2025].result
    certified_kwh = green.certified_by_year[2025] * 1000.0
    grid_kwh = np.concatenate([r.firm.grid_kwh for r in sim.runs])
    eligible = np.minimum(certified_kwh, grid_kwh)
    assert eligible[1] > 0.0
    factor = sim.parks[0].grid_co2_tco2_per_mwh
    coef = rights.exclusion_tce(np.array([1.0]), np.array([1e12]))[0] / 1000.0
    covered = carbon.covered
    np.testing.assert_allclose(
        res_c["exclusion_tce"], np.where(covered, eligible / 1000.0 * factor, 0.0), rtol=1e-6
    )
    np.testing.assert_allclose(res_e["exclusion_tce"], eligible * coef, rtol=1e-6)


@pytest.mark.parametrize(
    ("control", "rights_on", "carbon_on"),
    [("energy_rights", True, False), ("carbon", False, True), ("both", True, True)],
)
def test_control_switch_chooses_the_binding_markets(
    control: str, rights_on: bool, carbon_on: bool
) -> None:
    data = copy.deepcopy(BASE)
    data["policy"] = {"control": control}
    data["time"]["horizon_h"] = 24 * 20
    sim = run(parse_config(data))
    assert (sim.markets.rights is not None) is rights_on
    assert (sim.markets.carbon is not None) is carbon_on
    if rights_on and carbon_on:
        assert sim.markets.rights.linked_source is not None
        assert sim.markets.carbon.linked_source is not None


def test_bad_coverage_names_the_field() -> None:
    data = copy.deepcopy(BASE)
    data["markets"]["carbon"]["coverage"] = ["cement", "shipbuilding"]
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    assert "markets.carbon.coverage" in str(info.value)


def test_runs_with_both_markets_are_byte_identical(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["time"]["horizon_h"] = 24 * 10
    data["policy"] = {"control": "both"}
    data["markets"]["green_power"] = {"enabled": True}
    config = parse_config(data)
    digests = []
    for name in ("a", "b"):
        outcome = run_scenario(config, tmp_path / name, with_exclusion_effect=False)
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in outcome.files})
    assert digests[0] == digests[1]
    assert {"carbon_auctions.csv", "rights_auctions.csv"} <= set(digests[0])


def test_with_both_markets_abatement_for_one_lowers_the_others_count() -> None:
    data = copy.deepcopy(BASE)
    data["policy"] = {"control": "both"}
    data["markets"]["carbon"].update(ccer_limit_frac=0.0)
    data["reference_overrides"] = {  # short of carbon even after the energy savings
        "carbon_market.benchmark_cement_tco2_per_t": 0.6,
        "carbon_market.benchmark_aluminium_tco2_per_t": 1.2,
    }
    sim = run(parse_config(data))
    carbon, rights = sim.markets.carbon, sim.markets.rights
    res_c, res_e = carbon.years[2025].result, rights.years[2025].result
    # Carbon abatement, converted to tce, is counted in the rights market, and the reverse.
    np.testing.assert_allclose(res_e["linked_abatement_tce"], carbon.energy_saved_tce(2025))
    np.testing.assert_allclose(
        res_c["linked_abatement_tce"], carbon.co2_avoided_tco2(rights, 2025), rtol=1e-9
    )
    assert res_e["linked_abatement_tce"].sum() > 0.0
    assert res_c["linked_abatement_tce"].sum() > 0.0
    for res in (res_c, res_e):
        counted = np.maximum(
            res["modelled_use_tce"]
            - res["abatement_tce"]
            - res["linked_abatement_tce"]
            - res["exclusion_tce"],
            0.0,
        )
        np.testing.assert_allclose(res["counted_use_tce"], counted, rtol=1e-9, atol=1e-9)
