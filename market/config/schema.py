"""Pydantic v2 schema of a greenmarket scenario.

A scenario YAML file is parsed with ``yaml.safe_load`` and validated by :class:`ScenarioConfig`.
Every model forbids unknown fields, so a typo is an error naming its field path rather than a
silently ignored setting. Units are in the field names; defaults that come from reference data are
``None`` here and resolved when the simulation is built (see :mod:`market.build`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

NonNegative = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]

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
OperatorStrategyName = Literal["none", "self_consumption", "tou_arbitrage", "optimal"]


class StrictModel(BaseModel):
    """Base model: unknown fields are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TimeConfig(StrictModel):
    """Simulation clock.

    Time is counted in hours since ``start``; each step lasts ``step_h`` hours.
    """

    start: dt.datetime = Field(
        default=dt.datetime(2025, 1, 1),
        description="Local start time of the run (naive = park time zone).",
    )
    step_h: float = Field(default=1.0, description="Step length in hours: 1 or 0.25.")
    horizon_h: Annotated[float, Field(gt=0.0, le=24.0 * 366 * 40, allow_inf_nan=False)] = Field(
        default=24.0 * 7, description="Length of the run in hours (at most 40 years)."
    )
    timezone: str = Field(default="Asia/Shanghai", description="IANA time zone of the clock.")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}, e.g. 'Asia/Shanghai'") from exc
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
        if abs(steps - round(steps)) > 1e-9:
            raise ValueError(f"must be a whole number of steps of {step_h} h")
        return value

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
        default=1.0, description="Multiplier on the calibrated Xi'an clearness (1 = Xi'an)."
    )


class TouPeriodConfig(StrictModel):
    """One time-of-use band, from ``start`` to ``end`` (local clock, may wrap midnight)."""

    name: Name
    start: str = Field(pattern=r"^([01]\d|2[0-4]):[0-5]\d$", description="HH:MM")
    end: str = Field(pattern=r"^([01]\d|2[0-4]):[0-5]\d$", description="HH:MM")
    price_cny_per_kwh: Annotated[float, Field(ge=0.0, le=20.0, allow_inf_nan=False)]


class TariffConfig(StrictModel):
    """Grid tariff of a park.

    Without ``periods`` the Shaanxi default bands are used (assumed: peak 08:00-11:30 and
    18:30-23:00, valley 23:00-07:00, flat otherwise) with the price ratios below.
    """

    flat_price_cny_per_kwh: Annotated[float, Field(gt=0.0, le=20.0)] | None = None
    peak_ratio: Annotated[float, Field(ge=1.0, le=10.0)] = 1.5
    valley_ratio: Annotated[float, Field(gt=0.0, le=1.0)] = 0.5
    periods: tuple[TouPeriodConfig, ...] | None = None
    demand_charge_cny_per_kw_month: Annotated[float, Field(ge=0.0, le=500.0)] | None = None
    export_price_cny_per_kwh: Annotated[float, Field(ge=0.0, le=20.0)] | None = None


class GridConfig(StrictModel):
    """Grid connection of a park."""

    connection_limit_kw: Positive = Field(description="Import and export limit at the meter [kW].")
    co2_factor_tco2_per_mwh: Annotated[float, Field(ge=0.0, le=2.0)] | None = Field(
        default=None, description="Grid CO2 factor; default: Northwest grid 2023 (0.5543)."
    )


class BatteryConfig(StrictModel):
    """A battery [kWh nameplate, C-rate in 1/h]."""

    energy_kwh: Positive
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

    capacity_kw_th: Positive
    source: Literal["air", "waste_heat"] = "air"
    waste_heat_temperature_c: Annotated[float, Field(ge=0.0, le=90.0)] = 35.0
    eta: Annotated[float, Field(ge=0.3, le=0.7)] = 0.45
    cop_max: Annotated[float, Field(ge=1.0, le=10.0)] = 6.0
    max_sink_c: Annotated[float, Field(ge=40.0, le=200.0)] = 150.0


class ThermalStorageConfig(StrictModel):
    """A hot-water or steam accumulator [kWh thermal]."""

    capacity_kwh_th: Positive
    loss_per_h: Annotated[float, Field(ge=0.0, le=0.1)] = 0.005


class AssetsConfig(StrictModel):
    """Distributed assets of a firm or of a park (shared)."""

    pv_kwp: NonNegative = 0.0
    pv_tilt_deg: Annotated[float, Field(ge=0.0, le=90.0)] = 25.0
    pv_azimuth_deg: Annotated[float, Field(ge=0.0, lt=360.0)] = 180.0
    wind_kw: NonNegative = 0.0
    wind_mean_speed_m_s: Annotated[float, Field(gt=0.0, le=20.0)] = 4.5
    wind_weibull_k: Annotated[float, Field(ge=1.0, le=4.0)] = 2.0
    battery: BatteryConfig | None = None
    heat_pump: HeatPumpConfig | None = None
    thermal_storage: ThermalStorageConfig | None = None


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


class OperatorConfig(StrictModel):
    """The park operator's storage dispatch strategy."""

    strategy: OperatorStrategyName = "self_consumption"
    horizon_h: Annotated[int, Field(ge=1, le=24 * 14)] = 48
    reoptimise_every_h: Annotated[int, Field(ge=1, le=24 * 14)] = 24
    forecast: Literal["perfect", "noisy"] = "perfect"
    forecast_error_std_frac: Annotated[float, Field(ge=0.0, le=1.0)] = 0.1

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
    timezone: str | None = Field(default=None, description="Defaults to time.timezone.")
    location: LocationConfig = LocationConfig()
    climate: ClimateConfig = ClimateConfig()
    grid: GridConfig
    tariff: TariffConfig = TariffConfig()
    shared_assets: AssetsConfig = AssetsConfig()
    operator: OperatorConfig = OperatorConfig()
    firms: tuple[FirmConfig, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_firm_names(self) -> ParkConfig:
        names = [f.name for f in self.firms]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"firm names must be unique within a park; repeated: {duplicates}")
        return self


class AccountingConfig(StrictModel):
    """Energy and CO2 accounting switches."""

    electricity_accounting: Literal["equivalent", "thermal_equivalent"] = "equivalent"
    renewable_exclusion: bool = Field(
        default=True,
        description="Deduct certificate-backed green power from counted energy use.",
    )
    renewable_exclusion_rule: Literal["full", "increment_over_base"] = "full"
    base_year: Annotated[int, Field(ge=2000, le=2100)] | None = Field(
        default=None, description="Base year for intensity targets (the plan uses 2020)."
    )
    base_year_energy_intensity_tce_per_10k_cny: Annotated[float, Field(gt=0.0)] | None = None


class OutputConfig(StrictModel):
    """What the results writer records."""

    events: Literal["summary", "all"] = Field(
        default="summary",
        description="'summary' writes daily and run events; 'all' adds one event per park step.",
    )


class ScenarioConfig(StrictModel):
    """A complete greenmarket scenario."""

    name: Name = "scenario"
    description: str = Field(default="", max_length=2000)
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 42
    time: TimeConfig = TimeConfig()
    accounting: AccountingConfig = AccountingConfig()
    reference_overrides: dict[str, float] = Field(
        default_factory=dict,
        description="Override any reference value by its dotted key, e.g. "
        "'emission_factors.grid_northwest_2023'.",
    )
    output: OutputConfig = OutputConfig()
    parks: tuple[ParkConfig, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_park_names(self) -> ScenarioConfig:
        names = [p.name for p in self.parks]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"park names must be unique; repeated: {duplicates}")
        return self
