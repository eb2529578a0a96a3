"""Pydantic v2 schema of a greenmarket scenario.

A scenario YAML file is parsed with a bounded safe loader (:mod:`market.config.yaml_safety`) and
validated by :class:`ScenarioConfig`. Every model forbids unknown fields, so a typo is an error
naming its field path rather than a silently ignored setting. Units are in the field names;
defaults that come from reference data are ``None`` here and resolved when the simulation is built
(see :mod:`market.build`).

Every number is finite and bounded by what the quantity can physically be (e.g. at most
:data:`MAX_ASSET_KW` per asset), every list and text has a maximum length, and cross-field rules
(tariff periods, names, park references, reference overrides) are checked here, so a scenario
that validates also runs. All bounds appear in the JSON schema (``greenmarket schema``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import math
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from agents.dispatch.defaults import DEFAULT_VALUE_OF_LOST_LOAD_CNY_PER_KWH
from agents.tariff import TariffInputError, TouPeriod, TouTariff
from market.config.errors import located_error
from market.config.park_generator import (
    generated_firm_count,
    generated_park_count,
    generated_parks,
)
from market.inputs.errors import DataFileError
from market.inputs.paths import DataFilePath
from market.reference import ReferenceError as ReferenceDataError
from market.reference import default_reference, override_range_text
from market.representative_days import is_representative_day

MAX_ASSET_KW = 1e7
"""Largest power of one asset or connection [kW] (10 GW)."""
MAX_ASSET_KWH = 1e8
"""Largest energy capacity of one store [kWh] (100 GWh)."""
MAX_PARKS = 200
MAX_FIRM_ENTRIES_PER_PARK = 500
MAX_FIRMS_PER_PARK = 5000
"""Most firms in one park after ``count`` expansion."""
MAX_FIRMS = 20_000
"""Most firms in a scenario after ``count`` expansion."""
MAX_TOU_PERIODS = 48
MAX_INTERCONNECTORS = 200
MAX_EXTERNAL_FARMS = 200
MAX_REFERENCE_OVERRIDES = 200
MAX_NAME_CHARS = 64
MAX_TIMEZONE_CHARS = 64
MAX_RIGHTS_TCE = 1e9
"""Largest cap or reserve of energy-use rights [tce] (China used about 6e9 tce in 2024)."""
FLAT_PRICE_KEY = "tariff_shaanxi.flat_price_cny_per_kwh"
PEAK_RATIO_KEY = "tariff_shaanxi.peak_price_ratio"
VALLEY_RATIO_KEY = "tariff_shaanxi.valley_price_ratio"
CRITICAL_PEAK_UPLIFT_KEY = "tariff_shaanxi.critical_peak_uplift_min"
PEAK_RATIO_RANGE = (1.0, 10.0)
"""Allowed peak price / flat price [-]."""
VALLEY_RATIO_RANGE = (0.0, 1.0)
"""Allowed valley price / flat price [-] (above 0, at most 1)."""
INTENSITY_TARGET_YEAR = 2025
"""Year of the intensity target the summary measures progress against (the Shaanxi plan's)."""
EARLIEST_START = dt.datetime(1970, 1, 1)
LATEST_START = dt.datetime(2200, 1, 1)

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
PowerKw = Annotated[float, Field(ge=0.0, le=MAX_ASSET_KW)]
PositivePowerKw = Annotated[float, Field(gt=0.0, le=MAX_ASSET_KW)]
PositiveEnergyKwh = Annotated[float, Field(gt=0.0, le=MAX_ASSET_KWH)]
Name = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_NAME_CHARS,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
        description="Letters, digits, '_', '.', '-'; starts with a letter or digit "
        "(names become file and folder names).",
    ),
]
StartClockTime = Annotated[
    str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM, 00:00-23:59")
]
EndClockTime = Annotated[
    str, Field(pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$", description="HH:MM, 00:00-24:00")
]


@functools.cache
def _known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def _known_timezone(value: str) -> str:
    if value not in _known_timezones():
        raise ValueError(
            "unknown IANA time zone; allowed: a zone of the tz database, e.g. 'Asia/Shanghai'"
        )
    return value


TimeZoneName = Annotated[
    str,
    Field(
        max_length=MAX_TIMEZONE_CHARS,
        description="IANA time zone of the tz database.",
        examples=["Asia/Shanghai", "Asia/Urumqi", "UTC"],
    ),
    AfterValidator(_known_timezone),
]

SectorName = Literal[
    "cement",
    "steel_eaf",
    "steel_bf",
    "coal_chemical",
    "caustic_soda",
    "aluminium",
    "glass",
    "ceramics",
    "electronics",
    "equipment",
    "vehicles",
    "textiles",
    "food",
]
ScheduleName = Literal["continuous", "two_shift", "one_shift"]
HeatFuel = Literal["coal", "gas", "electric"]
ALLOWED_STEPS_H = (1.0, 0.25)
BiddingStrategyName = Literal["truthful", "zi_c", "zip", "roth_erev", "human"]
OperatorStrategyName = Literal["none", "self_consumption", "tou_arbitrage", "optimal"]


class StrictModel(BaseModel):
    """Base model: unknown fields are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class TimeConfig(StrictModel):
    """Simulation clock.

    Time is counted in hours since ``start``; each step lasts ``step_h`` hours.
    """

    start: dt.datetime = Field(
        default=dt.datetime(2025, 1, 1),
        description="Local start time of the run (naive = park time zone), from 1970 to 2200.",
    )
    step_h: float = Field(
        default=1.0,
        description="Step length in hours: 1 or 0.25.",
        json_schema_extra={"enum": list(ALLOWED_STEPS_H)},
    )
    horizon_h: Annotated[float, Field(gt=0.0, le=24.0 * 366 * 40, allow_inf_nan=False)] = Field(
        default=24.0 * 7, description="Length of the run in hours (at most 40 years)."
    )
    timezone: TimeZoneName = Field(
        default="Asia/Shanghai", description="IANA time zone of the clock."
    )
    representative_days_per_month: Annotated[int, Field(ge=1, le=10)] | None = Field(
        default=None,
        description="Simulate only this many evenly spaced days of each month, each standing "
        "for its share of the month (for multi-year runs); default: every day.",
    )

    @field_validator("start")
    @classmethod
    def _start_in_range(cls, value: dt.datetime) -> dt.datetime:
        naive = value.replace(tzinfo=None)
        if not EARLIEST_START <= naive <= LATEST_START:
            raise ValueError(f"a start from {EARLIEST_START:%Y-%m-%d} to {LATEST_START:%Y-%m-%d}")
        return value

    @field_validator("step_h")
    @classmethod
    def _allowed_step(cls, value: float) -> float:
        if value not in ALLOWED_STEPS_H:
            raise ValueError(f"must be one of {list(ALLOWED_STEPS_H)} (hours)")
        return value

    @field_validator("horizon_h")
    @classmethod
    def _whole_steps(cls, value: float, info: ValidationInfo) -> float:
        step_h = info.data.get("step_h", 1.0)
        steps = value / step_h
        if abs(steps - round(steps)) > 1e-9 or round(steps) < 1:
            raise ValueError(f"must be a whole number of steps of {step_h} h, at least 1 step")
        return value

    @model_validator(mode="after")
    def _horizon_holds_a_representative_day(self) -> TimeConfig:
        k = self.representative_days_per_month
        if k is None:
            return self
        start = self.start.replace(tzinfo=None)
        # The last hour is left out: a daylight-saving change may move the last steps' date.
        last = start + dt.timedelta(hours=max(self.horizon_h - self.step_h - 1.0, 0.0))
        day = start.date()
        while day <= last.date():
            if is_representative_day(day, k):
                return self
            day += dt.timedelta(days=1)
        raise located_error(
            [
                (
                    ("representative_days_per_month",),
                    k,
                    f"a horizon from {start:%Y-%m-%d %H:%M} that includes at least one of the "
                    f"{k} simulated day(s) of a month; lengthen time.horizon_h or omit this field",
                )
            ]
        )

    @property
    def n_steps(self) -> int:
        """Number of simulation steps."""
        return int(round(self.horizon_h / self.step_h))


class LocationConfig(StrictModel):
    """Geographic location of a park (defaults: Xi'an)."""

    latitude_deg: Annotated[float, Field(ge=-90.0, le=90.0)] = 34.26
    longitude_deg: Annotated[float, Field(ge=-180.0, le=180.0)] = 108.94
    altitude_m: Annotated[float, Field(ge=-500.0, le=9000.0)] = 400.0


class ClimateConfig(StrictModel):
    """Ambient temperature model of a site [°C] (defaults: Xi'an climate normal, assumed)."""

    annual_mean_c: Annotated[float, Field(ge=-30.0, le=40.0)] = 14.0
    annual_amplitude_c: Annotated[float, Field(ge=0.0, le=40.0)] = 13.5
    daily_amplitude_c: Annotated[float, Field(ge=0.0, le=20.0)] = 5.0
    noise_std_c: Annotated[float, Field(ge=0.0, le=10.0)] = 2.0
    mean_clearness_scale: Annotated[float, Field(gt=0.0, le=1.5)] = Field(
        default=1.0,
        description="Multiplier of the site's mean clearness (the monthly mean clear-sky index, "
        "1 = calibrated Xi'an sky); it scales the sky, so PV never exceeds its inverter rating.",
    )


#: Largest distance in latitude or longitude between a park and its weather station [deg].
MAX_WEATHER_STATION_OFFSET_DEG = 1.0


class WeatherFileConfig(StrictModel):
    """A park's weather from a typical-year file, read by ``pvlib.iotools``.

    Irradiance (GHI, DNI, DHI), air temperature and wind speed replace the synthetic sky and
    climate; see :mod:`market.inputs.weather_file` for the re-stamping rule and the formats.
    """

    file: DataFilePath
    format: Literal["auto", "epw", "tmy3", "tmy2", "pvgis_tmy"] = Field(
        default="auto",
        description="File format; 'auto' decides by the name (.epw[.gz], .tm2, .json, else TMY3).",
    )
    wind_measurement_height_m: Annotated[float, Field(gt=0.0, le=200.0)] = Field(
        default=10.0, description="Height of the file's wind speed [m] (10 m at met stations)."
    )
    wind_hub_height_m: Annotated[float, Field(gt=0.0, le=200.0)] = Field(
        default=80.0, description="Hub height of the park's turbines [m] (assumed)."
    )
    wind_shear_exponent: Annotated[float, Field(ge=0.0, le=0.6)] = Field(
        default=1.0 / 7.0,
        description="Power-law exponent moving the file's wind speed to hub height [-] "
        "(1/7: neutral stability over open land).",
    )

    @model_validator(mode="after")
    def _file_reads(self) -> WeatherFileConfig:
        from market.inputs.weather_file import read_weather_file

        try:
            read_weather_file(Path(self.file), self.format)
        except DataFileError as exc:
            raise located_error([(("file",), self.file, str(exc))]) from None
        return self


class TouPeriodConfig(StrictModel):
    """One time-of-use band, from ``start`` to ``end`` (local clock, may wrap midnight)."""

    name: Name
    start: StartClockTime
    end: EndClockTime
    price_cny_per_kwh: Annotated[float, Field(ge=0.0, le=20.0)]


class TariffConfig(StrictModel):
    """Grid tariff of a park.

    Without ``periods`` the Shaanxi default bands are used (assumed: peak 08:00-11:30 and
    18:30-23:00, valley 23:00-07:00, flat otherwise) with the price ratios below; a ratio left
    out is the reference value (``tariff_shaanxi.peak_price_ratio`` or ``valley_price_ratio``,
    which ``reference_overrides`` may change).
    """

    flat_price_cny_per_kwh: Annotated[float, Field(gt=0.0, le=20.0)] | None = None
    peak_ratio: Annotated[float, Field(ge=PEAK_RATIO_RANGE[0], le=PEAK_RATIO_RANGE[1])] | None = (
        Field(
            default=None,
            description="Peak price / flat price [-]; default: the reference value "
            f"{PEAK_RATIO_KEY} (1.5, assumed).",
        )
    )
    valley_ratio: (
        Annotated[float, Field(gt=VALLEY_RATIO_RANGE[0], le=VALLEY_RATIO_RANGE[1])] | None
    ) = Field(
        default=None,
        description="Valley price / flat price [-]; default: the reference value "
        f"{VALLEY_RATIO_KEY} (0.5, assumed).",
    )
    periods: (
        Annotated[tuple[TouPeriodConfig, ...], Field(min_length=1, max_length=MAX_TOU_PERIODS)]
        | None
    ) = Field(
        default=None,
        description="Bands that together cover every minute of the day exactly once "
        "('end' before 'start' wraps midnight).",
    )
    demand_charge_cny_per_kw_month: Annotated[float, Field(ge=0.0, le=500.0)] | None = None
    export_price_cny_per_kwh: Annotated[float, Field(ge=0.0, le=20.0)] | None = None
    file: DataFilePath | None = Field(
        default=None,
        description="CSV of seasonal time-of-use bands (months,start,end,band,price_cny_per_kwh) "
        "or a price series (time,price_cny_per_kwh, local time) in place of "
        "flat_price_cny_per_kwh, the ratios and periods (see market.inputs.tariff_file); "
        "critical_peak rows without a price cost the month's highest price times "
        f"1 + {CRITICAL_PEAK_UPLIFT_KEY} (0.2, sourced).",
    )

    @model_validator(mode="after")
    def _file_or_bands(self) -> TariffConfig:
        if self.file is None:
            return self
        issues: list[tuple[tuple[str | int, ...], object, str]] = [
            ((name,), getattr(self, name), "leave out when 'file' gives the tariff")
            for name in ("flat_price_cny_per_kwh", "peak_ratio", "valley_ratio", "periods")
            if getattr(self, name) is not None
        ]
        if issues:
            raise located_error(issues)
        return self

    @model_validator(mode="after")
    def _periods_cover_the_day(self) -> TariffConfig:
        if self.periods is None:
            return self
        try:
            TouTariff(
                periods=tuple(
                    TouPeriod(p.name, p.start, p.end, p.price_cny_per_kwh) for p in self.periods
                )
            )
        except TariffInputError as exc:
            clocks = [f"{p.start}-{p.end}" for p in self.periods]
            raise located_error([(("periods",), clocks, str(exc))]) from None
        return self


GridFactorSource = Literal[
    "northwest_2023", "northwest_2022", "national_2023", "national_2022", "ets_reporting_2022"
]


class GridConfig(StrictModel):
    """Grid connection of a park."""

    connection_limit_kw: PositivePowerKw = Field(
        description="Import and export limit at the meter [kW]."
    )
    co2_factor_tco2_per_mwh: Annotated[float, Field(ge=0.0, le=2.0)] | None = Field(
        default=None,
        description="Grid CO2 factor [tCO2/MWh]; default: the published factor named by "
        "co2_factor_source.",
    )
    co2_factor_source: GridFactorSource = Field(
        default="northwest_2023",
        description="Published grid factor used when co2_factor_tco2_per_mwh is unset: "
        "emission_factors.grid_<source>_tco2_per_mwh (MEE & NBS averages; ets_reporting_2022: "
        "the national ETS reporting factor).",
    )
    co2_factor_path: Literal["none", "national", "northwest"] = Field(
        default="none",
        description="Grid CO2 factor per simulated year: the published national or Northwest "
        "figures (2022, 2023), extended back to 2020 and projected to 2035 (rates in "
        "emission_factors.yaml, assumed); 'none': one factor for every year.",
    )

    @model_validator(mode="after")
    def _one_factor_rule(self) -> GridConfig:
        if self.co2_factor_path != "none" and self.co2_factor_tco2_per_mwh is not None:
            raise located_error(
                [
                    (
                        ("co2_factor_path",),
                        self.co2_factor_path,
                        "'none' while co2_factor_tco2_per_mwh is set (a path and a fixed "
                        "factor exclude each other)",
                    )
                ]
            )
        return self


class BatteryConfig(StrictModel):
    """A battery [kWh nameplate, C-rate in 1/h]."""

    energy_kwh: Annotated[float, Field(ge=0.0, le=MAX_ASSET_KWH)] = Field(
        description="Nameplate energy [kWh]; 0 means no battery (e.g. one point of a sizing sweep)."
    )
    c_rate_per_h: Annotated[float, Field(gt=0.0, le=4.0)] = 0.5
    eta_charge: Annotated[float, Field(gt=0.5, le=1.0)] = 0.95
    eta_discharge: Annotated[float, Field(gt=0.5, le=1.0)] = 0.95
    soc_min_frac: Fraction = 0.1
    soc_max_frac: Fraction = 0.95
    initial_soc_frac: Fraction = 0.5
    self_discharge_per_h: Annotated[float, Field(ge=0.0, le=0.01)] = 0.0001
    replacement_cost_cny_per_kwh: Annotated[float, Field(ge=0.0, le=10000.0)] = 900.0
    cycle_life: Annotated[float, Field(ge=100.0, le=100000.0)] = 6000.0

    @model_validator(mode="after")
    def _soc_order(self) -> BatteryConfig:
        if not self.soc_min_frac < self.soc_max_frac:
            raise ValueError(
                f"soc_min_frac={self.soc_min_frac} must be below soc_max_frac={self.soc_max_frac}"
            )
        if not self.soc_min_frac <= self.initial_soc_frac <= self.soc_max_frac:
            raise ValueError(
                f"initial_soc_frac={self.initial_soc_frac} must lie in "
                f"[{self.soc_min_frac}, {self.soc_max_frac}]"
            )
        return self


class HeatPumpConfig(StrictModel):
    """An industrial heat pump [kW thermal]."""

    capacity_kw_th: PositivePowerKw
    source: Literal["air", "waste_heat"] = "air"
    waste_heat_temperature_c: Annotated[float, Field(ge=0.0, le=90.0)] = 35.0
    eta: Annotated[float, Field(ge=0.3, le=0.7)] = 0.45
    cop_max: Annotated[float, Field(ge=1.0, le=10.0)] = 6.0
    max_sink_c: Annotated[float, Field(ge=40.0, le=200.0)] = 150.0


class ThermalStorageConfig(StrictModel):
    """A hot-water or steam accumulator [kWh thermal]."""

    capacity_kwh_th: PositiveEnergyKwh
    loss_per_h: Annotated[float, Field(ge=0.0, le=0.1)] = 0.005


class AssetsConfig(StrictModel):
    """Distributed assets of a firm or of a park (shared)."""

    pv_kwp: PowerKw = 0.0
    pv_tilt_deg: Annotated[float, Field(ge=0.0, le=90.0)] = 25.0
    pv_azimuth_deg: Annotated[float, Field(ge=0.0, lt=360.0)] = 180.0
    pv_potential_kwp: PowerKw = Field(
        default=0.0, description="Roof or land PV potential the owner may invest up to [kWp]."
    )
    wind_kw: PowerKw = 0.0
    wind_mean_speed_m_s: Annotated[float, Field(gt=0.0, le=20.0)] = 4.5
    wind_weibull_k: Annotated[float, Field(ge=1.0, le=4.0)] = 2.0
    battery: BatteryConfig | None = None
    heat_pump: HeatPumpConfig | None = None
    thermal_storage: ThermalStorageConfig | None = None


class FirmGreenPowerConfig(StrictModel):
    """A firm's green-power need: a target share of its electricity, and what it will pay."""

    target_share: Fraction = Field(
        default=0.0, description="Share of electricity to cover with green power (1 = 100 %)."
    )
    max_premium_cny_per_mwh: Annotated[float, Field(ge=0.0, le=5000.0)] | None = Field(
        default=None,
        description="Premium above the energy price the firm pays for its target [CNY/MWh]; "
        "default markets.green_premium_max_cny_per_mwh (50: first trades in 2021 paid 30-50).",
    )
    value_exclusion: bool = Field(
        default=True,
        description="Also value green power by the rights it saves under renewable exclusion.",
    )


class AbatementConfig(StrictModel):
    """A firm's abatement options (annual capacities) behind its marginal abatement cost."""

    max_output_cut_frac: Fraction = Field(
        default=0.2, description="Largest share of annual output the firm would curtail."
    )
    retrofit_saving_frac: Fraction = Field(
        default=0.05, description="Energy saved by an efficiency retrofit, share of use."
    )
    retrofit_cost_cny_per_tce: Annotated[float, Field(ge=-5000.0, le=20000.0)] = Field(
        default=800.0, description="Annualised net cost of the retrofit per tce saved."
    )
    heat_pump_option: bool = Field(
        default=True, description="Can move fossil heat up to 150 degC to a heat pump."
    )
    heat_pump_capex_cny_per_kwh_th: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        default=0.05, description="Annualised heat-pump investment per kWh of heat moved."
    )


class LoadFileConfig(StrictModel):
    """A firm's metered electric load from a CSV meter file (see market.inputs.meter_file).

    The readings replace the firm's process electricity (before flexible-load shifting and any
    abatement); production, heat demand and the electricity of heat pumps and electric boilers
    stay as configured and come on top.
    """

    file: DataFilePath = Field(description="CSV with a 'time' column and one column per meter.")
    column: str = Field(min_length=1, max_length=128, description="Column of this firm's meter.")
    unit: Literal["kw", "kwh_per_interval"] = Field(
        default="kw", description="Readings as mean power [kW] or energy per interval [kWh]."
    )
    scale_to_annual: bool = Field(
        default=False,
        description="Scale the readings so their energy, extrapolated to a year by the file's "
        "length, equals output_t_per_yr x electricity_kwh_per_t.",
    )
    timezone: TimeZoneName | None = Field(
        default=None,
        description="Time zone of the file's clock times; default: the park's time zone.",
    )


#: At most one growth path per sector name.
MAX_GROWTH_SECTORS = 64
GrowthRate = Annotated[float, Field(ge=-0.5, le=0.5, allow_inf_nan=False)]
PeriodRates = Annotated[tuple[GrowthRate, ...], Field(min_length=3, max_length=3)]


class GrowthPathConfig(StrictModel):
    """Yearly rates of change per plan period (2020-25, 2025-30, 2030-35) [1/yr].

    Unset rates come from the sector's default (``configs/reference/growth_paths.yaml``,
    assumed).
    """

    output_change_per_yr: PeriodRates | None = Field(
        default=None, description="Output change per year, one rate per period, -0.5 to 0.5."
    )
    value_added_change_per_yr: PeriodRates | None = Field(
        default=None,
        description="Value-added change per year (constant prices), one rate per period, "
        "-0.5 to 0.5.",
    )
    energy_per_t_change_per_yr: PeriodRates | None = Field(
        default=None,
        description="Change of energy use per tonne per year (efficiency), one rate per period, "
        "-0.5 to 0.5.",
    )


class GrowthConfig(StrictModel):
    """Growth of output, value added and energy per tonne over a multi-year run.

    Off by default (every year repeats the firms' figures). When on, each firm's configured
    output and value added are those of the run's first year; later (and earlier) years follow
    the growth paths: the firm's own, else ``sectors``, else the sector default.
    """

    enabled: bool = False
    sectors: dict[SectorName, GrowthPathConfig] = Field(
        default_factory=dict,
        max_length=MAX_GROWTH_SECTORS,
        description="Growth paths per sector in place of the defaults.",
    )


class FirmConfig(StrictModel):
    """A firm in a park. Missing values come from the sector archetype (reference data)."""

    name: Name
    sector: SectorName
    count: Annotated[int, Field(ge=1, le=5000)] = Field(
        default=1, description="Number of identical firms to create (named name_1..name_N)."
    )
    output_t_per_yr: Annotated[float, Field(gt=0.0, le=1e9)] | None = None
    value_added_10k_cny_per_yr: Annotated[float, Field(gt=0.0, le=1e9)] | None = None
    schedule: ScheduleName | None = None
    electricity_kwh_per_t: Annotated[float, Field(ge=0.0, le=1e5)] | None = None
    heat_kwh_th_per_t: Annotated[float, Field(ge=0.0, le=1e5)] | None = None
    heat_sink_temperature_c: Annotated[float, Field(ge=30.0, le=1600.0)] | None = None
    heat_fuel: HeatFuel | None = None
    boiler_efficiency: Annotated[float, Field(gt=0.3, le=1.0)] | None = None
    flexible_load_frac: Fraction = 0.0
    demand_noise_frac: Annotated[float, Field(ge=0.0, le=0.5)] = 0.05
    assets: AssetsConfig = AssetsConfig()
    green_power: FirmGreenPowerConfig = Field(
        default_factory=lambda: FirmGreenPowerConfig(),
        description="The firm's demand for green power (none by default).",
    )
    bidding: BiddingStrategyName = Field(
        default="truthful", description="Strategy in the energy-use-rights auctions."
    )
    abatement: AbatementConfig = Field(default_factory=lambda: AbatementConfig())
    small_firm: bool | None = Field(
        default=None, description="Flag for burden analyses; default: output below the median."
    )
    load_file: LoadFileConfig | None = Field(
        default=None,
        description="Metered process electricity in place of the sector's synthetic profile.",
    )
    growth: GrowthPathConfig | None = Field(
        default=None,
        description="This firm's growth paths (used when growth is enabled); unset rates: its "
        "sector's.",
    )

    @model_validator(mode="after")
    def _one_firm_per_meter(self) -> FirmConfig:
        if self.load_file is not None and self.count != 1:
            raise located_error([(("count",), self.count, "1 for a firm with a load_file")])
        return self


class OperatorConfig(StrictModel):
    """The park operator's storage dispatch strategy."""

    strategy: OperatorStrategyName = "self_consumption"
    horizon_h: Annotated[int, Field(ge=1, le=24 * 14)] = 48
    reoptimise_every_h: Annotated[int, Field(ge=1, le=24 * 14)] = 24
    forecast: Literal["perfect", "noisy"] = "perfect"
    # Error model of the "noisy" forecast (agents/dispatch/forecast.py); defaults assumed.
    load_forecast_error_frac: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        default=0.03, description="Load error std at zero lead, share of the load (assumed)."
    )
    pv_forecast_error_frac: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        default=0.15, description="PV error std at zero lead, share of clear-sky PV (assumed)."
    )
    wind_forecast_error_frac: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        default=0.15, description="Wind error std at zero lead, share of capacity (assumed)."
    )
    forecast_error_autocorrelation_per_h: Annotated[float, Field(ge=0.0, le=0.999)] = Field(
        default=0.9, description="Hour-to-hour correlation of each AR(1) error (assumed)."
    )
    forecast_error_growth_per_day: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        default=1.0, description="Growth of the error variance per day of lead time (assumed)."
    )
    demand_charge: Literal["prorated", "full"] = Field(
        default="prorated",
        description="'optimal': the monthly demand charge in each horizon's objective, prorated "
        "to the horizon's share of the month or in full.",
    )
    terminal_value: Literal["mean_price", "zero"] = Field(
        default="mean_price",
        description="'optimal': value of energy left in storage at the horizon's end (the mean "
        "import price net of efficiency and wear, or nothing).",
    )
    solver: Literal["highs", "cbc"] = Field(
        default="highs", description="'optimal': LP solver (HiGHS, or CBC as the fallback)."
    )

    @model_validator(mode="after")
    def _replan_within_horizon(self) -> OperatorConfig:
        if self.reoptimise_every_h > self.horizon_h:
            raise ValueError(
                f"reoptimise_every_h={self.reoptimise_every_h} must not exceed "
                f"horizon_h={self.horizon_h}"
            )
        return self


class ParkConfig(StrictModel):
    """An industrial park: a microgrid of firms behind one grid connection."""

    name: Name
    timezone: TimeZoneName | None = Field(default=None, description="Defaults to time.timezone.")
    location: LocationConfig = LocationConfig()
    climate: ClimateConfig = ClimateConfig()
    weather: WeatherFileConfig | None = Field(
        default=None,
        description="Weather file for PV, wind and heat pumps (default: the synthetic sky and "
        "climate).",
    )
    grid: GridConfig
    tariff: TariffConfig = TariffConfig()
    shared_assets: AssetsConfig = AssetsConfig()
    operator: OperatorConfig = OperatorConfig()
    firms: tuple[FirmConfig, ...] = Field(
        min_length=1,
        max_length=MAX_FIRM_ENTRIES_PER_PARK,
        description=f"Firms of the park; at most {MAX_FIRMS_PER_PARK} after 'count' expansion.",
    )

    @model_validator(mode="after")
    def _weather_file_near_the_park(self) -> ParkConfig:
        if self.weather is None:
            return self
        from market.inputs.weather_file import read_weather_file

        station = read_weather_file(Path(self.weather.file), self.weather.format)
        loc = self.location
        gap = max(
            abs(station.latitude_deg - loc.latitude_deg),
            abs((station.longitude_deg - loc.longitude_deg + 180.0) % 360.0 - 180.0),
        )
        if gap > MAX_WEATHER_STATION_OFFSET_DEG:
            raise located_error(
                [
                    (
                        ("weather", "file"),
                        self.weather.file,
                        f"a station within {MAX_WEATHER_STATION_OFFSET_DEG:g} deg of the park's "
                        f"location ({loc.latitude_deg:g}, {loc.longitude_deg:g}); the file's "
                        f"station is at ({station.latitude_deg:g}, {station.longitude_deg:g}): "
                        "set parks[].location to the site",
                    )
                ]
            )
        return self

    @model_validator(mode="after")
    def _firm_count_and_unique_names(self) -> ParkConfig:
        total = sum(firm.count for firm in self.firms)
        if total > MAX_FIRMS_PER_PARK:
            raise located_error(
                [(("firms",), f"{total} firms", f"at most {MAX_FIRMS_PER_PARK} firms per park")]
            )
        owners: dict[str, int] = {}
        issues: list[tuple[tuple[str | int, ...], object, str]] = []
        for index, firm in enumerate(self.firms):
            for name in firm_instance_names(firm):
                first = owners.setdefault(name, index)
                if first != index:
                    issues.append(
                        (
                            ("firms", index, "name"),
                            firm.name,
                            "firm names must be unique within a park after 'count' expansion; "
                            f"{name!r} is also made by firms[{first}] "
                            f"(name {self.firms[first].name!r}, count {self.firms[first].count})",
                        )
                    )
                    break
        if issues:
            raise located_error(issues)
        return self


class AccountingConfig(StrictModel):
    """Energy and CO2 accounting switches."""

    electricity_accounting: Literal["equivalent", "thermal_equivalent"] = "equivalent"
    renewable_exclusion: bool = Field(
        default=True,
        description="Deduct certificate-backed green power from counted energy use.",
    )
    renewable_exclusion_rule: Literal["full", "increment_over_base"] = "full"
    process_emissions: bool = Field(
        default=True,
        description="Count process CO2 (clinker calcination, glass batch carbonates, aluminium "
        "anodes: sectors.<sector>.process_co2_tco2_per_t) in scope 1, reported apart.",
    )
    exclude_feedstock: bool = Field(
        default=False,
        description="Leave fuel used as chemical feedstock (sectors.<sector>."
        "feedstock_share_of_fuel) out of counted energy use, as the 2022 national rule that "
        "raw-material energy use is not counted in total energy consumption control does.",
    )
    base_year: Annotated[int, Field(ge=2000, lt=INTENSITY_TARGET_YEAR)] | None = Field(
        default=None,
        description="Base year for intensity targets (the plan uses 2020); before the 2025 "
        "target year and not after the start of the run.",
    )
    base_year_energy_intensity_tce_per_10k_cny: Annotated[float, Field(gt=0.0, le=100.0)] | None = (
        None
    )


class InterconnectorConfig(StrictModel):
    """A transfer limit between two parks for green-power trades (both directions)."""

    from_park: Name
    to_park: Name
    capacity_mw: Annotated[float, Field(ge=0.0, le=MAX_ASSET_KW / 1000.0)]
    wheeling_fee_cny_per_mwh: Annotated[float, Field(ge=0.0, le=1000.0)] = 30.0

    @model_validator(mode="after")
    def _two_distinct_parks(self) -> InterconnectorConfig:
        if self.from_park == self.to_park:
            raise located_error([(("to_park",), self.to_park, "a park other than from_park")])
        return self


class ExternalFarmConfig(StrictModel):
    """A renewable farm outside the parks that sells green power into one park's zone."""

    name: Name
    park: Name = Field(description="The zone (park) it delivers to.")
    kind: Literal["pv", "wind"] = "pv"
    capacity_kw: PositivePowerKw
    ask_premium_cny_per_mwh: Annotated[float, Field(ge=0.0, le=5000.0)] = 10.0
    wind_mean_speed_m_s: Annotated[float, Field(gt=0.0, le=20.0)] = 6.0


class GreenPowerConfig(StrictModel):
    """The green-power market: MWh bundled with certificates, cleared per hour.

    Prices are green premiums [CNY/MWh] above the energy settlement, which stays at the tariff.
    """

    enabled: bool = False
    period: Literal["hourly", "daily", "monthly"] = "hourly"
    seller_reserve_premium_cny_per_mwh: Annotated[float, Field(ge=0.0, le=5000.0)] = 5.0
    imbalance_premium_cny_per_mwh: Annotated[float, Field(ge=0.0, le=5000.0)] = 100.0
    forecast_error_std_frac: Annotated[float, Field(ge=0.0, le=1.0)] = 0.1
    price_cap_cny_per_mwh: Annotated[float, Field(gt=0.0, le=1e5)] = 1000.0
    interconnectors: Annotated[
        tuple[InterconnectorConfig, ...], Field(max_length=MAX_INTERCONNECTORS)
    ] = ()
    external_farms: Annotated[
        tuple[ExternalFarmConfig, ...], Field(max_length=MAX_EXTERNAL_FARMS)
    ] = ()


class AllocationConfig(StrictModel):
    """How the cap is handed out each year."""

    rule: Literal["grandfathering", "benchmark", "output_based", "auction", "hybrid"] = (
        "grandfathering"
    )
    grandfathering_factor: Annotated[float, Field(gt=0.0, le=2.0)] = Field(
        default=1.0, description="Free rights = base-year use x factor (scaled to the cap)."
    )
    benchmark_level: Literal["benchmark", "baseline"] = "baseline"
    unlisted_benchmark_factor: Annotated[float, Field(gt=0.0, le=2.0)] = Field(
        default=0.95,
        description="For sectors without a published benchmark: base intensity x factor.",
    )
    hybrid_free_share_start: Fraction = 0.9
    hybrid_free_share_decline_per_yr: Fraction = 0.1
    auction_reserve_price_cny_per_tce: Annotated[float, Field(ge=0.0, le=1e5)] = 0.0
    revenue_recycling: Literal["none", "lump_sum_equal", "output_based", "to_treasury"] = (
        "lump_sum_equal"
    )


class PenaltyConfig(StrictModel):
    """Penalty per tce of shortfall at compliance."""

    kind: Literal["fixed", "price_multiple"] = "fixed"
    fixed_cny_per_tce: Annotated[float, Field(ge=0.0, le=1e5)] = 3000.0
    multiple: Annotated[float, Field(ge=0.0, le=100.0)] | None = Field(
        default=None,
        description="Penalty per tce as a multiple of the year's average rights price [-]; "
        "default markets.penalty_multiple_shenzhen (3, assumed).",
    )
    minimum_cny_per_tce: Annotated[float, Field(ge=0.0, le=1e5)] = 0.0


class EnergyRightsConfig(StrictModel):
    """The energy-use-rights market of the whole region (all parks), in tce."""

    enabled: bool = False
    cap_factor: Annotated[float, Field(gt=0.0, le=2.0)] = Field(
        default=0.95, description="First-year cap = base-year energy use of all firms x factor."
    )
    cap_tce: Annotated[float, Field(gt=0.0, le=MAX_RIGHTS_TCE)] | None = Field(
        default=None, description="First-year cap in tce (overrides cap_factor)."
    )
    cap_annual_change: Annotated[float, Field(ge=-0.5, le=0.5)] = -0.03
    allocation: AllocationConfig = AllocationConfig()
    auctions_per_year: Literal[1, 2, 4, 12] = 12
    penalty: PenaltyConfig = PenaltyConfig()
    make_good: bool = True
    banking: bool = True
    banking_expectation: Literal["myopic", "perfect_foresight"] = Field(
        default="perfect_foresight",
        description="How firms value a right they keep: 'perfect_foresight' solves the price "
        "path across the run's years at each year's start (caps, abatement cost curves, banking, "
        "no borrowing: the discounted price is constant while the bank is positive) and firms "
        "abate up to and keep rights at that year's price; 'myopic' values a kept right at the "
        "last auction price and abates only when short.",
    )
    banking_discount_rate: Annotated[float, Field(ge=0.0, le=0.3)] = Field(
        default=0.035,
        description="Discount rate of a banked right under perfect foresight [1/yr]: the price "
        "rises by this rate a year while the bank is positive. Default 0.035 (assumed: about "
        "the 5-year Loan Prime Rate of the People's Bank of China in 2025).",
    )
    price_floor_cny_per_tce: Annotated[float, Field(ge=0.0, le=1e5)] | None = None
    price_ceiling_cny_per_tce: Annotated[float, Field(gt=0.0, le=1e5)] | None = None
    reserve_tce: Annotated[float, Field(ge=0.0, le=MAX_RIGHTS_TCE)] = Field(
        default=0.0, description="Rights in the price-corridor reserve at the start."
    )
    price_cap_cny_per_tce: Annotated[float, Field(gt=0.0, le=1e6)] = 20000.0
    start_year: Annotated[int, Field(ge=1970, le=2200)] | None = Field(
        default=None,
        description="First year of the market (its base year for the cap, allocation and "
        "compliance); earlier years of the run are simulated without it. A year of the run; "
        "default: the run's first year.",
    )

    @model_validator(mode="after")
    def _corridor_order(self) -> EnergyRightsConfig:
        floor, ceiling = self.price_floor_cny_per_tce, self.price_ceiling_cny_per_tce
        cap = self.price_cap_cny_per_tce
        if floor is not None and ceiling is not None and not floor < ceiling:
            raise ValueError(
                f"price_floor_cny_per_tce={floor} must be below price_ceiling_cny_per_tce={ceiling}"
            )
        issues: list[tuple[tuple[str | int, ...], object, str]] = []
        if ceiling is not None and ceiling > cap:
            issues.append(
                (("price_ceiling_cny_per_tce",), ceiling, f"at most price_cap_cny_per_tce={cap:g}")
            )
        if floor is not None and not floor < cap:
            issues.append(
                (("price_floor_cny_per_tce",), floor, f"below price_cap_cny_per_tce={cap:g}")
            )
        if issues:
            raise located_error(issues)
        return self


class CarbonMarketConfig(StrictModel):
    """A national-ETS-style carbon market of the whole region (all parks), in tCO2.

    Covered firms get free allowances of benchmark [tCO2/t] x actual output (intensity-based,
    without an absolute cap, as the national scheme does), or buy them all at auction; they
    surrender allowances for their verified emissions each year, may offset up to a share with
    CCER, and pay a multiple of the average price for a shortfall. Defaults marked "reference"
    come from ``configs/reference/carbon_market.yaml``.
    """

    enabled: bool = False
    coverage: Annotated[tuple[SectorName, ...], Field(max_length=32)] = Field(
        default=("steel_bf", "steel_eaf", "cement", "aluminium"),
        description="Covered sectors. The national scheme covers power (since 2021) and steel, "
        "cement and aluminium (from the 2024 compliance year) (sourced); the parks have no "
        "power plants.",
    )
    allocation: Literal["intensity", "auction"] = Field(
        default="intensity",
        description="'intensity': free allowances = benchmark x actual output (ex ante on "
        "expected output, trued up at the year's end; sourced); 'auction': the same total sold "
        "at auction (assumed design option).",
    )
    benchmark_factor: Annotated[float, Field(gt=0.0, le=2.0)] = Field(
        default=1.0,
        description="Multiplier on every covered firm's benchmark [-]: the sector benchmark "
        "carbon_market.benchmark_<sector>_tco2_per_t (plus the firm's base-year grid CO2 per "
        "tonne with include_scope2), or its base-year intensity where the sector has none "
        "(1 = as referenced; assumed).",
    )
    benchmark_annual_change: Annotated[float, Field(ge=-0.2, le=0.2)] | None = Field(
        default=None,
        description="Change of the benchmarks per year after the first [1/yr]; default "
        "carbon_market.benchmark_annual_change (-0.02, assumed).",
    )
    include_scope2: bool = Field(
        default=False,
        description="Count purchased electricity (scope 2) in covered emissions. Off by default "
        "as in the national scheme, which covers direct emissions only (sourced: MEE, 2024-2025 "
        "allocation plan for steel, cement and aluminium).",
    )
    certificates_zero_scope2: bool = Field(
        default=True,
        description="With scope 2 counted: green power backed by retired certificates counts "
        "zero (market-based scope 2), as regional pilot schemes allow (assumed).",
    )
    ccer_limit_frac: Fraction | None = Field(
        default=None,
        description="Most of a firm's verified emissions it may offset with CCER [-]; default "
        "carbon_market.ccer_offset_limit_frac (0.05, sourced).",
    )
    ccer_price_cny_per_tco2: Annotated[float, Field(ge=0.0, le=1e4)] | None = Field(
        default=None,
        description="Price of CCER [CNY/tCO2]; default carbon_market.ccer_price_cny_per_tco2 "
        "(80, assumed).",
    )
    auctions_per_year: Literal[1, 2, 4, 12] = Field(
        default=12, description="Call auctions of allowances per year (assumed)."
    )
    auction_reserve_price_cny_per_tco2: Annotated[float, Field(ge=0.0, le=1e4)] = Field(
        default=0.0, description="Reserve price of the primary auction [CNY/tCO2] (assumed)."
    )
    revenue_recycling: Literal["none", "lump_sum_equal", "output_based", "to_treasury"] = Field(
        default="lump_sum_equal", description="Use of auction revenue (assumed)."
    )
    penalty_multiple: Annotated[float, Field(ge=0.0, le=100.0)] | None = Field(
        default=None,
        description="Fine per tCO2 of shortfall as a multiple of the national average "
        "allowance price [-]; default carbon_market.penalty_price_multiple (5; the rule "
        "says 5-10 times, sourced).",
    )
    national_price_cny_per_tco2: Annotated[float, Field(ge=0.0, le=1e4)] | None = Field(
        default=None,
        description="National average allowance price the fine is a multiple of [CNY/tCO2] "
        "(the region's firms take it as given); default "
        "carbon_market.price_2024_average_cny_per_tco2 (95.96, sourced).",
    )
    penalty_minimum_cny_per_tco2: Annotated[float, Field(ge=0.0, le=1e5)] = Field(
        default=0.0, description="Lowest fine per tCO2 of shortfall [CNY/tCO2] (assumed)."
    )
    make_good: bool = Field(
        default=True,
        description="Deduct a shortfall from next year's allocation (sourced: Decree 775).",
    )
    banking: bool = Field(default=True, description="Unused allowances stay valid (sourced).")
    price_cap_cny_per_tco2: Annotated[float, Field(gt=0.0, le=1e5)] = Field(
        default=5000.0, description="Highest bid or ask the auction accepts [CNY/tCO2]."
    )


class MarketsConfig(StrictModel):
    """The markets; each is off unless enabled (or chosen by ``policy.control``)."""

    green_power: GreenPowerConfig = GreenPowerConfig()
    energy_rights: EnergyRightsConfig = EnergyRightsConfig()
    carbon: CarbonMarketConfig = CarbonMarketConfig()


class PolicyConfig(StrictModel):
    """Which control regime binds the firms."""

    control: Literal["energy_rights", "carbon", "both"] | None = Field(
        default=None,
        description="'energy_rights': energy dual control (the energy-use-rights market runs, "
        "the carbon market does not); 'carbon': carbon dual control (the reverse); 'both': "
        "both run, and abatement committed for one lowers the other's count. When set it "
        "replaces markets.energy_rights.enabled and markets.carbon.enabled; unset, those "
        "flags decide.",
    )

    def runs_energy_rights(self, markets: MarketsConfig) -> bool:
        """Whether the energy-use-rights market runs."""
        if self.control is None:
            return markets.energy_rights.enabled
        return self.control in ("energy_rights", "both")

    def runs_carbon(self, markets: MarketsConfig) -> bool:
        """Whether the carbon market runs."""
        if self.control is None:
            return markets.carbon.enabled
        return self.control in ("carbon", "both")


class InvestmentConfig(StrictModel):
    """Annual investment decisions of firms (taken at the start of each year after the first).

    A firm invests when the net present value under expected prices is positive: PV up to its
    ``pv_potential_kwp``; an efficiency retrofit or a heat pump when its cost per tce is below the
    expected rights price (or negative); with ``battery`` on, a battery when its NPV from daily
    arbitrage is positive. Storage is also appraised in every run's ``economics`` and sized with
    a study's ``sweep``. Costs left unset
    come from ``configs/reference/asset_costs.yaml`` (``reference_overrides`` may change them).
    """

    enabled: bool = False
    discount_rate: Annotated[float, Field(ge=0.0, le=0.5)] | None = Field(
        default=None, description="Real discount rate [1/yr]; default asset_costs.discount_rate."
    )
    pv: bool = True
    pv_capex_cny_per_kwp: Annotated[float, Field(ge=0.0, le=50000.0)] | None = Field(
        default=None,
        description="Installed cost of distributed PV [CNY/kWp]; default "
        "asset_costs.pv_capex_cny_per_kwp (3,500, assumed).",
    )
    pv_om_cny_per_kwp_yr: Annotated[float, Field(ge=0.0, le=1000.0)] | None = Field(
        default=None, description="PV O&M [CNY/kWp/yr]; default asset_costs.pv_om_cny_per_kwp_yr."
    )
    pv_life_yr: Annotated[float, Field(gt=0.0, le=50.0)] | None = Field(
        default=None, description="PV economic life [yr]; default asset_costs.pv_life_yr."
    )
    retrofit: bool = True
    heat_pump: bool = True
    battery: bool = Field(
        default=False,
        description="Firms without a battery may add one when its NPV from daily arbitrage of "
        "their tariff is positive (costs: asset_costs.battery_*).",
    )
    battery_hours: Annotated[float, Field(gt=0.0, le=12.0)] = Field(
        default=2.0,
        description="Size of an added battery: this many hours of the firm's mean load [h]; "
        "power at a C-rate of 0.5.",
    )


class OutputConfig(StrictModel):
    """What the results writer records."""

    events: Literal["summary", "all"] = Field(
        default="summary",
        description="'summary' writes daily and run events; 'all' adds one event per park step.",
    )


class GeneratedSectorConfig(StrictModel):
    """Firms of one sector in a generated region."""

    firms: Annotated[int, Field(ge=0, le=MAX_FIRMS)] = Field(
        description="Firms of this sector in the region at scale 1 [-]."
    )
    output_frac: Annotated[float, Field(gt=0.0, le=10.0)] = Field(
        default=0.1,
        description="Median output of a firm as a share of the sector's reference output "
        "(configs/reference/sectors.csv) [-] (assumed: most firms are smaller than the "
        "reference plant).",
    )
    pv_share: Fraction = Field(
        default=0.3, description="Share of the firms with rooftop PV [-] (assumed)."
    )
    green_power_share: Fraction = Field(
        default=0.2,
        description="Share of the firms buying green power, with a target share of 0.5 [-] "
        "(assumed).",
    )


class GeneratedRegionConfig(StrictModel):
    """A region of generated parks: how many, where, and its firms by sector."""

    name: Name
    parks: Annotated[int, Field(ge=1, le=MAX_PARKS)] = Field(
        description="Parks in the region at scale 1 [-]."
    )
    latitude_min_deg: Annotated[float, Field(ge=-90.0, le=90.0)]
    latitude_max_deg: Annotated[float, Field(ge=-90.0, le=90.0)]
    longitude_min_deg: Annotated[float, Field(ge=-180.0, le=180.0)]
    longitude_max_deg: Annotated[float, Field(ge=-180.0, le=180.0)]
    altitude_m: Annotated[float, Field(ge=-500.0, le=9000.0)] = 400.0
    climate: ClimateConfig = ClimateConfig()
    sectors: dict[SectorName, GeneratedSectorConfig] = Field(
        min_length=1,
        max_length=len(get_args(SectorName)),
        description="Firms by sector (sector names as in sectors.csv).",
    )

    @model_validator(mode="after")
    def _box_ordered(self) -> GeneratedRegionConfig:
        issues: list[tuple[tuple[str | int, ...], object, str]] = []
        for axis in ("latitude", "longitude"):
            low, high = getattr(self, f"{axis}_min_deg"), getattr(self, f"{axis}_max_deg")
            if low > high:
                issues.append(((f"{axis}_max_deg",), high, f"at least {axis}_min_deg ({low:g})"))
        if issues:
            raise located_error(issues)
        return self


class ParkGeneratorConfig(StrictModel):
    """Parks and firms generated from counts per region and sector (seeded variation).

    Each region gets ``parks × scale`` parks (at least one) placed uniformly in its box, and
    ``firms × scale`` firms of each sector spread over its parks; firm output is log-normal around
    the sector median. The generated parks are added to ``parks``.
    """

    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = Field(
        default=0, description="Seed of the draw of parks and firms (not of the simulation)."
    )
    scale: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        default=1.0,
        description="Share of every park and firm count to generate [-]: 1 the full set, "
        "e.g. 0.125 a 1,000-firm form of 8,000 firms.",
    )
    output_spread: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        default=0.6, description="Standard deviation of log firm output [-] (assumed)."
    )
    park_size_spread: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        default=0.5, description="Standard deviation of log park size [-] (assumed)."
    )
    size_classes: Annotated[int, Field(ge=1, le=10)] = Field(
        default=3,
        description="Size classes per sector and park; firms of one class are identical [-].",
    )
    firm_pv_kwp_per_mwh_per_yr: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        default=0.1,
        description="Rooftop PV of a firm with PV per MWh of its yearly electricity "
        "[kWp/(MWh/yr)] (assumed; 0.1 covers about 12 % at 1,200 full-load hours).",
    )
    shared_pv_kwp_per_firm: Annotated[float, Field(ge=0.0, le=1e5)] = Field(
        default=200.0, description="Park's shared PV plant per firm of the park [kWp] (assumed)."
    )
    shared_battery_kwh_per_firm: Annotated[float, Field(ge=0.0, le=1e5)] = Field(
        default=200.0, description="Park's shared battery per firm of the park [kWh] (assumed)."
    )
    connection_headroom: Annotated[float, Field(ge=1.0, le=20.0)] = Field(
        default=3.0,
        description="Grid connection as a multiple of the park's mean electric load [-] (assumed).",
    )
    grid_co2_factor_source: GridFactorSource = Field(
        default="northwest_2023",
        description="Published grid CO2 factor of every park (grid.co2_factor_source): "
        "emission_factors.grid_<source>_tco2_per_mwh.",
    )
    operator_strategy: OperatorStrategyName = Field(
        default="self_consumption", description="Storage dispatch strategy of every park."
    )
    regions: tuple[GeneratedRegionConfig, ...] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _counts_within_limits(self) -> ParkGeneratorConfig:
        issues: list[tuple[tuple[str | int, ...], object, str]] = []
        names = [r.name for r in self.regions]
        repeated = sorted(name for name, n in Counter(names).items() if n > 1)
        if repeated:
            issues.append((("regions",), repeated, "region names must be unique"))
        parks, firms = generated_park_count(self), generated_firm_count(self)
        if parks > MAX_PARKS:
            issues.append((("regions",), f"{parks} parks", f"at most {MAX_PARKS} parks"))
        if firms > MAX_FIRMS:
            issues.append((("regions",), f"{firms} firms", f"at most {MAX_FIRMS} firms"))
        if issues:
            raise located_error(issues)
        return self


class ScenarioConfig(StrictModel):
    """A complete greenmarket scenario."""

    name: Name = "scenario"
    description: str = Field(default="", max_length=2000)
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 42
    time: TimeConfig = TimeConfig()
    accounting: AccountingConfig = AccountingConfig()
    reference_overrides: Annotated[
        dict[Annotated[str, Field(min_length=1, max_length=128)], float],
        Field(max_length=MAX_REFERENCE_OVERRIDES),
    ] = Field(
        default_factory=dict,
        description="Override a numeric reference value by its dotted key, e.g. "
        "'emission_factors.grid_northwest_2023_tco2_per_mwh'. The value keeps the sign of the "
        "reference value and stays within 100 times it (fractions in [0, 1], years 1990-2100).",
    )
    output: OutputConfig = OutputConfig()
    markets: MarketsConfig = MarketsConfig()
    policy: PolicyConfig = PolicyConfig()
    investments: InvestmentConfig = InvestmentConfig()
    growth: GrowthConfig = Field(default_factory=lambda: GrowthConfig())
    park_generator: ParkGeneratorConfig | None = Field(
        default=None,
        description="Generate parks and firms from counts per region and sector; the parks are "
        "added to 'parks' when the scenario is read (this field is then empty).",
    )
    parks: tuple[ParkConfig, ...] = Field(
        default=(),
        max_length=MAX_PARKS,
        description=f"Parks of the scenario (at least one, written here or generated); at most "
        f"{MAX_FIRMS} firms in all of them.",
    )

    @model_validator(mode="before")
    @classmethod
    def _expand_park_generator(cls, data: Any) -> Any:
        """Add the generated parks to ``parks`` (a generator that does not validate is left for
        field validation to report)."""
        if not isinstance(data, dict) or data.get("park_generator") is None:
            return data
        try:
            generator = ParkGeneratorConfig.model_validate(data["park_generator"])
        except ValidationError:
            return data
        parks = data.get("parks", ())
        if not isinstance(parks, list | tuple):
            return data
        return {**data, "park_generator": None, "parks": [*parks, *generated_parks(generator)]}

    @model_validator(mode="after")
    def _at_least_one_park(self) -> ScenarioConfig:
        if not self.parks:
            raise located_error(
                [(("parks",), [], "at least one park, written out or from park_generator")]
            )
        return self

    @field_validator("reference_overrides")
    @classmethod
    def _overrides_match_reference(cls, overrides: dict[str, float]) -> dict[str, float]:
        issues = reference_override_issues(overrides)
        if issues:
            raise located_error(issues)
        return overrides

    @model_validator(mode="after")
    def _start_is_a_clock_time_in_every_zone(self) -> ScenarioConfig:
        start = self.time.start
        if start.tzinfo is not None:
            return self
        zones = dict.fromkeys([self.time.timezone, *(p.timezone for p in self.parks if p.timezone)])
        for zone in zones:
            problem = _local_time_problem(start, ZoneInfo(zone))
            if problem:
                raise located_error(
                    [(("time", "start"), start.isoformat(), f"{problem} in {zone}; choose another")]
                )
        return self

    @model_validator(mode="after")
    def _base_year_not_after_the_start(self) -> ScenarioConfig:
        base_year = self.accounting.base_year
        if base_year is not None and self.time.start.year < base_year:
            raise located_error(
                [
                    (
                        ("accounting", "base_year"),
                        base_year,
                        f"a year not after the start of the run ({self.time.start.year})",
                    )
                ]
            )
        return self

    @model_validator(mode="after")
    def _rights_start_in_the_run(self) -> ScenarioConfig:
        start_year = self.markets.energy_rights.start_year
        if start_year is None:
            return self
        first, last = run_years(self.time)
        if not first <= start_year <= last:
            raise located_error(
                [
                    (
                        ("markets", "energy_rights", "start_year"),
                        start_year,
                        f"a year of the run, {first} to {last}",
                    )
                ]
            )
        return self

    def _reference_number(self, key: str) -> float:
        """A reference value as this scenario sees it (its override, else the default)."""
        return float(self.reference_overrides.get(key, default_reference().number(key)))

    @model_validator(mode="after")
    def _reference_price_ratios_in_range(self) -> ScenarioConfig:
        issues: list[tuple[tuple[str | int, ...], object, str]] = []
        peak = self._reference_number(PEAK_RATIO_KEY)
        valley = self._reference_number(VALLEY_RATIO_KEY)
        if not PEAK_RATIO_RANGE[0] <= peak <= PEAK_RATIO_RANGE[1]:
            issues.append(
                (
                    ("reference_overrides", PEAK_RATIO_KEY),
                    peak,
                    f"a peak price ratio in [{PEAK_RATIO_RANGE[0]:g}, {PEAK_RATIO_RANGE[1]:g}]",
                )
            )
        if not VALLEY_RATIO_RANGE[0] < valley <= VALLEY_RATIO_RANGE[1]:
            issues.append(
                (
                    ("reference_overrides", VALLEY_RATIO_KEY),
                    valley,
                    "a valley price ratio in "
                    f"({VALLEY_RATIO_RANGE[0]:g}, {VALLEY_RATIO_RANGE[1]:g}]",
                )
            )
        if issues:
            raise located_error(issues)
        return self

    @model_validator(mode="after")
    def _import_prices_below_lost_load_value(self) -> ScenarioConfig:
        reference_flat = self._reference_number(FLAT_PRICE_KEY)
        reference_peak_ratio = self._reference_number(PEAK_RATIO_KEY)
        issues: list[tuple[tuple[str | int, ...], object, str]] = []
        for k, park in enumerate(self.parks):
            if park.tariff.file is not None:
                continue  # checked with the file's prices in _data_files_fit_the_run
            top = top_import_price_cny_per_kwh(park.tariff, reference_flat, reference_peak_ratio)
            if top >= DEFAULT_VALUE_OF_LOST_LOAD_CNY_PER_KWH:
                issues.append(
                    (
                        ("parks", k, "tariff"),
                        f"highest price {top:g} CNY/kWh",
                        "a highest energy price (flat price x peak_ratio, or the dearest period) "
                        f"below the value of lost load, {DEFAULT_VALUE_OF_LOST_LOAD_CNY_PER_KWH:g}"
                        " CNY/kWh",
                    )
                )
        if issues:
            raise located_error(issues)
        return self

    @model_validator(mode="after")
    def _data_files_fit_the_run(self) -> ScenarioConfig:
        """Read the meter and tariff files: what validate accepts, run runs."""
        issues: list[tuple[tuple[str | int, ...], object, str]] = []
        uplift = self._reference_number(CRITICAL_PEAK_UPLIFT_KEY)
        for k, park in enumerate(self.parks):
            zone = park.timezone or self.time.timezone
            start_s, end_s = run_span_s(self.time, zone)
            tariff_file = park.tariff.file
            if tariff_file is not None:
                from market.inputs.meter_file import coverage_problem
                from market.inputs.tariff_file import (
                    TariffTable,
                    read_tariff_file,
                    top_price_cny_per_kwh,
                )

                try:
                    tariff = read_tariff_file(tariff_file, uplift, zone)
                except DataFileError as exc:
                    issues.append((("parks", k, "tariff", "file"), tariff_file, str(exc)))
                else:
                    top = top_price_cny_per_kwh(tariff)
                    problem = (
                        None
                        if isinstance(tariff, TariffTable)
                        else coverage_problem(tariff, start_s, end_s)
                    )
                    if problem is not None:
                        issues.append((("parks", k, "tariff", "file"), tariff_file, str(problem)))
                    elif top >= DEFAULT_VALUE_OF_LOST_LOAD_CNY_PER_KWH:
                        issues.append(
                            (
                                ("parks", k, "tariff", "file"),
                                f"highest price {top:g} CNY/kWh",
                                "prices below the value of lost load, "
                                f"{DEFAULT_VALUE_OF_LOST_LOAD_CNY_PER_KWH:g} CNY/kWh",
                            )
                        )
            for j, firm in enumerate(park.firms):
                meter = firm.load_file
                if meter is None:
                    continue
                where = ("parks", k, "firms", j, "load_file", "file")
                from market.inputs.meter_file import coverage_problem, read_meter_file

                try:
                    series = read_meter_file(
                        meter.file, meter.column, meter.unit, meter.timezone or zone
                    )
                except DataFileError as exc:
                    issues.append((where, meter.file, str(exc)))
                    continue
                problem = coverage_problem(series, start_s, end_s)
                if problem is None and meter.scale_to_annual and series.energy_kwh <= 0.0:
                    problem = DataFileError(meter.file, "readings with energy > 0 to scale")
                if problem is not None:
                    issues.append((where, meter.file, str(problem)))
        if issues:
            raise located_error(issues)
        return self

    @model_validator(mode="after")
    def _parks_named_once_and_known(self) -> ScenarioConfig:
        names = [p.name for p in self.parks]
        repeated = sorted(name for name, n in Counter(names).items() if n > 1)
        if repeated:
            raise located_error(
                [(("parks",), repeated, "park names must be unique; these are repeated")]
            )
        total = sum(firm.count for park in self.parks for firm in park.firms)
        if total > MAX_FIRMS:
            raise located_error(
                [(("parks",), f"{total} firms", f"at most {MAX_FIRMS} firms in all parks")]
            )
        known = set(names)
        allowed = f"one of the park names {sorted(known)}"
        issues: list[tuple[tuple[str | int, ...], object, str]] = []
        green = ("markets", "green_power")
        for k, link in enumerate(self.markets.green_power.interconnectors):
            for end in ("from_park", "to_park"):
                if getattr(link, end) not in known:
                    issues.append(
                        ((*green, "interconnectors", k, end), getattr(link, end), allowed)
                    )
        for k, farm in enumerate(self.markets.green_power.external_farms):
            if farm.park not in known:
                issues.append(((*green, "external_farms", k, "park"), farm.park, allowed))
        if issues:
            raise located_error(issues)
        return self


def run_years(time: TimeConfig) -> tuple[int, int]:
    """Calendar years of the run's first and last step (local clock)."""
    start = time.start.replace(tzinfo=None)
    last = start + dt.timedelta(hours=max(time.horizon_h - time.step_h, 0.0))
    return start.year, last.year


def run_span_s(time: TimeConfig, zone: str) -> tuple[int, int]:
    """Start and end of the run [s since 1970-01-01 UTC] of a park in time zone ``zone``."""
    start = time.start
    if start.tzinfo is None:
        start = start.replace(tzinfo=ZoneInfo(zone))
    start_s = math.floor(start.timestamp())
    return start_s, start_s + round(time.horizon_h * 3600.0)


def top_import_price_cny_per_kwh(
    tariff: TariffConfig, reference_flat_cny_per_kwh: float, reference_peak_ratio: float
) -> float:
    """The highest energy price of a park's tariff [CNY/kWh], as :mod:`market.build` sets it.

    ``reference_flat_cny_per_kwh`` and ``reference_peak_ratio`` [-] stand in for what the tariff
    leaves out.
    """
    if tariff.periods is not None:
        return max(period.price_cny_per_kwh for period in tariff.periods)
    flat = tariff.flat_price_cny_per_kwh or reference_flat_cny_per_kwh
    peak_ratio = tariff.peak_ratio if tariff.peak_ratio is not None else reference_peak_ratio
    return flat * max(peak_ratio, 1.0)


def firm_instance_names(firm: FirmConfig) -> tuple[str, ...]:
    """Names of the firms a firm entry creates: its name, or ``name_1 .. name_N`` for a count."""
    if firm.count == 1:
        return (firm.name,)
    return tuple(f"{firm.name}_{k + 1}" for k in range(firm.count))


def reference_override_issues(
    overrides: dict[str, float],
) -> list[tuple[tuple[str | int, ...], object, str]]:
    """Problems of scenario overrides against the reference data, as located issues.

    Each key must exist and hold a number; each value must lie in that entry's allowed range
    (see :func:`market.reference.override_range_text`); together they must keep the reference
    data consistent (e.g. a benchmark at most its baseline).
    """
    reference = default_reference()
    issues: list[tuple[tuple[str | int, ...], object, str]] = []
    for key, value in overrides.items():
        if key not in reference.entries:
            prefix = key.split(".", 1)[0] + "."
            all_keys = reference.keys()
            same_file = [k for k in all_keys if k.startswith(prefix)]
            issues.append(((key,), value, _unknown_key_text(key, same_file, all_keys)))
            continue
        entry = reference.entries[key]
        allowed = override_range_text(entry)
        if allowed is None:
            issues.append(
                (
                    (key,),
                    value,
                    f"holds {type(entry.value).__name__} data; only numbers can be "
                    "overridden in a scenario",
                )
            )
            continue
        try:
            reference.with_overrides({key: value})
        except ReferenceDataError as exc:
            text = str(exc)
            issues.append(((key,), value, text if allowed in text else f"{allowed}; {text}"))
    if issues or not overrides:
        return issues
    try:
        reference.with_overrides(overrides)
    except ReferenceDataError as exc:
        issues.append(((), dict(overrides), f"overrides that keep the reference consistent: {exc}"))
    return issues


def _unknown_key_text(key: str, same_file: list[str], all_keys: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, all_keys, n=5, cutoff=0.6)
    if close:
        return f"unknown reference key; close matches: {', '.join(close)}"
    numeric = [k for k in same_file if override_range_text(default_reference().entries[k])]
    if numeric:
        return f"unknown reference key; keys of this file: {', '.join(numeric)}"
    files = sorted({k.split(".", 1)[0] for k in all_keys})
    return (
        f"unknown reference key; keys are '<file>.<name>' with file one of {', '.join(files)} "
        "(see configs/reference/)"
    )


def _local_time_problem(naive: dt.datetime, zone: ZoneInfo) -> str | None:
    """Why a naive clock time does not name exactly one instant in ``zone``, or ``None``."""
    earlier = naive.replace(tzinfo=zone, fold=0)
    later = naive.replace(tzinfo=zone, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return None
    round_trip = earlier.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        return "a clock time skipped by a daylight-saving change"
    return "a clock time repeated by a daylight-saving change (ambiguous)"
