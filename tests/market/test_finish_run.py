"""``finish_run``: the one path from a finished simulation to its results and files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from market.api import (
    RESULT_FILES,
    RunError,
    ScenarioConfig,
    Simulation,
    finish_run,
    open_event_log,
    parse_config,
    simulate,
)

REPO = Path(__file__).resolve().parents[2]


def quickstart(horizon_h: int = 48, **accounting: Any) -> ScenarioConfig:
    data = yaml.safe_load((REPO / "configs" / "quickstart.yaml").read_text(encoding="utf-8"))
    data["time"]["horizon_h"] = horizon_h
    data["accounting"].update(accounting)
    return parse_config(data)


def test_an_unfinished_run_has_no_results_and_says_where_it_is() -> None:
    sim = Simulation(quickstart())
    sim.run(until_h=24)
    with pytest.raises(RunError, match="at hour 24 of 48"):
        finish_run(sim)


def test_files_are_listed_in_result_file_order_and_hold_the_summary(tmp_path: Path) -> None:
    config = quickstart()
    sim = Simulation(config)
    log = open_event_log(sim.bus, tmp_path, "summary")
    sim.run()
    finished = finish_run(sim, tmp_path, event_log=log)

    assert tuple(finished.files) == RESULT_FILES  # both markets on: every file
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(RESULT_FILES)
    written = json.loads(finished.files["summary.json"].read_text(encoding="utf-8"))
    assert written == finished.results.summary
    assert written["markets"]["energy_rights"] is not None
    assert "renewable_exclusion_effect" in written
    assert log.path == finished.files["events.jsonl"]


def test_simulate_goes_through_finish_run_without_the_exclusion_effect() -> None:
    config = quickstart()
    sim = Simulation(config)
    sim.run()
    finished = finish_run(sim, with_exclusion_effect=False)
    assert finished.files == {}
    expected = finished.results.summary
    assert simulate(config).summary == expected
    assert "renewable_exclusion_effect" not in expected


def test_no_exclusion_effect_without_renewable_exclusion(tmp_path: Path) -> None:
    sim = Simulation(quickstart(renewable_exclusion=False))
    sim.run()
    summary = finish_run(sim, tmp_path).results.summary
    assert "renewable_exclusion_effect" not in summary
    assert "events.jsonl" not in {p.name for p in tmp_path.iterdir()}
