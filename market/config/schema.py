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
BiddingStrategyName = Literal["truthful", "zi_c", "zip", "roth_erev", "human"]
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
    representative_days_per_month: Annotated[int, Field(ge=1, le=10)] | None = Field(
        default=None,
        description="Simulate only this many evenly spaced days of each month, each standing "
        "for its share of the month (for multi-year runs); default: every day.",
    )

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
        default=1.0,
        description="Multiplier of the site's mean clearness (the monthly mean clear-sky index, "
        "1 = calibrated Xi'an sky); it scales the sky, so PV never exceeds its inverter rating.",
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
    pv_potential_kwp: NonNegative = Field(
        default=0.0, description="Roof or land PV potential the owner may invest up to [kWp]."
    )
    wind_kw: NonNegative = 0.0
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
    max_premium_cny_per_mwh: Annotated[float, Field(ge=0.0, le=5000.0)] = Field(
        default=50.0,
        description="Premium above the energy price the firm pays for its target "
        "(first trades in 2021: 30-50 CNY/MWh).",
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


class InterconnectorConfig(StrictModel):
    """A transfer limit between two parks for green-power trades (both directions)."""

    from_park: Name
    to_park: Name
    capacity_mw: Annotated[float, Field(ge=0.0, le=1e5)]
    wheeling_fee_cny_per_mwh: Annotated[float, Field(ge=0.0, le=1000.0)] = 30.0


class ExternalFarmConfig(StrictModel):
    """A renewable farm outside the parks that sells green power into one park's zone."""

    name: Name
    park: Name = Field(description="The zone (park) it delivers to.")
    kind: Literal["pv", "wind"] = "pv"
    capacity_kw: Positive
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
    interconnectors: tuple[InterconnectorConfig, ...] = ()
    external_farms: tuple[ExternalFarmConfig, ...] = ()


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
    multiple: Annotated[float, Field(ge=0.0, le=100.0)] = 3.0
    minimum_cny_per_tce: Annotated[float, Field(ge=0.0, le=1e5)] = 0.0


class EnergyRightsConfig(StrictModel):
    """The energy-use-rights market of the whole region (all parks), in tce."""

    enabled: bool = False
    cap_factor: Annotated[float, Field(gt=0.0, le=2.0)] = Field(
        default=0.95, description="First-year cap = base-year energy use of all firms x factor."
    )
    cap_tce: Annotated[float, Field(gt=0.0)] | None = Field(
        default=None, description="First-year cap in tce (overrides cap_factor)."
    )
    cap_annual_change: Annotated[float, Field(ge=-0.5, le=0.5)] = -0.03
    allocation: AllocationConfig = AllocationConfig()
    auctions_per_year: Literal[1, 2, 4, 12] = 12
    penalty: PenaltyConfig = PenaltyConfig()
    make_good: bool = True
    banking: bool = True
    price_floor_cny_per_tce: Annotated[float, Field(ge=0.0, le=1e5)] | None = None
    price_ceiling_cny_per_tce: Annotated[float, Field(gt=0.0, le=1e5)] | None = None
    reserve_tce: Annotated[float, Field(ge=0.0)] = Field(
        default=0.0, description="Rights in the price-corridor reserve at the start."
    )
    price_cap_cny_per_tce: Annotated[float, Field(gt=0.0, le=1e6)] = 20000.0

    @model_validator(mode="after")
    def _corridor_order(self) -> EnergyRightsConfig:
        floor, ceiling = self.price_floor_cny_per_tce, self.price_ceiling_cny_per_tce
        if floor is not None and ceiling is not None and not floor < ceiling:
            raise ValueError(
                f"price_floor_cny_per_tce={floor} must be below price_ceiling_cny_per_tce={ceiling}"
            )
        return self


class MarketsConfig(StrictModel):
    """The two markets; both are off unless enabled."""

    green_power: GreenPowerConfig = GreenPowerConfig()
    energy_rights: EnergyRightsConfig = EnergyRightsConfig()


class InvestmentConfig(StrictModel):
    """Annual investment decisions of firms (taken at the start of each year after the first).

    A firm invests when the net present value under expected prices is positive: PV up to its
    ``pv_potential_kwp``; an efficiency retrofit or a heat pump when its cost per tce is below the
    expected rights price (or negative). Storage is not an investment option.
    """

    enabled: bool = False
    discount_rate: Annotated[float, Field(ge=0.0, le=0.5)] = 0.06
    pv: bool = True
    pv_capex_cny_per_kwp: Annotated[float, Field(ge=0.0, le=50000.0)] = Field(
        default=3500.0, description="Installed cost of distributed PV (assumed, about 2024)."
    )
    pv_om_cny_per_kwp_yr: Annotated[float, Field(ge=0.0, le=1000.0)] = 50.0
    pv_life_yr: Annotated[float, Field(gt=0.0, le=50.0)] = 25.0
    retrofit: bool = True
    heat_pump: bool = True


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
    markets: MarketsConfig = MarketsConfig()
    investments: InvestmentConfig = InvestmentConfig()
    parks: tuple[ParkConfig, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_park_names(self) -> ScenarioConfig:
        names = [p.name for p in self.parks]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"park names must be unique; repeated: {duplicates}")
        known = set(names)
        green = self.markets.green_power
        for k, link in enumerate(green.interconnectors):
            for end in (link.from_park, link.to_park):
                if end not in known:
                    raise ValueError(
                        f"markets.green_power.interconnectors[{k}]: park {end!r} unknown; "
                        f"parks are {sorted(known)}"
                    )
        for k, farm in enumerate(green.external_farms):
            if farm.park not in known:
                raise ValueError(
                    f"markets.green_power.external_farms[{k}].park: {farm.park!r} unknown; "
                    f"parks are {sorted(known)}"
                )
        return self
