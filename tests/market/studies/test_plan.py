"""Study files: validation errors with field paths, variants, seeds, years."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from market.api import ConfigError, parse_config
from market.studies import StudyError, load_study, parse_study, plan_study
from market.studies.plan import apply_time_settings
from tests.market.studies.factories import tiny_scenario, tiny_study, write_study

REPO = Path(__file__).resolve().parents[3]


def issue_paths(exc: ConfigError) -> list[str]:
    return [issue.path for issue in exc.issues]


@pytest.mark.parametrize(
    ("change", "path", "fragment"),
    [
        ({"seeds": []}, "seeds", "at least 1"),
        ({"seeds": [1, -2]}, "seeds[1]", "greater than or equal to 0"),
        ({"seeds": {"count": 0}}, "seeds.count", "greater than or equal to 1"),
        ({"seeds": {"count": 2, "start": 1}}, "seeds.start", "unknown field"),
        ({"seeds": [1, 1]}, "<root>", "repeated: [1]"),
        ({"years": {"start": 2030, "end": 2025}}, "years", "must not be before"),
        ({"representative_days_per_month": 0}, "representative_days_per_month", ">= 1"),
        ({"variants": []}, "variants", "at least 1"),
        ({"variant": []}, "variant", "unknown field"),
        ({"name": "bad name"}, "name", "pattern"),
    ],
)
def test_study_errors_name_the_field(change: dict[str, Any], path: str, fragment: str) -> None:
    data = {**tiny_study(), **change}
    with pytest.raises(StudyError) as info:
        parse_study(data, "s.yaml")
    assert path in issue_paths(info.value)
    assert fragment.replace(">= 1", "greater than or equal to 1") in str(info.value)
    assert str(info.value).startswith("s.yaml:")


def test_variant_fields_are_checked_with_their_index() -> None:
    data = tiny_study()
    data["variants"][1]["overides"] = {}
    data["variants"][2]["name"] = "self_consumption"
    with pytest.raises(StudyError) as info:
        parse_study(data)
    assert "variants[1].overides" in issue_paths(info.value)
    data["variants"][1].pop("overides")
    with pytest.raises(StudyError, match="variant names must be unique"):
        parse_study(data)


def test_plan_has_every_variant_on_the_same_seeds_in_order() -> None:
    plan = plan_study(parse_study(tiny_study()), tiny_scenario())
    assert plan.variants == ("self_consumption", "tou", "thermal")
    assert [(t.index, t.variant, t.seed) for t in plan.tasks[:4]] == [
        (0, "self_consumption", 1),
        (1, "self_consumption", 2),
        (2, "self_consumption", 3),
        (3, "tou", 1),
    ]
    tou = plan.tasks[3].scenario
    assert tou["parks"][0]["operator"] == {"strategy": "tou_arbitrage"}
    assert tou["seed"] == 1
    assert plan.tasks[6].scenario["accounting"]["electricity_accounting"] == "thermal_equivalent"
    for task in plan.tasks:
        parse_config(task.scenario)  # every task scenario is valid as it stands


def test_seed_range_form() -> None:
    data = tiny_study()
    data["seeds"] = {"count": 3, "first": 10}
    assert plan_study(parse_study(data), tiny_scenario()).seeds == (10, 11, 12)


def test_years_set_start_and_horizon() -> None:
    data = tiny_study()
    data["years"] = {"start": 2024, "end": 2025}
    plan = plan_study(parse_study(data), tiny_scenario())
    time = plan.tasks[0].scenario["time"]
    assert time["start"] == "2024-01-01T00:00:00"
    assert time["horizon_h"] == (366 + 365) * 24.0  # 2024 is a leap year


def test_representative_days_pass_through_when_supported_and_are_noted_otherwise() -> None:
    data = tiny_study()
    data["representative_days_per_month"] = 2
    study = parse_study(data)
    plan = plan_study(study, tiny_scenario(), supported_time_fields=frozenset())
    assert "representative_days_per_month" not in plan.tasks[0].scenario["time"]
    assert any("representative_days_per_month" in note for note in plan.notes)
    supported = frozenset({"representative_days_per_month"})
    scenario, notes = apply_time_settings(tiny_scenario(), study, supported)
    assert scenario["time"]["representative_days_per_month"] == 2
    assert notes == []


def test_invalid_variant_names_the_variant_and_the_scenario_path() -> None:
    data = tiny_study()
    data["variants"][1]["overrides"] = {"parks.0.grid.connection_limit_kw": -5}
    data["variants"][2]["overrides"] = {"parks.0.firms.1.sector": "bakery"}
    with pytest.raises(StudyError) as info:
        plan_study(parse_study(data), tiny_scenario(), "s.yaml")
    paths = issue_paths(info.value)
    assert "variants[1] 'tou' -> parks[0].grid.connection_limit_kw" in paths
    assert "variants[2] 'thermal' -> parks[0].firms[1].sector" in paths
    assert "-5" in str(info.value) and "'bakery'" in str(info.value)


def test_override_that_cannot_apply_names_the_variant_and_key() -> None:
    data = tiny_study()
    data["variants"][0]["overrides"] = {"parks.3.name": "x"}
    with pytest.raises(StudyError) as info:
        plan_study(parse_study(data), tiny_scenario())
    assert issue_paths(info.value) == ["variants[0] 'self_consumption' -> overrides.parks.3"]


def test_study_level_overrides_apply_to_every_variant() -> None:
    data = tiny_study()
    data["overrides"] = {"parks.0.grid.connection_limit_kw": 6000}
    plan = plan_study(parse_study(data), tiny_scenario())
    assert {t.scenario["parks"][0]["grid"]["connection_limit_kw"] for t in plan.tasks} == {6000}


def test_invalid_base_is_reported_once_as_the_base() -> None:
    base = tiny_scenario()
    base["parks"][0]["firms"] = []
    with pytest.raises(StudyError) as info:
        plan_study(parse_study(tiny_study()), base)
    assert issue_paths(info.value) == ["base -> parks[0].firms"]


def test_load_study_resolves_the_base_next_to_the_study(tmp_path: Path) -> None:
    plan = load_study(write_study(tmp_path))
    assert len(plan.tasks) == 9
    missing = tiny_study()
    missing["base"] = "nowhere.yaml"
    path = tmp_path / "missing.yaml"
    path.write_text(yaml.safe_dump(missing), encoding="utf-8")
    with pytest.raises(StudyError) as info:
        load_study(path)
    assert issue_paths(info.value) == ["base -> <file>"]
    with pytest.raises(StudyError, match="an existing YAML file"):
        load_study(tmp_path / "absent.yaml")


def test_shipped_quick_study_is_valid() -> None:
    plan = load_study(REPO / "configs" / "studies" / "quick.yaml")
    assert plan.variants == ("reference", "loose_cap", "tight_cap", "low_penalty")


def test_shipped_allocation_study_is_valid_on_this_engine() -> None:
    plan = load_study(REPO / "configs" / "studies" / "allocation_rules.yaml")
    rules = {t.scenario["markets"]["energy_rights"]["allocation"]["rule"] for t in plan.tasks}
    assert rules == {"grandfathering", "benchmark", "output_based", "auction", "hybrid"}
    assert len(plan.tasks) == 25
    # From the 2020 base year; the market from 2025.
    for task in plan.tasks:
        assert task.scenario["time"]["start"].startswith("2020-01-01")
        assert task.scenario["markets"]["energy_rights"]["start_year"] == 2025
