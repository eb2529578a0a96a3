"""Turn a study file into a plan: validated variant scenarios × seeds as run tasks.

Loading reads the study YAML and its base scenario; planning (:func:`plan_study`) is pure. Every
problem becomes a :class:`~market.studies.errors.StudyError` whose issues name the study field,
or the variant and the scenario field its overrides broke.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from market.config.errors import ConfigError, ConfigIssue, issues_from_validation_error
from market.config.loader import parse_config, read_yaml
from market.config.schema import ScenarioConfig
from market.studies.errors import OverrideError, StudyError
from market.studies.overrides import apply_overrides
from market.studies.schema import SEED_LIST_TAG, SEED_RANGE_TAG, StudyConfig, YearsSpec

REPRESENTATIVE_DAYS_FIELD = "representative_days_per_month"


@dataclass(frozen=True, slots=True)
class RunTask:
    """One simulation of a study: a variant on a seed.

    Attributes
    ----------
    index
        Position in the study's deterministic order (variants in file order, then seeds).
    variant
        Variant name.
    seed
        Scenario seed; the same seeds for every variant (common random numbers).
    scenario
        The variant's validated scenario as a plain mapping, with ``seed`` set.
    data_dir
        Folder that the scenario's relative data-file paths are resolved against (the base
        scenario's folder; ``None``: the shipped ``configs/`` folder).
    """

    index: int
    variant: str
    seed: int
    scenario: dict[str, Any]
    data_dir: str | None = None


@dataclass(frozen=True)
class StudyPlan:
    """A validated study, ready to run.

    Attributes
    ----------
    study
        The study file's content.
    source
        Where the study came from (file path or a label).
    variants
        Variant names in file order.
    seeds
        Seeds in file order.
    tasks
        Variants × seeds, in order.
    notes
        Remarks for the user (e.g. a setting this engine version does not support).
    """

    study: StudyConfig
    source: str
    variants: tuple[str, ...]
    seeds: tuple[int, ...]
    tasks: tuple[RunTask, ...]
    notes: tuple[str, ...] = ()


def _study_issues(exc: ValidationError) -> list[ConfigIssue]:
    """Issues of a study validation, with the seed-form tags removed from the paths."""
    issues = []
    for issue in issues_from_validation_error(exc):
        path = issue.path.replace(f".{SEED_RANGE_TAG}", "").replace(f".{SEED_LIST_TAG}", "")
        issues.append(ConfigIssue(path, issue.value, issue.allowed))
    return issues


def parse_study(data: Any, source: str = "study") -> StudyConfig:
    """Validate already-parsed study data.

    Raises
    ------
    StudyError
        With one issue per problem, paths like ``variants[1].name`` or ``seeds.count``.
    """
    if not isinstance(data, dict):
        raise StudyError(
            [ConfigIssue("<root>", type(data).__name__, "a mapping of study fields")], source
        )
    try:
        return StudyConfig.model_validate(data)
    except ValidationError as exc:
        raise StudyError(_study_issues(exc), source) from None


def time_fields() -> frozenset[str]:
    """Names of the fields the scenario's ``time`` section accepts in this engine version."""
    annotation = ScenarioConfig.model_fields["time"].annotation
    fields = getattr(annotation, "model_fields", {})
    return frozenset(fields)


def _years_horizon_h(years: YearsSpec) -> float:
    start = dt.datetime(years.start, 1, 1)
    end = dt.datetime(years.end + 1, 1, 1)
    return (end - start).total_seconds() / 3600.0


def apply_time_settings(
    scenario: Mapping[str, Any], study: StudyConfig, supported: frozenset[str]
) -> tuple[dict[str, Any], list[str]]:
    """Apply the study's ``years`` and representative days to a scenario mapping.

    ``years`` sets ``time.start`` to 1 January of the first year and ``time.horizon_h`` to the
    whole span [h]. ``representative_days_per_month`` is passed to ``time`` when the scenario
    schema has that field; otherwise a note says it was not applied.

    Returns
    -------
    tuple
        The new mapping and the notes.
    """
    out = copy.deepcopy(dict(scenario))
    notes: list[str] = []
    time = out.get("time")
    time = dict(time) if isinstance(time, Mapping) else {}
    if study.years is not None:
        time["start"] = f"{study.years.start:04d}-01-01T00:00:00"
        time["horizon_h"] = _years_horizon_h(study.years)
    if study.representative_days_per_month is not None:
        if REPRESENTATIVE_DAYS_FIELD in supported:
            time[REPRESENTATIVE_DAYS_FIELD] = study.representative_days_per_month
        else:
            notes.append(
                "representative_days_per_month is not supported by this engine version's "
                "scenario schema (time section); every day of the horizon is simulated"
            )
    if study.years is not None or (
        study.representative_days_per_month is not None and REPRESENTATIVE_DAYS_FIELD in supported
    ):
        out["time"] = time
    return out, notes


def _variant_label(index: int, name: str) -> str:
    return f"variants[{index}] '{name}'"


def plan_study(
    study: StudyConfig,
    base: Any,
    source: str = "study",
    *,
    supported_time_fields: frozenset[str] | None = None,
    data_dir: Path | None = None,
) -> StudyPlan:
    """Build the run tasks of a study from its base scenario mapping (pure).

    Parameters
    ----------
    study
        The validated study.
    base
        The base scenario as plain data (``yaml.safe_load`` of the base file).
    source
        Label for error messages (the study file path).
    supported_time_fields
        Fields of the scenario's ``time`` section (default: from the installed schema).
    data_dir
        Folder of the base scenario file, for its relative data-file paths
        (:mod:`market.inputs.paths`).

    Raises
    ------
    StudyError
        If the base scenario is invalid, or a variant's overrides cannot be applied or make the
        scenario invalid; every variant is checked and all issues are reported together.
    """
    supported = time_fields() if supported_time_fields is None else supported_time_fields
    if not isinstance(base, dict):
        issue = ConfigIssue("base", type(base).__name__, "a scenario file holding a mapping")
        raise StudyError([issue], source)
    timed, notes = apply_time_settings(base, study, supported)
    try:
        timed = apply_overrides(timed, study.overrides)
    except OverrideError as exc:
        issue = ConfigIssue(f"overrides.{exc.key}", exc.value, exc.allowed)
        raise StudyError([issue], source) from None
    try:
        parse_config(timed, source="base", base_dir=data_dir)
    except ConfigError as exc:
        base_issues = [ConfigIssue(f"base -> {i.path}", i.value, i.allowed) for i in exc.issues]
        raise StudyError(base_issues, source) from None
    seeds = study.seed_list()
    issues: list[ConfigIssue] = []
    scenarios: list[dict[str, Any]] = []
    for v_index, variant in enumerate(study.variants):
        label = _variant_label(v_index, variant.name)
        try:
            merged = apply_overrides(timed, variant.overrides)
        except OverrideError as exc:
            issues.append(ConfigIssue(f"{label} -> overrides.{exc.key}", exc.value, exc.allowed))
            continue
        try:
            parse_config(merged, source=variant.name, base_dir=data_dir)
        except ConfigError as exc:
            issues.extend(
                ConfigIssue(f"{label} -> {i.path}", i.value, i.allowed) for i in exc.issues
            )
            continue
        scenarios.append(merged)
    if issues:
        raise StudyError(issues, source)
    tasks: list[RunTask] = []
    for variant, scenario in zip(study.variants, scenarios, strict=True):
        for seed in seeds:
            seeded = copy.deepcopy(scenario)
            seeded["seed"] = seed
            folder = None if data_dir is None else str(data_dir)
            tasks.append(RunTask(len(tasks), variant.name, seed, seeded, folder))
    return StudyPlan(
        study=study,
        source=source,
        variants=tuple(v.name for v in study.variants),
        seeds=tuple(seeds),
        tasks=tuple(tasks),
        notes=tuple(notes),
    )


def load_study(path: str | Path) -> StudyPlan:
    """Read a study file and its base scenario (relative to the study file) and plan it.

    Raises
    ------
    StudyError
        If either file is missing or invalid, or a variant is invalid.
    """
    study_path = Path(path)
    source = str(study_path)
    try:
        data = read_yaml(study_path)
    except ConfigError as exc:
        raise StudyError(exc.issues, source) from None
    study = parse_study(data, source)
    base_path = (study_path.parent / study.base).resolve()
    try:
        base = read_yaml(base_path)
    except ConfigError as exc:
        issues = [ConfigIssue(f"base -> {i.path}", i.value, i.allowed) for i in exc.issues]
        raise StudyError(issues, source) from None
    return plan_study(study, base, source, data_dir=base_path.parent)
