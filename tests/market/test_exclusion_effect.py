"""The renewable-exclusion effect from counterfactual markets on the same physics equals the one
from a separate run with the switch off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from market.api import Simulation, finish_run, parse_config, simulate
from market.exclusion_effect import without_exclusion

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.filterwarnings("ignore:.*dayofyear.*")


def quickstart_data(horizon_h: int = 120) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (REPO / "configs" / "quickstart.yaml").read_text(encoding="utf-8")
    )
    data["time"]["horizon_h"] = horizon_h
    return data


def finished(data: dict[str, Any], *, counterfactual: bool) -> Simulation:
    sim = Simulation(
        parse_config(data), check_invariants=True, exclusion_counterfactual=counterfactual
    )
    sim.run()
    return sim


def test_counterfactual_markets_give_the_full_rerun_figures_exactly() -> None:
    # Across a year end with banking, so two compliance years and rights carried between them.
    data = quickstart_data(24 * 12)
    data["time"]["start"] = "2025-12-24T00:00:00"
    data["markets"]["energy_rights"].update({"banking": True, "auctions_per_year": 12})
    shared = finished(data, counterfactual=True)
    alone = finished(data, counterfactual=False)
    assert shared.counterfactual is not None
    assert alone.counterfactual is None

    # The switched-off rights market on the same physics gives a separate run's figures.
    without = simulate(without_exclusion(parse_config(data))).summary
    counterfactual = shared.counterfactual.summary(shared)
    rights = counterfactual["markets"]["energy_rights"]
    assert rights == without["markets"]["energy_rights"]
    assert not counterfactual["markets"].get("green_power")

    effect_shared = finish_run(shared).results.summary
    effect_rerun = finish_run(alone).results.summary  # simulates the scenario again
    assert effect_shared == effect_rerun
    years = effect_shared["renewable_exclusion_effect"]["years"]
    assert set(years) == {"2025", "2026"}
    assert all(year["excluded_tce"] > 0.0 for year in years.values())
    # Exclusion deducts certified green power but also lowers the price and so the abatement.
    assert all(
        year["counted_use_with_tce"] != year["counted_use_without_tce"] for year in years.values()
    )
    assert any(year["rights_price_change_cny_per_tce"] for year in years.values())


def test_the_run_itself_is_unchanged_by_its_counterfactual_markets() -> None:
    data = quickstart_data(72)
    shared = finish_run(finished(data, counterfactual=True), with_exclusion_effect=False)
    alone = finish_run(finished(data, counterfactual=False), with_exclusion_effect=False)
    assert shared.results.summary == alone.results.summary
    assert shared.results.timeseries.equals(alone.results.timeseries)


def test_no_counterfactual_without_an_effect_or_with_investments() -> None:
    off = quickstart_data(24)
    off["accounting"]["renewable_exclusion"] = False
    assert Simulation(parse_config(off), exclusion_counterfactual=True).counterfactual is None
    investing = quickstart_data(24)
    investing["investments"] = {"enabled": True}
    # Investments follow the rights price and change the parks: only a separate run is exact.
    assert Simulation(parse_config(investing), exclusion_counterfactual=True).counterfactual is None
