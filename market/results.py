"""Run results: per-firm and per-park summaries and per-step time series, and their files.

Pure assembly from the park runs (no I/O) lives in :func:`collect_results`; writing the three
files is :func:`write_results`. Output is deterministic: JSON with sorted keys and rounded floats,
Parquet without wall-clock metadata, so the same config and seed give byte-identical files.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from agents.accounting import (
    energy_use_tce,
    intensity_per_value_added,
    renewable_exclusion_tce,
    scope1_tco2,
    scope2_location_tco2,
    scope2_market_tco2,
    target_progress,
)
from market.economics import park_economics
from market.engine.park_run import ParkRun
from market.markets.report import (
    firm_carbon_fields,
    firm_green_fields,
    firm_rights_fields,
    market_tables,
    markets_summary,
)
from market.markets.session import Markets
from market.reference import ReferenceData

FloatArray = NDArray[np.float64]
DIGITS = 6


def _r(value: float) -> float | None:
    v = float(value)
    return round(v, DIGITS) if math.isfinite(v) else None


def _pct(numerator: float, denominator: float) -> float | None:
    return _r(100.0 * numerator / denominator) if denominator > 0.0 else None


@dataclass(frozen=True)
class RunResults:
    """Results of a finished run.

    Attributes
    ----------
    summary
        JSON-ready nested mapping (see :func:`collect_results`).
    timeseries
        Long table: one row per park and step.
    firms
        Flat table: one row per firm with the summary figures.
    """

    summary: dict[str, Any]
    timeseries: pd.DataFrame
    firms: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def _firm_records(
    run: ParkRun,
    ref: ReferenceData,
    accounting: Any,
    markets: Markets | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    inputs = run.inputs
    tot = run.firm
    n = inputs.firms.size
    green = markets.green if markets is not None else None
    rights = markets.rights if markets is not None else None
    carbon = markets.carbon if markets is not None else None
    investor = markets.investor if markets is not None else None
    invest_cost = (
        investor.booked_cost_cny[markets.parks.index(inputs)]
        if investor is not None and markets is not None
        else np.zeros(n)
    )
    certified_mwh = (
        green.totals.certified_mwh[offset : offset + n] if green is not None else np.zeros(n)
    )
    conv = ref.conversion_factors()
    emis = ref.emission_factors()
    convention = accounting.electricity_accounting
    fuel_frac = inputs.firms.counted_fuel_frac
    energy = np.asarray(
        energy_use_tce(
            tot.grid_kwh,
            tot.coal_kg * fuel_frac,
            tot.gas_m3 * fuel_frac,
            convention=convention,
            factors=conv,
        ),
        dtype=float,
    )
    s1 = np.asarray(scope1_tco2(tot.coal_kg, tot.gas_m3, emis), dtype=float)
    process = tot.production_t * inputs.firms.process_co2_tco2_per_t
    s2_loc = np.zeros(n)
    value_added = np.zeros(n)
    for year, acc in run.by_year.items():
        factor = inputs.grid_co2_in_year_tco2_per_mwh(year)
        s2_loc += np.asarray(scope2_location_tco2(acc["grid_kwh"], factor), dtype=float)
        value_added += acc["production_t"] * inputs.value_added_10k_cny_per_t_in_year(year)
    # The run's mean grid factor of each firm [tCO2/MWh] (its yearly factors weighted by its
    # grid use), so market-based scope 2 uses the same years' factors.
    mean_factor = np.divide(
        s2_loc * 1000.0,
        tot.grid_kwh,
        out=np.full(n, inputs.grid_co2_tco2_per_mwh),
        where=tot.grid_kwh > 0.0,
    )
    s2_mkt = np.asarray(
        scope2_market_tco2(tot.grid_kwh, certified_mwh * 1000.0, mean_factor), dtype=float
    )
    exclusion = (
        np.asarray(
            renewable_exclusion_tce(
                certified_mwh * 1000.0,
                grid_electricity_kwh=tot.grid_kwh,
                convention=convention,
                rule=accounting.renewable_exclusion_rule,
                factors=conv,
            ),
            dtype=float,
        )
        if accounting.renewable_exclusion
        else np.zeros(n)
    )
    intensity = np.asarray(intensity_per_value_added(energy, value_added), dtype=float)
    co2_intensity = np.asarray(
        intensity_per_value_added(s1 + process + s2_loc, value_added), dtype=float
    )
    demand = _firm_demand_charge(run)
    fuel_cny = tot.coal_kg / 1000.0 * inputs.coal_price_cny_per_t + tot.gas_m3 * (
        inputs.gas_price_cny_per_m3
    )
    records = []
    for i, name in enumerate(inputs.firms.names):
        gfields = firm_green_fields(green, offset + i)
        rfields = firm_rights_fields(rights, offset + i)
        cost = {
            "energy": _r(tot.energy_cost_cny[i]),
            "export_revenue": _r(-tot.export_revenue_cny[i]),
            "demand_charge": _r(demand[i]),
            "degradation": _r(tot.degradation_cny[i]),
            "fuel": _r(fuel_cny[i]),
        }
        if gfields is not None:
            cost["green_premium"] = _r(
                (gfields["premium_paid_cny"] or 0.0)
                - (gfields["premium_received_cny"] or 0.0)
                + (gfields["imbalance_paid_cny"] or 0.0)
            )
        if investor is not None:
            cost["investment"] = _r(invest_cost[i])
        abatement = 0.0
        if rfields is not None:
            cost.update(_allowance_costs(rfields, "rights_trading", "penalties", "abatement"))
            abatement = float(rfields["abatement_tce"] or 0.0)
        cfields = firm_carbon_fields(carbon, offset + i)
        carbon_abated_tco2 = 0.0
        carbon_saved_tce = 0.0
        if carbon is not None and rfields is None:
            # Without a rights market, energy saved for carbon compliance lowers counted use.
            carbon_saved_tce = sum(
                float(carbon.energy_saved_tce(y)[offset + i]) for y in carbon.years
            )
        if cfields is not None:
            cost.update(
                _allowance_costs(cfields, "carbon_trading", "carbon_penalties", "carbon_abatement")
            )
            carbon_abated_tco2 = float(cfields["abatement_tco2"] or 0.0) - float(
                cfields["offsets_tco2"] or 0.0
            )
        cost["total"] = _r(sum(v for v in cost.values() if v is not None))
        counted = (
            float(rfields["counted_use_tce"] or 0.0)
            if rfields is not None
            and rights is not None
            and rights.years
            and all(b.result for b in rights.years.values())
            else max(float(energy[i]) - abatement - carbon_saved_tce - float(exclusion[i]), 0.0)
        )
        kept = 1.0 - min(abatement / energy[i], 1.0) if energy[i] > 0 else 1.0
        pv_kwp = float(inputs.firms.pv_kwp[i])
        records.append(
            {
                "park": inputs.name,
                "firm": name,
                "sector": inputs.firms.sectors[i],
                "production_t": _r(tot.production_t[i]),
                "value_added_10k_cny": _r(value_added[i]),
                "load_kwh": _r(tot.load_kwh[i]),
                "grid_kwh": _r(tot.grid_kwh[i]),
                "renewable_kwh": _r(tot.renewable_kwh[i]),
                "exported_kwh": _r(tot.exported_kwh[i]),
                "curtailment_kwh": _r(tot.curtailed_kwh[i]),
                "unserved_kwh": _r(tot.unserved_kwh[i]),
                "heat_demand_kwh_th": _r(tot.heat_demand_kwh_th[i]),
                "heat_pump_heat_kwh_th": _r(tot.heat_pump_heat_kwh_th[i]),
                "heat_pump_kwh": _r(tot.heat_pump_kwh[i]),
                "coal_t": _r(tot.coal_kg[i] / 1000.0),
                "gas_m3": _r(tot.gas_m3[i]),
                "energy_use_tce": _r(energy[i]),
                "abatement_tce": _r(abatement),
                "renewable_exclusion_tce": _r(exclusion[i]),
                "counted_energy_use_tce": _r(counted),
                "energy_intensity_tce_per_10k_cny": _r(intensity[i]),
                "co2_tco2": {
                    "scope1": _r(s1[i]),
                    "process": _r(process[i]),
                    "scope2_location": _r(s2_loc[i]),
                    "scope2_market": _r(s2_mkt[i]),
                    "total_location": _r(s1[i] + process[i] + s2_loc[i]),
                    "total_market": _r(s1[i] + process[i] + s2_mkt[i]),
                    "total_after_abatement": _r(
                        max((s1[i] + process[i] + s2_loc[i]) * kept - carbon_abated_tco2, 0.0)
                    ),
                },
                "co2_intensity_tco2_per_10k_cny": _r(co2_intensity[i]),
                "cost_cny": cost,
                "self_consumption_pct": _pct(
                    tot.self_consumed_renewable_kwh[i], tot.renewable_kwh[i]
                ),
                "self_sufficiency_pct": _pct(
                    tot.load_kwh[i] - tot.grid_kwh[i] - tot.unserved_kwh[i], tot.load_kwh[i]
                ),
                "peak_grid_import_kw": _r(tot.peak_grid_import_kw[i]),
                "pv_kwp": _r(pv_kwp),
                "pv_specific_yield_kwh_per_kwp": _r(tot.pv_kwh[i] / pv_kwp) if pv_kwp > 0 else None,
                "small_firm": bool(inputs.firms.small_firm[i]),
                "green_power": gfields,
                "rights": rfields,
                "carbon": cfields,
            }
        )
    return records


def _allowance_costs(
    fields: dict[str, Any], trading: str, penalties: str, abatement: str
) -> dict[str, Any]:
    """A firm's costs in an allowance market [CNY]: trading net of recycled revenue, penalties
    and abatement, under the given names."""
    return {
        trading: _r(
            (fields["paid_cny"] or 0.0)
            - (fields["received_cny"] or 0.0)
            - (fields["recycled_cny"] or 0.0)
        ),
        penalties: fields["penalty_cny"],
        abatement: fields["abatement_cost_cny"],
    }


def _firm_demand_charge(run: ParkRun) -> FloatArray:
    """Demand charge per firm [CNY]: each period's park charge shared by coincident peak."""
    rate = run.inputs.tariff.demand_charge_cny_per_kw_month
    out = np.zeros(run.inputs.firms.size)
    for period, peak in run.period_peak_kw.items():
        firm_kw = run.period_peak_firm_kw.get(period)
        if firm_kw is None:
            continue
        total = float(firm_kw.sum())
        if total > 0.0:
            out += peak * rate * firm_kw / total
    return out


def _park_summary(
    run: ParkRun, firms: list[dict[str, Any]], ref: ReferenceData, accounting: Any
) -> dict[str, Any]:
    """Park figures from the park's own meters: import at the grid connection and fuels burnt.

    The firms' grid electricity sums to the park's import (see :mod:`agents.bus_allocation`),
    so the park's energy use and CO2 equal the sums of its firms'.
    """
    inputs = run.inputs
    wdt = inputs.step_weight * inputs.dt_h
    load = float(wdt @ inputs.firm_load_kw.sum(axis=1))
    ren = float(wdt @ inputs.renewable_kw)
    imp = float(wdt @ run.import_kw)
    exp = float(wdt @ run.export_kw)
    curt = float(wdt @ run.curtailment_kw)
    unserved = float(wdt @ run.unserved_kw)
    pv_kwp = float(inputs.firms.pv_kwp.sum() + inputs.shared_pv_kwp)
    pv_kwh = float(wdt @ (inputs.firm_pv_kw.sum(axis=1) + inputs.shared_pv_kw))
    energy_cny = float(wdt @ (run.import_kw * inputs.import_price_cny_per_kwh))
    export_cny = float(wdt @ (run.export_kw * inputs.export_price_cny_per_kwh))
    rate = inputs.tariff.demand_charge_cny_per_kw_month
    demand_cny = float(sum(run.period_peak_kw.values()) * rate)
    degradation_cny = float(inputs.step_weight @ run.degradation_cny)
    fuel_cny = sum(float(f["cost_cny"]["fuel"] or 0.0) for f in firms)

    def total(key: str, sub: str | None = None) -> float | None:
        values = [f[key] if sub is None else f[key][sub] for f in firms]
        return _r(sum(v for v in values if v is not None))

    location_tco2 = float(wdt @ (run.import_kw * inputs.grid_co2_on_steps_tco2_per_mwh())) / 1000.0
    coal_kg = float(inputs.step_weight @ inputs.coal_kg.sum(axis=1))
    gas_m3 = float(inputs.step_weight @ inputs.gas_m3.sum(axis=1))
    fuel_frac = inputs.firms.counted_fuel_frac
    energy_tce = float(
        energy_use_tce(
            imp,
            float(inputs.step_weight @ (inputs.coal_kg @ fuel_frac)),
            float(inputs.step_weight @ (inputs.gas_m3 @ fuel_frac)),
            convention=accounting.electricity_accounting,
            factors=ref.conversion_factors(),
        )
    )
    scope1 = float(scope1_tco2(coal_kg, gas_m3, ref.emission_factors()))
    process_tco2 = float(
        inputs.step_weight @ (inputs.production_t @ inputs.firms.process_co2_tco2_per_t)
    )
    certified_cut_tco2 = sum(
        (f["co2_tco2"]["scope2_location"] or 0.0) - (f["co2_tco2"]["scope2_market"] or 0.0)
        for f in firms
    )

    cost = {
        "energy": _r(energy_cny),
        "export_revenue": _r(-export_cny),
        "demand_charge": _r(demand_cny),
        "degradation": _r(degradation_cny),
        "fuel": _r(fuel_cny),
    }
    cost["total"] = _r(sum(v for v in cost.values() if v is not None))
    summary: dict[str, Any] = {
        "firms": len(firms),
        "operator_strategy": inputs.operator_strategy,
        "load_kwh": _r(load),
        "renewable_kwh": _r(ren),
        "pv_kwh": _r(pv_kwh),
        "import_kwh": _r(imp),
        "export_kwh": _r(exp),
        "curtailment_kwh": _r(curt),
        "unserved_kwh": _r(unserved),
        "energy_use_tce": _r(energy_tce),
        "co2_tco2": {
            "scope1": _r(scope1),
            "process": _r(process_tco2),
            "scope2_location": _r(location_tco2),
            # Certified green power lowers the park's figure by exactly what it lowers its firms'.
            "scope2_market": _r(location_tco2 - certified_cut_tco2),
        },
        "value_added_10k_cny": total("value_added_10k_cny"),
        "cost_cny": cost,
        "self_consumption_pct": _pct(ren - exp - curt, ren),
        "self_sufficiency_pct": _pct(load - imp - unserved, load),
        "peak_grid_import_kw": _r(float(run.import_kw.max(initial=0.0))),
        "pv_kwp": _r(pv_kwp),
        "pv_specific_yield_kwh_per_kwp": _r(pv_kwh / pv_kwp) if pv_kwp > 0 else None,
    }
    batteries = battery_cycles(run)
    summary["batteries"] = batteries
    summary["battery_cycles"] = park_battery_cycles(batteries)
    summary["economics"] = park_economics(run, ref)
    summary["tariff"] = tariff_spread(inputs.import_price_cny_per_kwh, ref)
    return summary


def tariff_spread(import_price_cny_per_kwh: FloatArray, ref: ReferenceData) -> dict[str, Any]:
    """The run's highest over lowest import price, against the national minimum ratio.

    The NDRC's 2021 notice asks for a peak-to-valley ratio of at least
    ``tariff_shaanxi.peak_to_valley_ratio_min`` (3:1); a tariff below it is allowed (other
    provinces, flat tariffs) and flagged.
    """
    minimum = ref.number("tariff_shaanxi.peak_to_valley_ratio_min")
    low = float(import_price_cny_per_kwh.min(initial=math.inf))
    high = float(import_price_cny_per_kwh.max(initial=0.0))
    ratio = high / low if 0.0 < low < math.inf else None
    return {
        "peak_to_valley_ratio": _r(ratio) if ratio is not None else None,
        "national_minimum_ratio": _r(minimum),
        "meets_national_minimum": bool(ratio is not None and ratio >= minimum - 1e-9),
    }


def park_battery_cycles(batteries: list[dict[str, Any]]) -> float | None:
    """Full-equivalent cycles of a park's batteries together: Σ cycles × usable / Σ usable."""
    usable = sum(b["usable_kwh"] for b in batteries)
    if usable <= 0:
        return None
    return _r(
        sum((b["full_equivalent_cycles"] or 0.0) * b["usable_kwh"] for b in batteries) / usable
    )


def battery_cycles(run: ParkRun) -> list[dict[str, Any]]:
    """Charged and discharged energy and full-equivalent cycles of each battery of a park.

    A full-equivalent cycle is one usable capacity (nameplate × (soc_max − soc_min)) taken out
    of the store: ``cycles = discharged AC energy / η_discharge / usable capacity``, weighted like
    every other energy figure (representative days count for the days they stand for).
    """
    inputs = run.inputs
    fleet = inputs.fleet
    wdt = inputs.step_weight * inputs.dt_h
    out: list[dict[str, Any]] = []
    for unit, owner in enumerate(inputs.unit_owner):
        usable = float(
            fleet.energy_kwh[unit] * (fleet.soc_max_frac[unit] - fleet.soc_min_frac[unit])
        )
        charged = float(wdt @ run.charge_kw[:, unit])
        discharged = float(wdt @ run.discharge_kw[:, unit])
        out.append(
            {
                "owner": "park" if owner < 0 else str(inputs.firms.names[int(owner)]),
                "energy_kwh": _r(float(fleet.energy_kwh[unit])),
                "usable_kwh": _r(usable),
                "charged_kwh": _r(charged),
                "discharged_kwh": _r(discharged),
                "full_equivalent_cycles": (
                    _r(discharged / float(fleet.eta_discharge[unit]) / usable)
                    if usable > 0
                    else None
                ),
            }
        )
    return out


def park_timeseries(run: ParkRun) -> pd.DataFrame:
    """One row per step of a park: power flows [kW], state of charge [kWh], price, CO2."""
    inputs = run.inputs
    pv = inputs.firm_pv_kw.sum(axis=1) + inputs.shared_pv_kw
    wind = inputs.firm_wind_kw.sum(axis=1) + inputs.shared_wind_kw
    return pd.DataFrame(
        {
            "park": pd.Categorical([inputs.name] * inputs.n_steps),
            "time": inputs.times,
            "hour": np.arange(inputs.n_steps) * inputs.dt_h,
            "weight": inputs.step_weight,
            "load_kw": inputs.firm_load_kw.sum(axis=1),
            "pv_kw": pv,
            "wind_kw": wind,
            "heat_pump_kw": inputs.heat_pump_kw.sum(axis=1),
            "heat_pump_heat_kw_th": inputs.heat_pump_heat_kw_th.sum(axis=1),
            "heat_demand_kw_th": inputs.heat_demand_kw_th.sum(axis=1),
            "battery_charge_kw": run.charge_kw.sum(axis=1),
            "battery_discharge_kw": run.discharge_kw.sum(axis=1),
            "battery_soc_kwh": run.soc_record_kwh.sum(axis=1),
            "import_kw": run.import_kw,
            "export_kw": run.export_kw,
            "curtailment_kw": run.curtailment_kw,
            "unserved_kw": run.unserved_kw,
            "price_cny_per_kwh": inputs.import_price_cny_per_kwh,
            "ambient_temperature_c": inputs.ambient_temperature_c,
            "grid_co2_kg": run.import_kw * inputs.dt_h * inputs.grid_co2_on_steps_tco2_per_mwh(),
        }
    )


def collect_results(
    runs: list[ParkRun], ref: ReferenceData, config: Any, markets: Markets | None = None
) -> RunResults:
    """Assemble summary, per-firm table and time series from finished park runs."""
    parks: dict[str, Any] = {}
    all_firms: list[dict[str, Any]] = []
    offset = 0
    for run in runs:
        firms = _firm_records(run, ref, config.accounting, markets, offset)
        offset += run.inputs.firms.size
        park = _park_summary(run, firms, ref, config.accounting)
        park["firms_detail"] = {
            f["firm"]: {k: v for k, v in f.items() if k not in ("park", "firm")} for f in firms
        }
        if run.inputs.meter_gaps:
            park["meter_gaps"] = run.inputs.meter_gaps
        parks[run.inputs.name] = park
        all_firms.extend(firms)
    totals = {
        "energy_use_tce": _r(sum(p["energy_use_tce"] or 0.0 for p in parks.values())),
        "co2_tco2_location": _r(
            sum(
                (p["co2_tco2"]["scope1"] or 0.0)
                + (p["co2_tco2"]["process"] or 0.0)
                + (p["co2_tco2"]["scope2_location"] or 0.0)
                for p in parks.values()
            )
        ),
        "cost_cny": _r(sum(p["cost_cny"]["total"] or 0.0 for p in parks.values())),
        "value_added_10k_cny": _r(sum(p["value_added_10k_cny"] or 0.0 for p in parks.values())),
    }
    va = totals["value_added_10k_cny"] or 0.0
    intensity = (totals["energy_use_tce"] or 0.0) / va if va > 0 else float("nan")
    totals["energy_intensity_tce_per_10k_cny"] = _r(intensity)
    acc = config.accounting
    target: dict[str, Any] | None = None
    if acc.base_year is not None and acc.base_year_energy_intensity_tce_per_10k_cny is not None:
        progress = target_progress(
            acc.base_year_energy_intensity_tce_per_10k_cny,
            intensity,
            acc.base_year,
            int(runs[0].inputs.times[0].year),
        )
        target = {
            "base_year": acc.base_year,
            "base_intensity_tce_per_10k_cny": acc.base_year_energy_intensity_tce_per_10k_cny,
            "change_achieved": _r(float(progress.change_achieved)),
            "change_required": _r(float(progress.change_required)),
            "on_track": bool(progress.on_track),
        }
    base_year = (
        acc.base_year
        if acc.base_year is not None
        else int(ref.number("policy_targets.energy_intensity_base_year"))
    )
    summary = {
        "scenario": config.name,
        "seed": config.seed,
        "start": str(runs[0].inputs.times[0].isoformat()),
        "horizon_h": config.time.horizon_h,
        "step_h": config.time.step_h,
        "accounting": {
            "electricity_accounting": acc.electricity_accounting,
            "renewable_exclusion": acc.renewable_exclusion,
            "renewable_exclusion_rule": acc.renewable_exclusion_rule,
        },
        "totals": totals,
        "target_progress": target,
        "base_year": base_year,
        "years": year_summary(runs, ref, config.accounting, markets, base_year),
        "markets": markets_summary(markets),
        "investments": (
            list(markets.investor.records)
            if markets is not None and markets.investor is not None
            else None
        ),
        "parks": parks,
    }
    _mark_small_firms(parks, all_firms)
    flat = pd.json_normalize(all_firms, sep=".")
    series = pd.concat([park_timeseries(r) for r in runs], ignore_index=True)
    return RunResults(summary=summary, timeseries=series, firms=flat, tables=market_tables(markets))


def _mark_small_firms(parks: dict[str, Any], firms: list[dict[str, Any]]) -> None:
    """Without explicit flags, firms with output below the median count as small."""
    if any(f["small_firm"] for f in firms):
        return
    outputs = np.array([f["production_t"] or 0.0 for f in firms])
    median = float(np.median(outputs)) if outputs.size else 0.0
    for f in firms:
        small = (f["production_t"] or 0.0) < median
        f["small_firm"] = small
        parks[f["park"]]["firms_detail"][f["firm"]]["small_firm"] = small


def year_summary(
    runs: list[ParkRun],
    ref: ReferenceData,
    accounting: Any,
    markets: Markets | None,
    firms_in_year: int | None = None,
) -> dict[str, Any]:
    """Energy, CO2, value added and intensity per calendar year, in total and by sector.

    The entry of year ``firms_in_year`` (the base year) also lists every firm
    (``firms[park][firm]``: energy use, counted energy use, value added, CO2 and output).
    """
    conv = ref.conversion_factors()
    emis = ref.emission_factors()
    rights = markets.rights if markets is not None else None
    carbon = markets.carbon if markets is not None else None
    years = sorted({y for r in runs for y in r.by_year})
    out: dict[str, Any] = {}
    for year in years:
        offset = 0
        energy_all, counted_all, co2_all, va_all, out_all = [], [], [], [], []
        gross_all: list[FloatArray] = []
        sectors: list[str] = []
        owners: list[tuple[str, str]] = []
        for run in runs:
            n = run.inputs.firms.size
            acc = run.by_year.get(year)
            if acc is None:
                offset += n
                continue
            firms = run.inputs.firms
            energy = np.asarray(
                energy_use_tce(
                    acc["grid_kwh"],
                    acc["coal_kg"] * firms.counted_fuel_frac,
                    acc["gas_m3"] * firms.counted_fuel_frac,
                    convention=accounting.electricity_accounting,
                    factors=conv,
                ),
                dtype=float,
            )
            co2 = (
                np.asarray(scope1_tco2(acc["coal_kg"], acc["gas_m3"], emis), dtype=float)
                + acc["production_t"] * firms.process_co2_tco2_per_t
                + np.asarray(
                    scope2_location_tco2(
                        acc["grid_kwh"], run.inputs.grid_co2_in_year_tco2_per_mwh(year)
                    ),
                    dtype=float,
                )
            )
            counted = energy.copy()
            output = acc["production_t"].copy()
            book = rights.years.get(year) if rights is not None else None
            if book is not None and book.result:
                res = book.result
                abated = res["abatement_tce"][offset : offset + n]
                kept = np.where(
                    energy > 0, 1.0 - np.minimum(abated / np.maximum(energy, 1e-12), 1.0), 1.0
                )
                co2 = co2 * kept
                counted = res["counted_use_tce"][offset : offset + n]
                cut = _curtailed_output(book, offset, n)
                output = np.maximum(output - cut, 0.0)
            cbook = carbon.years.get(year) if carbon is not None else None
            if carbon is not None and cbook is not None and cbook.result:
                # Physical carbon abatement (offsets excluded) lowers CO2 and output, and
                # energy use at the firm's CO2 per tce where no rights market counts it.
                abated_tco2 = carbon.physical_abatement_tco2(year)[offset : offset + n]
                co2 = np.maximum(co2 - abated_tco2, 0.0)
                if book is None or not book.result:
                    counted = np.maximum(
                        counted - carbon.energy_saved_tce(year)[offset : offset + n], 0.0
                    )
                output = np.maximum(output - _curtailed_output(cbook, offset, n), 0.0)
            energy_all.append(energy)
            counted_all.append(counted)
            co2_all.append(co2)
            va_all.append(output * run.inputs.value_added_10k_cny_per_t_in_year(year))
            out_all.append(output)
            gross_all.append(acc["production_t"])
            sectors.extend(run.inputs.firms.sectors)
            owners.extend((run.inputs.name, name) for name in run.inputs.firms.names)
            offset += n
        if not energy_all:
            continue
        energy_v = np.concatenate(energy_all)
        counted_v = np.concatenate(counted_all)
        co2_v = np.concatenate(co2_all)
        va_v = np.concatenate(va_all)
        out_v = np.concatenate(out_all)
        gross_v = np.concatenate(gross_all)
        by_sector: dict[str, Any] = {}
        for sector in sorted(set(sectors)):
            mask = np.array([s == sector for s in sectors])
            # Before abatement: energy_use_tce, output_before_abatement_t; after it:
            # counted_energy_use_tce, co2_tco2, output_t.
            by_sector[sector] = {
                "value_added_10k_cny": _r(va_v[mask].sum()),
                "energy_use_tce": _r(energy_v[mask].sum()),
                "counted_energy_use_tce": _r(counted_v[mask].sum()),
                "co2_tco2": _r(co2_v[mask].sum()),
                "output_t": _r(out_v[mask].sum()),
                "output_before_abatement_t": _r(gross_v[mask].sum()),
            }
        va = float(va_v.sum())
        out[str(year)] = {
            "energy_use_tce": _r(energy_v.sum()),
            "counted_energy_use_tce": _r(counted_v.sum()),
            "co2_tco2": _r(co2_v.sum()),
            "value_added_10k_cny": _r(va),
            "energy_intensity_tce_per_10k_cny": _r(counted_v.sum() / va) if va > 0 else None,
            "output_t": _r(out_v.sum()),
            "by_sector": by_sector,
        }
        if year == firms_in_year:
            listed: dict[str, dict[str, Any]] = {}
            for k, (park, firm) in enumerate(owners):
                listed.setdefault(park, {})[firm] = {
                    "energy_use_tce": _r(energy_v[k]),
                    "counted_energy_use_tce": _r(counted_v[k]),
                    "value_added_10k_cny": _r(va_v[k]),
                    "co2_tco2": _r(co2_v[k]),
                    "output_t": _r(out_v[k]),
                }
            out[str(year)]["firms"] = listed
    return out


def _curtailed_output(book: Any, offset: int, n: int) -> FloatArray:
    """Output given up through the curtailment option in a rights year [t]."""
    from agents.abatement import OptionKind

    res = book.result
    mask = book.options.kind[offset : offset + n] == int(OptionKind.CURTAIL_OUTPUT)
    abated = (book.abated_by_slot[offset : offset + n] * mask).sum(axis=1)
    use = res["modelled_use_tce"][offset : offset + n]
    output = res["output_t"][offset : offset + n]
    intensity = np.divide(use, output, out=np.zeros_like(use), where=output > 0)
    out: FloatArray = np.divide(abated, intensity, out=np.zeros_like(abated), where=intensity > 0)
    return out


def write_results(results: RunResults, out_dir: Path) -> dict[str, Path]:
    """Write ``summary.json``, ``timeseries.parquet`` and ``firms.csv`` into ``out_dir``.

    ``events.jsonl`` is written while the run goes, by a :class:`~market.engine.bus.JsonlSink`.

    Returns
    -------
    dict
        File role → path.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "summary": out_dir / "summary.json",
        "timeseries": out_dir / "timeseries.parquet",
        "firms": out_dir / "firms.csv",
    }
    paths["summary"].write_text(
        json.dumps(results.summary, indent=2, sort_keys=True, allow_nan=False) + "\n",
        encoding="utf-8",
    )
    table = pa.Table.from_pandas(results.timeseries, preserve_index=False)
    table = table.replace_schema_metadata(None)
    pq.write_table(table, paths["timeseries"], compression="zstd")
    results.firms.to_csv(paths["firms"], index=False, lineterminator="\n", float_format="%.6f")
    for name, frame in results.tables.items():
        path = out_dir / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n", float_format="%.6f")
        paths[name] = path
    return paths
