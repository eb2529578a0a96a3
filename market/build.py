"""Build the inputs of a simulation from a validated scenario (config → frozen arrays).

Everything exogenous to the storage dispatch is computed here once, vectorised over steps and
firms: weather, PV and wind output, production, electric and heat demand, heat-pump and boiler
operation, tariffs. The SimPy processes then only step the stateful parts.

Randomness: the simulation's single seeded generator spawns one child per park and, within a park,
one per purpose (weather, PV, wind, demand, forecast) in a fixed order, so that a change in one
park or purpose leaves the other random streams unchanged (common random numbers for studies).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from agents.devices.battery import BatteryFleet, battery_degradation_cost_cny_per_kwh
from agents.devices.flexible_load import shift_flexible_load_kw
from agents.devices.heat_pump import heat_pump_cop
from agents.devices.pv import (
    XIAN_CLEARNESS,
    clearness_from_ghi,
    clearness_index_series,
    pv_profile_from_clearness_kw_per_kwp,
    pv_profile_from_irradiance_kw_per_kwp,
)
from agents.devices.weather import ambient_temperature_c
from agents.devices.wind import shear_to_hub_height, weibull_wind_speed_m_s, wind_power_kw
from agents.dispatch import ParkDispatchProblem
from agents.heat_supply import boiler_inputs, heat_supply
from agents.tariff import TouPeriod, TouTariff, tou_price_cny_per_kwh
from agents.thermal_dispatch import dispatch_heat_stores
from market.config.schema import (
    CRITICAL_PEAK_UPLIFT_KEY,
    AssetsConfig,
    BatteryConfig,
    FirmConfig,
    ParkConfig,
    ScenarioConfig,
    firm_instance_names,
)
from market.grid_factor_path import grid_factor_path
from market.growth_paths import growth_on_steps
from market.inputs.meter_file import MeterGap, epoch_seconds, read_meter_file, step_mean_kw
from market.inputs.tariff_file import (
    TariffTable,
    monthly_import_price_cny_per_kwh,
    read_tariff_file,
)
from market.inputs.weather_file import WeatherOnSteps, read_weather_file, weather_on_steps
from market.reference import ReferenceData
from market.representative_days import representative_days
from market.schedule import annual_weight_h, schedule_weights

FloatArray = NDArray[np.float64]

RANDOM_PURPOSES = ("weather", "pv", "wind", "demand", "forecast", "market")
#: Default boiler efficiencies (assumed typical industrial values) and the direct-firing limit.
COAL_BOILER_EFFICIENCY = 0.80
GAS_BOILER_EFFICIENCY = 0.92
ELECTRIC_BOILER_EFFICIENCY = 0.99
DIRECT_FIRED_ABOVE_C = 200.0


@dataclass(frozen=True)
class FirmTable:
    """Static description of a park's firms, arrays of shape (n_firms,)."""

    names: tuple[str, ...]
    sectors: tuple[str, ...]
    output_t_per_yr: FloatArray
    value_added_10k_cny_per_t: FloatArray
    electricity_kwh_per_t: FloatArray
    heat_kwh_th_per_t: FloatArray
    heat_sink_temperature_c: FloatArray
    heat_gas_share: FloatArray
    heat_electric: NDArray[np.bool_]
    boiler_efficiency: FloatArray
    pv_kwp: FloatArray
    pv_potential_kwp: FloatArray
    wind_kw: FloatArray
    heat_pump_kw_th: FloatArray
    margin_cny_per_t: FloatArray
    benchmark_kgce_per_t: FloatArray
    baseline_kgce_per_t: FloatArray
    green_target_share: FloatArray
    green_max_premium_cny_per_mwh: FloatArray
    green_value_exclusion: NDArray[np.bool_]
    bidding: tuple[str, ...]
    max_output_cut_frac: FloatArray
    retrofit_saving_frac: FloatArray
    retrofit_cost_cny_per_tce: FloatArray
    heat_pump_option: NDArray[np.bool_]
    heat_pump_capex_cny_per_kwh_th: FloatArray
    small_firm: NDArray[np.bool_]
    process_co2_tco2_per_t: FloatArray
    """Process CO2 per tonne of output counted in scope 1 [tCO2/t] (0 with the switch off)."""
    counted_fuel_frac: FloatArray
    """Share of the fuel counted as energy use [-]: 1, or 1 − feedstock share when feedstock is
    excluded."""

    @property
    def size(self) -> int:
        """Number of firms."""
        return len(self.names)


@dataclass(frozen=True)
class ParkInputs:
    """Everything a park process needs, precomputed over the horizon.

    Per-step arrays have shape (n_steps,) for park quantities and (n_steps, n_firms) for firms.
    Power is in kW (mean over the step); fuel and production are per step. ``clearness_index``
    (the clear-sky index [dimensionless]) and ``ambient_temperature_c`` are the park's weather,
    drawn once: every PV array of the park and every external PV farm selling into it sees them.
    With a weather file, ``weather`` holds the file's irradiance, temperature and wind on the
    steps, and every array is transposed from those components instead (``clearness_index`` is
    then GHI over clear-sky GHI, for reporting only).

    ``heat_pump_cop`` and ``electric_boiler_kw`` are read only by investments; without
    investments they are kept empty (shape (0, n_firms)) to save memory on large runs,
    and ``firm_wind_kw``, ``heat_pump_kw`` and ``heat_pump_heat_kw_th`` are read-only zero
    broadcasts when the park has no firm wind or heat pump.
    """

    name: str
    index: int
    latitude_deg: float
    longitude_deg: float
    altitude_m: float
    times: pd.DatetimeIndex
    dt_h: float
    step_weight: FloatArray
    firms: FirmTable
    ambient_temperature_c: FloatArray
    clearness_index: FloatArray
    pv_kw_per_kwp: FloatArray
    firm_load_kw: FloatArray
    process_kw: FloatArray
    heat_pump_cop: FloatArray
    heat_pump_capable: NDArray[np.bool_]
    firm_pv_kw: FloatArray
    firm_wind_kw: FloatArray
    heat_demand_kw_th: FloatArray
    heat_pump_heat_kw_th: FloatArray
    heat_pump_kw: FloatArray
    electric_boiler_kw: FloatArray
    coal_kg: FloatArray
    gas_m3: FloatArray
    production_t: FloatArray
    shared_pv_kwp: float
    shared_pv_kw: FloatArray
    shared_wind_kw: FloatArray
    fleet: BatteryFleet
    unit_owner: NDArray[np.int64]
    initial_soc_kwh: FloatArray
    tariff: TouTariff
    import_price_cny_per_kwh: FloatArray
    export_price_cny_per_kwh: FloatArray
    billing_period: NDArray[np.int64]
    grid_limit_kw: float
    grid_co2_tco2_per_mwh: float
    coal_price_cny_per_t: float
    gas_price_cny_per_m3: float
    operator_strategy: str
    operator_params: dict[str, object]
    weather: WeatherOnSteps | None = None
    shared_wind_rated_kw: float = 0.0
    meter_gaps: dict[str, dict[str, object]] = field(default_factory=dict)
    """Filled gaps of each metered firm's file (firm name → report; see :func:`gap_report`)."""
    grid_co2_by_year_tco2_per_mwh: dict[int, float] = field(default_factory=dict)
    """Grid CO2 factor of each simulated year with a factor path [tCO2/MWh]; empty: every year
    uses ``grid_co2_tco2_per_mwh``."""
    value_added_index_by_year: dict[int, FloatArray] = field(default_factory=dict)
    """Value added per tonne of each firm in a year over its first year's [-] (growth paths);
    a year not listed: 1."""

    def grid_co2_in_year_tco2_per_mwh(self, year: int) -> float:
        """The grid CO2 factor of ``year`` [tCO2/MWh]."""
        return self.grid_co2_by_year_tco2_per_mwh.get(year, self.grid_co2_tco2_per_mwh)

    def grid_co2_on_steps_tco2_per_mwh(self) -> FloatArray:
        """The grid CO2 factor of every step [tCO2/MWh]."""
        years = self.times.year.to_numpy()
        out: FloatArray = np.array(
            [self.grid_co2_in_year_tco2_per_mwh(int(y)) for y in years], dtype=float
        )
        return out

    def value_added_10k_cny_per_t_in_year(self, year: int) -> FloatArray:
        """Value added per tonne of each firm in ``year`` [10^4 CNY/t]."""
        index = self.value_added_index_by_year.get(year)
        base = self.firms.value_added_10k_cny_per_t
        if index is None:
            return base
        out: FloatArray = base * index
        return out

    @property
    def n_steps(self) -> int:
        """Number of steps."""
        return int(self.times.size)

    @property
    def renewable_kw(self) -> FloatArray:
        """Total PV and wind output of the park per step [kW]."""
        out: FloatArray = (
            self.firm_pv_kw.sum(axis=1)
            + self.firm_wind_kw.sum(axis=1)
            + self.shared_pv_kw
            + self.shared_wind_kw
        )
        return out

    @property
    def net_load_kw(self) -> FloatArray:
        """Park load minus all renewable output, before storage [kW]."""
        out: FloatArray = self.firm_load_kw.sum(axis=1) - self.renewable_kw
        return out

    def dispatch_problem(self) -> ParkDispatchProblem:
        """The operator's storage dispatch problem for this park."""
        return ParkDispatchProblem(
            dt_h=self.dt_h,
            net_load_kw=self.net_load_kw,
            renewable_kw=self.renewable_kw,
            import_price_cny_per_kwh=self.import_price_cny_per_kwh,
            export_price_cny_per_kwh=self.export_price_cny_per_kwh,
            billing_period=self.billing_period,
            demand_charge_cny_per_kw_month=self.tariff.demand_charge_cny_per_kw_month,
            grid_limit_kw=self.grid_limit_kw,
            fleet=self.fleet,
            pv_kw=self.firm_pv_kw.sum(axis=1) + self.shared_pv_kw,
        )


def simulation_times(config: ScenarioConfig, tz: str) -> tuple[pd.DatetimeIndex, FloatArray]:
    """Local step start times of the run and each step's weight [days represented per day].

    Every step has weight 1 unless ``time.representative_days_per_month`` is set: then only
    the days :func:`market.representative_days.representative_days` picks are simulated, and
    each of their steps weighs the number of days its day stands for, so weighted sums give
    monthly and annual totals (exactly, for what depends on the hour and the day type).
    """
    start = pd.Timestamp(config.time.start)
    start = start.tz_localize(tz) if start.tzinfo is None else start.tz_convert(tz)
    freq = "h" if config.time.step_h == 1.0 else "15min"
    times = pd.date_range(start, periods=config.time.n_steps, freq=freq)
    k = config.time.representative_days_per_month
    if k is None:
        return times, np.ones(times.size)
    weights: dict[object, float] = {}
    for year, month in sorted(set(zip(times.year, times.month, strict=True))):
        weights.update(representative_days(int(year), int(month), k))
    step_weight = np.array([weights.get(day, 0.0) for day in times.date], dtype=float)
    chosen = step_weight > 0.0
    return times[chosen], step_weight[chosen]


def spawn_park_generators(seed: int, n_parks: int) -> list[dict[str, np.random.Generator]]:
    """Derive one generator per park and purpose from the simulation's single seeded generator."""
    root = np.random.default_rng(seed)
    parks = root.spawn(n_parks)
    return [dict(zip(RANDOM_PURPOSES, g.spawn(len(RANDOM_PURPOSES)), strict=True)) for g in parks]


def spawn_market_generator(seed: int, n_parks: int) -> np.random.Generator:
    """The markets' generator: the root's child after the parks' children."""
    root = np.random.default_rng(seed)
    return root.spawn(n_parks + 1)[n_parks]


def _expand_firms(park: ParkConfig) -> list[FirmConfig]:
    firms: list[FirmConfig] = []
    for firm in park.firms:
        if firm.count == 1:
            firms.append(firm)
        else:
            firms.extend(
                firm.model_copy(update={"name": name, "count": 1})
                for name in firm_instance_names(firm)
            )
    return firms


def build_firm_table(
    firms: list[FirmConfig],
    ref: ReferenceData,
    *,
    process_emissions: bool = True,
    exclude_feedstock: bool = False,
) -> FirmTable:
    """Resolve each firm's parameters, filling gaps from its sector archetype."""

    def pick(values: list[float | None], key: str) -> FloatArray:
        return np.array(
            [
                v if v is not None else float(getattr(ref.sector(f.sector), key))
                for v, f in zip(values, firms, strict=True)
            ],
            dtype=float,
        )

    gas_share = np.array(
        [
            {"coal": 0.0, "gas": 1.0, "electric": 0.0}[f.heat_fuel]
            if f.heat_fuel is not None
            else float(ref.sector(f.sector).heat_fuel_gas_share)
            for f in firms
        ]
    )
    electric = np.array([f.heat_fuel == "electric" for f in firms])
    sink_c = pick([f.heat_sink_temperature_c for f in firms], "heat_sink_temperature_c")
    # Above 200 degC heat is fired directly (kilns, furnaces) and the sector figure is already the
    # fuel heat input; steam and hot water come from boilers with their efficiency.
    default_eff = np.where(
        electric,
        ELECTRIC_BOILER_EFFICIENCY,
        np.where(
            sink_c > DIRECT_FIRED_ABOVE_C,
            1.0,
            gas_share * GAS_BOILER_EFFICIENCY + (1.0 - gas_share) * COAL_BOILER_EFFICIENCY,
        ),
    )
    return FirmTable(
        names=tuple(f.name for f in firms),
        sectors=tuple(f.sector for f in firms),
        output_t_per_yr=pick([f.output_t_per_yr for f in firms], "output_t_per_yr"),
        value_added_10k_cny_per_t=np.array(
            [
                (f.value_added_10k_cny_per_yr / f.output_t_per_yr)
                if f.value_added_10k_cny_per_yr is not None and f.output_t_per_yr is not None
                else (
                    f.value_added_10k_cny_per_yr / float(ref.sector(f.sector).output_t_per_yr)
                    if f.value_added_10k_cny_per_yr is not None
                    else float(ref.sector(f.sector).value_added_10k_cny_per_t)
                )
                for f in firms
            ]
        ),
        electricity_kwh_per_t=pick(
            [f.electricity_kwh_per_t for f in firms], "electricity_kwh_per_t"
        ),
        heat_kwh_th_per_t=pick([f.heat_kwh_th_per_t for f in firms], "process_heat_kwh_th_per_t"),
        heat_sink_temperature_c=sink_c,
        heat_gas_share=np.where(electric, 0.0, gas_share),
        heat_electric=electric,
        boiler_efficiency=np.array(
            [
                f.boiler_efficiency if f.boiler_efficiency is not None else float(eff)
                for f, eff in zip(firms, default_eff, strict=True)
            ]
        ),
        pv_kwp=np.array([f.assets.pv_kwp for f in firms], dtype=float),
        pv_potential_kwp=np.array([f.assets.pv_potential_kwp for f in firms], dtype=float),
        wind_kw=np.array([f.assets.wind_kw for f in firms]),
        heat_pump_kw_th=np.array(
            [f.assets.heat_pump.capacity_kw_th if f.assets.heat_pump else 0.0 for f in firms]
        ),
        margin_cny_per_t=np.array(
            [ref.sector(f.sector).production_margin_cny_per_t for f in firms], dtype=float
        ),
        benchmark_kgce_per_t=np.array(
            [_or_nan(ref.sector(f.sector).energy_benchmark_kgce_per_t) for f in firms]
        ),
        baseline_kgce_per_t=np.array(
            [_or_nan(ref.sector(f.sector).energy_baseline_kgce_per_t) for f in firms]
        ),
        green_target_share=np.array([f.green_power.target_share for f in firms]),
        green_max_premium_cny_per_mwh=np.array(
            [
                f.green_power.max_premium_cny_per_mwh
                if f.green_power.max_premium_cny_per_mwh is not None
                else ref.number("markets.green_premium_max_cny_per_mwh")
                for f in firms
            ]
        ),
        green_value_exclusion=np.array([f.green_power.value_exclusion for f in firms]),
        bidding=tuple(f.bidding for f in firms),
        max_output_cut_frac=np.array([f.abatement.max_output_cut_frac for f in firms]),
        retrofit_saving_frac=np.array([f.abatement.retrofit_saving_frac for f in firms]),
        retrofit_cost_cny_per_tce=np.array([f.abatement.retrofit_cost_cny_per_tce for f in firms]),
        heat_pump_option=np.array([f.abatement.heat_pump_option for f in firms]),
        process_co2_tco2_per_t=np.array(
            [
                ref.sector(f.sector).process_co2_tco2_per_t if process_emissions else 0.0
                for f in firms
            ],
            dtype=float,
        ),
        counted_fuel_frac=np.array(
            [
                1.0 - (ref.sector(f.sector).feedstock_share_of_fuel if exclude_feedstock else 0.0)
                for f in firms
            ],
            dtype=float,
        ),
        heat_pump_capex_cny_per_kwh_th=np.array(
            [f.abatement.heat_pump_capex_cny_per_kwh_th for f in firms]
        ),
        small_firm=np.array([bool(f.small_firm) for f in firms]),
    )


def _or_nan(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def build_tariff(
    park: ParkConfig, ref: ReferenceData, first_month: int = 1, timezone: str = "Asia/Shanghai"
) -> TouTariff:
    """The park's time-of-use tariff, with reference defaults for unset prices.

    With a tariff file of bands, the periods are those of ``first_month`` (1-12); with a price
    series, one all-day period at the series' mean price. The prices of every step come from
    :func:`import_price_cny_per_kwh`; ``timezone`` is the park's.
    """
    cfg = park.tariff

    def given_or_reference(value: float | None, key: str) -> float:
        return float(value) if value is not None else ref.number(f"tariff_shaanxi.{key}")

    flat = cfg.flat_price_cny_per_kwh or ref.number("tariff_shaanxi.flat_price_cny_per_kwh")
    demand = given_or_reference(
        cfg.demand_charge_cny_per_kw_month, "demand_charge_cny_per_kw_month"
    )
    export = given_or_reference(cfg.export_price_cny_per_kwh, "feed_in_price_cny_per_kwh")
    if cfg.file is not None:
        table = read_tariff_file(cfg.file, ref.number(CRITICAL_PEAK_UPLIFT_KEY), timezone)
        if isinstance(table, TariffTable):
            periods = table.monthly_periods[first_month - 1]
        else:
            mean = float(table.power_kw.mean())
            periods = (TouPeriod("price_series", "00:00", "00:00", mean),)
    elif cfg.periods is None:
        peak = given_or_reference(cfg.peak_ratio, "peak_price_ratio")
        valley = given_or_reference(cfg.valley_ratio, "valley_price_ratio")
        periods = reference_tou_periods(ref, flat, peak, valley)
    else:
        periods = tuple(TouPeriod(p.name, p.start, p.end, p.price_cny_per_kwh) for p in cfg.periods)
    return TouTariff(
        periods=periods,
        demand_charge_cny_per_kw_month=float(demand),
        export_price_cny_per_kwh=float(export),
    )


def _clock(hours: float) -> str:
    minutes = int(round(hours * 60.0))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def reference_tou_periods(
    ref: ReferenceData, flat_cny_per_kwh: float, peak_ratio: float, valley_ratio: float
) -> tuple[TouPeriod, ...]:
    """The reference's default bands (``tariff_shaanxi.{peak,flat,valley}_periods_h``) priced at
    ``flat × ratio`` [CNY/kWh]; the three lists cover the day once (checked on loading)."""
    bands = (("peak", peak_ratio), ("flat", 1.0), ("valley", valley_ratio))
    return tuple(
        TouPeriod(name, _clock(start), _clock(end), flat_cny_per_kwh * ratio)
        for name, ratio in bands
        for start, end in ref.pairs(f"tariff_shaanxi.{name}_periods_h")
    )


def import_price_cny_per_kwh(
    park: ParkConfig,
    ref: ReferenceData,
    tariff: TouTariff,
    times: pd.DatetimeIndex,
    dt_h: float,
    timezone: str,
) -> FloatArray:
    """Energy price of each step [CNY/kWh].

    The price at the step's start from the tariff file's month bands, else from ``tariff``; with
    a price series, its time-weighted mean over the step (held over steps shorter than its
    interval). ``timezone`` is the park's.
    """
    hour_of_day = times.hour.to_numpy() + times.minute.to_numpy() / 60.0
    if park.tariff.file is not None:
        uplift = ref.number(CRITICAL_PEAK_UPLIFT_KEY)
        table = read_tariff_file(park.tariff.file, uplift, timezone)
        if not isinstance(table, TariffTable):
            return step_mean_kw(table, epoch_seconds(times), int(round(dt_h * 3600.0)))
        month = times.month.to_numpy().astype(np.int64)
        return monthly_import_price_cny_per_kwh(table, month, hour_of_day)
    return np.asarray(tou_price_cny_per_kwh(hour_of_day, tariff), dtype=float)


MAX_REPORTED_GAPS = 100
"""Most gaps listed one by one in a firm's gap report (all are counted)."""


def gap_report(gaps: tuple[MeterGap, ...]) -> dict[str, object]:
    """A firm's gap report: number of gaps, hours filled and the first gaps one by one."""
    return {
        "count": len(gaps),
        "hours": float(sum(gap.hours for gap in gaps)),
        "gaps": [gap.as_dict() for gap in gaps[:MAX_REPORTED_GAPS]],
    }


def metered_process_kw(
    firms_cfg: list[FirmConfig],
    firms: FirmTable,
    times: pd.DatetimeIndex,
    dt_h: float,
    zone: str,
) -> tuple[dict[int, FloatArray], dict[str, dict[str, object]]]:
    """Process electricity of the metered firms per step [kW] and the gaps filled in their files.

    Returns
    -------
    tuple
        Firm column → load per step [kW]; firm name → gap report (:func:`gap_report`).
        With ``scale_to_annual`` the readings are multiplied by
        ``output_t_per_yr × electricity_kwh_per_t / (file energy × year hours / file hours)``,
        the year being the run's first (8760 or 8784 h).
    """
    loads: dict[int, FloatArray] = {}
    gaps: dict[str, dict[str, object]] = {}
    starts_s = epoch_seconds(times)
    step_s = int(round(dt_h * 3600.0))
    year = int(times[0].year)
    year_h = (366.0 if calendar.isleap(year) else 365.0) * 24.0
    for k, firm in enumerate(firms_cfg):
        meter = firm.load_file
        if meter is None:
            continue
        series = read_meter_file(meter.file, meter.column, meter.unit, meter.timezone or zone)
        load = step_mean_kw(series, starts_s, step_s)
        if meter.scale_to_annual:
            annual_kwh = float(firms.output_t_per_yr[k] * firms.electricity_kwh_per_t[k])
            load = load * (annual_kwh / (series.energy_kwh * year_h / series.span_h))
        loads[k] = load
        gaps[firm.name] = gap_report(series.gaps)
    return loads, gaps


def battery_units(
    assets: list[tuple[int, BatteryConfig]],
) -> tuple[BatteryFleet, NDArray[np.int64], FloatArray]:
    """Storage units of ``(owner, config)`` pairs (owner: firm column, or -1 for the park):
    their fleet, owners and initial stored energy [kWh]."""
    energy = np.array([b.energy_kwh for _, b in assets], dtype=float)
    fleet = BatteryFleet(
        energy_kwh=energy,
        power_kw=energy * np.array([b.c_rate_per_h for _, b in assets], dtype=float),
        eta_charge=np.array([b.eta_charge for _, b in assets], dtype=float),
        eta_discharge=np.array([b.eta_discharge for _, b in assets], dtype=float),
        soc_min_frac=np.array([b.soc_min_frac for _, b in assets], dtype=float),
        soc_max_frac=np.array([b.soc_max_frac for _, b in assets], dtype=float),
        self_discharge_per_h=np.array([b.self_discharge_per_h for _, b in assets], dtype=float),
        degradation_cny_per_kwh=np.array(
            [
                battery_degradation_cost_cny_per_kwh(
                    b.replacement_cost_cny_per_kwh, b.cycle_life, b.soc_max_frac - b.soc_min_frac
                )
                for _, b in assets
            ],
            dtype=float,
        ),
    )
    owner = np.array([o for o, _ in assets], dtype=np.int64)
    soc0 = energy * np.array([b.initial_soc_frac for _, b in assets], dtype=float)
    return fleet, owner, soc0


def _wind_kw(
    assets: AssetsConfig | list[AssetsConfig], n_steps: int, rng: np.random.Generator
) -> FloatArray:
    """Wind output per step for one or many asset sets sharing the park's wind regime."""
    items = assets if isinstance(assets, list) else [assets]
    rated = np.array([a.wind_kw for a in items], dtype=float)
    out = np.zeros((n_steps, len(items)))
    if np.any(rated > 0.0):
        ref = next(a for a in items if a.wind_kw > 0.0)
        speed = np.asarray(
            weibull_wind_speed_m_s(
                n_steps, ref.wind_mean_speed_m_s, ref.wind_weibull_k, rng, autocorrelation=0.8
            ),
            dtype=float,
        )
        per_kw = np.asarray(wind_power_kw(speed, 1.0), dtype=float)
        out = per_kw[:, None] * rated[None, :]
    return out if isinstance(assets, list) else out[:, 0]


def _pv_profile_under_sky_kw_per_kwp(
    times: pd.DatetimeIndex,
    clearness_index: FloatArray,
    ambient_temperature_c: FloatArray,
    site: tuple[float, float, float],
    tilt_deg: float,
    azimuth_deg: float,
) -> FloatArray:
    latitude_deg, longitude_deg, altitude_m = site
    return np.asarray(
        pv_profile_from_clearness_kw_per_kwp(
            times,
            clearness_index,
            latitude_deg,
            longitude_deg,
            altitude_m,
            tilt_deg,
            azimuth_deg,
            ambient_temperature_c,
            beam_threshold=XIAN_CLEARNESS.beam_threshold,
        ),
        dtype=float,
    )


def _pv_profile_from_file_kw_per_kwp(
    times: pd.DatetimeIndex,
    weather: WeatherOnSteps,
    site: tuple[float, float, float],
    tilt_deg: float,
    azimuth_deg: float,
) -> FloatArray:
    latitude_deg, longitude_deg, altitude_m = site
    return np.asarray(
        pv_profile_from_irradiance_kw_per_kwp(
            times,
            weather.ghi_w_m2,
            weather.dni_w_m2,
            weather.dhi_w_m2,
            latitude_deg,
            longitude_deg,
            altitude_m,
            tilt_deg,
            azimuth_deg,
            weather.temp_air_c,
            weather.wind_speed_m_s,
        ),
        dtype=float,
    )


def park_sky_pv_profile_kw_per_kwp(
    park: ParkInputs, tilt_deg: float, azimuth_deg: float
) -> FloatArray:
    """AC output per kWp of a PV array at the park's site, under the park's sky.

    The array sees the park's clear-sky index series and air temperature, so it has the same
    weather hour by hour as the park's own arrays; only its geometry may differ. An array with
    the shared PV's tilt and azimuth gives exactly ``park.pv_kw_per_kwp``.

    Parameters
    ----------
    park : ParkInputs
        The park whose sky (``clearness_index``, ``ambient_temperature_c``) and site are used.
    tilt_deg : float
        Array tilt from horizontal [deg], in [0, 90].
    azimuth_deg : float
        Array azimuth [deg], clockwise from north (180 = south).

    Returns
    -------
    numpy.ndarray
        Mean AC power per kWp over each step [kW/kWp], shape (n_steps,).
    """
    site = (park.latitude_deg, park.longitude_deg, park.altitude_m)
    if park.weather is not None:
        return _pv_profile_from_file_kw_per_kwp(
            park.times, park.weather, site, tilt_deg, azimuth_deg
        )
    return _pv_profile_under_sky_kw_per_kwp(
        park.times,
        park.clearness_index,
        park.ambient_temperature_c,
        site,
        tilt_deg,
        azimuth_deg,
    )


def _shared_if_zero(values: FloatArray) -> FloatArray:
    """``values``, or a read-only +0.0 broadcast to its shape when every entry is +0.0.

    The broadcast takes no memory per entry and reads, slices and sums exactly like the array.
    """
    if values.any() or np.signbit(values).any():
        return values
    out: FloatArray = np.broadcast_to(np.zeros(1), values.shape)
    return out


def build_park(
    config: ScenarioConfig,
    park: ParkConfig,
    index: int,
    ref: ReferenceData,
    rngs: dict[str, np.random.Generator],
) -> ParkInputs:
    """Precompute a park's exogenous arrays for the whole run."""
    tz = park.timezone or config.time.timezone
    times, step_weight = simulation_times(config, tz)
    dt_h = config.time.step_h
    n = times.size
    firms_cfg = _expand_firms(park)
    firms = build_firm_table(
        firms_cfg,
        ref,
        process_emissions=config.accounting.process_emissions,
        exclude_feedstock=config.accounting.exclude_feedstock,
    )
    n_firms = firms.size

    loc = park.location
    site = (loc.latitude_deg, loc.longitude_deg, loc.altitude_m)
    orientations = sorted(
        {(f.assets.pv_tilt_deg, f.assets.pv_azimuth_deg) for f in firms_cfg}
        | {(park.shared_assets.pv_tilt_deg, park.shared_assets.pv_azimuth_deg)}
    )
    weather = None
    if park.weather is not None:
        weather = weather_on_steps(
            read_weather_file(Path(park.weather.file), park.weather.format), times
        )
        temp_c = weather.temp_air_c
        clearness_index = clearness_from_ghi(times, weather.ghi_w_m2, site)
        profiles = {
            (tilt, azimuth): _pv_profile_from_file_kw_per_kwp(times, weather, site, tilt, azimuth)
            for tilt, azimuth in orientations
        }
    else:
        temp_c = np.asarray(
            ambient_temperature_c(
                times,
                park.climate.annual_mean_c,
                park.climate.annual_amplitude_c,
                park.climate.daily_amplitude_c,
                rngs["weather"],
                noise_std_c=park.climate.noise_std_c,
            ),
            dtype=float,
        )
        # One sky per park: the clear-sky index is drawn once from the park's PV generator, with
        # the park's clearness scale on its monthly means; every array of the park (firms' and
        # shared PV, and external farms selling into the park) converts the same index through
        # its own geometry.
        clearness_index = clearness_index_series(
            times, rngs["pv"], XIAN_CLEARNESS, mean_scale=park.climate.mean_clearness_scale
        )
        profiles = {
            (tilt, azimuth): _pv_profile_under_sky_kw_per_kwp(
                times, clearness_index, temp_c, site, tilt, azimuth
            )
            for tilt, azimuth in orientations
        }
    firm_pv = np.empty((n, n_firms))
    for k, f in enumerate(firms_cfg):
        firm_pv[:, k] = profiles[(f.assets.pv_tilt_deg, f.assets.pv_azimuth_deg)] * f.assets.pv_kwp
    shared_orientation = (park.shared_assets.pv_tilt_deg, park.shared_assets.pv_azimuth_deg)
    pv_per_kwp = profiles[shared_orientation]
    shared_pv = pv_per_kwp * park.shared_assets.pv_kwp
    if weather is not None and park.weather is not None:
        hub_speed = np.asarray(
            shear_to_hub_height(
                weather.wind_speed_m_s,
                park.weather.wind_measurement_height_m,
                park.weather.wind_hub_height_m,
                park.weather.wind_shear_exponent,
            ),
            dtype=float,
        )
        per_kw = np.asarray(wind_power_kw(hub_speed, 1.0), dtype=float)
        firm_wind = per_kw[:, None] * np.array([f.assets.wind_kw for f in firms_cfg])[None, :]
        shared_wind = per_kw * park.shared_assets.wind_kw
    else:
        wind_rng = rngs["wind"]
        firm_wind = _wind_kw([f.assets for f in firms_cfg], n, wind_rng)
        shared_wind = _wind_kw(park.shared_assets, n, wind_rng)

    # Production: schedule weights scaled so a full year produces the annual output, times a
    # daily multiplicative noise per firm.
    demand_rng = rngs["demand"]
    year = int(times[0].year)
    production = np.empty((n, n_firms))
    schedules = [f.schedule or ref.sector(f.sector).shift_pattern for f in firms_cfg]
    for name in sorted(set(schedules)):
        cols = np.array([s == name for s in schedules])
        weights = schedule_weights(times, name) * dt_h / annual_weight_h(name, year, tz)
        production[:, cols] = weights[:, None] * firms.output_t_per_yr[cols][None, :]
    step_years = times.year.to_numpy()
    growth = growth_on_steps(config, firms_cfg, ref, step_years)
    production *= growth.output_index
    day_of_run = ((times - times[0]) // pd.Timedelta(days=1)).to_numpy().astype(np.int64)
    noise_frac = np.array([f.demand_noise_frac for f in firms_cfg])
    daily = 1.0 + noise_frac[None, :] * demand_rng.standard_normal(
        (int(day_of_run[-1]) + 1, n_firms)
    )
    production *= np.clip(daily, 0.0, None)[day_of_run]

    tariff = build_tariff(park, ref, int(times[0].month), tz)
    import_price = import_price_cny_per_kwh(park, ref, tariff, times, dt_h, tz)
    process_kw = (
        production * growth.energy_per_t_index * firms.electricity_kwh_per_t[None, :] / dt_h
    )
    metered, meter_gaps = metered_process_kw(firms_cfg, firms, times, dt_h, tz)
    for k, load in metered.items():
        process_kw[:, k] = load
    flex = np.array([f.flexible_load_frac for f in firms_cfg])
    if np.any(flex > 0.0):
        steps_per_day = int(round(24.0 / dt_h))
        for frac in sorted(set(flex[flex > 0.0].tolist())):
            cols = flex == frac
            process_kw[:, cols] = shift_flexible_load_kw(
                process_kw[:, cols], import_price, frac, steps_per_day, 0.5
            )

    heat_kw_th = production * growth.energy_per_t_index * firms.heat_kwh_th_per_t[None, :] / dt_h
    source_c = np.where(
        np.array(
            [
                f.assets.heat_pump is not None and f.assets.heat_pump.source == "waste_heat"
                for f in firms_cfg
            ]
        ),
        np.array(
            [
                f.assets.heat_pump.waste_heat_temperature_c if f.assets.heat_pump else 0.0
                for f in firms_cfg
            ]
        ),
        np.nan,
    )
    hp_eta = np.array([f.assets.heat_pump.eta if f.assets.heat_pump else 0.45 for f in firms_cfg])
    hp_cop_max = np.array(
        [f.assets.heat_pump.cop_max if f.assets.heat_pump else 6.0 for f in firms_cfg]
    )
    hp_max_sink = np.array(
        [f.assets.heat_pump.max_sink_c if f.assets.heat_pump else 150.0 for f in firms_cfg]
    )
    air = np.isnan(source_c)
    source_tc = np.where(air[None, :], temp_c[:, None], np.nan_to_num(source_c)[None, :])
    cop = np.asarray(
        heat_pump_cop(
            source_tc,
            np.broadcast_to(firms.heat_sink_temperature_c, source_tc.shape),
            eta=hp_eta,
            cop_max=hp_cop_max,
            air_source=air,
        ),
        dtype=float,
    )
    hp_capable = firms.heat_sink_temperature_c <= hp_max_sink
    supply = heat_supply(
        heat_kw_th,
        firms.heat_pump_kw_th,
        hp_capable,
        cop,
        firms.boiler_efficiency,
        firms.heat_gas_share,
        firms.heat_electric,
        dt_h,
    )
    hp_heat, hp_kw = supply.heat_pump_heat_kw_th, supply.heat_pump_kw
    coal_kg, gas_m3, eboiler_kw = supply.coal_kg, supply.gas_m3, supply.electric_boiler_kw
    store_kwh = np.array(
        [
            f.assets.thermal_storage.capacity_kwh_th if f.assets.thermal_storage else 0.0
            for f in firms_cfg
        ]
    )
    stores = np.flatnonzero((store_kwh > 0.0) & (firms.heat_pump_kw_th > 0.0) & hp_capable)
    if stores.size:
        # Heat stores charge from the heat pump in the cheapest tariff band and deliver in place
        # of boiler heat; the heat pump's output and the boilers' fuel change accordingly.
        loss = np.array(
            [firms_cfg[i].assets.thermal_storage.loss_per_h for i in stores]  # type: ignore[union-attr]
        )
        cheap = import_price <= import_price.min() + 1e-9
        ops = dispatch_heat_stores(
            heat_kw_th[:, stores],
            hp_heat[:, stores],
            firms.heat_pump_kw_th[stores],
            cheap,
            store_kwh[stores],
            loss,
            dt_h,
        )
        made = hp_heat[:, stores] + ops.charge_kw_th
        hp_kw[:, stores] = made / cop[:, stores]
        boiler_heat = heat_kw_th[:, stores] - hp_heat[:, stores] - ops.discharge_kw_th
        c, g, e = boiler_inputs(
            np.maximum(boiler_heat, 0.0),
            firms.boiler_efficiency[stores],
            firms.heat_gas_share[stores],
            firms.heat_electric[stores],
            dt_h,
        )
        coal_kg[:, stores], gas_m3[:, stores], eboiler_kw[:, stores] = c, g, e
        hp_heat[:, stores] = made
    firm_load = process_kw + hp_kw + eboiler_kw

    # A battery of 0 kWh is no battery (a sizing sweep's zero point).
    batteries: list[tuple[int, BatteryConfig]] = [
        (i, f.assets.battery)
        for i, f in enumerate(firms_cfg)
        if f.assets.battery is not None and f.assets.battery.energy_kwh > 0.0
    ]
    shared_battery = park.shared_assets.battery
    if shared_battery is not None and shared_battery.energy_kwh > 0.0:
        batteries.append((-1, shared_battery))
    fleet, owner, soc0 = battery_units(batteries)

    months = times.year.to_numpy() * 12 + times.month.to_numpy() - 1
    billing = (months - months[0]).astype(np.int64)
    co2 = park.grid.co2_factor_tco2_per_mwh
    path = park.grid.co2_factor_path
    grid_path = {} if path == "none" else grid_factor_path(ref, path, step_years.tolist())
    op = park.operator
    if not config.investments.enabled:
        # Only investments read these again, and only investments write into the per-firm
        # arrays: a large run need not keep them, nor one zero per firm and step.
        cop, eboiler_kw = np.zeros((0, firms.size)), np.zeros((0, firms.size))
        firm_wind, hp_heat, hp_kw = (_shared_if_zero(a) for a in (firm_wind, hp_heat, hp_kw))
    return ParkInputs(
        name=park.name,
        index=index,
        latitude_deg=loc.latitude_deg,
        longitude_deg=loc.longitude_deg,
        altitude_m=loc.altitude_m,
        times=times,
        dt_h=dt_h,
        step_weight=step_weight,
        firms=firms,
        ambient_temperature_c=temp_c,
        clearness_index=clearness_index,
        pv_kw_per_kwp=pv_per_kwp,
        firm_load_kw=firm_load,
        process_kw=process_kw,
        heat_pump_cop=cop,
        heat_pump_capable=hp_capable,
        firm_pv_kw=firm_pv,
        firm_wind_kw=firm_wind,
        heat_demand_kw_th=heat_kw_th,
        heat_pump_heat_kw_th=hp_heat,
        heat_pump_kw=hp_kw,
        electric_boiler_kw=eboiler_kw,
        coal_kg=coal_kg,
        gas_m3=gas_m3,
        production_t=production,
        shared_pv_kwp=park.shared_assets.pv_kwp,
        shared_pv_kw=shared_pv,
        shared_wind_kw=shared_wind,
        fleet=fleet,
        unit_owner=owner,
        initial_soc_kwh=soc0,
        tariff=tariff,
        import_price_cny_per_kwh=import_price,
        export_price_cny_per_kwh=np.full(n, tariff.export_price_cny_per_kwh),
        billing_period=billing,
        grid_limit_kw=park.grid.connection_limit_kw,
        grid_co2_tco2_per_mwh=float(
            co2
            if co2 is not None
            else grid_path[int(step_years[0])]
            if grid_path
            else ref.number(f"emission_factors.grid_{park.grid.co2_factor_source}_tco2_per_mwh")
        ),
        grid_co2_by_year_tco2_per_mwh=grid_path,
        value_added_index_by_year=growth.value_added_index_by_year,
        coal_price_cny_per_t=ref.number("fuel_prices.coal_cny_per_t"),
        gas_price_cny_per_m3=ref.number("fuel_prices.natural_gas_cny_per_m3"),
        meter_gaps=meter_gaps,
        operator_strategy=op.strategy,
        operator_params={
            "horizon_h": op.horizon_h,
            "reoptimise_every_h": op.reoptimise_every_h,
            "forecast": op.forecast,
            "load_forecast_error_frac": op.load_forecast_error_frac,
            "pv_forecast_error_frac": op.pv_forecast_error_frac,
            "wind_forecast_error_frac": op.wind_forecast_error_frac,
            "forecast_error_autocorrelation_per_h": op.forecast_error_autocorrelation_per_h,
            "forecast_error_growth_per_day": op.forecast_error_growth_per_day,
            "demand_charge": op.demand_charge,
            "terminal_value": op.terminal_value,
            "solver": op.solver,
        },
        weather=weather,
        shared_wind_rated_kw=park.shared_assets.wind_kw,
    )
