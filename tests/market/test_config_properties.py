"""What ``validate`` accepts, ``run`` runs; what it rejects exits 2 naming the field path.

Scenarios come from the published JSON schema (hypothesis-jsonschema) and from the shipped
scenarios with one field replaced by an odd value. Accepted scenarios run with the horizon cut
to one day (reduced in time only); everything else is as generated.
"""

from __future__ import annotations

import copy
import math
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from market.cli import main
from market.config import ConfigError, ScenarioConfig, parse_config

REPO = Path(__file__).resolve().parents[2]
SHIPPED = (REPO / "configs" / "quickstart.yaml", REPO / "configs" / "shaanxi_park.yaml")
ONE_DAY_H = 24.0
VALIDATION_PEAK_BYTES = 64 * 2**20
ODD_VALUES: tuple[Any, ...] = (
    math.inf,
    -math.inf,
    math.nan,
    -1,
    0,
    1e308,
    2**70,
    "x" * 5000,
    "..",
    [],
    {},
    None,
    True,
)


def one_day(data: Any) -> Any:
    """The scenario with its horizon cut to at most one day (shorter horizons are kept)."""
    if isinstance(data, dict) and isinstance(data.get("time", {}), dict):
        data = copy.deepcopy(data)
        time = data.setdefault("time", {})
        horizon = time.get("horizon_h")
        if not isinstance(horizon, int | float) or not horizon <= ONE_DAY_H:
            time["horizon_h"] = ONE_DAY_H
    return data


def write_yaml(data: Any, folder: Path) -> Path:
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def validation_outcome(path: Path) -> tuple[ConfigError | None, int]:
    """Validate the file; return the error (if any) and the peak memory used [bytes]."""
    text_data = yaml.safe_load(path.read_text(encoding="utf-8"))
    tracemalloc.start()
    try:
        parse_config(text_data)
        error = None
    except ConfigError as exc:
        error = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return error, peak


def check_accepted_runs_rejected_exits_2(
    data: Any, folder: Path, capsys: pytest.CaptureFixture[str]
) -> bool:
    """The property; returns whether the scenario was accepted."""
    path = write_yaml(data, folder)
    error, peak = validation_outcome(path)
    assert peak < VALIDATION_PEAK_BYTES
    capsys.readouterr()
    code = main(["validate", str(path)])
    messages = capsys.readouterr().err
    if error is not None:
        assert code == 2
        assert error.issues
        for issue in error.issues:
            assert f"{issue.path}: got " in messages
        return False
    assert code == 0
    out = folder / "out"
    run_code = main(["run", str(path), "--out", str(out), "--quiet", "--no-exclusion-effect"])
    assert run_code == 0, capsys.readouterr().err
    assert (out / "summary.json").is_file()
    return True


@pytest.mark.slow
@settings(
    max_examples=30,
    deadline=None,
    database=None,
    derandomize=True,  # the same 30 scenarios on every run, so a failure is reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=from_schema(ScenarioConfig.model_json_schema()), name=st.integers(0, 10**9))
def test_schema_generated_scenarios(
    data: Any, name: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / f"case{name}"
    folder.mkdir(exist_ok=True)
    check_accepted_runs_rejected_exits_2(one_day(data), folder, capsys)


def leaf_paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every value in a scenario, containers included (root excluded)."""
    paths: list[tuple[Any, ...]] = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            paths.extend(leaf_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            paths.extend(leaf_paths(value, (*prefix, index)))
    return paths


def replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(data)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def mutants() -> list[tuple[str, tuple[Any, ...], Any]]:
    cases: list[tuple[str, tuple[Any, ...], Any]] = []
    for file in SHIPPED:
        base = yaml.safe_load(file.read_text(encoding="utf-8"))
        for path in leaf_paths(base):
            cases.extend((file.name, path, value) for value in ODD_VALUES)
    return cases


MUTANTS = mutants()
RUNS_AT_MOST = 8


@pytest.mark.slow
def test_shipped_scenarios_with_one_odd_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every single-field mutant: rejected ones exit 2 with their path; some accepted ones run."""
    bases = {f.name: yaml.safe_load(f.read_text(encoding="utf-8")) for f in SHIPPED}
    accepted: list[Any] = []
    rejected = 0
    for k, (file_name, path, value) in enumerate(MUTANTS):
        data = one_day(replaced(bases[file_name], path, value))
        try:
            parse_config(data)
        except ConfigError as exc:
            rejected += 1
            assert all(issue.path for issue in exc.issues)
            if k % 25 == 0:  # the command line, for a spread sample of the rejections
                folder = tmp_path / f"rejected{k}"
                folder.mkdir()
                assert not check_accepted_runs_rejected_exits_2(data, folder, capsys)
            continue
        accepted.append(data)
    assert rejected > len(MUTANTS) // 2
    assert accepted
    step = max(1, len(accepted) // RUNS_AT_MOST)
    for k, data in enumerate(accepted[::step][:RUNS_AT_MOST]):
        folder = tmp_path / f"accepted{k}"
        folder.mkdir()
        assert check_accepted_runs_rejected_exits_2(data, folder, capsys)


@pytest.mark.parametrize("odd", [math.inf, -math.inf, math.nan])
def test_non_finite_numbers_are_rejected_at_their_path(odd: float) -> None:
    for file in SHIPPED:
        base = yaml.safe_load(file.read_text(encoding="utf-8"))
        for path in leaf_paths(base):
            current = base
            for key in path:
                current = current[key]
            if isinstance(current, bool) or not isinstance(current, int | float):
                continue
            with pytest.raises(ConfigError) as info:
                parse_config(replaced(base, path, odd))
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
            assert [issue.path for issue in info.value.issues] == [where]
