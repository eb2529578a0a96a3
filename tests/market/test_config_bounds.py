"""Scenario configs that once validated and then failed to run: each is now a located error."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from market.config import ScenarioConfig, parse_config
from market.config.errors import short_value
from market.config.schema import MAX_ASSET_KW, MAX_FIRMS_PER_PARK

from .test_config import MINIMAL, issues_of
from .test_config import with_change as changed

GRID_FACTOR = "emission_factors.grid_northwest_2023_tco2_per_mwh"


def periods(*bands: tuple[str, str]) -> dict[str, Any]:
    return {
        "periods": [
            {"name": f"b{k}", "start": a, "end": b, "price_cny_per_kwh": 0.5}
            for k, (a, b) in enumerate(bands)
        ]
    }


@pytest.mark.parametrize(
    ("path", "value", "expected_path", "allowed_fragment"),
    [
        (["time", "timezone"], "Mars/Base", "time.timezone", "tz database"),
        (["time", "timezone"], "A" * 300, "time.timezone", "at most 64"),
        (["time", "timezone"], "../../etc/passwd", "time.timezone", "tz database"),
        (["parks", 0, "timezone"], "Nowhere/City", "parks[0].timezone", "tz database"),
        (["parks", 0, "tariff"], {"periods": []}, "parks[0].tariff.periods", "at least 1"),
        (
            ["parks", 0, "tariff"],
            periods(("00:00", "13:00"), ("12:00", "00:00")),
            "parks[0].tariff.periods",
            "overlap at 12:00",
        ),
        (
            ["parks", 0, "tariff"],
            periods(("00:00", "12:00")),
            "parks[0].tariff.periods",
            "cover 00:00-24:00",
        ),
        (
            ["parks", 0, "tariff"],
            periods(("00:00", "24:59")),
            "parks[0].tariff.periods[0].end",
            "pattern",
        ),
        (
            ["parks", 0, "tariff"],
            periods(("24:00", "12:00"), ("12:00", "24:00")),
            "parks[0].tariff.periods[0].start",
            "pattern",
        ),
        (["reference_overrides"], {"no.such_key": 1.0}, "reference_overrides.no.such_key", "file"),
        (
            ["reference_overrides"],
            {"emission_factors.grid_nw_2023": 0.5},
            "reference_overrides.emission_factors.grid_nw_2023",
            GRID_FACTOR,
        ),
        (
            ["reference_overrides"],
            {GRID_FACTOR: float("nan")},
            f"reference_overrides.{GRID_FACTOR}",
            "finite",
        ),
        (
            ["reference_overrides"],
            {GRID_FACTOR: -0.1},
            f"reference_overrides.{GRID_FACTOR}",
            "(0, 55.43]",
        ),
        (
            ["reference_overrides"],
            {"tariff_shaanxi.peak_periods_h": 1.0},
            "reference_overrides.tariff_shaanxi.peak_periods_h",
            "only numbers",
        ),
        (
            ["reference_overrides"],
            {"benchmarks.cement.benchmark": 130.0},
            "reference_overrides.benchmarks.cement.benchmark",
            "benchmark <= baseline",
        ),
        (
            ["markets", "green_power", "interconnectors"],
            [{"from_park": "p", "to_park": "p", "capacity_mw": 5}],
            "markets.green_power.interconnectors[0].to_park",
            "other than from_park",
        ),
        (
            ["markets", "green_power", "interconnectors"],
            [{"from_park": "p", "to_park": "q", "capacity_mw": 5}],
            "markets.green_power.interconnectors[0].to_park",
            "park names ['p']",
        ),
        (
            ["markets", "energy_rights", "reserve_tce"],
            float("inf"),
            "markets.energy_rights.reserve_tce",
            "finite",
        ),
        (
            ["markets", "energy_rights", "cap_tce"],
            float("inf"),
            "markets.energy_rights.cap_tce",
            "finite",
        ),
        (
            ["accounting", "base_year_energy_intensity_tce_per_10k_cny"],
            float("inf"),
            "accounting.base_year_energy_intensity_tce_per_10k_cny",
            "finite",
        ),
        (
            ["parks", 0, "firms", 0, "assets"],
            {"pv_kwp": 1e20},
            "parks[0].firms[0].assets.pv_kwp",
            "less than or equal to 10000000",
        ),
        (
            ["markets", "green_power", "external_farms"],
            [{"name": "farm", "park": "p", "capacity_kw": 1e308}],
            "markets.green_power.external_farms[0].capacity_kw",
            "less than or equal to 10000000",
        ),
        (
            ["parks", 0, "location", "latitude_deg"],
            float("nan"),
            "parks[0].location.latitude_deg",
            "finite",
        ),
        (["name"], "..", "name", "pattern"),
        (["name"], ".hidden", "name", "pattern"),
        (["name"], "a/b", "name", "pattern"),
        (["parks", 0, "name"], "x" * 65, "parks[0].name", "at most 64"),
        (["time", "start"], "9999-01-01T00:00:00", "time.start", "1970-01-01 to 2200-01-01"),
    ],
)
def test_defect_is_a_located_error(
    path: list[Any], value: Any, expected_path: str, allowed_fragment: str
) -> None:
    found = issues_of(changed(path, value))
    assert expected_path in found, found
    assert allowed_fragment in found[expected_path][1]


def test_firm_names_colliding_after_count_expansion_name_the_firm() -> None:
    data = changed(
        ["parks", 0, "firms"],
        [{"name": "x", "sector": "food", "count": 2}, {"name": "x_1", "sector": "food"}],
    )
    value, allowed = issues_of(data)["parks[0].firms[1].name"]
    assert value == "'x_1'"
    assert "'x_1' is also made by firms[0]" in allowed


def test_too_many_firms_after_expansion() -> None:
    firms = [{"name": f"f{k}", "sector": "food", "count": 5000} for k in range(2)]
    value, allowed = issues_of(changed(["parks", 0, "firms"], firms))["parks[0].firms"]
    assert value == "'10000 firms'"
    assert str(MAX_FIRMS_PER_PARK) in allowed


def test_duplicate_park_names_are_reported_at_parks() -> None:
    data = copy.deepcopy(MINIMAL)
    data["parks"].append(copy.deepcopy(data["parks"][0]))
    found = issues_of(data)
    assert set(found) == {"parks"}
    assert "unique" in found["parks"][1]


@pytest.mark.parametrize(
    ("start", "zone", "problem"),
    [
        ("2025-03-09T02:30:00", "America/New_York", "skipped"),
        ("2025-11-02T01:30:00", "America/New_York", "ambiguous"),
    ],
)
def test_start_must_be_one_instant_in_the_time_zone(start: str, zone: str, problem: str) -> None:
    found = issues_of(changed(["time"], {"start": start, "timezone": zone}))
    assert problem in found["time.start"][1]


def test_representative_days_must_fall_inside_the_horizon() -> None:
    time = {"start": "2025-01-01T00:00:00", "horizon_h": 24, "representative_days_per_month": 1}
    value, allowed = issues_of(changed(["time"], time))["time.representative_days_per_month"]
    assert value == "1"
    assert "at least one" in allowed
    time["start"] = "2025-01-16T00:00:00"  # the 16th stands for January when k = 1
    assert parse_config(changed(["time"], time)).time.representative_days_per_month == 1


@pytest.mark.parametrize(
    ("rights", "expected_path"),
    [
        ({"price_ceiling_cny_per_tce": 5, "price_cap_cny_per_tce": 1}, "price_ceiling_cny_per_tce"),
        ({"price_floor_cny_per_tce": 5, "price_cap_cny_per_tce": 1}, "price_floor_cny_per_tce"),
    ],
)
def test_rights_price_corridor_lies_under_the_price_cap(
    rights: dict[str, float], expected_path: str
) -> None:
    found = issues_of(changed(["markets", "energy_rights"], rights))
    assert "price_cap_cny_per_tce=1" in found[f"markets.energy_rights.{expected_path}"][1]


@pytest.mark.parametrize(
    ("tariff", "overrides"),
    [
        ({"flat_price_cny_per_kwh": 20, "peak_ratio": 10}, {}),
        ({}, {"tariff_shaanxi.flat_price_cny_per_kwh": 65.0}),
    ],
)
def test_peak_price_must_stay_below_the_value_of_lost_load(
    tariff: dict[str, float], overrides: dict[str, float]
) -> None:
    data = changed(["parks", 0, "tariff"], tariff)
    data["reference_overrides"] = overrides
    value, allowed = issues_of(data)["parks[0].tariff"]
    assert "highest price" in value
    assert "value of lost load, 50 CNY/kWh" in allowed


@pytest.mark.parametrize(
    ("start", "base_year", "allowed_fragment"),
    [
        ("2025-01-01T00:00:00", 2100, "less than 2025"),
        ("2010-01-01T00:00:00", 2020, "not after the start of the run (2010)"),
    ],
)
def test_base_year_lies_before_the_target_and_the_run(
    start: str, base_year: int, allowed_fragment: str
) -> None:
    data = changed(["accounting"], {"base_year": base_year})
    data["time"] = {"start": start}
    assert allowed_fragment in issues_of(data)["accounting.base_year"][1]


def test_valid_overrides_and_wrapping_periods_are_accepted() -> None:
    data = changed(["reference_overrides"], {GRID_FACTOR: 0.6, "fuel_prices.coal_cny_per_t": 900})
    data["parks"][0]["tariff"] = periods(("07:00", "23:00"), ("23:00", "07:00"))
    config = parse_config(data)
    assert config.reference_overrides[GRID_FACTOR] == 0.6
    assert config.parks[0].tariff.periods is not None


def test_json_schema_shows_the_bounds() -> None:
    schema = ScenarioConfig.model_json_schema()
    defs = schema["$defs"]
    assert defs["AssetsConfig"]["properties"]["pv_kwp"]["maximum"] == MAX_ASSET_KW
    assert defs["ParkConfig"]["properties"]["firms"]["maxItems"] > 0
    assert schema["properties"]["parks"]["maxItems"] > 0
    assert defs["TimeConfig"]["properties"]["timezone"]["maxLength"] == 64
    assert defs["TimeConfig"]["properties"]["step_h"]["enum"] == [1.0, 0.25]
    assert schema["properties"]["reference_overrides"]["maxProperties"] > 0
    reserve = defs["EnergyRightsConfig"]["properties"]["reserve_tce"]
    assert reserve["maximum"] == 1e9
    text = json.dumps(schema)
    assert '"pattern": "^[A-Za-z0-9][A-Za-z0-9_.\\\\-]*$"' in text


def test_every_number_in_the_schema_is_bounded() -> None:
    """Each number field has an upper and a lower bound, or an enumeration of values."""
    unbounded: list[str] = []

    def visit(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("number", "integer") and "enum" not in node:
                has_low = "minimum" in node or "exclusiveMinimum" in node
                has_high = "maximum" in node or "exclusiveMaximum" in node
                if not (has_low and has_high):
                    unbounded.append(where)
            for key, child in node.items():
                visit(child, f"{where}.{key}")
        elif isinstance(node, list):
            for k, child in enumerate(node):
                visit(child, f"{where}[{k}]")

    visit(ScenarioConfig.model_json_schema(), "")
    assert unbounded == [".properties.reference_overrides.additionalProperties"]


def test_every_text_list_and_mapping_in_the_schema_is_bounded() -> None:
    """Texts have a length limit, a fixed pattern or a format; lists and mappings a size limit."""
    unbounded: list[str] = []

    def visit(node: Any, where: str) -> None:
        if isinstance(node, dict):
            kind = node.get("type")
            bounded_text = any(k in node for k in ("maxLength", "enum", "const", "format")) or (
                str(node.get("pattern", "")).startswith("^")
                and str(node.get("pattern", "")).endswith("$")
            )
            if kind == "string" and not bounded_text:
                unbounded.append(where)
            if kind == "array" and "maxItems" not in node:
                unbounded.append(where)
            if kind == "object" and "properties" not in node and "maxProperties" not in node:
                unbounded.append(where)
            for key, child in node.items():
                visit(child, f"{where}.{key}")
        elif isinstance(node, list):
            for k, child in enumerate(node):
                visit(child, f"{where}[{k}]")

    visit(ScenarioConfig.model_json_schema(), "")
    assert unbounded == []


def test_short_value_of_a_huge_shared_value_is_bounded_and_fast() -> None:
    layer: Any = ["lol"] * 10
    for _ in range(12):  # 10**13 leaves if fully expanded
        layer = [layer] * 10
    text = short_value(layer)
    assert len(text) <= 80
    assert text.startswith("[[[")
    assert short_value(10**5000) == "<integer of 16610 bits>"
    long_text = short_value("x" * 10**6)
    assert len(long_text) <= 80 and "..." in long_text
