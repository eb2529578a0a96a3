"""Run a dispatch strategy over a whole problem and total its costs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from agents.devices.battery import check_soc_kwh
from agents.dispatch.problem import ParkDispatchProblem
from agents.dispatch.protocol import DispatchStrategy
from agents.dispatch.stepping import step_dispatch
from agents.tariff import demand_charge_cny

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class DispatchOutcome:
    """Trajectories and cost breakdown of a run of ``T`` steps and ``U`` storage units.

    Attributes
    ----------
    strategy
        Name of the strategy.
    soc_kwh
        Stored energy per unit at each step boundary [kWh], shape ``(T + 1, U)``.
    charge_kw, discharge_kw
        AC power per step and unit [kW], shape ``(T, U)``.
    import_kw, export_kw, curtailment_kw, unserved_kw
        Grid flows, curtailment and unserved load per step [kW], shape ``(T,)``.
    energy_cny
        Import charges [CNY].
    export_revenue_cny
        Export revenue [CNY].
    demand_charge_cny
        Demand charges of all billing periods [CNY].
    degradation_cny
        Storage wear cost [CNY].
    unserved_cny
        Unserved load priced at the value of lost load [CNY].
    total_cny
        ``energy − export_revenue + demand_charge + degradation + unserved`` [CNY].
    """

    strategy: str
    soc_kwh: FloatArray
    charge_kw: FloatArray
    discharge_kw: FloatArray
    import_kw: FloatArray
    export_kw: FloatArray
    curtailment_kw: FloatArray
    unserved_kw: FloatArray
    energy_cny: float
    export_revenue_cny: float
    demand_charge_cny: float
    degradation_cny: float
    unserved_cny: float
    total_cny: float


def run_dispatch(
    problem: ParkDispatchProblem,
    strategy: DispatchStrategy,
    rng: np.random.Generator,
    initial_soc_kwh: ArrayLike | None = None,
) -> DispatchOutcome:
    """Reset ``strategy`` and step it through every step of ``problem``.

    Parameters
    ----------
    problem
        The dispatch problem.
    strategy
        Any strategy; it is reset with ``problem`` and ``rng`` first.
    rng
        Source of all randomness of the strategy.
    initial_soc_kwh
        Stored energy per unit at the start [kWh]; default: every unit at its SoC minimum.
    """
    fleet = problem.fleet
    soc = fleet.soc_min_kwh if initial_soc_kwh is None else check_soc_kwh(initial_soc_kwh, fleet)
    strategy.reset(problem, rng)
    n_steps, n_units = problem.n_steps, fleet.n_units
    soc_path = np.empty((n_steps + 1, n_units))
    soc_path[0] = soc
    charge = np.empty((n_steps, n_units))
    discharge = np.empty((n_steps, n_units))
    grid = np.empty((4, n_steps))
    degradation = 0.0
    peak = 0.0
    for t in range(n_steps):
        step = step_dispatch(t, soc, peak, problem, strategy)
        soc, peak = step.soc_kwh, step.peak_import_kw
        soc_path[t + 1] = soc
        charge[t] = step.charge_kw
        discharge[t] = step.discharge_kw
        grid[:, t] = (step.import_kw, step.export_kw, step.curtailment_kw, step.unserved_kw)
        degradation += step.degradation_cny
    imports, exports, curtailment, unserved = grid
    dt_h = problem.dt_h
    energy = float(imports @ problem.import_price_cny_per_kwh) * dt_h
    revenue = float(exports @ problem.export_price_cny_per_kwh) * dt_h
    demand = demand_charge_cny(
        imports, problem.billing_period, problem.demand_charge_cny_per_kw_month
    )
    unserved_cost = float(unserved.sum()) * dt_h * problem.value_of_lost_load_cny_per_kwh
    return DispatchOutcome(
        strategy=strategy.name,
        soc_kwh=soc_path,
        charge_kw=charge,
        discharge_kw=discharge,
        import_kw=imports.copy(),
        export_kw=exports.copy(),
        curtailment_kw=curtailment.copy(),
        unserved_kw=unserved.copy(),
        energy_cny=energy,
        export_revenue_cny=revenue,
        demand_charge_cny=demand,
        degradation_cny=degradation,
        unserved_cny=unserved_cost,
        total_cny=energy - revenue + demand + degradation + unserved_cost,
    )
