"""State and records of one park during a run, stepped by the simulation's park process.

The class is plain Python over numpy arrays: the SimPy process (:mod:`market.engine.simulation`)
only calls :meth:`ParkRun.step` (or steps the park in a
:class:`~market.engine.park_batch.ParkBatch`, which writes into the same records) and
:meth:`ParkRun.settle_block`. Per-step work is
park-level (storage dispatch and grid exchange); per-firm accounting is settled in blocks (one day
at a time) with array operations over (steps × firms), so no Python loop runs per firm and hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from agents.bus_allocation import FirmBusShares, firm_meter_kw, share_bus
from agents.devices.battery import BatteryFleet, concat_fleets
from agents.dispatch import DispatchStrategy, ParkDispatchProblem, make_strategy, step_dispatch
from market.build import ParkInputs

FloatArray = NDArray[np.float64]


@dataclass
class FirmTotals:
    """Per-firm running totals over the settled steps, arrays of shape (n_firms,)."""

    load_kwh: FloatArray
    renewable_kwh: FloatArray
    pv_kwh: FloatArray
    grid_kwh: FloatArray
    energy_cost_cny: FloatArray
    exported_kwh: FloatArray
    export_revenue_cny: FloatArray
    curtailed_kwh: FloatArray
    unserved_kwh: FloatArray
    self_consumed_renewable_kwh: FloatArray
    peak_grid_import_kw: FloatArray
    heat_pump_kwh: FloatArray
    heat_pump_heat_kwh_th: FloatArray
    heat_demand_kwh_th: FloatArray
    coal_kg: FloatArray
    gas_m3: FloatArray
    production_t: FloatArray
    degradation_cny: FloatArray

    @classmethod
    def zeros(cls, n_firms: int) -> FirmTotals:
        """All totals at zero."""
        return cls(**{name: np.zeros(n_firms) for name in cls.__dataclass_fields__})


@dataclass
class ParkRun:
    """Mutable run state of one park plus its per-step records."""

    inputs: ParkInputs
    strategy: DispatchStrategy
    soc_kwh: FloatArray
    import_kw: FloatArray
    export_kw: FloatArray
    curtailment_kw: FloatArray
    unserved_kw: FloatArray
    charge_kw: FloatArray
    discharge_kw: FloatArray
    soc_record_kwh: FloatArray
    degradation_cny: FloatArray
    firm: FirmTotals
    peak_import_kw: float = 0.0
    settled_until: int = 0
    period_peak_kw: dict[int, float] = field(default_factory=dict)
    period_peak_firm_kw: dict[int, FloatArray] = field(default_factory=dict)
    problem: ParkDispatchProblem | None = None
    rng: np.random.Generator | None = None
    by_year: dict[int, dict[str, FloatArray]] = field(default_factory=dict)

    @classmethod
    def start(cls, inputs: ParkInputs, rng: np.random.Generator) -> ParkRun:
        """Create the run state and reset the operator's strategy on the park's problem."""
        name = "idle" if inputs.operator_strategy == "none" else inputs.operator_strategy
        params = dict(inputs.operator_params) if name == "optimal" else {}
        strategy = make_strategy(name, **params)
        problem = inputs.dispatch_problem()
        strategy.reset(problem, rng)
        n, units = inputs.n_steps, inputs.unit_owner.size
        return cls(
            problem=problem,
            rng=rng,
            inputs=inputs,
            strategy=strategy,
            soc_kwh=inputs.initial_soc_kwh.copy(),
            import_kw=np.zeros(n),
            export_kw=np.zeros(n),
            curtailment_kw=np.zeros(n),
            unserved_kw=np.zeros(n),
            charge_kw=np.zeros((n, units)),
            discharge_kw=np.zeros((n, units)),
            soc_record_kwh=np.zeros((n, units)),
            degradation_cny=np.zeros(n),
            firm=FirmTotals.zeros(inputs.firms.size),
        )

    def add_battery_units(
        self, fleet: BatteryFleet, owner: NDArray[np.int64], soc0_kwh: FloatArray
    ) -> None:
        """Add storage units (an investment) from the next step on, then rebuild the problem.

        The park's fleet, unit owners and initial states grow by the new units; the recorded
        flows of the steps already run hold zeros for them.
        """
        inputs = self.inputs
        # The park's equipment changes mid-run here and only here (frozen elsewhere).
        object.__setattr__(inputs, "fleet", concat_fleets(inputs.fleet, fleet))
        object.__setattr__(inputs, "unit_owner", np.concatenate((inputs.unit_owner, owner)))
        object.__setattr__(
            inputs, "initial_soc_kwh", np.concatenate((inputs.initial_soc_kwh, soc0_kwh))
        )
        extra = np.zeros((inputs.n_steps, owner.size))
        self.charge_kw = np.hstack((self.charge_kw, extra))
        self.discharge_kw = np.hstack((self.discharge_kw, extra))
        self.soc_record_kwh = np.hstack((self.soc_record_kwh, extra))
        self.soc_kwh = np.concatenate((self.soc_kwh, soc0_kwh))
        self.refresh_problem()

    def refresh_problem(self) -> None:
        """Rebuild the dispatch problem after the park's arrays changed (an investment)."""
        self.problem = self.inputs.dispatch_problem()
        assert self.rng is not None
        self.strategy.reset(self.problem, self.rng)

    def step(self, t: int) -> None:
        """Dispatch storage and settle the grid exchange for step ``t``."""
        problem = self.problem
        assert problem is not None
        inputs = self.inputs
        period = int(inputs.billing_period[t])
        peak_so_far = self.period_peak_kw.get(period, 0.0)
        result = step_dispatch(t, self.soc_kwh, peak_so_far, problem, self.strategy, validate=False)
        self.soc_kwh = result.soc_kwh
        self.import_kw[t] = result.import_kw
        self.export_kw[t] = result.export_kw
        self.curtailment_kw[t] = result.curtailment_kw
        self.unserved_kw[t] = result.unserved_kw
        self.charge_kw[t] = result.charge_kw
        self.discharge_kw[t] = result.discharge_kw
        self.soc_record_kwh[t] = result.soc_kwh
        self.degradation_cny[t] = result.degradation_cny
        if result.import_kw > peak_so_far or period not in self.period_peak_kw:
            self.period_peak_kw[period] = max(peak_so_far, float(result.import_kw))

    def settle_block(self, stop: int) -> dict[str, float]:
        """Allocate steps ``settled_until .. stop-1`` to firms and add them to the totals.

        Returns
        -------
        dict
            Park totals of the block (kWh, CNY, kg), for the day event.
        """
        a, b = self.settled_until, stop
        inputs = self.inputs
        dt = inputs.dt_h
        owner = inputs.unit_owner
        n_firms = inputs.firms.size
        rows = b - a
        own_charge = np.zeros((rows, n_firms))
        own_discharge = np.zeros((rows, n_firms))
        firm_units = np.flatnonzero(owner >= 0)
        if firm_units.size:
            np.add.at(own_charge.T, owner[firm_units], self.charge_kw[a:b, firm_units].T)
            np.add.at(own_discharge.T, owner[firm_units], self.discharge_kw[a:b, firm_units].T)
        shared_units = owner < 0
        shared_charge = self.charge_kw[a:b, shared_units].sum(axis=1)
        shared_discharge = self.discharge_kw[a:b, shared_units].sum(axis=1)
        firm_ren = inputs.firm_pv_kw[a:b] + inputs.firm_wind_kw[a:b]
        shared_ren = inputs.shared_pv_kw[a:b] + inputs.shared_wind_kw[a:b]
        load = inputs.firm_load_kw[a:b]
        meter = firm_meter_kw(load, firm_ren, own_charge, own_discharge)
        shares = self._bus_shares(a, b, meter, shared_ren, shared_charge, shared_discharge)
        price = inputs.import_price_cny_per_kwh[a:b, None]
        export_price = inputs.export_price_cny_per_kwh[a:b, None]
        # Energy weight of each step [h]: dt, times the number of days a representative day
        # stands for when the run uses representative days.
        w = inputs.step_weight[a:b]
        wdt = w * dt

        def kwh(power_kw: FloatArray) -> FloatArray:
            out: FloatArray = wdt @ power_kw
            return out

        def per_step(amount: FloatArray) -> FloatArray:
            out: FloatArray = w @ amount
            return out

        tot = self.firm
        tot.load_kwh += kwh(load)
        tot.renewable_kwh += kwh(firm_ren)
        tot.pv_kwh += kwh(inputs.firm_pv_kw[a:b])
        grid_kwh = kwh(shares.grid_import_kw)
        tot.grid_kwh += grid_kwh
        tot.energy_cost_cny += kwh(shares.grid_cost_cny_per_h)
        tot.exported_kwh += kwh(shares.exported_kw)
        tot.export_revenue_cny += kwh(shares.exported_kw * export_price)
        tot.curtailed_kwh += kwh(shares.curtailed_kw)
        tot.unserved_kwh += kwh(shares.unserved_kw)
        tot.self_consumed_renewable_kwh += kwh(firm_ren - np.minimum(shares.feed_kw, firm_ren))
        tot.peak_grid_import_kw = np.maximum(
            tot.peak_grid_import_kw, shares.instant_grid_import_kw.max(axis=0, initial=0.0)
        )
        tot.heat_pump_kwh += kwh(inputs.heat_pump_kw[a:b])
        tot.heat_pump_heat_kwh_th += kwh(inputs.heat_pump_heat_kw_th[a:b])
        tot.heat_demand_kwh_th += kwh(inputs.heat_demand_kw_th[a:b])
        coal = per_step(inputs.coal_kg[a:b])
        gas = per_step(inputs.gas_m3[a:b])
        production = per_step(inputs.production_t[a:b])
        tot.coal_kg += coal
        tot.gas_m3 += gas
        tot.production_t += production
        if firm_units.size:
            unit_deg = self._unit_degradation_cny(a, b)
            np.add.at(tot.degradation_cny, owner[firm_units], unit_deg[firm_units])
        # Coincident peak per billing period: remember the firms' import at the park's peak step.
        periods = inputs.billing_period[a:b]
        for period in np.unique(periods):
            idx = np.flatnonzero(periods == period)
            k = int(idx[int(np.argmax(self.import_kw[a:b][idx]))])
            key = int(period)
            if (
                key not in self.period_peak_firm_kw
                or self.import_kw[a + k] >= self.period_peak_kw[key] - 1e-12
            ):
                self.period_peak_firm_kw[key] = shares.instant_grid_import_kw[k].copy()
        year = int(inputs.times[a].year)
        acc = self.by_year.setdefault(
            year, {k: np.zeros(n_firms) for k in ("grid_kwh", "coal_kg", "gas_m3", "production_t")}
        )
        acc["grid_kwh"] += grid_kwh
        acc["coal_kg"] += coal
        acc["gas_m3"] += gas
        acc["production_t"] += production
        self.settled_until = b
        return {
            "load_kwh": float(kwh(load).sum()),
            "renewable_kwh": float(wdt @ (firm_ren.sum(axis=1) + shared_ren)),
            "import_kwh": float(wdt @ self.import_kw[a:b]),
            "export_kwh": float(wdt @ self.export_kw[a:b]),
            "curtailment_kwh": float(wdt @ self.curtailment_kw[a:b]),
            "energy_cost_cny": float(wdt @ (self.import_kw[a:b] * price[:, 0])),
            "peak_import_kw": float(self.import_kw[a:b].max(initial=0.0)),
            "coal_kg": float(coal.sum()),
            "gas_m3": float(gas.sum()),
        }

    def _bus_shares(
        self,
        a: int,
        b: int,
        meter_kw: FloatArray,
        shared_renewable_kw: FloatArray,
        shared_charge_kw: FloatArray,
        shared_discharge_kw: FloatArray,
    ) -> FirmBusShares:
        """Firms' shares of steps a..b-1, allocated per run of equal step weight.

        Each run is closed on its own (the grid still stored in the shared battery is charged at
        its last step), so weighted sums over firms equal the park's over every block even when
        a block spans representative days of different weights.
        """
        inputs = self.inputs
        shared = inputs.unit_owner < 0
        # Stored energy of the shared units at the end of steps a-1 .. b-1 (index 0: the start).
        soc = np.concatenate(
            (
                self.soc_record_kwh[a - 1 : a, shared].sum(axis=1)
                if a > 0
                else inputs.initial_soc_kwh[shared].sum(keepdims=True),
                self.soc_record_kwh[a:b, shared].sum(axis=1),
            )
        )
        weight = inputs.step_weight[a:b]
        cuts = np.flatnonzero(np.diff(weight)) + 1
        parts = []
        for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, b - a], strict=True):
            s, e = a + int(lo), a + int(hi)
            parts.append(
                share_bus(
                    meter_kw[lo:hi],
                    self.import_kw[s:e],
                    self.export_kw[s:e],
                    self.curtailment_kw[s:e],
                    self.unserved_kw[s:e],
                    shared_renewable_kw[lo:hi],
                    shared_charge_kw[lo:hi],
                    shared_discharge_kw[lo:hi],
                    soc[lo + 1 : hi + 1],
                    float(soc[lo]),
                    inputs.import_price_cny_per_kwh[s:e],
                    inputs.dt_h,
                )
            )
        if len(parts) == 1:
            return parts[0]
        return FirmBusShares(
            **{
                name: np.concatenate([getattr(p, name) for p in parts])
                for name in FirmBusShares.__dataclass_fields__
            }
        )

    def _unit_degradation_cny(self, a: int, b: int) -> FloatArray:
        """Degradation cost per storage unit over steps a..b-1 [CNY]."""
        fleet = self.inputs.fleet
        wdt = self.inputs.step_weight[a:b] * self.inputs.dt_h
        throughput_kwh = wdt @ (self.charge_kw[a:b] + self.discharge_kw[a:b])
        out: FloatArray = throughput_kwh * fleet.degradation_cny_per_kwh
        return out
