"""Firms' annual investment decisions, applied to the park's arrays from the next step on.

At the start of each year after the first, every firm appraises under expected prices (the
tariff it pays, the last rights price, fuel prices):

* **PV** up to its ``pv_potential_kwp``: invest when the NPV per kWp is positive (value of a kWh =
  its park's mean import price weighted by PV output, plus the rights it saves);
* **efficiency retrofit** (its ``retrofit_saving_frac`` of electricity and heat demand): adopt
  when its net cost per tce is below the expected rights price;
* **heat pump** for fossil heat up to 150 °C: adopt when the heat-pump option's net cost per tce
  (from the firm's abatement curve) is below the expected rights price;
* **battery** (with ``battery`` on, for a firm without one): its value is one full cycle a day
  between the day's lowest and highest import price of the coming year's tariff, net of losses
  and wear (:func:`agents.investment.battery_arbitrage_value_cny_per_kwh`); demand-charge savings
  are not counted, so the appraisal is conservative. When the NPV per kWh (costs from
  ``asset_costs.battery_*``) is positive, the firm adds ``battery_hours`` × its mean load [kWh]
  at a C-rate of 0.5; the operator dispatches it with the park's other units from then on.

Adopted investments change the hourly arrays from that step on (PV output, electric load, heat
supply, fuel), so they show in the power flows, the bills, energy use and emissions; the park's
dispatch problem is rebuilt. An adopted retrofit or heat pump leaves the firm's abatement curve.
The yearly cost booked for PV is its annualised capital cost plus O&M; for a retrofit or heat
pump it is the net cost per tce times the tce saved plus the bill saving (the net cost already
counts the saving), so the saving is not counted twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from agents.abatement import OptionKind
from agents.devices.battery import battery_degradation_cost_cny_per_kwh
from agents.heat_supply import heat_supply
from agents.investment import (
    adopt_when_cheaper,
    annuity_factor,
    battery_arbitrage_value_cny_per_kwh,
    battery_npv_cny_per_kwh,
    pv_npv_cny_per_kwp,
)
from market.build import ParkInputs, battery_units
from market.config.schema import BatteryConfig, InvestmentConfig
from market.engine.park_run import ParkRun
from market.reference import ReferenceData

FloatArray = NDArray[np.float64]


@dataclass
class Investor:
    """Applies firms' investment decisions to the parks over a run."""

    config: InvestmentConfig
    parks: list[ParkInputs]
    runs: list[ParkRun]
    reference: ReferenceData
    electricity_kgce_per_kwh: float
    records: list[dict[str, Any]] = field(default_factory=list)
    annual_cost_cny: list[FloatArray] = field(default_factory=list)
    booked_cost_cny: list[FloatArray] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        config: InvestmentConfig,
        parks: list[ParkInputs],
        runs: list[ParkRun],
        reference: ReferenceData,
        electricity_kgce_per_kwh: float,
    ) -> Investor:
        """Set up the investor for all parks."""
        investor = cls(config, parks, runs, reference, electricity_kgce_per_kwh)
        investor.annual_cost_cny = [np.zeros(p.firms.size) for p in parks]
        investor.booked_cost_cny = [np.zeros(p.firms.size) for p in parks]
        return investor

    def decide(
        self, year: int, a: int, b: int, rights_price: float, heat_pump_cost: FloatArray | None
    ) -> list[dict[str, Any]]:
        """Appraise and apply investments at step ``a`` (the year runs to step ``b``)."""
        price = rights_price if math.isfinite(rights_price) else 0.0
        done: list[dict[str, Any]] = []
        offset = 0
        for park, run in zip(self.parks, self.runs, strict=True):
            n = park.firms.size
            hp_cost = heat_pump_cost[offset : offset + n] if heat_pump_cost is not None else None
            changed = False
            if self.config.pv:
                changed |= self._pv(park, year, a, b, price, done)
            if self.config.retrofit:
                changed |= self._retrofit(park, year, a, b, price, done)
            if self.config.heat_pump and hp_cost is not None:
                changed |= self._heat_pump(park, year, a, b, price, hp_cost, done)
            if changed:
                run.refresh_problem()
            if self.config.battery:
                self._battery(park, run, year, a, b, done)
            offset += n
        # Book the yearly cost of everything adopted so far for the part of the year covered.
        park0 = self.parks[0]
        hours = float(park0.step_weight[a:b].sum()) * park0.dt_h
        year_hours = 24.0 * (366.0 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 365.0)
        for k in range(len(self.parks)):
            self.booked_cost_cny[k] += self.annual_cost_cny[k] * hours / year_hours
        self.records.extend(done)
        return done

    # ------------------------------------------------------------------ PV
    def pv_costs(self) -> tuple[float, float, float, float]:
        """PV capex [CNY/kWp], O&M [CNY/kWp/yr], discount rate [1/yr] and life [yr]: the
        scenario's values, else the reference's ``asset_costs``."""
        cfg = self.config

        def given(value: float | None, key: str) -> float:
            return (
                float(value) if value is not None else self.reference.number(f"asset_costs.{key}")
            )

        return (
            given(cfg.pv_capex_cny_per_kwp, "pv_capex_cny_per_kwp"),
            given(cfg.pv_om_cny_per_kwp_yr, "pv_om_cny_per_kwp_yr"),
            given(cfg.discount_rate, "discount_rate"),
            given(cfg.pv_life_yr, "pv_life_yr"),
        )

    def _pv(
        self, park: ParkInputs, year: int, a: int, b: int, price: float, done: list[dict[str, Any]]
    ) -> bool:
        firms = park.firms
        room = np.maximum(firms.pv_potential_kwp - firms.pv_kwp, 0.0)
        if not np.any(room > 0.0):
            return False
        wdt = park.step_weight[a:b] * park.dt_h
        profile = park.pv_kw_per_kwp[a:b]
        yield_kwh = float(wdt @ profile)
        if yield_kwh <= 0.0:
            return False
        tariff = float((wdt * profile) @ park.import_price_cny_per_kwh[a:b]) / yield_kwh
        value = tariff + self.electricity_kgce_per_kwh / 1000.0 * price
        capex, om, rate, life = self.pv_costs()
        npv = float(pv_npv_cny_per_kwp(yield_kwh, value, capex, om, rate, life))
        if npv <= 0.0:
            return False
        annual = capex / annuity_factor(rate, life) + om
        idx = self.parks.index(park)
        for i in np.flatnonzero(room > 0.0):
            added = float(room[i])
            park.firm_pv_kw[a:, i] += park.pv_kw_per_kwp[a:] * added
            firms.pv_kwp[i] += added
            self.annual_cost_cny[idx][i] += annual * added
            done.append(self._record(park, i, year, "pv", added, "kWp", npv * added))
        return True

    # ------------------------------------------------------------------ retrofit
    def _retrofit(
        self, park: ParkInputs, year: int, a: int, b: int, price: float, done: list[dict[str, Any]]
    ) -> bool:
        firms = park.firms
        cost = np.where(firms.retrofit_saving_frac > 0.0, firms.retrofit_cost_cny_per_tce, np.inf)
        adopt = adopt_when_cheaper(cost, price)
        if not np.any(adopt):
            return False
        cols = np.flatnonzero(adopt)
        frac = firms.retrofit_saving_frac[cols]
        saved_tce, bill = self._apply_demand_change(park, a, b, cols, 1.0 - frac, None)
        idx = self.parks.index(park)
        for k, i in enumerate(cols):
            self.annual_cost_cny[idx][i] += (
                firms.retrofit_cost_cny_per_tce[i] * saved_tce[k] + (bill[k])
            )
            done.append(
                self._record(
                    park,
                    i,
                    year,
                    "efficiency_retrofit",
                    saved_tce[k],
                    "tce/yr",
                    (price - firms.retrofit_cost_cny_per_tce[i]) * saved_tce[k],
                )
            )
            firms.retrofit_saving_frac[i] = 0.0
        return True

    # ------------------------------------------------------------------ heat pump
    def _heat_pump(
        self,
        park: ParkInputs,
        year: int,
        a: int,
        b: int,
        price: float,
        hp_cost: FloatArray,
        done: list[dict[str, Any]],
    ) -> bool:
        firms = park.firms
        movable = firms.heat_pump_option & park.heat_pump_capable & ~firms.heat_electric
        fossil = park.heat_demand_kw_th[a:b] - park.heat_pump_heat_kw_th[a:b]
        need_kw = np.where(movable, fossil.max(axis=0, initial=0.0), 0.0)
        adopt = adopt_when_cheaper(np.where(need_kw > 0.0, hp_cost, np.inf), price)
        if not np.any(adopt):
            return False
        cols = np.flatnonzero(adopt)
        capacity = firms.heat_pump_kw_th.copy()
        capacity[cols] += need_kw[cols]
        saved_tce, bill = self._apply_demand_change(park, a, b, cols, None, capacity)
        idx = self.parks.index(park)
        for k, i in enumerate(cols):
            self.annual_cost_cny[idx][i] += hp_cost[i] * saved_tce[k] + bill[k]
            done.append(
                self._record(
                    park,
                    i,
                    year,
                    "heat_pump",
                    float(need_kw[i]),
                    "kW_th",
                    (price - hp_cost[i]) * saved_tce[k],
                )
            )
            firms.heat_pump_kw_th[i] = capacity[i]
            firms.heat_pump_option[i] = False
        return True

    # ------------------------------------------------------------------ battery
    def _battery(
        self, park: ParkInputs, run: ParkRun, year: int, a: int, b: int, done: list[dict[str, Any]]
    ) -> bool:
        """Add a battery to each firm without one whose NPV per kWh is positive."""
        ref = self.reference
        capex = ref.number("asset_costs.battery_capex_cny_per_kwh")
        om = ref.number("asset_costs.battery_om_cny_per_kwh_yr")
        life = ref.number("asset_costs.battery_life_yr")
        rate = self.pv_costs()[2]
        unit = BatteryConfig(energy_kwh=1.0)
        wear = float(
            battery_degradation_cost_cny_per_kwh(
                unit.replacement_cost_cny_per_kwh,
                unit.cycle_life,
                unit.soc_max_frac - unit.soc_min_frac,
            )
        )
        day = pd.Series(park.times[a:b].normalize(), index=np.arange(a, b))
        prices = pd.Series(park.import_price_cny_per_kwh[a:b], index=day.index)
        daily = prices.groupby(day.to_numpy()).agg(["max", "min"])
        weight = pd.Series(park.step_weight[a:b], index=day.index).groupby(day.to_numpy()).first()
        hours = float(park.step_weight[a:b].sum()) * park.dt_h
        per_year = 8760.0 / hours if hours > 0.0 else 0.0
        value = per_year * battery_arbitrage_value_cny_per_kwh(
            daily["max"].to_numpy(),
            daily["min"].to_numpy(),
            weight.to_numpy(),
            unit.soc_max_frac - unit.soc_min_frac,
            unit.eta_charge,
            unit.eta_discharge,
            wear,
        )
        npv_per_kwh = battery_npv_cny_per_kwh(value, capex, om, rate, life)
        if npv_per_kwh <= 0.0:
            return False
        has_battery = np.zeros(park.firms.size, dtype=bool)
        owners = park.unit_owner[park.unit_owner >= 0]
        has_battery[owners] = True
        mean_load_kw = (park.step_weight[a:b] @ park.firm_load_kw[a:b]) / max(
            float(park.step_weight[a:b].sum()), 1e-12
        )
        cols = np.flatnonzero(~has_battery & (mean_load_kw > 0.0))
        if cols.size == 0:
            return False
        sizes = self.config.battery_hours * mean_load_kw[cols]
        fleet, owner, soc0 = battery_units(
            [(int(i), BatteryConfig(energy_kwh=float(e))) for i, e in zip(cols, sizes, strict=True)]
        )
        run.add_battery_units(fleet, owner, soc0)
        idx = self.parks.index(park)
        annual = capex / annuity_factor(rate, life) + om
        for i, energy in zip(cols, sizes, strict=True):
            self.annual_cost_cny[idx][i] += annual * float(energy)
            done.append(self._record(park, i, year, "battery", energy, "kWh", npv_per_kwh * energy))
        return True

    # ------------------------------------------------------------------ shared
    def _apply_demand_change(
        self,
        park: ParkInputs,
        a: int,
        b: int,
        cols: NDArray[np.int64],
        demand_scale: FloatArray | None,
        heat_pump_capacity: FloatArray | None,
    ) -> tuple[FloatArray, FloatArray]:
        """Rescale demand or re-split heat for firms ``cols`` from step ``a`` on.

        Returns the energy use saved [tce] and the bill saved [CNY] over steps a..b-1.
        """
        firms = park.firms
        before = self._year_use_and_bill(park, a, b, cols)
        if demand_scale is not None:
            park.process_kw[a:, cols] *= demand_scale[None, :]
            park.heat_demand_kw_th[a:, cols] *= demand_scale[None, :]
        capacity = firms.heat_pump_kw_th if heat_pump_capacity is None else heat_pump_capacity
        supply = heat_supply(
            park.heat_demand_kw_th[a:, cols],
            capacity[cols],
            park.heat_pump_capable[cols],
            park.heat_pump_cop[a:, cols],
            firms.boiler_efficiency[cols],
            firms.heat_gas_share[cols],
            firms.heat_electric[cols],
            park.dt_h,
        )
        park.heat_pump_heat_kw_th[a:, cols] = supply.heat_pump_heat_kw_th
        park.heat_pump_kw[a:, cols] = supply.heat_pump_kw
        park.coal_kg[a:, cols] = supply.coal_kg
        park.gas_m3[a:, cols] = supply.gas_m3
        park.electric_boiler_kw[a:, cols] = supply.electric_boiler_kw
        park.firm_load_kw[a:, cols] = (
            park.process_kw[a:, cols] + supply.heat_pump_kw + supply.electric_boiler_kw
        )
        after = self._year_use_and_bill(park, a, b, cols)
        return before[0] - after[0], before[1] - after[1]

    def _year_use_and_bill(
        self, park: ParkInputs, a: int, b: int, cols: NDArray[np.int64]
    ) -> tuple[FloatArray, FloatArray]:
        """Energy use [tce] and energy bill [CNY] of firms ``cols`` over steps a..b-1."""
        w = park.step_weight[a:b]
        wdt = w * park.dt_h
        load_kwh = wdt @ park.firm_load_kw[a:b, cols]
        bill_elec = (wdt * park.import_price_cny_per_kwh[a:b]) @ park.firm_load_kw[a:b, cols]
        coal = w @ park.coal_kg[a:b, cols]
        gas = w @ park.gas_m3[a:b, cols]
        factors = self.reference.conversion_factors()
        counted = park.firms.counted_fuel_frac[cols]
        use = (
            load_kwh * self.electricity_kgce_per_kwh
            + (coal * factors.raw_coal_kgce_per_kg + gas * factors.natural_gas_kgce_per_m3)
            * counted
        ) / 1000.0
        bill = (
            bill_elec
            + coal / 1000.0 * park.coal_price_cny_per_t
            + gas * (park.gas_price_cny_per_m3)
        )
        return np.asarray(use, dtype=float), np.asarray(bill, dtype=float)

    @staticmethod
    def _record(
        park: ParkInputs, i: Any, year: int, kind: str, size: float, unit: str, npv: float
    ) -> dict[str, Any]:
        return {
            "year": year,
            "park": park.name,
            "firm": park.firms.names[int(i)],
            "kind": kind,
            "size": round(float(size), 6),
            "unit": unit,
            "npv_cny": round(float(npv), 6),
        }


def heat_pump_option_cost(options: Any) -> FloatArray:
    """Cost per tce of each firm's heat-pump abatement option (inf where it has none)."""
    kind = np.asarray(options.kind)
    cost = np.where(kind == int(OptionKind.HEAT_PUMP), options.cost_cny_per_tce, np.inf)
    capacity = np.where(kind == int(OptionKind.HEAT_PUMP), options.capacity_tce, 0.0)
    out: FloatArray = np.where(capacity.sum(axis=1) > 0.0, cost.min(axis=1), np.inf)
    return out
