"""Cost-minimal storage schedule for a window of steps, as a linear programme in PuLP.

The programme has exactly the physics of :func:`~agents.devices.battery.battery_step` and
:func:`~agents.park_balance.grid_exchange`, so that for a perfect forecast its predicted cost is
the cost the simulation settles. For each unit group ``g`` and step ``k`` (``dt`` hours):

* ``s[g,k] = smin + κ (s[g,k-1] - smin) + η_c dt c[g,k] - dt d[g,k] / η_d`` with
  ``κ = (1 - self_discharge)^dt``, ``smin <= s <= smax``, ``0 <= c, d <= P``;
* bus: ``imp - exp - curt + uns = net_load + Σ_g c - Σ_g d``, ``0 <= imp, exp <= limit``,
  ``0 <= curt <= renewable``, ``uns >= 0``;
* demand: ``peak[p] >= imp[k]`` for the steps of billing period ``p``, and the first period's
  peak is at least the peak already incurred in it.

Objective [CNY]: ``Σ dt (price imp - export_price exp + penalty uns) + Σ dt wear (c + d)
+ rate Σ peak - Σ_g value_g s[g,H]``. The simulation imports before it leaves load unserved;
the unserved penalty is therefore ``max(VoLL, max price + rate / dt + margin)`` so that the
programme never sheds load to save demand charges. Costs reported in the plan use the value of
lost load itself. A tiny extra cost per kWh of throughput rules out charging and discharging one
unit at once.

Where the export price exceeds the import price, importing and exporting at once would pay in
the programme but is impossible at one meter. Those steps get two cuts that every simulated
schedule satisfies (import at most the park's own need plus charging, export at most its own
surplus plus discharging); if the solution still imports and exports at once, a binary per such
step forbids it and the programme is re-solved as a small mixed-integer programme.

Units with identical parameters (up to scale) and the same state-of-charge fraction are merged
into one group with the summed energy and power; the group plan is shared back in proportion to
energy, which is exact because the physics is linear and homogeneous.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pulp
from numpy.typing import NDArray

from agents.devices.battery import BatteryFleet, check_soc_kwh, retention_factor
from agents.dispatch.problem import DispatchInputError, ParkDispatchProblem

FloatArray = NDArray[np.float64]

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


@dataclass(frozen=True)
class DispatchPlan:
    """An optimised storage schedule for steps ``[start, start + H)`` of a run.

    Attributes
    ----------
    start
        Run step index of the first planned step.
    charge_kw, discharge_kw
        Planned AC power per step and unit [kW], shape ``(H, U)``.
    soc_kwh
        Planned stored energy per unit at each step boundary [kWh], shape ``(H + 1, U)``.
    import_kw, export_kw, curtailment_kw, unserved_kw
        Planned grid flows [kW], shape ``(H,)``.
    energy_cny, export_revenue_cny, degradation_cny, unserved_cny
        Predicted costs of the window [CNY], with the meanings of
        :class:`~agents.dispatch.run.DispatchOutcome`.
    demand_charge_cny
        Demand charge of the billing periods the window touches [CNY], counting the peak already
        incurred in the first one.
    total_cny
        ``energy − export_revenue + demand + degradation + unserved`` [CNY].
    terminal_value_cny
        Value credited to the energy left above the SoC minimum at the end [CNY].
    n_groups
        Number of merged unit groups in the programme.
    is_mip
        Whether direction binaries were needed.
    solve_seconds
        Wall time to build and solve the programme [s].
    """

    start: int
    charge_kw: FloatArray
    discharge_kw: FloatArray
    soc_kwh: FloatArray
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
    terminal_value_cny: float
    n_groups: int
    is_mip: bool
    solve_seconds: float

    @property
    def n_steps(self) -> int:
        """Number of planned steps ``H``."""
        return int(self.import_kw.shape[0])

    def request_kw(self, t: int) -> FloatArray:
        """Planned net power per unit for run step ``t`` [kW] (``> 0`` charge, sign of
        ``battery_step``)."""
        row = t - self.start
        if not 0 <= row < self.n_steps:
            raise DispatchInputError(
                f"t must lie in the planned steps [{self.start}, {self.start + self.n_steps}); "
                f"got {t}"
            )
        return np.asarray(self.charge_kw[row] - self.discharge_kw[row], dtype=np.float64)


def default_solver(name: str = "highs") -> pulp.LpSolver:
    """In-process HiGHS (``"highs"``, falling back to CBC if unavailable) or CBC (``"cbc"``).

    CBC is a CBC binary on the path if there is one, otherwise the one bundled with PuLP 3.
    """
    if name == "highs":
        highs = pulp.HiGHS(msg=False, gapRel=MIP_GAP_REL)
        if highs.available():
            return highs
    coin = pulp.COIN_CMD(msg=False, gapRel=MIP_GAP_REL)
    if coin.available():
        return coin
    with warnings.catch_warnings():
        # The bundled CBC is the documented fallback for PuLP 3.x (pinned below 4).
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(msg=False, gapRel=MIP_GAP_REL)


def group_units(fleet: BatteryFleet, soc_kwh: FloatArray) -> tuple[NDArray[np.int64], int]:
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
    rounded = np.array([[float(f"{v:.{_GROUP_DIGITS}g}") for v in row] for row in keys])
    _, inverse = np.unique(rounded, axis=0, return_inverse=True)
    group[active] = inverse.reshape(-1)
    return group, int(inverse.max()) + 1


def _group_sums(values: FloatArray, group: NDArray[np.int64], n_groups: int) -> FloatArray:
    active = group >= 0
    sums = np.bincount(group[active], weights=values[active], minlength=n_groups)
    return np.asarray(sums, dtype=np.float64)


def _group_first(values: FloatArray, group: NDArray[np.int64], n_groups: int) -> FloatArray:
    """A per-unit parameter per group (all members of a group share it)."""
    out = np.zeros(n_groups)
    active = group >= 0
    out[group[active]] = values[active]
    return out


def _solve(lp: pulp.LpProblem, solver: pulp.LpSolver) -> None:
    lp.solve(solver)
    if lp.status != pulp.LpStatusOptimal:
        raise DispatchPlanningError(
            f"dispatch programme not solved to optimality: status {pulp.LpStatus[lp.status]!r}"
        )


def solve_dispatch_lp(
    problem: ParkDispatchProblem,
    initial_soc_kwh: FloatArray,
    peak_so_far_kw: float = 0.0,
    terminal_value_cny_per_kwh: FloatArray | None = None,
    *,
    start: int = 0,
    demand_weight_by_period: Mapping[int, float] | None = None,
    solver: pulp.LpSolver | None = None,
) -> DispatchPlan:
    """Plan the cost-minimal storage schedule over every step of ``problem``.

    Parameters
    ----------
    problem
        The window to plan (its net load may be a forecast).
    initial_soc_kwh
        Stored energy per unit at the start of the window [kWh], shape ``(U,)``.
    peak_so_far_kw
        Highest import already incurred in the billing period of the first step [kW].
    terminal_value_cny_per_kwh
        Value per kWh stored above the SoC minimum at the end of the window [CNY/kWh], shape
        ``(U,)``; ``None`` values it at zero (the end of a run).
    start
        Run step index of the window's first step (recorded in the plan).
    demand_weight_by_period
        Factor in ``[0, 1]`` on the demand rate of each billing period in the objective
        (default 1). A rolling planner that sees only part of a period uses it to spread the
        cost of raising the peak over the rest of the period; reported costs use the full rate.
    solver
        A PuLP solver; default :func:`default_solver`.

    Raises
    ------
    DispatchPlanningError
        If the solver does not report an optimal solution.
    """
    began = time.perf_counter()
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
    power_g = _group_sums(fleet.power_kw, group, n_groups)
    soc0_g = _group_sums(soc0, group, n_groups)
    smin_g = _group_first(fleet.soc_min_frac, group, n_groups) * energy_g
    smax_g = _group_first(fleet.soc_max_frac, group, n_groups) * energy_g
    eta_c_g = _group_first(fleet.eta_charge, group, n_groups)
    eta_d_g = _group_first(fleet.eta_discharge, group, n_groups)
    wear_g = _group_first(fleet.degradation_cny_per_kwh, group, n_groups)
    value_g = _group_first(value, group, n_groups)
    dt = problem.dt_h
    kappa_g = _group_first(retention_factor(dt, fleet), group, n_groups)

    n_steps = problem.n_steps
    price = problem.import_price_cny_per_kwh
    export_price = problem.export_price_cny_per_kwh
    limit = problem.grid_limit_kw
    rate = problem.demand_charge_cny_per_kw_month
    penalty = max(
        problem.value_of_lost_load_cny_per_kwh,
        float(price.max()) + rate / dt + UNSERVED_MARGIN_CNY_PER_KWH,
    )

    lp = pulp.LpProblem("park_dispatch", pulp.LpMinimize)
    add = lp.add_variable
    imp = [add(f"imp{k}", 0.0, limit) for k in range(n_steps)]
    exp = [add(f"exp{k}", 0.0, limit) for k in range(n_steps)]
    renewable = np.where(problem.renewable_kw > TINY_KW, problem.renewable_kw, 0.0)
    curt = [add(f"curt{k}", 0.0, float(renewable[k])) for k in range(n_steps)]
    uns = [add(f"uns{k}", 0.0) for k in range(n_steps)]
    charge = [
        [add(f"c{g}_{k}", 0.0, float(power_g[g])) for k in range(n_steps)] for g in range(n_groups)
    ]
    discharge = [
        [add(f"d{g}_{k}", 0.0, float(power_g[g])) for k in range(n_steps)] for g in range(n_groups)
    ]
    soc = [
        [add(f"s{g}_{k}", float(smin_g[g]), float(smax_g[g])) for k in range(n_steps)]
        for g in range(n_groups)
    ]
    eq, ge, le = pulp.LpConstraintEQ, pulp.LpConstraintGE, pulp.LpConstraintLE
    expr, cons = pulp.LpAffineExpression, pulp.LpConstraint

    for g in range(n_groups):
        kappa, to_store, from_store = float(kappa_g[g]), eta_c_g[g] * dt, dt / eta_d_g[g]
        floor_gain = float(smin_g[g] * (1.0 - kappa))
        for k in range(n_steps):
            terms = [(soc[g][k], 1.0), (charge[g][k], -to_store), (discharge[g][k], from_store)]
            if k == 0:
                rhs = floor_gain + kappa * float(soc0_g[g])
            else:
                terms.append((soc[g][k - 1], -kappa))
                rhs = floor_gain
            lp.addConstraint(cons(expr(terms), eq, rhs=rhs))

    for k in range(n_steps):
        terms = [(imp[k], 1.0), (exp[k], -1.0), (curt[k], -1.0), (uns[k], 1.0)]
        terms += [(charge[g][k], -1.0) for g in range(n_groups)]
        terms += [(discharge[g][k], 1.0) for g in range(n_groups)]
        lp.addConstraint(cons(expr(terms), eq, rhs=float(problem.net_load_kw[k])))

    periods = problem.billing_period
    first_period = int(periods[0])
    peak_vars: dict[int, pulp.LpVariable] = {}
    if rate > 0.0:
        for k in range(n_steps):
            p = int(periods[k])
            if p not in peak_vars:
                low = float(peak_so_far_kw) if p == first_period else 0.0
                peak_vars[p] = add(f"peak{p}", low)
            lp.addConstraint(cons(expr([(peak_vars[p], 1.0), (imp[k], -1.0)]), ge, rhs=0.0))

    # Where exporting pays more than importing costs, the grid connection must not do both at
    # once. These cuts hold for every schedule the simulation can produce (import never exceeds
    # the park's own need, export never exceeds its own surplus) and usually leave the
    # relaxation without simultaneous import and export; binaries are added only if not.
    reversed_price = np.flatnonzero(export_price > price).tolist()
    for k in reversed_price:
        need, spare = (
            max(float(problem.net_load_kw[k]), 0.0),
            max(-float(problem.net_load_kw[k]), 0.0),
        )
        lp.addConstraint(
            cons(
                expr([(imp[k], 1.0)] + [(charge[g][k], -1.0) for g in range(n_groups)]),
                le,
                rhs=need,
            )
        )
        lp.addConstraint(
            cons(
                expr([(exp[k], 1.0)] + [(discharge[g][k], -1.0) for g in range(n_groups)]),
                le,
                rhs=spare,
            )
        )

    objective: list[tuple[pulp.LpVariable, float]] = []
    for k in range(n_steps):
        objective += [
            (imp[k], float(price[k]) * dt),
            (exp[k], -float(export_price[k]) * dt),
            (uns[k], penalty * dt),
        ]
    for g in range(n_groups):
        wear = (float(wear_g[g]) + TIE_BREAK_CNY_PER_KWH) * dt
        objective += [(var, wear) for var in charge[g]]
        objective += [(var, wear) for var in discharge[g]]
        if value_g[g] != 0.0:
            objective.append((soc[g][n_steps - 1], -float(value_g[g])))
    weights = {} if demand_weight_by_period is None else dict(demand_weight_by_period)
    for p, var in peak_vars.items():
        weight = float(weights.get(p, 1.0))
        if not 0.0 <= weight <= 1.0:
            raise DispatchInputError(
                f"demand_weight_by_period[{p}] must lie in [0, 1]; got {weight!r}"
            )
        objective.append((var, rate * weight))
    lp.setObjective(expr(objective))

    chosen = solver if solver is not None else default_solver()
    _solve(lp, chosen)
    overlap_kw = BALANCE_TOLERANCE_KW * max(1.0, limit)
    both_ways = [
        k
        for k in reversed_price
        if min(imp[k].varValue or 0.0, exp[k].varValue or 0.0) > overlap_kw
    ]
    if both_ways:
        for k in reversed_price:
            direction = add(f"dir{k}", cat=pulp.LpBinary)
            lp.addConstraint(cons(expr([(imp[k], 1.0), (direction, -limit)]), le, rhs=0.0))
            lp.addConstraint(cons(expr([(exp[k], 1.0), (direction, limit)]), le, rhs=limit))
        _solve(lp, chosen)

    def values(variables: list[pulp.LpVariable]) -> FloatArray:
        return np.array([v.varValue or 0.0 for v in variables], dtype=np.float64)

    charge_g = np.array([values(row) for row in charge]).reshape(n_groups, n_steps).T
    discharge_g = np.array([values(row) for row in discharge]).reshape(n_groups, n_steps).T
    soc_g = np.array([values(row) for row in soc]).reshape(n_groups, n_steps).T
    active = group >= 0
    columns = group[active]
    share = fleet.energy_kwh[active] / energy_g[columns]
    charge_kw = np.zeros((n_steps, fleet.n_units))
    discharge_kw = np.zeros((n_steps, fleet.n_units))
    soc_kwh = np.tile(soc0, (n_steps + 1, 1))
    charge_kw[:, active] = np.clip(charge_g[:, columns] * share, 0.0, fleet.power_kw[active])
    discharge_kw[:, active] = np.clip(discharge_g[:, columns] * share, 0.0, fleet.power_kw[active])
    soc_kwh[1:, active] = soc_g[:, columns] * share
    imports = np.clip(values(imp), 0.0, limit)
    exports = np.clip(values(exp), 0.0, limit)
    curtailment = values(curt)
    unserved = np.maximum(values(uns), 0.0)

    energy_cny = float(imports @ price) * dt
    revenue_cny = float(exports @ export_price) * dt
    peaks: dict[int, float] = {}
    for k in range(n_steps):
        p = int(periods[k])
        base = float(peak_so_far_kw) if p == first_period else 0.0
        peaks[p] = max(peaks.get(p, base), float(imports[k]))
    demand_cny = rate * sum(peaks.values())
    wear_cny = float(np.sum(((charge_kw + discharge_kw) * dt) * fleet.degradation_cny_per_kwh))
    unserved_cny = float(unserved.sum()) * dt * problem.value_of_lost_load_cny_per_kwh
    terminal_cny = float(np.sum(value * (soc_kwh[-1] - fleet.soc_min_kwh)))
    return DispatchPlan(
        start=start,
        charge_kw=charge_kw,
        discharge_kw=discharge_kw,
        soc_kwh=soc_kwh,
        import_kw=imports,
        export_kw=exports,
        curtailment_kw=curtailment,
        unserved_kw=unserved,
        energy_cny=energy_cny,
        export_revenue_cny=revenue_cny,
        demand_charge_cny=demand_cny,
        degradation_cny=wear_cny,
        unserved_cny=unserved_cny,
        total_cny=energy_cny - revenue_cny + demand_cny + wear_cny + unserved_cny,
        terminal_value_cny=terminal_cny,
        n_groups=n_groups,
        is_mip=bool(both_ways),
        solve_seconds=time.perf_counter() - began,
    )
