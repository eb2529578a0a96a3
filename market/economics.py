"""A park's asset economics from a finished run: capex, annualised cost, value, NPV, payback.

Every asset kind of a park (PV, wind, batteries, heat pumps; the firms' own and the park's
shared units together) is appraised against the **same run without that asset's power on the
bus, everything else held fixed**: the asset's net injection is removed from the park's grid
exchange, the import, export, energy cost and monthly demand charge are recomputed, and the
difference is the asset's value in the run (batteries: less their wear). The counterfactual
needs no second simulation; it ignores how the rest of the dispatch would have reacted (a
battery charging from PV surplus is credited to the battery, not to the PV), and it caps
exports at the grid limit but lets imports exceed it.

Values are scaled to a year: energy values by ``8,760 h / weighted hours simulated``, demand
charges by ``12 / billing months simulated`` (a month counts whole even when the run covers
part of it, so runs shorter than a month overstate the demand-charge saving; use whole months
or representative days of a year for sizing). NPV and payback use the
asset's life and the discount rate from ``configs/reference/asset_costs.yaml``
(:mod:`agents.economics`). Heat pumps are costed but not valued here: their value lies in the
fuel and energy-use rights they save, reported by the firms' accounts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from agents.economics import (
    annualised_cost_cny_per_yr,
    discounted_payback_yr,
    levelised_cost_cny_per_mwh,
    npv_cny,
)
from market.build import ParkInputs
from market.engine.park_run import ParkRun
from market.reference import ReferenceData

FloatArray = NDArray[np.float64]
HOURS_PER_YEAR = 8760.0


def bus_cost_cny(inputs: ParkInputs, run: ParkRun, injection_kw: FloatArray) -> tuple[float, float]:
    """Energy cost and demand charge of the run with ``injection_kw`` taken off the bus [CNY].

    With a zero injection they equal the run's own energy cost minus export revenue, and its
    demand charge.
    """
    surplus = run.export_kw + run.curtailment_kw
    net = run.import_kw - surplus + injection_kw
    imports = np.maximum(net, 0.0)
    exports = np.minimum(np.maximum(-net, 0.0), inputs.grid_limit_kw)
    wdt = inputs.step_weight * inputs.dt_h
    energy = float(
        wdt
        @ (imports * inputs.import_price_cny_per_kwh - exports * inputs.export_price_cny_per_kwh)
    )
    peaks = np.zeros(int(inputs.billing_period.max(initial=-1)) + 1)
    np.maximum.at(peaks, inputs.billing_period, imports)
    return energy, float(peaks.sum()) * inputs.tariff.demand_charge_cny_per_kw_month


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _asset(
    kind: str,
    size: float,
    size_unit: str,
    costs: tuple[float, float, float],
    rate: float,
    value_cny_per_yr: float | None,
    energy_mwh_per_yr: float,
    running_cost_cny_per_yr: float = 0.0,
) -> dict[str, Any]:
    capex_per_unit, om_per_unit, life_yr = costs
    capex = size * capex_per_unit
    om = size * om_per_unit
    annualised = annualised_cost_cny_per_yr(capex, om, rate, life_yr)
    levelised = levelised_cost_cny_per_mwh(annualised + running_cost_cny_per_yr, energy_mwh_per_yr)
    net = None if value_cny_per_yr is None else value_cny_per_yr - om
    npv = None if value_cny_per_yr is None else npv_cny(capex, value_cny_per_yr, om, rate, life_yr)
    payback = None if net is None else discounted_payback_yr(capex, net, rate, life_yr)
    return {
        "kind": kind,
        "size": _r(size),
        "size_unit": size_unit,
        "life_yr": _r(life_yr),
        "capex_cny": _r(capex),
        "om_cny_per_yr": _r(om),
        "annualised_cost_cny_per_yr": _r(annualised),
        "annual_energy_mwh": _r(energy_mwh_per_yr),
        ("lcos_cny_per_mwh" if kind == "battery" else "lcoe_cny_per_mwh"): _r(levelised),
        "annual_value_cny_per_yr": _r(value_cny_per_yr),
        "npv_cny": _r(npv),
        "payback_yr": _r(payback),
    }


def park_economics(run: ParkRun, ref: ReferenceData) -> dict[str, Any]:
    """The ``economics`` entry of a park's results (see the module docstring)."""
    inputs = run.inputs
    rate = ref.number("asset_costs.discount_rate")
    wdt = inputs.step_weight * inputs.dt_h
    hours = float(wdt.sum())
    per_year = HOURS_PER_YEAR / hours if hours > 0 else 0.0
    periods = int(np.unique(inputs.billing_period).size)
    per_year_demand = 12.0 / periods if periods else 0.0
    base_energy, base_demand = bus_cost_cny(inputs, run, np.zeros(inputs.n_steps))

    def value_of(injection_kw: FloatArray) -> float:
        energy, demand = bus_cost_cny(inputs, run, injection_kw)
        return (energy - base_energy) * per_year + (demand - base_demand) * per_year_demand

    def costs(kind: str, unit: str) -> tuple[float, float, float]:
        return (
            ref.number(f"asset_costs.{kind}_capex_cny_per_{unit}"),
            ref.number(f"asset_costs.{kind}_om_cny_per_{unit}_yr"),
            ref.number(f"asset_costs.{kind}_life_yr"),
        )

    assets: list[dict[str, Any]] = []
    generators = (
        ("pv", "kWp", "kwp", float(inputs.firms.pv_kwp.sum() + inputs.shared_pv_kwp),
         inputs.firm_pv_kw.sum(axis=1) + inputs.shared_pv_kw),
        ("wind", "kW", "kw", float(inputs.firms.wind_kw.sum() + inputs.shared_wind_rated_kw),
         inputs.firm_wind_kw.sum(axis=1) + inputs.shared_wind_kw),
    )  # fmt: skip
    for kind, size_unit, cost_unit, size, output_kw in generators:
        if size > 0.0:
            energy_mwh = float(wdt @ output_kw) / 1000.0 * per_year
            assets.append(
                _asset(kind, size, size_unit, costs(kind, cost_unit), rate, value_of(output_kw),
                       energy_mwh)
            )  # fmt: skip
    battery_kwh = float(inputs.fleet.energy_kwh.sum()) if inputs.unit_owner.size else 0.0
    if battery_kwh > 0.0:
        charge = run.charge_kw.sum(axis=1)
        discharge = run.discharge_kw.sum(axis=1)
        wear = float(inputs.step_weight @ run.degradation_cny) * per_year
        charging_cost = float(wdt @ (charge * inputs.import_price_cny_per_kwh)) * per_year
        assets.append(
            _asset("battery", battery_kwh, "kWh", costs("battery", "kwh"), rate,
                   value_of(discharge - charge) - wear, float(wdt @ discharge) / 1000.0 * per_year,
                   running_cost_cny_per_yr=charging_cost + wear)
        )  # fmt: skip
    heat_pump_kw_th = float(inputs.firms.heat_pump_kw_th.sum())
    if heat_pump_kw_th > 0.0:
        heat_mwh = float(wdt @ inputs.heat_pump_heat_kw_th.sum(axis=1)) / 1000.0 * per_year
        assets.append(
            _asset("heat_pump", heat_pump_kw_th, "kW_th", costs("heat_pump", "kw_th"), rate,
                   None, heat_mwh)
        )  # fmt: skip
    valued = [a for a in assets if a["annual_value_cny_per_yr"] is not None]
    capex = sum(a["capex_cny"] for a in assets)
    value = sum(a["annual_value_cny_per_yr"] for a in valued)
    om_valued = sum(a["om_cny_per_yr"] for a in valued)
    capex_valued = sum(a["capex_cny"] for a in valued)
    npv = sum(a["npv_cny"] for a in valued)
    # Payback of the valued assets together, on their mean life weighted by capex.
    life = (
        sum(a["capex_cny"] * a["life_yr"] for a in valued) / capex_valued
        if capex_valued > 0
        else 1.0
    )
    payback = discounted_payback_yr(capex_valued, value - om_valued, rate, life) if valued else None
    return {
        "assets": assets,
        "discount_rate": _r(rate),
        "capex_cny": _r(capex),
        "annualised_cost_cny_per_yr": _r(sum(a["annualised_cost_cny_per_yr"] for a in assets)),
        "annual_value_cny_per_yr": _r(value) if valued else None,
        "npv_cny": _r(npv) if valued else None,
        "payback_yr": _r(payback),
    }
