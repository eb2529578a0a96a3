"""One dispatch step of a park: strategy decision, battery physics and the bus balance."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from agents.devices.battery import (
    BatteryStep,
    battery_step,
    battery_step_trusted,
    check_soc_kwh,
)
from agents.dispatch.problem import DispatchInputError, ParkDispatchProblem
from agents.dispatch.protocol import DispatchStrategy
from agents.park_balance import grid_exchange_scalar

FloatArray = NDArray[np.float64]


class DispatchStep(NamedTuple):
    """Flows, state and costs of one step ``t``.

    Attributes
    ----------
    t
        Step index.
    soc_kwh
        Stored energy per unit at the end of the step [kWh], shape ``(U,)``.
    charge_kw, discharge_kw
        AC power per unit drawn from / delivered to the bus [kW], shape ``(U,)``.
    import_kw, export_kw, curtailment_kw, unserved_kw
        Grid import, grid export, curtailed renewable output and unserved load [kW].
    peak_import_kw
        Highest import so far in the billing period of step ``t``, this step included [kW].
    energy_cny
        Import charge of the step [CNY].
    export_revenue_cny
        Export revenue of the step [CNY].
    demand_charge_cny
        Increase of the billing period's demand charge caused by this step [CNY]; summed over
        the run it equals the demand charge.
    degradation_cny
        Wear cost of the step's storage throughput [CNY].
    unserved_cny
        Cost of the step's unserved load at the value of lost load [CNY].
    loss_kwh
        Storage conversion and self-discharge losses of the step [kWh].
    """

    t: int
    soc_kwh: FloatArray
    charge_kw: FloatArray
    discharge_kw: FloatArray
    import_kw: float
    export_kw: float
    curtailment_kw: float
    unserved_kw: float
    peak_import_kw: float
    energy_cny: float
    export_revenue_cny: float
    demand_charge_cny: float
    degradation_cny: float
    unserved_cny: float
    loss_kwh: float

    @property
    def total_cny(self) -> float:
        """Net cost of the step [CNY]: energy − export revenue + demand + wear + unserved."""
        return (
            self.energy_cny
            - self.export_revenue_cny
            + self.demand_charge_cny
            + self.degradation_cny
            + self.unserved_cny
        )


def period_peak_at_start_kw(t: int, peak_so_far_kw: float, problem: ParkDispatchProblem) -> float:
    """Peak import carried into step ``t`` [kW]: zero when ``t`` opens a new billing period."""
    if t > 0 and problem.billing_period[t] != problem.billing_period[t - 1]:
        return 0.0
    return float(peak_so_far_kw)


def _admissible(
    result: BatteryStep,
    soc_kwh: FloatArray,
    net_load_kw: float,
    renewable_kw: float,
    problem: ParkDispatchProblem,
) -> BatteryStep:
    """Scale back charging that would cause unserved load, or discharging the bus cannot absorb."""
    charge, discharge = result.charge_kw, result.discharge_kw
    total_charge, total_discharge = float(charge.sum()), float(discharge.sum())
    net_storage = total_charge - total_discharge
    limit = problem.grid_limit_kw
    high = max(limit - net_load_kw, 0.0)
    low = -(net_load_kw + renewable_kw + limit)
    if net_storage > high and total_charge > 0.0:
        cut = min(net_storage - high, total_charge)
        request = charge * (1.0 - cut / total_charge) - discharge
    elif net_storage < low and total_discharge > 0.0:
        cut = min(low - net_storage, total_discharge)
        request = charge - discharge * (1.0 - cut / total_discharge)
    else:
        return result
    return battery_step(soc_kwh, request, problem.dt_h, problem.fleet)


def step_dispatch(
    t: int,
    soc_kwh: FloatArray,
    peak_so_far_kw: float,
    problem: ParkDispatchProblem,
    strategy: DispatchStrategy,
    *,
    validate: bool = True,
) -> DispatchStep:
    """Run step ``t``: decide, apply the battery physics, balance the bus and price the result.

    The strategy's request is clipped by :func:`~agents.devices.battery.battery_step`; charging
    that would push the import beyond the grid limit (unserved load) and discharging beyond what
    the bus can absorb are then scaled back across the units in proportion.

    Parameters
    ----------
    t
        Step index, ``0 <= t < problem.n_steps``.
    soc_kwh
        Stored energy per unit at the start of the step [kWh], shape ``(U,)``.
    peak_so_far_kw
        ``peak_import_kw`` returned for step ``t - 1`` (0 for the first step) [kW]; it is reset
        to zero when step ``t`` opens a new billing period.
    problem
        The park's dispatch problem.
    strategy
        A strategy already ``reset`` with ``problem``.
    validate
        Check the inputs (default). The simulation engine passes ``False``: it feeds back the
        state this function returned, so the checks cannot fail there, and they cost more than
        the physics.
    """
    if validate:
        if not (isinstance(t, int | np.integer) and 0 <= t < problem.n_steps):
            raise DispatchInputError(f"t must be an integer in [0, {problem.n_steps}); got {t!r}")
        if not (np.isfinite(peak_so_far_kw) and peak_so_far_kw >= 0.0):
            raise DispatchInputError(
                f"peak_so_far_kw must be finite and >= 0; got {peak_so_far_kw!r}"
            )
        soc_kwh = check_soc_kwh(soc_kwh, problem.fleet)
    return _step_trusted(int(t), soc_kwh, peak_so_far_kw, problem, strategy, validate=validate)


def _step_trusted(
    t: int,
    soc_kwh: FloatArray,
    peak_so_far_kw: float,
    problem: ParkDispatchProblem,
    strategy: DispatchStrategy,
    *,
    validate: bool = False,
) -> DispatchStep:
    """The step's physics; with ``validate`` the strategy's request is checked as well."""
    peak_start = period_peak_at_start_kw(t, peak_so_far_kw, problem)
    request = strategy.decide(t, soc_kwh, peak_start)
    net_load = float(problem.net_load_kw[t])
    renewable = float(problem.renewable_kw[t])
    dt_h = problem.dt_h
    if validate:
        result = battery_step(soc_kwh, request, dt_h, problem.fleet)
    else:
        result = battery_step_trusted(
            soc_kwh, np.asarray(request, dtype=np.float64), dt_h, problem.fleet
        )
    result = _admissible(result, soc_kwh, net_load, renewable, problem)
    net_storage = float(result.charge_kw.sum() - result.discharge_kw.sum())
    import_kw, export_kw, curtailment_kw, unserved_kw = grid_exchange_scalar(
        net_load, net_storage, renewable, problem.grid_limit_kw
    )
    peak = max(peak_start, import_kw)
    return DispatchStep(
        t=t,
        soc_kwh=result.soc_kwh,
        charge_kw=result.charge_kw,
        discharge_kw=result.discharge_kw,
        import_kw=import_kw,
        export_kw=export_kw,
        curtailment_kw=curtailment_kw,
        unserved_kw=unserved_kw,
        peak_import_kw=peak,
        energy_cny=import_kw * float(problem.import_price_cny_per_kwh[t]) * dt_h,
        export_revenue_cny=export_kw * float(problem.export_price_cny_per_kwh[t]) * dt_h,
        demand_charge_cny=(peak - peak_start) * problem.demand_charge_cny_per_kw_month,
        degradation_cny=float(result.degradation_cny.sum()),
        unserved_cny=unserved_kw * problem.value_of_lost_load_cny_per_kwh * dt_h,
        loss_kwh=float(result.loss_kwh.sum()),
    )
