"""A study runs in this process when worker start-up would cost more than it saves."""

from __future__ import annotations

from pathlib import Path

import pytest

from market.studies import ExecutionOptions, load_study, run_study
from market.studies.placement import (
    WORKER_STARTUP_S,
    choose_placement,
    estimated_run_s,
    idle_cores,
    simulated_steps,
)
from tests.market.studies.test_execute import file_bytes, tiny_plan

REPO = Path(__file__).resolve().parents[3]


def test_representative_days_scale_the_simulated_steps() -> None:
    assert simulated_steps({"horizon_h": 8760.0, "step_h": 1.0}) == 8760.0
    assert simulated_steps({"horizon_h": 8760.0, "step_h": 0.25}) == 4 * 8760.0
    every_day = simulated_steps({"horizon_h": 8760.0, "representative_days_per_month": 31})
    assert every_day == 8760.0
    two_days = simulated_steps({"horizon_h": 8760.0, "representative_days_per_month": 2})
    assert two_days == pytest.approx(24 * 24, rel=0.01)


def test_estimate_grows_with_firms_and_steps() -> None:
    park = {"firms": [{}, {}]}
    small = estimated_run_s({"parks": [park], "time": {"horizon_h": 48}})
    longer = estimated_run_s({"parks": [park], "time": {"horizon_h": 480}})
    more_firms = estimated_run_s({"parks": [{"firms": [{}] * 20}], "time": {"horizon_h": 48}})
    assert small < longer and small < more_firms


def test_small_studies_stay_in_process_and_large_ones_go_to_workers() -> None:
    quick = load_study(REPO / "configs" / "studies" / "quick.yaml")
    allocation = load_study(REPO / "configs" / "studies" / "allocation_rules.yaml")
    assert choose_placement(quick.tasks, 2).in_process
    chosen = choose_placement(allocation.tasks, 2)
    assert chosen.workers == 2
    assert chosen.estimated_serial_s > chosen.estimated_parallel_s > WORKER_STARTUP_S
    assert choose_placement(allocation.tasks, 1).in_process  # one worker never pays
    assert choose_placement(allocation.tasks[:1], 8).in_process  # nor does one run
    busy = choose_placement(allocation.tasks, 2, free_cores=1)  # other work holds a core
    assert busy.in_process and "fewer than 2 cores" in busy.describe(25)
    assert choose_placement(allocation.tasks, 2, free_cores=2).workers == 2


@pytest.mark.parametrize(
    ("cores", "load", "idle"), [(2, 1.0, 2), (2, 0.2, 2), (2, 2.6, 0), (2, 1.8, 1), (8, 3.0, 6)]
)
def test_idle_cores_count_this_process_as_free(cores: int, load: float, idle: int) -> None:
    assert idle_cores(cores, load) == idle


def test_a_tiny_study_given_workers_runs_in_process_with_the_same_files(
    tmp_path: Path,
) -> None:
    serial = tmp_path / "serial"
    auto = tmp_path / "auto"
    run_study(tiny_plan(), serial, ExecutionOptions(serial=True))
    outcome = run_study(tiny_plan(), auto, ExecutionOptions(workers=2))
    assert "in this process" in outcome.placement
    assert file_bytes(auto) == file_bytes(serial)
