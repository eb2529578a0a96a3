"""Tests of the reference data files and their loader."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path
from typing import get_args

import pytest
import yaml

from agents.accounting import (
    DEFAULT_EMISSION_FACTORS,
    GB_T_2589_2020,
    ConversionFactors,
    EmissionFactors,
)
from market.config.schema import SectorName
from market.reference import (
    BENCHMARK_COLUMNS,
    DEFAULT_DIRECTORY,
    FILE_STATUSES,
    OPTIONAL_SECTOR_PARAMETER_UNITS,
    SECTOR_COLUMNS,
    SECTOR_PARAMETER_UNITS,
    TARIFF_PERIOD_KEYS,
    ReferenceData,
    ReferenceFileError,
    ReferenceTypeError,
    ReferenceValueError,
    UnknownReferenceKeyError,
    default_reference,
    load_reference,
)
from market.reference import ReferenceError as ReferenceDataError

# The sectors a scenario may name (the config schema's list) must all be in the table.
PLAN_SECTORS = get_args(SectorName)


@pytest.fixture(scope="module")
def ref() -> ReferenceData:
    return load_reference()


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- the files themselves ------------------------------------------------------------------------


def test_default_directory_is_the_repository_configs() -> None:
    repository = Path(__file__).resolve().parents[2]
    assert repository / "configs" / "reference" == DEFAULT_DIRECTORY
    assert DEFAULT_DIRECTORY.is_dir()


@pytest.mark.parametrize("path", sorted(DEFAULT_DIRECTORY.glob("*.yaml")), ids=lambda p: p.name)
def test_every_yaml_entry_has_value_unit_source_status(path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict) and document
    for name, entry in document.items():
        assert set(entry) >= {"value", "unit", "source", "status"}, (path.name, name)
        assert entry["value"] is not None, (path.name, name)
        assert isinstance(entry["unit"], str) and entry["unit"].strip(), (path.name, name)
        assert isinstance(entry["source"], str) and len(entry["source"]) > 10, (path.name, name)
        assert entry["status"] in FILE_STATUSES, (path.name, name)


@pytest.mark.parametrize(
    ("name", "columns"), [("sectors.csv", SECTOR_COLUMNS), ("benchmarks.csv", BENCHMARK_COLUMNS)]
)
def test_every_csv_row_has_unit_source_status(name: str, columns: tuple[str, ...]) -> None:
    with (DEFAULT_DIRECTORY / name).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == columns
        rows = list(reader)
    assert rows
    for row in rows:
        assert all(row[c] and row[c].strip() for c in columns), row
        assert row["status"] in FILE_STATUSES, row
        assert len(row["source"]) > 10, row


def test_loaded_entries_are_complete(ref: ReferenceData) -> None:
    assert len(ref.keys()) > 150
    for key in ref.entries:
        entry = ref.entry(key)
        assert entry.key == key
        assert entry.unit and entry.source
        assert entry.status in FILE_STATUSES
        assert entry.value is not None and entry.value != ""


def test_verified_values_from_the_reference_table(ref: ReferenceData) -> None:
    expected = {
        "energy_conversion.electricity_equivalent_kgce_per_kwh": 0.1229,
        "energy_conversion.raw_coal_kgce_per_kg": 0.7143,
        "energy_conversion.natural_gas_kgce_per_m3": 1.2143,
        "energy_conversion.heat_kgce_per_mj": 0.03412,
        "emission_factors.grid_national_2022_tco2_per_mwh": 0.5366,
        "emission_factors.grid_northwest_2022_tco2_per_mwh": 0.5857,
        "emission_factors.grid_national_2023_tco2_per_mwh": 0.5306,
        "emission_factors.grid_northwest_2023_tco2_per_mwh": 0.5543,
        "policy_targets.energy_intensity_change_2025_vs_2020": -0.135,
        "markets.green_premium_max_cny_per_mwh": 50.0,
    }
    for key, value in expected.items():
        assert ref.number(key) == value, key
        assert ref.entry(key).status == "verified", key
    assert ref.value("policy_targets.industrial_co2_peak_before_year") == 2030


def test_assumed_values_are_marked_assumed(ref: ReferenceData) -> None:
    for key in (
        "energy_conversion.electricity_thermal_equivalent_kgce_per_kwh",
        "emission_factors.grid_ets_reporting_2022_tco2_per_mwh",
        "emission_factors.raw_coal_tco2_per_t",
        "emission_factors.natural_gas_tco2_per_1000m3",
        "tariff_shaanxi.peak_periods_h",
        "tariff_shaanxi.flat_price_cny_per_kwh",
        "sectors.cement.electricity_kwh_per_t",
        "fuel_prices.coal_cny_per_t",
        "fuel_prices.natural_gas_cny_per_m3",
    ):
        assert ref.entry(key).status == "assumed", key


def test_fuel_factor_derivation_is_written_in_the_source(ref: ReferenceData) -> None:
    coal = ref.entry("emission_factors.raw_coal_tco2_per_t")
    gas = ref.entry("emission_factors.natural_gas_tco2_per_1000m3")
    for entry, parts in (
        (coal, ("20.908", "26.37", "94 %", "44/12")),
        (gas, ("389.31", "15.32", "99 %", "44/12")),
    ):
        assert all(part in entry.source for part in parts), entry.source
    assert coal.value == pytest.approx(20.908 * 26.37e-3 * 0.94 * 44 / 12, abs=5e-4)
    assert gas.value == pytest.approx(38.931 * 15.32e-3 * 0.99 * 44 / 12, abs=5e-4)


def test_factors_built_from_reference_match_the_accounting_defaults(ref: ReferenceData) -> None:
    assert ref.conversion_factors() == GB_T_2589_2020
    assert ref.emission_factors() == DEFAULT_EMISSION_FACTORS
    assert isinstance(ref.conversion_factors(), ConversionFactors)
    assert isinstance(ref.emission_factors(), EmissionFactors)


def test_tariff_periods_tile_the_day_and_meet_the_national_ratio(ref: ReferenceData) -> None:
    hours = [0.0] * 48  # half-hour slots
    for key in TARIFF_PERIOD_KEYS:
        for start, end in ref.pairs(key):
            for slot in range(int(start * 2), int(end * 2)):
                hours[slot] += 1
    assert hours == [1.0] * 48
    ratio = ref.number("tariff_shaanxi.peak_price_ratio") / ref.number(
        "tariff_shaanxi.valley_price_ratio"
    )
    assert ratio >= ref.number("tariff_shaanxi.peak_to_valley_ratio_min") == 3.0


def test_green_premium_cap_is_the_first_trades_upper_end(ref: ReferenceData) -> None:
    assert ref.number("markets.green_premium_max_cny_per_mwh") == 50.0


# -- sectors -------------------------------------------------------------------------------------


def test_sector_table_is_complete(ref: ReferenceData) -> None:
    assert set(PLAN_SECTORS) <= set(ref.sector_names)
    for sector in ref.sector_names:
        for parameter, unit in SECTOR_PARAMETER_UNITS.items():
            entry = ref.entry(f"sectors.{sector}.{parameter}")
            assert entry.unit == unit
            assert entry.status in FILE_STATUSES


def test_sector_archetype_fields(ref: ReferenceData) -> None:
    cement = ref.sector("cement")
    assert cement.name == "cement"
    assert cement.heat_temperature_band == "high"
    assert cement.heat_fuel == "coal"
    assert cement.shift_pattern == "continuous"
    assert cement.energy_benchmark_kgce_per_t == 100.0
    assert cement.energy_baseline_kgce_per_t == 117.0
    assert cement.value_added_10k_cny_per_yr == pytest.approx(
        cement.output_t_per_yr * cement.value_added_10k_cny_per_t
    )
    assert ref.sector("aluminium").energy_benchmark_kgce_per_t is None
    assert ref.sector("food").heat_temperature_band == "low"
    assert ref.sector("equipment").heat_temperature_band == "medium"
    assert ref.sector("equipment").shift_pattern == "one_shift"
    assert ref.sector("vehicles").shift_pattern == "two_shift"
    assert ref.sector("food").heat_fuel == "gas"
    with pytest.raises(AttributeError):
        cement.output_t_per_yr = 1.0  # type: ignore[misc]


def test_sector_values_are_plausible(ref: ReferenceData) -> None:
    assert 400 <= ref.sector("steel_eaf").electricity_kwh_per_t <= 600
    clinker_heat_mj_per_t = ref.sector("cement").process_heat_kwh_th_per_t * 3.6
    assert 3_000 <= clinker_heat_mj_per_t <= 3_400
    assert ref.sector("aluminium").electricity_kwh_per_t >= 13_000
    assert ref.sector("caustic_soda").electricity_kwh_per_t > 2_000
    for sector in ("cement", "steel_bf", "coal_chemical", "glass", "aluminium"):
        assert ref.sector(sector).heat_temperature_band == "high", sector
    for sector in ref.sector_names:
        archetype = ref.sector(sector)
        assert archetype.value_added_10k_cny_per_t > 0


def test_benchmarked_archetypes_sit_between_benchmark_and_baseline(ref: ReferenceData) -> None:
    # kgce/t = kWh/t x 0.1229 + kWh_th/t x 3.6 MJ/kWh x 0.03412 kgce/MJ (fuel heat content)
    for sector in ref.sector_names:
        archetype = ref.sector(sector)
        low, high = archetype.energy_benchmark_kgce_per_t, archetype.energy_baseline_kgce_per_t
        if low is None or high is None:
            continue
        kgce = (
            archetype.electricity_kwh_per_t * 0.1229
            + archetype.process_heat_kwh_th_per_t * 3.6 * 0.03412
        )
        assert low <= kgce <= high, (sector, kgce, low, high)


def test_archetype_benchmarks_agree_with_the_benchmark_table(ref: ReferenceData) -> None:
    boxes_per_t = 20.0  # one weight box = 50 kg of flat glass
    checked = 0
    for sector in ref.sector_names:
        archetype = ref.sector(sector)
        if archetype.energy_benchmark_kgce_per_t is None:
            continue
        row = ref.benchmark(sector)
        scale = boxes_per_t if row.unit == "kgce per weight box" else 1.0
        assert row.unit in ("kgce/t", "kgce per weight box")
        assert archetype.energy_benchmark_kgce_per_t == pytest.approx(row.benchmark * scale)
        assert archetype.energy_baseline_kgce_per_t == pytest.approx(row.baseline * scale)
        checked += 1
    assert checked >= 6
    assert set(OPTIONAL_SECTOR_PARAMETER_UNITS) == {
        "energy_benchmark_kgce_per_t",
        "energy_baseline_kgce_per_t",
        "process_co2_tco2_per_t",
        "feedstock_share_of_fuel",
    }


def test_benchmark_rows(ref: ReferenceData) -> None:
    cement = ref.benchmark("cement")
    assert (cement.benchmark, cement.baseline, cement.unit) == (100.0, 117.0, "kgce/t")
    assert cement.status == "verified"
    assert ref.benchmark("glass").status == "assumed"
    assert len(ref.benchmark_sectors) == 6
    # Every row is the benchmark of the sector of the same key, converted to kgce/t.
    glass = ref.sector("glass")
    assert (glass.energy_benchmark_kgce_per_t, glass.energy_baseline_kgce_per_t) == (160.0, 240.0)
    assert ref.sector("cement").energy_benchmark_kgce_per_t == cement.benchmark
    overridden = ref.with_overrides({"benchmarks.cement.benchmark": 95.0})
    assert overridden.sector("cement").energy_benchmark_kgce_per_t == 95.0


# -- access errors -------------------------------------------------------------------------------


def test_unknown_key_lists_close_matches(ref: ReferenceData) -> None:
    with pytest.raises(UnknownReferenceKeyError) as info:
        ref.value("energy_conversion.electricity_equivalent_kgce_per_kw")
    message = str(info.value)
    assert "'energy_conversion.electricity_equivalent_kgce_per_kw'" in message
    assert "energy_conversion.electricity_equivalent_kgce_per_kwh" in message
    assert isinstance(info.value, ReferenceDataError) and isinstance(info.value, ValueError)


def test_unknown_key_without_close_match_lists_namespaces(ref: ReferenceData) -> None:
    with pytest.raises(UnknownReferenceKeyError, match="energy_conversion\\., .*sectors\\."):
        ref.entry("zzz")


def test_unknown_sector_and_benchmark(ref: ReferenceData) -> None:
    with pytest.raises(UnknownReferenceKeyError, match="'cemnt'.*cement"):
        ref.sector("cemnt")
    with pytest.raises(UnknownReferenceKeyError, match="'textiles'"):
        ref.benchmark("textiles")


def test_typed_accessors_reject_the_wrong_type(ref: ReferenceData) -> None:
    with pytest.raises(ReferenceTypeError, match="not a number"):
        ref.number("tariff_shaanxi.peak_periods_h")
    with pytest.raises(ReferenceTypeError, match="not a text"):
        ref.text("markets.penalty_multiple_shenzhen")
    with pytest.raises(ReferenceTypeError, match="not a list of pairs"):
        ref.pairs("markets.penalty_multiple_shenzhen")
    assert ref.pairs("tariff_shaanxi.valley_periods_h") == ((0.0, 7.0), (23.0, 24.0))


def test_reference_data_is_immutable(ref: ReferenceData) -> None:
    with pytest.raises(TypeError):
        ref.entries["markets.penalty_multiple_shenzhen"] = ref.entries[  # type: ignore[index]
            "markets.green_premium_max_cny_per_mwh"
        ]
    with pytest.raises(AttributeError):
        ref.directory = None  # type: ignore[misc]


# -- assumptions ---------------------------------------------------------------------------------


def test_assumptions_are_exactly_the_assumed_entries(ref: ReferenceData) -> None:
    assumed = ref.assumptions()
    assert assumed
    assert all(entry.status == "assumed" for entry in assumed)
    assumed_keys = {entry.key for entry in assumed}
    assert assumed_keys == {k for k, e in ref.entries.items() if e.status == "assumed"}
    assert "energy_conversion.electricity_thermal_equivalent_kgce_per_kwh" in assumed_keys
    assert "energy_conversion.electricity_equivalent_kgce_per_kwh" not in assumed_keys


def test_readme_lists_every_assumption(ref: ReferenceData) -> None:
    readme = (DEFAULT_DIRECTORY / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Assumptions", 1)[1]
    patterns = set(re.findall(r"`([a-z0-9_.]+)\.\*`", section))
    for entry in ref.assumptions():
        parts = entry.key.split(".")
        prefixes = {".".join(parts[:n]) for n in range(1, len(parts))}
        assert f"`{entry.key}`" in section or prefixes & patterns, entry.key


def test_records_cover_every_entry(ref: ReferenceData) -> None:
    records = ref.records()
    assert len(records) == len(ref.keys())
    assert set(records[0]) == {"key", "value", "unit", "source", "status", "note"}
    periods = next(r for r in records if r["key"] == "tariff_shaanxi.peak_periods_h")
    assert periods["value"] == "[[8.0, 11.5], [18.5, 23.0]]"


# -- overrides -----------------------------------------------------------------------------------


def test_override_replaces_value_and_marks_it(ref: ReferenceData) -> None:
    key = "tariff_shaanxi.flat_price_cny_per_kwh"
    changed = ref.with_overrides({key: 0.72})
    entry = changed.entry(key)
    assert entry.value == 0.72
    assert entry.status == "overridden"
    assert entry.source == "scenario override"
    assert entry.unit == "CNY/kWh"
    assert "0.65" in entry.note
    assert ref.number(key) == 0.65  # the original is untouched
    assert [e.key for e in changed.overridden()] == [key]
    assert key not in {e.key for e in changed.assumptions()}


def test_integer_override_of_a_float_entry_becomes_float(ref: ReferenceData) -> None:
    changed = ref.with_overrides({"tariff_shaanxi.demand_charge_cny_per_kw_month": 40})
    value = changed.value("tariff_shaanxi.demand_charge_cny_per_kw_month")
    assert value == 40.0 and isinstance(value, float)


def test_integral_float_override_of_an_integer_entry_becomes_int(ref: ReferenceData) -> None:
    key = "policy_targets.energy_intensity_base_year"
    value = ref.with_overrides({key: 2015.0}).value(key)
    assert value == 2015 and isinstance(value, int)


def test_override_flows_into_sectors_and_benchmarks(ref: ReferenceData) -> None:
    changed = ref.with_overrides(
        {
            "sectors.cement.heat_fuel_gas_share": 0.8,
            "sectors.food.shifts_per_day": 3,
            "benchmarks.cement.benchmark": 95,
        }
    )
    assert changed.sector("cement").heat_fuel == "gas"
    assert changed.sector("food").shift_pattern == "continuous"
    assert changed.benchmark("cement").benchmark == 95.0
    assert changed.benchmark("cement").status == "overridden"
    assert ref.sector("cement").heat_fuel == "coal"


def test_override_of_tariff_periods(ref: ReferenceData) -> None:
    changed = ref.with_overrides(
        {
            "tariff_shaanxi.peak_periods_h": [[8, 12], [18, 22]],
            "tariff_shaanxi.flat_periods_h": [[7, 8], [12, 18], [22, 23]],
        }
    )
    assert changed.value("tariff_shaanxi.peak_periods_h") == ((8.0, 12.0), (18.0, 22.0))


def test_override_factor_flows_into_conversion_factors(ref: ReferenceData) -> None:
    changed = ref.with_overrides({"energy_conversion.natural_gas_kgce_per_m3": 1.33})
    assert changed.conversion_factors().natural_gas_kgce_per_m3 == 1.33


def test_unknown_override_key_names_the_key_and_close_matches(ref: ReferenceData) -> None:
    with pytest.raises(UnknownReferenceKeyError) as info:
        ref.with_overrides({"tariff_shaanxi.flat_price_cny_per_kw": 0.7})
    assert "'tariff_shaanxi.flat_price_cny_per_kw'" in str(info.value)
    assert "tariff_shaanxi.flat_price_cny_per_kwh" in str(info.value)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("tariff_shaanxi.flat_price_cny_per_kwh", "cheap", "a finite number"),
        ("tariff_shaanxi.flat_price_cny_per_kwh", True, "a finite number"),
        ("tariff_shaanxi.flat_price_cny_per_kwh", float("nan"), "a finite number"),
        ("policy_targets.industrial_co2_peak_before_year", 2030.5, "an integer"),
        ("tariff_shaanxi.peak_periods_h", [8, 11.5], "a list of lists of numbers"),
        ("tariff_shaanxi.peak_periods_h", "8-11", "a list of lists of numbers"),
    ],
)
def test_override_of_the_wrong_type_names_key_and_expected_type(
    ref: ReferenceData, key: str, value: object, expected: str
) -> None:
    with pytest.raises(ReferenceTypeError) as info:
        ref.with_overrides({key: value})
    assert repr(key) in str(info.value)
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("key", "value", "match"),
    [
        ("sectors.cement.heat_fuel_gas_share", 1.5, r"sectors\.cement\.heat_fuel_gas_share"),
        ("sectors.food.shifts_per_day", 4, r"sectors\.food\.shifts_per_day"),
        ("sectors.glass.output_t_per_yr", 0, r"sectors\.glass\.output_t_per_yr"),
        ("benchmarks.cement.benchmark", 130, "benchmark <= baseline"),
        ("energy_conversion.raw_coal_kgce_per_kg", 0, "raw_coal_kgce_per_kg"),
        ("tariff_shaanxi.peak_periods_h", [[8, 12], [18.5, 23]], "overlap"),
    ],
)
def test_override_out_of_range_is_rejected(
    ref: ReferenceData, key: str, value: object, match: str
) -> None:
    with pytest.raises(ReferenceValueError, match=match):
        ref.with_overrides({key: value})


def test_overrides_must_be_a_mapping(ref: ReferenceData) -> None:
    with pytest.raises(ReferenceTypeError, match="mapping"):
        ref.with_overrides([("markets.penalty_multiple_shenzhen", 1.0)])  # type: ignore[arg-type]


def test_default_reference_is_loaded_once() -> None:
    assert default_reference() is default_reference()
    assert default_reference().keys() == load_reference().keys()


# -- strict loading ------------------------------------------------------------------------------


def test_copy_loads_like_the_original(tmp_path: Path, ref: ReferenceData) -> None:
    copy = load_reference(_copy(tmp_path))
    assert copy.keys() == ref.keys()
    assert copy.directory == tmp_path / "reference"


def test_missing_field_names_file_and_key(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(
        directory / "energy_conversion.yaml",
        "  unit: kgce/kg\n",
        "",
    )
    match = r"energy_conversion\.yaml.*raw_coal_kgce_per_kg.*unit"
    with pytest.raises(ReferenceFileError, match=match):
        load_reference(directory)


@pytest.mark.parametrize(
    ("file", "old", "new", "match"),
    [
        ("markets.yaml", "status: verified", "status: probable", "status must be one of"),
        ("markets.yaml", "  value: 50.0\n", "  value: [a, b]\n", "premium_max.*value must be"),
        ("markets.yaml", "  value: 50.0\n", "  value: 50.0\n  extra: 1\n", "unknown field"),
        ("markets.yaml", "green_premium_max_cny_per_mwh:", "Max:", "lower-case identifiers"),
        ("markets.yaml", "  value: 50.0\n", "  value: [50.0\n", "not valid YAML"),
        ("tariff_shaanxi.yaml", "[[0.0, 7.0]", "[[0.0, 6.0]", "gap"),
        ("sectors.csv", "sector,parameter", "sector,param", "header must be"),
        (
            "sectors.csv",
            "cement,output_t_per_yr,1500000",
            "cement,output_t_per_yr,lots",
            "value must be a number",
        ),
        (
            "sectors.csv",
            "cement,output_t_per_yr,1500000,t/yr",
            "cement,output_t_per_yr,1500000,kt",
            "unit of cement.output_t_per_yr must be 't/yr'",
        ),
        ("sectors.csv", "cement,output_t_per_yr", "cement,output_tonnes", "unknown parameter"),
        ("sectors.csv", ",assumed\n", ",guessed\n", "status must be one of"),
        (
            "sectors.csv",
            "food,heat_fuel_gas_share,1,",
            "food,heat_fuel_gas_share,3,",
            r"sectors\.food\.heat_fuel_gas_share = 3\.0",
        ),
        (
            "benchmarks.csv",
            "cement,cement clinker,100,117",
            "cement,cement clinker,100,",
            "empty field",
        ),
        (
            "benchmarks.csv",
            "cement,cement clinker,100,117",
            "cement,cement clinker,120,117",
            "benchmark <= baseline",
        ),
    ],
)
def test_malformed_files_raise_named_errors(
    tmp_path: Path, file: str, old: str, new: str, match: str
) -> None:
    directory = _copy(tmp_path)
    _edit(directory / file, old, new)
    with pytest.raises(ReferenceFileError, match=match) as info:
        load_reference(directory)
    assert file in str(info.value) or str(directory) in str(info.value)


def test_sector_missing_a_parameter_is_named(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    path = directory / "sectors.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("textiles,shifts_per_day")]
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept), encoding="utf-8")
    with pytest.raises(ReferenceFileError, match="'textiles' lacks.*shifts_per_day"):
        load_reference(directory)


def test_duplicate_sector_row_is_rejected(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    path = directory / "sectors.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    with pytest.raises(ReferenceFileError, match="duplicate row for cement.output_t_per_yr"):
        load_reference(directory)


@pytest.mark.parametrize("name", ["markets.yaml", "sectors.csv", "benchmarks.csv"])
def test_missing_file_is_named(tmp_path: Path, name: str) -> None:
    directory = _copy(tmp_path)
    (directory / name).unlink()
    with pytest.raises(ReferenceFileError, match=re.escape(name)):
        load_reference(directory)


def test_missing_required_key_is_named(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "emission_factors.yaml", "raw_coal_tco2_per_t:", "raw_coal_tco2_per_tonne:")
    with pytest.raises(ReferenceFileError, match="emission_factors.yaml.*'raw_coal_tco2_per_t'"):
        load_reference(directory)


def test_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(ReferenceFileError, match="does not exist"):
        load_reference(tmp_path / "nowhere")


def test_extra_yaml_file_loads_under_its_own_namespace(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "site_xian.yaml").write_text(
        "annual_pv_yield_kwh_per_kwp:\n  value: 1200.0\n  unit: kWh/kWp\n"
        "  source: test value\n  status: assumed\n",
        encoding="utf-8",
    )
    loaded = load_reference(directory)
    assert loaded.number("site_xian.annual_pv_yield_kwh_per_kwp") == 1200.0
