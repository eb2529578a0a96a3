"""Reference data: loading, validation, typed access and scenario overrides.

The reference data live in ``configs/reference/`` as YAML files of entries and two CSV tables:

- ``<name>.yaml``: a mapping ``entry_name -> {value, unit, source, status[, note]}``; the entry
  is addressed as ``"<name>.<entry_name>"``, e.g.
  ``"energy_conversion.electricity_equivalent_kgce_per_kwh"``.
- ``sectors.csv``: sector archetypes in long format (``sector,parameter,value,unit,source,
  status``); entry ``"sectors.<sector>.<parameter>"``.
- ``benchmarks.csv``: energy-efficiency benchmark and baseline levels (``sector,product,
  benchmark,baseline,unit,source,status``); entries ``"benchmarks.<sector>.benchmark"`` and
  ``"benchmarks.<sector>.baseline"``.

Every number carries its unit, its source and a status: ``verified`` or ``assumed`` in the files,
``overridden`` once a scenario replaces it (:meth:`ReferenceData.with_overrides`). Files are
validated strictly on load; every problem raises a :class:`ReferenceError` (a ``ValueError``)
naming the file, the key and what is allowed.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import yaml

if TYPE_CHECKING:
    from agents.accounting import ConversionFactors, EmissionFactors

Status = Literal["verified", "assumed", "overridden"]
"""Status of a reference entry."""

ShiftPattern = Literal["continuous", "two_shift", "one_shift"]
HeatTemperatureBand = Literal["low", "medium", "high"]
HeatFuel = Literal["coal", "gas"]

ReferenceValue = bool | int | float | str | tuple[float, ...] | tuple[tuple[float, ...], ...]
"""Value of a reference entry: a number, a flag, a text or a (nested) tuple of numbers."""

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[1] / "configs" / "reference"
"""The repository's reference data directory."""

FILE_STATUSES: tuple[str, ...] = ("verified", "assumed")
"""Statuses allowed in the data files (``overridden`` is set by overrides only)."""

OVERRIDE_SOURCE = "scenario override"

ENTRY_FIELDS: tuple[str, ...] = ("value", "unit", "source", "status")
OPTIONAL_ENTRY_FIELDS: tuple[str, ...] = ("note",)

YAML_FILES: tuple[str, ...] = (
    "energy_conversion",
    "emission_factors",
    "policy_targets",
    "tariff_shaanxi",
    "markets",
    "fuel_prices",
)
"""YAML files (without suffix) that must exist; other ``*.yaml`` files load as well."""

SECTORS_FILE = "sectors.csv"
BENCHMARKS_FILE = "benchmarks.csv"
SECTOR_COLUMNS: tuple[str, ...] = ("sector", "parameter", "value", "unit", "source", "status")
BENCHMARK_COLUMNS: tuple[str, ...] = (
    "sector",
    "product",
    "benchmark",
    "baseline",
    "unit",
    "source",
    "status",
)

SECTOR_PARAMETER_UNITS: Mapping[str, str] = MappingProxyType(
    {
        "output_t_per_yr": "t/yr",
        "value_added_10k_cny_per_t": "10^4 CNY/t",
        "electricity_kwh_per_t": "kWh/t",
        "process_heat_kwh_th_per_t": "kWh_th/t",
        "heat_sink_temperature_c": "degC",
        "heat_fuel_gas_share": "fraction (0 = all coal, 1 = all natural gas)",
        "shifts_per_day": "shifts/day (3 = continuous, 2 = two_shift, 1 = one_shift)",
        "production_margin_cny_per_t": "CNY/t",
    }
)
"""Parameters every sector must have, with their units."""

OPTIONAL_SECTOR_PARAMETER_UNITS: Mapping[str, str] = MappingProxyType(
    {
        "energy_benchmark_kgce_per_t": "kgce/t",
        "energy_baseline_kgce_per_t": "kgce/t",
        "process_co2_tco2_per_t": "tCO2/t",
        "feedstock_share_of_fuel": "fraction",
    }
)
"""Parameters a sector has only where they apply: benchmark levels (from ``benchmarks.csv``),
process CO2 per tonne of output, and the share of its fuel used as feedstock."""

REQUIRED_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "energy_conversion": (
            "electricity_equivalent_kgce_per_kwh",
            "electricity_thermal_equivalent_kgce_per_kwh",
            "raw_coal_kgce_per_kg",
            "natural_gas_kgce_per_m3",
            "heat_kgce_per_mj",
        ),
        "emission_factors": ("raw_coal_tco2_per_t", "natural_gas_tco2_per_1000m3"),
        "fuel_prices": ("coal_cny_per_t", "natural_gas_cny_per_m3"),
    }
)
"""Entries the code reads directly, by file; they must exist and be > 0."""

SHIFT_PATTERNS: Mapping[int, ShiftPattern] = MappingProxyType(
    {3: "continuous", 2: "two_shift", 1: "one_shift"}
)
"""Encoding of ``shifts_per_day`` in ``sectors.csv``."""

LOW_BAND_BELOW_C = 100.0
HIGH_BAND_ABOVE_C = 200.0

_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class ReferenceError(ValueError):
    """Reference data are missing, malformed or asked for under an unknown key.

    Importing it by name shadows Python's built-in ``ReferenceError`` (a weak-reference error)
    in the importing module; import the module or alias the class where that matters.
    """


class ReferenceFileError(ReferenceError):
    """A reference data file is missing or does not follow its format."""


class UnknownReferenceKeyError(ReferenceError):
    """A reference key, sector or benchmark does not exist."""


class ReferenceTypeError(ReferenceError):
    """An override has the wrong type for its entry."""


class ReferenceValueError(ReferenceError):
    """A reference value is out of its allowed range."""


@dataclass(frozen=True)
class ReferenceEntry:
    """One reference number (or text) with its provenance.

    Attributes
    ----------
    key : str
        Dotted key, ``"<file>.<name>"`` or ``"sectors.<sector>.<parameter>"``.
    value : ReferenceValue
        The value in ``unit``.
    unit : str
        Unit of ``value``.
    source : str
        Where the value comes from, or why it was assumed.
    status : {"verified", "assumed", "overridden"}
        How sure the value is.
    note : str
        Free remark; for an overridden entry, the default it replaced.
    """

    key: str
    value: ReferenceValue
    unit: str
    source: str
    status: Status
    note: str = ""


@dataclass(frozen=True)
class SectorArchetype:
    """A typical firm of a sector: output, energy needs and economics (modelling assumptions).

    Attributes
    ----------
    name : str
        Sector name as in ``sectors.csv``.
    output_t_per_yr : float
        Typical output [t/yr].
    value_added_10k_cny_per_t : float
        Value added per tonne [10^4 CNY/t].
    electricity_kwh_per_t : float
        Electricity use per tonne [kWh/t].
    process_heat_kwh_th_per_t : float
        Process heat per tonne [kWh_th/t]. Above 200 degC (directly fired kilns and furnaces)
        this is the fuel heat input; at or below 200 degC (steam and hot water) the heat
        delivered, to be divided by a boiler efficiency to get the fuel.
    heat_sink_temperature_c : float
        Temperature at which the process needs its heat [degC].
    heat_fuel_gas_share : float
        Share of process heat from natural gas, the rest from coal [0..1].
    shifts_per_day : int
        3 (continuous), 2 (two shifts) or 1 (one shift).
    production_margin_cny_per_t : float
        Margin of producing one more tonne [CNY/t].
    energy_benchmark_kgce_per_t, energy_baseline_kgce_per_t : float or None
        Energy-efficiency benchmark and baseline [kgce/t] where one exists.
    process_co2_tco2_per_t : float
        CO2 released by the process itself (calcination, anodes, carbonates) per tonne of
        output [tCO2/t]; 0 where the sector has none.
    feedstock_share_of_fuel : float
        Share of the sector's fuel used as chemical feedstock [0..1]; 0 where none.
    """

    name: str
    output_t_per_yr: float
    value_added_10k_cny_per_t: float
    electricity_kwh_per_t: float
    process_heat_kwh_th_per_t: float
    heat_sink_temperature_c: float
    heat_fuel_gas_share: float
    shifts_per_day: int
    production_margin_cny_per_t: float
    energy_benchmark_kgce_per_t: float | None = None
    energy_baseline_kgce_per_t: float | None = None
    process_co2_tco2_per_t: float = 0.0
    feedstock_share_of_fuel: float = 0.0

    @property
    def heat_temperature_band(self) -> HeatTemperatureBand:
        """``low`` below 100 degC, ``medium`` from 100 to 200 degC, ``high`` above 200 degC."""
        if self.heat_sink_temperature_c < LOW_BAND_BELOW_C:
            return "low"
        if self.heat_sink_temperature_c <= HIGH_BAND_ABOVE_C:
            return "medium"
        return "high"

    @property
    def heat_fuel(self) -> HeatFuel:
        """Main heat fuel: ``gas`` if at least half the heat comes from gas, else ``coal``."""
        return "gas" if self.heat_fuel_gas_share >= 0.5 else "coal"

    @property
    def shift_pattern(self) -> ShiftPattern:
        """Shift pattern decoded from :attr:`shifts_per_day`."""
        return SHIFT_PATTERNS[self.shifts_per_day]

    @property
    def value_added_10k_cny_per_yr(self) -> float:
        """Value added per year [10^4 CNY/yr]."""
        return self.output_t_per_yr * self.value_added_10k_cny_per_t

    @property
    def electricity_kwh_per_yr(self) -> float:
        """Electricity use per year [kWh/yr]."""
        return self.output_t_per_yr * self.electricity_kwh_per_t

    @property
    def process_heat_kwh_th_per_yr(self) -> float:
        """Process heat per year [kWh_th/yr]."""
        return self.output_t_per_yr * self.process_heat_kwh_th_per_t


@dataclass(frozen=True)
class Benchmark:
    """Energy-efficiency benchmark and baseline of a product (2021 edition table).

    Attributes
    ----------
    sector : str
        Sector key (an archetype name where one exists).
    product : str
        Product the levels apply to.
    benchmark : float
        Benchmark (advanced) level in ``unit``; lower is better.
    baseline : float
        Baseline (minimum) level in ``unit``.
    unit : str
        Unit of both levels, e.g. kgce/t.
    source : str
        Source of the row.
    status : {"verified", "assumed", "overridden"}
        ``overridden`` if either level was overridden, else the row's status.
    """

    sector: str
    product: str
    benchmark: float
    baseline: float
    unit: str
    source: str
    status: Status


@dataclass(frozen=True, repr=False)
class ReferenceData:
    """All reference entries, validated, with typed access and overrides.

    Build it with :func:`load_reference`; derive variants with :meth:`with_overrides`.

    Parameters
    ----------
    entries : Mapping[str, ReferenceEntry]
        Entries by dotted key.
    benchmark_products : Mapping[str, str]
        Product description of each benchmark row, by sector key.
    directory : Path or None
        Directory the data were loaded from.
    """

    entries: Mapping[str, ReferenceEntry]
    benchmark_products: Mapping[str, str]
    directory: Path | None = None
    _sectors: Mapping[str, SectorArchetype] = field(init=False, compare=False)
    _benchmarks: Mapping[str, Benchmark] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        entries = MappingProxyType(dict(self.entries))
        object.__setattr__(self, "entries", entries)
        products = MappingProxyType(dict(self.benchmark_products))
        object.__setattr__(self, "benchmark_products", products)
        _check_positive_factors(entries)
        _check_tariff_periods(entries)
        benchmarks = _build_benchmarks(entries, products)
        sectors = _with_benchmarks(_build_sectors(entries), benchmarks)
        object.__setattr__(self, "_sectors", MappingProxyType(sectors))
        object.__setattr__(self, "_benchmarks", MappingProxyType(benchmarks))

    def __repr__(self) -> str:
        assumed = sum(entry.status == "assumed" for entry in self.entries.values())
        overridden = sum(entry.status == "overridden" for entry in self.entries.values())
        return (
            f"ReferenceData(directory={self.directory!s}, entries={len(self.entries)}, "
            f"assumed={assumed}, overridden={overridden}, sectors={len(self._sectors)})"
        )

    # -- entries ---------------------------------------------------------------------------

    def keys(self) -> tuple[str, ...]:
        """All dotted keys, in file order."""
        return tuple(self.entries)

    def entry(self, key: str) -> ReferenceEntry:
        """The entry under ``key`` (value, unit, source, status)."""
        try:
            return self.entries[key]
        except KeyError:
            message = _unknown_message("reference key", key, self.entries)
            raise UnknownReferenceKeyError(message) from None

    def value(self, key: str) -> ReferenceValue:
        """The value under ``key``."""
        return self.entry(key).value

    def number(self, key: str) -> float:
        """The value under ``key`` as a float; error if it is not a number."""
        value = self.entry(key).value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ReferenceTypeError(
                f"reference key {key!r} holds {value!r} ({type(value).__name__}), not a number"
            )
        return float(value)

    def text(self, key: str) -> str:
        """The value under ``key`` as text; error if it is not a text."""
        value = self.entry(key).value
        if not isinstance(value, str):
            raise ReferenceTypeError(
                f"reference key {key!r} holds {value!r} ({type(value).__name__}), not a text"
            )
        return value

    def pairs(self, key: str) -> tuple[tuple[float, float], ...]:
        """The value under ``key`` as ``(a, b)`` pairs, e.g. time-of-use periods [h]."""
        value = self.entry(key).value
        if isinstance(value, tuple) and all(
            isinstance(pair, tuple) and len(pair) == 2 for pair in value
        ):
            return tuple((pair[0], pair[1]) for pair in value if isinstance(pair, tuple))
        raise ReferenceTypeError(
            f"reference key {key!r} holds {_format_value(value)!r}, not a list of pairs"
        )

    def assumptions(self) -> tuple[ReferenceEntry, ...]:
        """All entries with status ``assumed``, in file order."""
        return tuple(entry for entry in self.entries.values() if entry.status == "assumed")

    def overridden(self) -> tuple[ReferenceEntry, ...]:
        """All entries a scenario has overridden, in file order."""
        return tuple(entry for entry in self.entries.values() if entry.status == "overridden")

    def records(self) -> list[dict[str, str]]:
        """All entries as rows of text (key, value, unit, source, status, note) for reports."""
        return [
            {
                "key": entry.key,
                "value": _format_value(entry.value),
                "unit": entry.unit,
                "source": entry.source,
                "status": entry.status,
                "note": entry.note,
            }
            for entry in self.entries.values()
        ]

    # -- sectors and benchmarks ------------------------------------------------------------

    @property
    def sector_names(self) -> tuple[str, ...]:
        """Names of the sector archetypes, in file order."""
        return tuple(self._sectors)

    def sector(self, name: str) -> SectorArchetype:
        """The sector archetype ``name`` (e.g. ``"cement"``)."""
        try:
            return self._sectors[name]
        except KeyError:
            message = _unknown_message("sector", name, self._sectors)
            raise UnknownReferenceKeyError(message) from None

    @property
    def benchmark_sectors(self) -> tuple[str, ...]:
        """Sector keys with a benchmark row, in file order."""
        return tuple(self._benchmarks)

    def benchmark(self, sector: str) -> Benchmark:
        """The benchmark and baseline levels of ``sector`` (e.g. ``"cement"``)."""
        try:
            return self._benchmarks[sector]
        except KeyError:
            message = _unknown_message("benchmark sector", sector, self._benchmarks)
            raise UnknownReferenceKeyError(message) from None

    # -- factors for the accounting functions ----------------------------------------------

    def conversion_factors(self) -> ConversionFactors:
        """Energy conversion factors from ``energy_conversion.*``."""
        from agents.accounting import ConversionFactors

        prefix = "energy_conversion."
        return ConversionFactors(
            electricity_equivalent_kgce_per_kwh=self.number(
                prefix + "electricity_equivalent_kgce_per_kwh"
            ),
            electricity_thermal_equivalent_kgce_per_kwh=self.number(
                prefix + "electricity_thermal_equivalent_kgce_per_kwh"
            ),
            raw_coal_kgce_per_kg=self.number(prefix + "raw_coal_kgce_per_kg"),
            natural_gas_kgce_per_m3=self.number(prefix + "natural_gas_kgce_per_m3"),
            heat_kgce_per_mj=self.number(prefix + "heat_kgce_per_mj"),
        )

    def emission_factors(self) -> EmissionFactors:
        """Fuel emission factors from ``emission_factors.*``."""
        from agents.accounting import EmissionFactors

        return EmissionFactors(
            raw_coal_tco2_per_t=self.number("emission_factors.raw_coal_tco2_per_t"),
            natural_gas_tco2_per_1000m3=self.number("emission_factors.natural_gas_tco2_per_1000m3"),
        )

    # -- overrides -------------------------------------------------------------------------

    def with_overrides(self, overrides: Mapping[str, object]) -> ReferenceData:
        """A copy with some values replaced.

        Example: ``ref.with_overrides({"tariff_shaanxi.flat_price_cny_per_kwh": 0.7})``.

        Each overridden entry keeps its unit, gets status ``overridden`` and source
        ``"scenario override"``; its note records the default it replaced.

        Raises
        ------
        UnknownReferenceKeyError
            A key does not exist (the message lists close matches).
        ReferenceTypeError
            A value has the wrong type for its entry.
        ReferenceValueError
            A value is out of its allowed range (e.g. a share above 1).
        """
        if not isinstance(overrides, Mapping):
            raise ReferenceTypeError(
                f"overrides must be a mapping of dotted keys to values, got "
                f"{type(overrides).__name__}"
            )
        entries = dict(self.entries)
        for key, raw in overrides.items():
            if not isinstance(key, str) or key not in entries:
                raise UnknownReferenceKeyError(_unknown_message("reference key", str(key), entries))
            original = self.entries[key]
            value = _coerce_override(key, raw, original.value)
            _check_override_range(original, value)
            entries[key] = replace(
                original,
                value=value,
                status="overridden",
                source=OVERRIDE_SOURCE,
                note=(
                    f"default {_format_value(original.value)} {original.unit} "
                    f"({original.status}): {original.source}"
                ),
            )
        return ReferenceData(
            entries=entries,
            benchmark_products=self.benchmark_products,
            directory=self.directory,
        )


# -- loading ---------------------------------------------------------------------------------


def load_reference(directory: Path | None = None) -> ReferenceData:
    """Load and validate the reference data.

    Parameters
    ----------
    directory : Path, optional
        Directory holding the YAML and CSV files; default: the repository's
        ``configs/reference/``.

    Returns
    -------
    ReferenceData
        The validated, immutable reference data.

    Raises
    ------
    ReferenceFileError
        A file is missing, unreadable or malformed; the message names the file and the key.
    """
    directory = DEFAULT_DIRECTORY if directory is None else Path(directory)
    if not directory.is_dir():
        raise ReferenceFileError(f"reference directory {directory} does not exist")
    entries: dict[str, ReferenceEntry] = {}
    yaml_paths = sorted(directory.glob("*.yaml"))
    found = {path.stem for path in yaml_paths}
    for stem in YAML_FILES:
        if stem not in found:
            raise ReferenceFileError(f"reference file {directory / (stem + '.yaml')} is missing")
    for stem in (*YAML_FILES, *sorted(found - set(YAML_FILES))):
        entries.update(_read_yaml_entries(directory / f"{stem}.yaml"))
    for file_stem, names in REQUIRED_KEYS.items():
        for name in names:
            if f"{file_stem}.{name}" not in entries:
                raise ReferenceFileError(
                    f"{directory / (file_stem + '.yaml')}: required key {name!r} is missing"
                )
    entries.update(_read_sectors(directory / SECTORS_FILE))
    benchmark_entries, products = _read_benchmarks(directory / BENCHMARKS_FILE)
    entries.update(benchmark_entries)
    try:
        return ReferenceData(entries=entries, benchmark_products=products, directory=directory)
    except ReferenceValueError as exc:
        raise ReferenceFileError(f"{directory}: {exc}") from exc


@functools.lru_cache(maxsize=1)
def default_reference() -> ReferenceData:
    """The repository's reference data, loaded once (the object is immutable)."""
    return load_reference()


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReferenceFileError(f"reference file {path} is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceFileError(f"reference file {path} cannot be read: {exc}") from exc


def _read_yaml_entries(path: Path) -> dict[str, ReferenceEntry]:
    text = _read_text(path)
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ReferenceFileError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not document:
        raise ReferenceFileError(
            f"{path}: expected a mapping of entry names to {{value, unit, source, status}}, "
            f"got {type(document).__name__}"
        )
    entries: dict[str, ReferenceEntry] = {}
    for name, raw in document.items():
        where = f"{path}, key {name!r}"
        if not isinstance(name, str) or not _NAME_PATTERN.match(name):
            raise ReferenceFileError(
                f"{where}: entry names must be lower-case identifiers (a-z, 0-9, _)"
            )
        if not isinstance(raw, dict):
            raise ReferenceFileError(
                f"{where}: expected a mapping with fields {', '.join(ENTRY_FIELDS)}, got {raw!r}"
            )
        missing = [f for f in ENTRY_FIELDS if f not in raw]
        if missing:
            raise ReferenceFileError(f"{where}: missing field(s) {', '.join(missing)}")
        unknown = sorted(str(f) for f in raw if f not in ENTRY_FIELDS + OPTIONAL_ENTRY_FIELDS)
        if unknown:
            raise ReferenceFileError(
                f"{where}: unknown field(s) {', '.join(unknown)}; allowed: "
                f"{', '.join(ENTRY_FIELDS + OPTIONAL_ENTRY_FIELDS)}"
            )
        key = f"{path.stem}.{name}"
        entries[key] = ReferenceEntry(
            key=key,
            value=_file_value(where, raw["value"]),
            unit=_text_field(where, "unit", raw["unit"]),
            source=_text_field(where, "source", raw["source"]),
            status=_file_status(where, raw["status"]),
            note=_text_field(where, "note", raw["note"]) if "note" in raw else "",
        )
    return entries


def _text_field(where: str, name: str, raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ReferenceFileError(f"{where}: field {name!r} must be a non-empty text, got {raw!r}")
    return raw.strip()


def _file_status(where: str, raw: object) -> Status:
    if raw == "verified":
        return "verified"
    if raw == "assumed":
        return "assumed"
    raise ReferenceFileError(
        f"{where}: status must be one of {', '.join(FILE_STATUSES)}, got {raw!r}"
    )


def _file_value(where: str, raw: object) -> ReferenceValue:
    if isinstance(raw, bool | str):
        if isinstance(raw, str) and not raw.strip():
            raise ReferenceFileError(f"{where}: value is empty")
        return raw
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            raise ReferenceFileError(f"{where}: value must be finite, got {raw!r}")
        return raw
    if isinstance(raw, list) and raw:
        try:
            return _number_tuple(raw, depth=_depth(raw))
        except (TypeError, ValueError):
            pass
    raise ReferenceFileError(
        f"{where}: value must be a number, true/false, a text, a list of numbers or a list of "
        f"lists of numbers; got {raw!r}"
    )


def _depth(raw: list[object]) -> int:
    return 2 if isinstance(raw[0], list | tuple) else 1


def _finite_number(raw: object) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise TypeError(f"not a finite number: {raw!r}")
    return float(raw)


def _number_tuple(raw: object, *, depth: int) -> tuple[float, ...] | tuple[tuple[float, ...], ...]:
    if not isinstance(raw, list | tuple) or not raw:
        raise TypeError("expected a non-empty list")
    if depth == 1:
        return tuple(_finite_number(item) for item in raw)
    rows: list[tuple[float, ...]] = []
    for item in raw:
        if not isinstance(item, list | tuple) or not item:
            raise TypeError("expected a list of non-empty lists")
        rows.append(tuple(_finite_number(x) for x in item))
    return tuple(rows)


def _read_csv(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    text = _read_text(path)
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) != columns:
        raise ReferenceFileError(
            f"{path}: header must be {','.join(columns)}, got {','.join(reader.fieldnames or ())!r}"
        )
    rows: list[tuple[int, dict[str, str]]] = []
    for row in reader:
        line = reader.line_num
        if None in row or any(row.get(c) is None for c in columns):
            raise ReferenceFileError(
                f"{path}, line {line}: expected {len(columns)} fields ({','.join(columns)})"
            )
        cleaned = {c: row[c].strip() for c in columns}
        empty = [c for c in columns if not cleaned[c]]
        if empty:
            raise ReferenceFileError(f"{path}, line {line}: empty field(s) {', '.join(empty)}")
        rows.append((line, cleaned))
    if not rows:
        raise ReferenceFileError(f"{path}: no data rows")
    return rows


def _csv_number(where: str, column: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ReferenceFileError(f"{where}: {column} must be a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise ReferenceFileError(f"{where}: {column} must be finite, got {raw!r}")
    return value


def _csv_name(where: str, column: str, raw: str) -> str:
    if not _NAME_PATTERN.match(raw):
        raise ReferenceFileError(
            f"{where}: {column} must be a lower-case identifier (a-z, 0-9, _), got {raw!r}"
        )
    return raw


def _read_sectors(path: Path) -> dict[str, ReferenceEntry]:
    all_units = {**SECTOR_PARAMETER_UNITS, **OPTIONAL_SECTOR_PARAMETER_UNITS}
    entries: dict[str, ReferenceEntry] = {}
    parameters_by_sector: dict[str, set[str]] = {}
    for line, row in _read_csv(path, SECTOR_COLUMNS):
        where = f"{path}, line {line}"
        sector = _csv_name(where, "sector", row["sector"])
        parameter = row["parameter"]
        if parameter not in all_units:
            raise ReferenceFileError(
                f"{where}: unknown parameter {parameter!r} for sector {sector!r}; allowed: "
                f"{', '.join(all_units)}"
            )
        if row["unit"] != all_units[parameter]:
            raise ReferenceFileError(
                f"{where}: unit of {sector}.{parameter} must be {all_units[parameter]!r}, "
                f"got {row['unit']!r}"
            )
        key = f"sectors.{sector}.{parameter}"
        if key in entries:
            raise ReferenceFileError(f"{where}: duplicate row for {sector}.{parameter}")
        entries[key] = ReferenceEntry(
            key=key,
            value=_csv_number(where, "value", row["value"]),
            unit=row["unit"],
            source=row["source"],
            status=_file_status(where, row["status"]),
        )
        parameters_by_sector.setdefault(sector, set()).add(parameter)
    for sector, present in parameters_by_sector.items():
        missing = [p for p in SECTOR_PARAMETER_UNITS if p not in present]
        if missing:
            raise ReferenceFileError(
                f"{path}: sector {sector!r} lacks parameter(s) {', '.join(missing)}"
            )
    return entries


def _read_benchmarks(path: Path) -> tuple[dict[str, ReferenceEntry], dict[str, str]]:
    entries: dict[str, ReferenceEntry] = {}
    products: dict[str, str] = {}
    for line, row in _read_csv(path, BENCHMARK_COLUMNS):
        where = f"{path}, line {line}"
        sector = _csv_name(where, "sector", row["sector"])
        if sector in products:
            raise ReferenceFileError(f"{where}: duplicate row for sector {sector!r}")
        products[sector] = row["product"]
        status = _file_status(where, row["status"])
        for level in ("benchmark", "baseline"):
            key = f"benchmarks.{sector}.{level}"
            entries[key] = ReferenceEntry(
                key=key,
                value=_csv_number(where, level, row[level]),
                unit=row["unit"],
                source=row["source"],
                status=status,
            )
    return entries, products


# -- validation shared by loading and overrides ----------------------------------------------

_POSITIVE_KEYS: tuple[str, ...] = tuple(
    f"{file_stem}.{name}" for file_stem, names in REQUIRED_KEYS.items() for name in names
)


def _check_positive_factors(entries: Mapping[str, ReferenceEntry]) -> None:
    for key in _POSITIVE_KEYS:
        entry = entries.get(key)
        if entry is None:
            continue
        value = entry.value
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ReferenceValueError(f"{key} must be a number > 0 ({entry.unit}), got {value!r}")


TARIFF_PERIOD_KEYS: tuple[str, ...] = (
    "tariff_shaanxi.peak_periods_h",
    "tariff_shaanxi.flat_periods_h",
    "tariff_shaanxi.valley_periods_h",
)
"""Time-of-use periods that together must cover the day exactly once."""


def _check_tariff_periods(entries: Mapping[str, ReferenceEntry]) -> None:
    """Check that the time-of-use periods are [start, end) pairs tiling 0-24 h."""
    if not all(key in entries for key in TARIFF_PERIOD_KEYS):
        return
    intervals: list[tuple[float, float]] = []
    for key in TARIFF_PERIOD_KEYS:
        value = entries[key].value
        pairs = value if isinstance(value, tuple) else ()
        for pair in pairs:
            if not (isinstance(pair, tuple) and len(pair) == 2 and 0 <= pair[0] < pair[1] <= 24):
                raise ReferenceValueError(
                    f"{key} = {_format_value(entries[key].value)}: each period must be a "
                    "[start_h, end_h] pair with 0 <= start_h < end_h <= 24"
                )
            intervals.append((pair[0], pair[1]))
    intervals.sort()
    covered = 0.0
    for start, end in intervals:
        if start != covered:
            problem = "overlap" if start < covered else "leave a gap"
            raise ReferenceValueError(
                f"{', '.join(TARIFF_PERIOD_KEYS)}: the periods {problem} at {min(start, covered):g}"
                " h; together they must cover 0-24 h exactly once"
            )
        covered = end
    if covered != 24:
        raise ReferenceValueError(
            f"{', '.join(TARIFF_PERIOD_KEYS)}: the periods end at {covered:g} h; together they "
            "must cover 0-24 h exactly once"
        )


def _float_entry(entries: Mapping[str, ReferenceEntry], key: str) -> float:
    value = entries[key].value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ReferenceValueError(f"{key} must be a number, got {value!r}")
    return float(value)


def _check_range(key: str, value: float, ok: bool, allowed: str) -> None:
    if not ok:
        raise ReferenceValueError(f"{key} = {value!r} is out of range; allowed: {allowed}")


def _build_sectors(entries: Mapping[str, ReferenceEntry]) -> dict[str, SectorArchetype]:
    values: dict[str, dict[str, float]] = {}
    for key in entries:
        if key.startswith("sectors."):
            _, sector, parameter = key.split(".", 2)
            values.setdefault(sector, {})[parameter] = _float_entry(entries, key)
    return {sector: _build_sector(sector, params) for sector, params in values.items()}


def _build_sector(sector: str, params: Mapping[str, float]) -> SectorArchetype:
    """Validate the parameters of one sector and build its archetype."""
    missing = [p for p in SECTOR_PARAMETER_UNITS if p not in params]
    if missing:
        raise ReferenceValueError(f"sector {sector!r} lacks parameter(s) {', '.join(missing)}")
    prefix = f"sectors.{sector}."

    def check(parameter: str, ok: bool, allowed: str) -> None:
        _check_range(prefix + parameter, params[parameter], ok, allowed)

    check("output_t_per_yr", params["output_t_per_yr"] > 0, "> 0")
    for name in ("value_added_10k_cny_per_t", "electricity_kwh_per_t", "process_heat_kwh_th_per_t"):
        check(name, params[name] >= 0, ">= 0")
    check("heat_sink_temperature_c", params["heat_sink_temperature_c"] > -273.15, "> -273.15")
    check("heat_fuel_gas_share", 0 <= params["heat_fuel_gas_share"] <= 1, "0 to 1")
    shifts = params["shifts_per_day"]
    check("shifts_per_day", shifts in SHIFT_PATTERNS, "3 (continuous), 2 (two_shift), 1")
    benchmark = params.get("energy_benchmark_kgce_per_t")
    baseline = params.get("energy_baseline_kgce_per_t")
    if benchmark is not None:
        check("energy_benchmark_kgce_per_t", benchmark > 0, "> 0")
    if baseline is not None:
        check("energy_baseline_kgce_per_t", baseline > 0, "> 0")
    if benchmark is not None and baseline is not None:
        check(
            "energy_benchmark_kgce_per_t",
            benchmark <= baseline,
            f"<= the baseline ({baseline:g} kgce/t)",
        )
    process_co2 = params.get("process_co2_tco2_per_t", 0.0)
    if "process_co2_tco2_per_t" in params:
        check("process_co2_tco2_per_t", 0 <= process_co2 <= 10, "0 to 10")
    feedstock = params.get("feedstock_share_of_fuel", 0.0)
    if "feedstock_share_of_fuel" in params:
        check("feedstock_share_of_fuel", 0 <= feedstock <= 1, "0 to 1")
    return SectorArchetype(
        name=sector,
        output_t_per_yr=params["output_t_per_yr"],
        value_added_10k_cny_per_t=params["value_added_10k_cny_per_t"],
        electricity_kwh_per_t=params["electricity_kwh_per_t"],
        process_heat_kwh_th_per_t=params["process_heat_kwh_th_per_t"],
        heat_sink_temperature_c=params["heat_sink_temperature_c"],
        heat_fuel_gas_share=params["heat_fuel_gas_share"],
        shifts_per_day=int(shifts),
        production_margin_cny_per_t=params["production_margin_cny_per_t"],
        energy_benchmark_kgce_per_t=benchmark,
        energy_baseline_kgce_per_t=baseline,
        process_co2_tco2_per_t=process_co2,
        feedstock_share_of_fuel=feedstock,
    )


#: Weight boxes of flat glass per tonne (one weight box = 50 kg of 2 mm glass).
WEIGHT_BOXES_PER_T = 20.0
#: Benchmark units convertible to kgce/t, with the factor.
BENCHMARK_KGCE_PER_T_FACTORS: Mapping[str, float] = MappingProxyType(
    {"kgce/t": 1.0, "kgce per weight box": WEIGHT_BOXES_PER_T}
)


def _with_benchmarks(
    sectors: dict[str, SectorArchetype], benchmarks: Mapping[str, Benchmark]
) -> dict[str, SectorArchetype]:
    """Give each sector the benchmark and baseline of its ``benchmarks.csv`` row [kgce/t].

    The sector and the row share a key; the row's unit is converted to kgce/t. Every row must
    belong to a sector and have a convertible unit, so that every benchmark is used.
    """
    out = dict(sectors)
    for key, row in benchmarks.items():
        factor = BENCHMARK_KGCE_PER_T_FACTORS.get(row.unit)
        if key not in out or factor is None:
            raise ReferenceValueError(
                f"benchmarks.{key}: a row needs a sector of the same key and a unit in "
                f"{', '.join(BENCHMARK_KGCE_PER_T_FACTORS)} (got unit {row.unit!r})"
            )
        out[key] = dataclasses.replace(
            out[key],
            energy_benchmark_kgce_per_t=row.benchmark * factor,
            energy_baseline_kgce_per_t=row.baseline * factor,
        )
    return out


def _build_benchmarks(
    entries: Mapping[str, ReferenceEntry], products: Mapping[str, str]
) -> dict[str, Benchmark]:
    benchmarks: dict[str, Benchmark] = {}
    for sector, product in products.items():
        high_key = f"benchmarks.{sector}.benchmark"
        low_key = f"benchmarks.{sector}.baseline"
        high, low = entries[high_key], entries[low_key]
        benchmark = _float_entry(entries, high_key)
        baseline = _float_entry(entries, low_key)
        if not 0 < benchmark <= baseline:
            raise ReferenceValueError(
                f"benchmarks.{sector}: need 0 < benchmark <= baseline ({high.unit}); got "
                f"benchmark {benchmark!r}, baseline {baseline!r}"
            )
        statuses = (high.status, low.status)
        kept = [e for e in (high, low) if e.status != "overridden"]
        benchmarks[sector] = Benchmark(
            sector=sector,
            product=product,
            benchmark=benchmark,
            baseline=baseline,
            unit=high.unit,
            source=kept[0].source if kept else OVERRIDE_SOURCE,
            status="overridden" if "overridden" in statuses else high.status,
        )
    return benchmarks


# -- overrides -------------------------------------------------------------------------------


def _coerce_override(key: str, raw: object, default: ReferenceValue) -> ReferenceValue:
    def wrong(expected: str) -> ReferenceTypeError:
        return ReferenceTypeError(
            f"override for {key!r} must be {expected}; got {raw!r} ({type(raw).__name__})"
        )

    if isinstance(default, bool):
        if not isinstance(raw, bool):
            raise wrong("true or false")
        return raw
    if isinstance(default, int):
        # configs parse overrides as floats: accept 2030.0 for 2030, never 2030.5
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise wrong("an integer")
        return raw
    if isinstance(default, float):
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            raise wrong("a finite number")
        return float(raw)
    if isinstance(default, str):
        if not isinstance(raw, str) or not raw.strip():
            raise wrong("a non-empty text")
        return raw
    depth = 2 if isinstance(default[0], tuple) else 1
    expected = "a list of numbers" if depth == 1 else "a list of lists of numbers"
    try:
        return _number_tuple(raw, depth=depth)
    except (TypeError, ValueError):
        raise wrong(expected) from None


OVERRIDE_MAX_FACTOR = 100.0
"""An overridden number stays within this factor of its reference value (same sign)."""

OVERRIDE_YEAR_RANGE: tuple[int, int] = (1990, 2100)
"""Years an override may name."""

OVERRIDE_TEMPERATURE_RANGE_C: tuple[float, float] = (-50.0, 2000.0)
"""Temperatures an override may set [degC] (industrial process heat reaches about 1600 degC)."""


def override_range_text(entry: ReferenceEntry) -> str | None:
    """What an override of ``entry`` may be, in words; ``None`` for non-numeric entries.

    Years lie in :data:`OVERRIDE_YEAR_RANGE`, fractions in [0, 1] (or [-1, 1] for a negative
    reference value), temperatures in :data:`OVERRIDE_TEMPERATURE_RANGE_C`; every other number
    keeps the sign of its reference value and stays within :data:`OVERRIDE_MAX_FACTOR` times it.
    """
    low, high, low_open = _override_bounds(entry)
    if low is None or high is None:
        return None
    left = "(" if low_open else "["
    return f"a finite number in {left}{low:g}, {high:g}] {entry.unit}"


def _override_bounds(entry: ReferenceEntry) -> tuple[float | None, float | None, bool]:
    """``(low, high, low_open)`` of a numeric entry's override; ``(None, None, False)`` else."""
    default = entry.value
    if isinstance(default, bool) or not isinstance(default, int | float):
        return None, None, False
    if entry.unit == "year":
        return float(OVERRIDE_YEAR_RANGE[0]), float(OVERRIDE_YEAR_RANGE[1]), False
    if entry.unit.startswith("fraction"):
        return (-1.0 if default < 0 else 0.0), 1.0, False
    if entry.unit == "degC":
        return OVERRIDE_TEMPERATURE_RANGE_C[0], OVERRIDE_TEMPERATURE_RANGE_C[1], False
    if default > 0:
        return 0.0, OVERRIDE_MAX_FACTOR * default, True
    if default < 0:
        return OVERRIDE_MAX_FACTOR * default, 0.0, False
    return 0.0, 0.0, False


def _check_override_range(entry: ReferenceEntry, value: ReferenceValue) -> None:
    low, high, low_open = _override_bounds(entry)
    if low is None or high is None or isinstance(value, bool):
        return
    if not isinstance(value, int | float):
        return
    above_low = value > low if low_open else value >= low
    if not (math.isfinite(value) and above_low and value <= high):
        raise ReferenceValueError(
            f"override for {entry.key!r} = {value!r} is out of range; allowed: "
            f"{override_range_text(entry)} (reference value {_format_value(entry.value)})"
        )


def _unknown_message(kind: str, name: str, known: Iterable[str]) -> str:
    names = list(known)
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.6)
    if close:
        hint = f"close matches: {', '.join(close)}"
    elif len(names) <= 30:
        hint = f"known: {', '.join(names)}"
    else:
        prefixes = sorted({n.split(".", 1)[0] + "." for n in names})
        hint = f"no close match; keys start with {', '.join(prefixes)}"
    return f"unknown {kind} {name!r}; {hint}"


def _format_value(value: ReferenceValue) -> str:
    if isinstance(value, tuple):
        return repr([list(v) if isinstance(v, tuple) else v for v in value])
    return str(value)
