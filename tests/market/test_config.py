"""Scenario config validation: every error names its field path, the value and what is allowed."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from market.config import ConfigError, ScenarioConfig, load_config, parse_config

REPO = Path(__file__).resolve().parents[2]

MINIMAL: dict[str, Any] = {
    "parks": [
        {
            "name": "p",
            "grid": {"connection_limit_kw": 1000},
            "firms": [{"name": "f", "sector": "electronics"}],
        }
    ]
}


def issues_of(data: dict[str, Any]) -> dict[str, tuple[str, str]]:
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    return {i.path: (i.value, i.allowed) for i in info.value.issues}


def with_change(path: list[Any], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL)
    target = data
    for key in path[:-1]:
        if isinstance(key, str) and key not in target:
            target[key] = {}
        target = target[key]
    target[path[-1]] = value
    return data


def test_minimal_config_gets_defaults() -> None:
    config = parse_config(MINIMAL)
    assert config.seed == 42
    assert config.time.step_h == 1.0
    assert config.accounting.electricity_accounting == "equivalent"
    assert config.parks[0].operator.strategy == "self_consumption"


@pytest.mark.parametrize(
    ("path", "value", "expected_path", "allowed_fragment"),
    [
        (["seed"], -1, "seed", "greater than or equal to 0"),
        (["time", "horizon_h"], 0, "time.horizon_h", "greater than 0"),
        (["time", "horizon_h"], 2.5, "time.horizon_h", "whole number of steps"),
        (["time", "step_h"], 0.5, "time.step_h", "[1.0, 0.25]"),
        (["time", "timezone"], "Mars/Base", "time.timezone", "unknown IANA time zone"),
        (["time", "start"], "yesterday", "time.start", "datetime"),
        (
            ["accounting", "electricity_accounting"],
            "calorific",
            "accounting.electricity_accounting",
            "'equivalent' or 'thermal_equivalent'",
        ),
        (["accounting", "renewable_exclusion"], "maybe", "accounting.renewable_exclusion", "bool"),
        (
            ["parks", 0, "grid", "connection_limit_kw"],
            -5,
            "parks[0].grid.connection_limit_kw",
            "greater than 0",
        ),
        (
            ["parks", 0, "grid", "co2_factor_tco2_per_mwh"],
            3.0,
            "parks[0].grid.co2_factor_tco2_per_mwh",
            "less than or equal to 2",
        ),
        (
            ["parks", 0, "location", "latitude_deg"],
            95,
            "parks[0].location.latitude_deg",
            "less than or equal to 90",
        ),
        (["parks", 0, "operator", "strategy"], "greedy", "parks[0].operator.strategy", "'optimal'"),
        (
            ["parks", 0, "tariff", "periods"],
            [{"name": "x", "start": "25:00", "end": "01:00", "price_cny_per_kwh": 1}],
            "parks[0].tariff.periods[0].start",
            "pattern",
        ),
        (["parks", 0, "firms", 0, "sector"], "bakery", "parks[0].firms[0].sector", "'cement'"),
        (
            ["parks", 0, "firms", 0, "output_t_per_yr"],
            0,
            "parks[0].firms[0].output_t_per_yr",
            "greater than 0",
        ),
        (
            ["parks", 0, "firms", 0, "flexible_load_frac"],
            1.5,
            "parks[0].firms[0].flexible_load_frac",
            "less than or equal to 1",
        ),
        (
            ["parks", 0, "firms", 0, "assets", "pv_kwp"],
            float("nan"),
            "parks[0].firms[0].assets.pv_kwp",
            "finite",
        ),
        (
            ["parks", 0, "firms", 0, "assets", "battery"],
            {"energy_kwh": 10, "soc_min_frac": 0.8, "soc_max_frac": 0.2},
            "parks[0].firms[0].assets.battery",
            "must be below soc_max_frac",
        ),
        (["parks", 0, "firms", 0, "colour"], "green", "parks[0].firms[0].colour", "unknown field"),
        (["parks", 0, "firms"], [], "parks[0].firms", "at least 1 item"),
        (
            ["parks", 0, "operator"],
            {"horizon_h": 12, "reoptimise_every_h": 24},
            "parks[0].operator",
            "must not exceed horizon_h",
        ),
        (["reference_overrides"], {"x.y": "high"}, "reference_overrides.x.y", "number"),
    ],
)
def test_each_error_names_path_value_and_allowed(
    path: list[Any], value: Any, expected_path: str, allowed_fragment: str
) -> None:
    found = issues_of(with_change(path, value))
    assert expected_path in found, found
    got_value, allowed = found[expected_path]
    assert allowed_fragment in allowed
    assert got_value  # a value (or <missing>) is always shown


def test_missing_required_field_is_reported() -> None:
    data = copy.deepcopy(MINIMAL)
    del data["parks"][0]["grid"]
    found = issues_of(data)
    assert found["parks[0].grid"] == ("<missing>", "field required")


def test_every_error_is_reported_at_once() -> None:
    data = with_change(["seed"], -1)
    data["parks"][0]["firms"][0]["sector"] = "bakery"
    data["time"] = {"horizon_h": -3}
    found = issues_of(data)
    assert {"seed", "parks[0].firms[0].sector", "time.horizon_h"} <= set(found)


def test_duplicate_names_rejected() -> None:
    data = copy.deepcopy(MINIMAL)
    data["parks"][0]["firms"].append({"name": "f", "sector": "food"})
    found = issues_of(data)
    value, allowed = found["parks[0].firms[1].name"]
    assert value == "'f'"
    assert "unique" in allowed and "firms[0]" in allowed


def test_root_must_be_mapping() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config([1, 2])
    assert info.value.issues[0].path == "<root>"


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("parks:\n  - name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(bad)
    assert "line" in info.value.issues[0].path


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.yaml")
    assert info.value.issues[0].allowed == "an existing YAML file"


@pytest.mark.parametrize("name", ["quickstart.yaml", "shaanxi_park.yaml"])
def test_shipped_configs_are_valid(name: str) -> None:
    config = load_config(REPO / "configs" / name)
    assert isinstance(config, ScenarioConfig)


def test_json_schema_forbids_extra_fields() -> None:
    schema = ScenarioConfig.model_json_schema()
    assert schema["additionalProperties"] is False
    assert "FirmConfig" in schema["$defs"]
