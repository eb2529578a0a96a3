"""The numbers of one dispatch programme, ready for a solver, and the solution it returns.

:func:`prepare_programme` validates a planning window and merges storage units into groups;
:class:`DispatchProgramme` holds everything a formulation needs (per group and per step), so the
PuLP formulation (:mod:`agents.dispatch.lp`) and the array formulation solved through HiGHS'
own interface (:mod:`agents.dispatch.highs_lp`) state one and the same programme. Both return a
:class:`GroupSolution`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from agents.devices.battery import BatteryFleet, check_soc_kwh, retention_factor
from agents.dispatch.problem import DispatchInputError, ParkDispatchProblem

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Extra objective cost per kWh of throughput [CNY/kWh] that breaks ties against
#: simultaneous charging and discharging; not part of any reported cost.
TIE_BREAK_CNY_PER_KWH = 1e-6

#: Margin [CNY/kWh] by which the unserved penalty exceeds the dearest import plus demand rate.
UNSERVED_MARGIN_CNY_PER_KWH = 1e-3

#: Relative MIP gap asked of the solver (only used when binaries are present).
MIP_GAP_REL = 1e-9

#: Tolerance [kW per kW of grid limit] on simultaneous import and export in a solution.
BALANCE_TOLERANCE_KW = 1e-7

#: Renewable output below this [kW] is treated as zero in the programme's bounds.
TINY_KW = 1e-9

#: Significant digits used when comparing unit parameters for grouping.
_GROUP_DIGITS = 12


class DispatchPlanningError(RuntimeError):
    """The dispatch programme could not be solved to optimality."""


def group_units(fleet: BatteryFleet, soc_kwh: FloatArray) -> tuple[IntArray, int]:
    """Group index per unit (``-1`` for units without energy) and the number of groups.

    Units share a group when their C-rate, efficiencies, SoC window, self-discharge, wear cost
    and state-of-charge fraction agree to 12 significant digits.
    """
    active = fleet.energy_kwh > 0.0
    group = np.full(fleet.n_units, -1, dtype=np.int64)
    if not np.any(active):
        return group, 0
    energy = fleet.energy_kwh[active]
    keys = np.column_stack(
        (
            fleet.power_kw[active] / energy,
            fleet.eta_charge[active],
            fleet.eta_discharge[active],
            fleet.soc_min_frac[active],
            fleet.soc_max_frac[active],
            fleet.self_discharge_per_h[active],
            fleet.degradation_cny_per_kwh[active],
            soc_kwh[active] / energy,
        )
    )
    rounded = [tuple(float(f"{v:.{_GROUP_DIGITS}g}") for v in row) for row in keys.tolist()]
    # Groups are numbered in the lexicographic order of their keys.
    number = {key: g for g, key in enumerate(sorted(set(rounded)))}
    group[active] = [number[key] for key in rounded]
    return group, len(number)


def _group_sums(values: FloatArray, group: IntArray, n_groups: int) -> FloatArray:
    active = group >= 0
    sums = np.bincount(group[active], weights=values[active], minlength=n_groups)
    return np.asarray(sums, dtype=np.float64)


def _group_first(values: FloatArray, group: IntArray, n_groups: int) -> FloatArray:
    """A per-unit parameter per group (all members of a group share it)."""
    out = np.zeros(n_groups)
    active = group >= 0
    out[group[active]] = values[active]
    return out


@dataclass(frozen=True)
class DispatchProgramme:
    """One window's dispatch programme in numbers (``G`` unit groups, ``H`` steps).

    Attributes
    ----------
    problem
        The window planned (its net load may be a forecast).
    soc0_kwh
        Stored energy per unit at the start [kWh], shape ``(U,)``, validated.
    peak_so_far_kw
        Highest import already incurred in the first step's billing period [kW].
    value_cny_per_kwh
        Terminal value per unit [CNY/kWh], shape ``(U,)``.
    group, n_groups
        Group index per unit (``-1``: no energy) and the number of groups.
    energy_g_kwh, power_g_kw, soc0_g_kwh, smin_g_kwh, smax_g_kwh
        Summed energy, power, initial state and SoC window per group, shape ``(G,)``.
    eta_charge_g, eta_discharge_g, kappa_g
        Efficiencies and retention over one step per group [-].
    wear_g_cny_per_kwh, value_g_cny_per_kwh
        Wear cost and terminal value per group [CNY/kWh].
    penalty_cny_per_kwh
        Objective cost of unserved load [CNY/kWh] (see :mod:`agents.dispatch.lp`).
    renewable_kw
        Renewable output bound on curtailment [kW], tiny values set to zero, shape ``(H,)``.
    peak_periods
        Billing periods the window touches, in order of first appearance (empty when the
        demand rate is zero).
    peak_low_kw, peak_weight
        Lower bound [kW] and demand-rate weight [-] of each period's peak, in that order.
    reversed_steps
        Steps where the export price exceeds the import price.
    """

    problem: ParkDispatchProblem
    soc0_kwh: FloatArray
    peak_so_far_kw: float
    value_cny_per_kwh: FloatArray
    group: IntArray
    n_groups: int
    energy_g_kwh: FloatArray
    power_g_kw: FloatArray
    soc0_g_kwh: FloatArray
    smin_g_kwh: FloatArray
    smax_g_kwh: FloatArray
    eta_charge_g: FloatArray
    eta_discharge_g: FloatArray
    kappa_g: FloatArray
    wear_g_cny_per_kwh: FloatArray
    value_g_cny_per_kwh: FloatArray
    penalty_cny_per_kwh: float
    renewable_kw: FloatArray
    peak_periods: tuple[int, ...]
    peak_low_kw: tuple[float, ...]
    peak_weight: tuple[float, ...]
    reversed_steps: tuple[int, ...]

    @property
    def n_steps(self) -> int:
        """Number of planned steps ``H``."""
        return self.problem.n_steps


@dataclass(frozen=True)
class GroupSolution:
    """A solved programme's values per step (and group) [kW, kWh].

    ``charge_g``, ``discharge_g`` and ``soc_g`` have shape ``(H, G)``; ``is_mip`` tells whether
    direction binaries were needed; ``solver_seconds`` is the wall time spent in the solver's
    solve calls [s].
    """

    imports: FloatArray
    exports: FloatArray
    curtailment: FloatArray
    unserved: FloatArray
    charge_g: FloatArray
    discharge_g: FloatArray
    soc_g: FloatArray
    is_mip: bool
    solver_seconds: float


def prepare_programme(
    problem: ParkDispatchProblem,
    initial_soc_kwh: FloatArray,
    peak_so_far_kw: float,
    terminal_value_cny_per_kwh: FloatArray | None,
    demand_weight_by_period: Mapping[int, float] | None,
) -> DispatchProgramme:
    """Validate a window's state and settings and compute the programme's numbers.

    Raises
    ------
    DispatchInputError
        For a state of charge outside the fleet's window, a negative or non-finite peak, a
        non-finite terminal value or a demand weight outside ``[0, 1]``.
    """
    fleet = problem.fleet
    soc0 = check_soc_kwh(initial_soc_kwh, fleet)
    if not (np.isfinite(peak_so_far_kw) and peak_so_far_kw >= 0.0):
        raise DispatchInputError(f"peak_so_far_kw must be finite and >= 0; got {peak_so_far_kw!r}")
    value = np.zeros(fleet.n_units)
    if terminal_value_cny_per_kwh is not None:
        value = np.broadcast_to(
            np.asarray(terminal_value_cny_per_kwh, dtype=np.float64), (fleet.n_units,)
        ).copy()
        if not np.all(np.isfinite(value)):
            raise DispatchInputError("terminal_value_cny_per_kwh must be finite")

    group, n_groups = group_units(fleet, soc0)
    energy_g = _group_sums(fleet.energy_kwh, group, n_groups)
    dt = problem.dt_h
    price = problem.import_price_cny_per_kwh
    rate = problem.demand_charge_cny_per_kw_month
    penalty = max(
        problem.value_of_lost_load_cny_per_kwh,
        float(price.max()) + rate / dt + UNSERVED_MARGIN_CNY_PER_KWH,
    )
    periods: tuple[int, ...] = ()
    lows: tuple[float, ...] = ()
    weights_out: tuple[float, ...] = ()
    if rate > 0.0:
        seen = dict.fromkeys(int(p) for p in problem.billing_period)
        periods = tuple(seen)
        first = periods[0]
        lows = tuple(float(peak_so_far_kw) if p == first else 0.0 for p in periods)
        weights = {} if demand_weight_by_period is None else dict(demand_weight_by_period)
        chosen = []
        for p in periods:
            weight = float(weights.get(p, 1.0))
            if not 0.0 <= weight <= 1.0:
                raise DispatchInputError(
                    f"demand_weight_by_period[{p}] must lie in [0, 1]; got {weight!r}"
                )
            chosen.append(weight)
        weights_out = tuple(chosen)
    return DispatchProgramme(
        problem=problem,
        soc0_kwh=soc0,
        peak_so_far_kw=float(peak_so_far_kw),
        value_cny_per_kwh=value,
        group=group,
        n_groups=n_groups,
        energy_g_kwh=energy_g,
        power_g_kw=_group_sums(fleet.power_kw, group, n_groups),
        soc0_g_kwh=_group_sums(soc0, group, n_groups),
        smin_g_kwh=_group_first(fleet.soc_min_frac, group, n_groups) * energy_g,
        smax_g_kwh=_group_first(fleet.soc_max_frac, group, n_groups) * energy_g,
        eta_charge_g=_group_first(fleet.eta_charge, group, n_groups),
        eta_discharge_g=_group_first(fleet.eta_discharge, group, n_groups),
        kappa_g=_group_first(retention_factor(dt, fleet), group, n_groups),
        wear_g_cny_per_kwh=_group_first(fleet.degradation_cny_per_kwh, group, n_groups),
        value_g_cny_per_kwh=_group_first(value, group, n_groups),
        penalty_cny_per_kwh=penalty,
        renewable_kw=np.where(problem.renewable_kw > TINY_KW, problem.renewable_kw, 0.0),
        peak_periods=periods,
        peak_low_kw=lows,
        peak_weight=weights_out,
        reversed_steps=tuple(np.flatnonzero(problem.export_price_cny_per_kwh > price).tolist()),
    )
