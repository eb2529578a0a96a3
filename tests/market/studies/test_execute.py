"""Serial and Dask execution give identical files; a failing run is retried once."""

from __future__ import annotations

from pathlib import Path

import pytest

from market.studies import (
    ExecutionError,
    ExecutionOptions,
    RunRecord,
    RunTask,
    dask_client,
    execute,
    parse_study,
    plan_study,
    run_on_client,
    run_serial,
    run_study,
    run_task,
)
from market.studies.plan import StudyPlan
from tests.market.studies.factories import tiny_scenario, tiny_study

OUTPUT_FILES = ("summary.csv", "summary.xlsx", "runs.parquet", "firms.parquet", "report.html")


def tiny_plan() -> StudyPlan:
    return plan_study(parse_study(tiny_study()), tiny_scenario())


def flaky_once(task: RunTask, attempt: int) -> RunRecord:
    """Fails the first attempt of every 'tou' run (as if a worker had crashed)."""
    if task.variant == "tou" and attempt == 0:
        raise RuntimeError(f"injected failure in {task.variant}/{task.seed}")
    return run_task(task, attempt)


def always_fails_for_seed_2(task: RunTask, attempt: int) -> RunRecord:
    if task.seed == 2 and task.variant == "thermal":
        raise RuntimeError("broken for good")
    return run_task(task, attempt)


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES}


@pytest.fixture(scope="module")
def serial_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("serial")
    outcome = run_study(tiny_plan(), out, ExecutionOptions(serial=True))
    assert len(outcome.records) == 9 and not outcome.failures
    return file_bytes(out)


def test_dask_threads_match_serial_byte_for_byte(
    serial_files: dict[str, bytes], tmp_path: Path
) -> None:
    run_study(tiny_plan(), tmp_path, ExecutionOptions(workers=2, processes=False))
    assert file_bytes(tmp_path) == serial_files


@pytest.mark.slow
def test_dask_processes_match_serial_byte_for_byte(
    serial_files: dict[str, bytes], tmp_path: Path
) -> None:
    run_study(tiny_plan(), tmp_path, ExecutionOptions(workers=2, processes=True, auto=False))
    assert file_bytes(tmp_path)["summary.csv"] == serial_files["summary.csv"]
    assert file_bytes(tmp_path) == serial_files


def test_failed_run_is_reported_and_retried_on_dask() -> None:
    plan = tiny_plan()
    messages: list[str] = []
    with dask_client(2, processes=False) as client:
        result = run_on_client(plan.tasks, client, task_function=flaky_once, report=messages.append)
    assert [r.index for r in result.records] == list(range(9))  # nothing lost, in order
    assert not result.failures
    assert [(f.variant, f.seed, f.attempt) for f in result.retried] == [
        ("tou", 1, 0),
        ("tou", 2, 0),
        ("tou", 3, 0),
    ]
    assert len(messages) == 3
    assert all("injected failure" in m and "retrying" in m for m in messages)


def test_retried_results_equal_first_time_results() -> None:
    plan = tiny_plan()
    tou = [t for t in plan.tasks if t.variant == "tou"]
    clean = run_serial(tou)
    retried = run_serial(tou, task_function=flaky_once, report=lambda _m: None)
    assert retried.records == clean.records
    assert len(retried.retried) == 3


def test_run_failing_twice_is_reported_and_others_are_kept(tmp_path: Path) -> None:
    messages: list[str] = []
    outcome = run_study(
        tiny_plan(),
        tmp_path,
        ExecutionOptions(serial=True),
        task_function=always_fails_for_seed_2,
        report=messages.append,
    )
    assert len(outcome.records) == 8
    assert [(f.variant, f.seed, f.attempt) for f in outcome.failures] == [("thermal", 2, 1)]
    assert "giving up" in messages[-1] and "broken for good" in messages[-1]
    runs_per_variant = dict(zip(outcome.summary["variant"], outcome.summary["runs"], strict=True))
    assert runs_per_variant == {"self_consumption": 3, "tou": 3, "thermal": 2}
    assert "broken for good" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_bad_worker_count_is_a_named_error() -> None:
    with pytest.raises(ExecutionError, match="workers: got 0"):
        execute(tiny_plan().tasks, workers=0)


def test_common_random_numbers_same_seed_same_weather() -> None:
    # The variants differ only in policy: on the same seed, PV output (weather) is identical.
    plan = tiny_plan()
    result = run_serial(plan.tasks)
    by_key = {(r.variant, r.seed): r for r in result.records}
    base, thermal = by_key[("self_consumption", 2)], by_key[("thermal", 2)]
    assert base.metrics["co2_tco2"] == thermal.metrics["co2_tco2"]
    assert thermal.metrics["energy_use_tce"] > base.metrics["energy_use_tce"]
    assert base.metrics["co2_tco2"] != by_key[("self_consumption", 3)].metrics["co2_tco2"]
