"""Study metrics on synthetic summaries with hand-computed answers, and on a real run."""

from __future__ import annotations

import copy
import json
import math

import pytest

from market.api import parse_config, simulate
from market.studies.metrics import (
    PlanTargets,
    default_targets,
    firm_costs,
    run_metrics,
    yearly_metrics,
)
from tests.market.studies.factories import market_summary, tiny_scenario

SHAANXI = PlanTargets(energy_intensity_change_pct=-13.5, co2_peak_before_year=2030)
#: The same targets over the factory summaries' years (base 2025, target 2027).
SPAN = PlanTargets(
    energy_intensity_change_pct=-13.5, co2_peak_before_year=2030, base_year=2025, target_year=2027
)


def test_default_targets_come_from_the_reference_data() -> None:
    assert default_targets() == SHAANXI


def test_run_metrics_of_a_full_summary_by_hand() -> None:
    m = run_metrics(market_summary(), SPAN)
    expected = {
        "first_year": 2025.0,
        "last_year": 2027.0,
        "years_simulated": 3.0,
        "energy_use_tce": 3150.0,
        "counted_energy_use_tce": 2850.0,
        "co2_tco2": 330.0,
        "value_added_10k_cny": 1756.25,
        "co2_tco2[cement]": 225.0,
        "co2_tco2[food]": 105.0,
        "energy_use_tce[cement]": 1950.0,
        "output_t[food]": 165.0,
        "energy_intensity_first_tce_per_10k_cny": 2.0,
        "energy_intensity_last_tce_per_10k_cny": 1.6,
        "energy_intensity_change_pct": -20.0,  # 1.6 / 2.0 - 1 (2027 vs the 2025 base)
        "energy_intensity_change_over_run_pct": -20.0,
        "energy_intensity_base_tce_per_10k_cny": 2.0,
        "energy_intensity_target_year_tce_per_10k_cny": 1.6,
        "energy_intensity_target_change_pct": -13.5,
        "energy_intensity_target_met": 1.0,  # -20 % beats -13.5 %
        "co2_peak_year": 2026.0,
        "co2_peak_tco2": 120.0,
        "co2_peak_before_target": 1.0,  # 2026 < 2030 and falling in 2027
        "rights_price_cny_per_tce": 175.0,  # (100 x 10 + 200 x 30) / 40; 2027 had no trades
        "rights_price_std_cny_per_tce": 10.0,  # mean of 5, 15, 10
        "rights_volume_tce": 40.0,
        "rights_cap_tce": 2850.0,
        "rights_allocated_free_tce": 2400.0,
        "rights_auctioned_tce": 450.0,
        "auction_revenue_cny": 3000.0,
        "compliance_rate_pct": 90.0,
        "penalties_cny": 150.0,
        "shortfall_tce": 3.0,
        "abatement_tce": 60.0,
        "abatement_tce[efficiency]": 45.0,
        "abatement_tce[heat_pump]": 15.0,
        "abatement_cost_cny": 900.0,
        "least_cost_abatement_cost_cny": 600.0,
        "cost_effectiveness_ratio": 1.5,
        "windfall_cny": 1200.0,
        "renewable_exclusion_tce": 30.0,
        "green_volume_mwh": 250.0,
        "green_premium_cny_per_mwh": 40.0,
        "green_share_pct": 12.5,
        "total_cost_cny": 850.0,  # the firms' costs, markets included (totals: 9999)
        "firms": 3.0,
        # Net costs 600, 150, 100 (cost_cny.total); compliance costs 100, 50, 0.
        "compliance_cost_cny": 150.0,
        "compliance_cost_per_firm_cny": 50.0,
        "firm_net_cost_gini": gini_of(600.0, 150.0, 100.0),
        "small_firm_cost_share_pct": 100.0 * 100.0 / 850.0,  # the 50 t firm pays 100 of 850
        "small_firm_size_share_pct": 100.0 * 50.0 / 3350.0,  # value added 0.1 x output
        "small_firm_burden_ratio": (100.0 / 850.0) / (50.0 / 3350.0),
        "small_firm_compliance_cost_share_pct": 0.0,
        "small_firm_compliance_burden_ratio": 0.0,
    }
    for name, value in expected.items():
        assert m[name] == pytest.approx(value, rel=1e-12, abs=1e-12), name
    # Ordered pairs differ by 50, 500, 450 (twice each): 2000 / (2 x 3^2 x 283.33) = 2000 / 5100.
    assert gini_of(600.0, 150.0, 100.0) == pytest.approx(2000.0 / 5100.0)


def test_yearly_rows_carry_market_fields_and_ratios() -> None:
    rows = yearly_metrics(market_summary())
    assert [r["year"] for r in rows] == [2025.0, 2026.0, 2027.0]
    second = rows[1]
    assert second["co2_tco2"] == 120.0
    assert second["co2_tco2[food]"] == 40.0
    assert second["rights_price_cny_per_tce"] == 200.0
    assert second["abatement_tce[heat_pump]"] == 5.0
    assert second["cost_effectiveness_ratio"] == pytest.approx(1.5)


def test_metrics_survive_a_json_round_trip_with_integer_or_text_years() -> None:
    summary = market_summary()
    summary["years"] = {int(k): v for k, v in summary["years"].items()}
    assert run_metrics(summary, SHAANXI) == run_metrics(
        json.loads(json.dumps(market_summary())), SHAANXI
    )


def test_missing_market_sections_give_no_market_metrics() -> None:
    summary = market_summary()
    del summary["markets"]
    for detail in summary["parks"]["p1"]["firms_detail"].values():
        detail["rights"] = None
    m = run_metrics(summary, SHAANXI)
    for absent in (
        "rights_price_cny_per_tce",
        "compliance_rate_pct",
        "compliance_cost_cny",
        "small_firm_compliance_burden_ratio",
        "green_premium_cny_per_mwh",
        "cost_effectiveness_ratio",
    ):
        assert absent not in m
    assert m["co2_tco2"] == 330.0
    assert m["firm_net_cost_gini"] == pytest.approx(gini_of(600.0, 150.0, 100.0))


def gini_of(*values: float) -> float:
    n, mean = len(values), sum(values) / len(values)
    return sum(abs(a - b) for a in values for b in values) / (2 * n * n * mean)


def test_co2_peak_in_the_last_year_before_the_deadline_is_unknown() -> None:
    summary = market_summary()
    summary["years"]["2027"]["co2_tco2"] = 500.0
    m = run_metrics(summary, SHAANXI)
    assert m["co2_peak_year"] == 2027.0 and math.isnan(m["co2_peak_before_target"])


def test_intensity_target_missed() -> None:
    summary = market_summary()
    summary["years"]["2027"]["energy_intensity_tce_per_10k_cny"] = 1.9  # -5 %
    m = run_metrics(summary, SPAN)
    assert m["energy_intensity_change_pct"] == pytest.approx(-5.0)
    assert m["energy_intensity_target_met"] == 0.0


def test_intensity_change_is_base_year_to_target_year_not_first_to_last() -> None:
    summary = market_summary()
    # Base 2025 (2.0), target 2026, last year 2027 (1.6): the change is 2026 against 2025.
    targets = PlanTargets(-13.5, 2030, base_year=2025, target_year=2026)
    target = summary["years"]["2026"]["energy_intensity_tce_per_10k_cny"]
    m = run_metrics(summary, targets)
    assert m["energy_intensity_change_pct"] == pytest.approx(100.0 * (target / 2.0 - 1.0))
    assert m["energy_intensity_change_over_run_pct"] == pytest.approx(-20.0)


def test_intensity_change_without_the_base_year_is_unknown() -> None:
    # The runs start in 2025; the plan's base year is 2020 and no base intensity is given.
    m = run_metrics(market_summary(), SHAANXI)
    assert math.isnan(m["energy_intensity_change_pct"])
    assert math.isnan(m["energy_intensity_target_met"])
    assert "base_year_energy_use_tce" not in m


def test_base_year_figures_are_the_base_year_row() -> None:
    summary = market_summary()
    m = run_metrics(summary, SPAN)
    year = summary["years"]["2025"]
    assert m["base_year"] == 2025.0
    assert m["base_year_energy_use_tce"] == year["energy_use_tce"]
    assert m["base_year_co2_tco2"] == year["co2_tco2"]
    assert m["base_year_value_added_10k_cny"] == year["value_added_10k_cny"]
    for sector, values in year["by_sector"].items():
        assert m[f"base_year_co2_tco2[{sector}]"] == values["co2_tco2"]
        assert m[f"base_year_energy_use_tce[{sector}]"] == values["energy_use_tce"]


def test_one_year_run_uses_target_progress_when_a_base_year_is_set() -> None:
    summary = copy.deepcopy(market_summary())
    summary["years"] = {"2025": summary["years"]["2025"]}
    summary["markets"]["energy_rights"]["years"] = {}
    summary["target_progress"] = {"change_achieved": -0.15}
    m = run_metrics(summary, SHAANXI)
    assert m["energy_intensity_change_pct"] == pytest.approx(-15.0)
    assert m["energy_intensity_target_met"] == 1.0


def test_firm_costs_read_output_or_production_and_flags() -> None:
    summary = market_summary()
    detail = summary["parks"]["p1"]["firms_detail"]["mid"]
    detail["production_t"] = detail.pop("output_t")
    firms = {f.firm: f for f in firm_costs(summary)}
    assert firms["mid"].output_t == 300.0
    assert firms["small"].small_firm == 1.0 and firms["big"].small_firm == 0.0
    assert firms["big"].net_cost_cny == 600.0
    assert firms["big"].compliance_cost_cny == 100.0


def test_metrics_of_a_real_run_without_market_results() -> None:
    results = simulate(parse_config(tiny_scenario()))
    m = run_metrics(results.summary)
    totals = results.summary["totals"]
    assert m["first_year"] == m["last_year"] == 2025.0
    assert m["energy_use_tce"] == pytest.approx(totals["energy_use_tce"])
    assert m["co2_tco2"] == pytest.approx(totals["co2_tco2_location"])
    assert m["co2_tco2[electronics]"] + m["co2_tco2[food]"] == pytest.approx(m["co2_tco2"], 1e-5)
    assert m["firms"] == 2.0
    assert 0.0 <= m["firm_net_cost_gini"] <= 0.5


def test_small_firms_are_the_smallest_by_value_added_not_tonnes() -> None:
    """A chip maker with few tonnes but the largest value added is not a small firm."""
    from tests.market.studies.factories import firm

    summary = market_summary()
    details = summary["parks"]["p1"]["firms_detail"]
    for detail in details.values():
        detail["value_added_10k_cny"] = 10.0
    names = list(details)
    tonnes = [details[n]["output_t"] for n in names]
    lightest = names[tonnes.index(min(tonnes))]
    details[lightest]["value_added_10k_cny"] = 1000.0
    m = run_metrics(summary, SHAANXI)
    costs = {n: details[n]["cost_cny"]["total"] for n in names}
    small = next(n for n in names if n != lightest)  # ties broken by position
    assert m["small_firm_size_share_pct"] == pytest.approx(100.0 * 10.0 / 1020.0)
    share = 100.0 * costs[small] / sum(costs.values())
    assert m["small_firm_cost_share_pct"] == pytest.approx(share)
    assert firm("x", 1.0, 1.0, None)["value_added_10k_cny"] == pytest.approx(0.1)


def test_a_summary_without_years_gives_sector_value_added_from_the_firms() -> None:
    summary = market_summary()
    del summary["years"]
    summary["start"] = "2025-01-01T00:00:00"
    summary["markets"]["energy_rights"]["years"] = {}
    m = run_metrics(summary, SHAANXI)
    details = summary["parks"]["p1"]["firms_detail"].values()
    by_sector: dict[str, float] = {}
    for detail in details:
        sector = detail["sector"]
        by_sector[sector] = by_sector.get(sector, 0.0) + detail["value_added_10k_cny"]
    for sector, value in by_sector.items():
        assert m[f"value_added_10k_cny[{sector}]"] == pytest.approx(value)


def test_firms_carry_their_base_year_figures() -> None:
    scenario = tiny_scenario()
    scenario["time"]["start"] = "2024-06-03T00:00:00"
    scenario["accounting"] = {"base_year": 2024}
    summary = simulate(parse_config(scenario)).summary
    firms = firm_costs(summary)
    year = summary["years"]["2024"]
    assert sum(f.base_year_energy_use_tce for f in firms) == pytest.approx(year["energy_use_tce"])
    assert sum(f.base_year_co2_tco2 for f in firms) == pytest.approx(year["co2_tco2"])
    assert sum(f.base_year_value_added_10k_cny for f in firms) == pytest.approx(
        year["value_added_10k_cny"]
    )
    # A run that does not simulate its base year (2020 by default) has none.
    later = firm_costs(simulate(parse_config(tiny_scenario())).summary)
    assert all(math.isnan(f.base_year_co2_tco2) for f in later)
