"""Cost-minimal storage schedule for a window of steps, as a linear programme.

The programme is solved through HiGHS' own interface from arrays
(:mod:`agents.dispatch.highs_lp`) by default, or stated in PuLP and solved by any PuLP solver
(CBC, or HiGHS through PuLP) when one is passed; both state the same programme from one
:class:`~agents.dispatch.lp_programme.DispatchProgramme`.

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
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from agents.dispatch.lp_programme import (
    BALANCE_TOLERANCE_KW,
    MIP_GAP_REL,
    TIE_BREAK_CNY_PER_KWH,
    TINY_KW,
    UNSERVED_MARGIN_CNY_PER_KWH,
    DispatchPlanningError,
    DispatchProgramme,
    GroupSolution,
    group_units,
    prepare_programme,
)
from agents.dispatch.problem import DispatchInputError, ParkDispatchProblem

FloatArray = NDArray[np.float64]

if TYPE_CHECKING:
    # PuLP is loaded only when a PuLP solver is asked for (the default hands arrays to HiGHS).
    import pulp

__all__ = [
    "BALANCE_TOLERANCE_KW",
    "MIP_GAP_REL",
    "TIE_BREAK_CNY_PER_KWH",
    "TINY_KW",
    "UNSERVED_MARGIN_CNY_PER_KWH",
    "DispatchPlan",
    "DispatchPlanningError",
    "default_solver",
    "group_units",
    "solve_dispatch_lp",
]


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
    solver_seconds
        Wall time of that spent in the solver's solve calls [s] (for a PuLP solver, PuLP's
        hand-over of the model included).
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
    solver_seconds: float = 0.0

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
    import pulp

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


def _solve(lp: pulp.LpProblem, solver: pulp.LpSolver) -> float:
    """Solve ``lp``; the wall time of the solve call [s] (PuLP's hand-over included)."""
    import pulp

    began = time.perf_counter()
    lp.solve(solver)
    seconds = time.perf_counter() - began
    if lp.status != pulp.LpStatusOptimal:
        raise DispatchPlanningError(
            f"dispatch programme not solved to optimality: status {pulp.LpStatus[lp.status]!r}"
        )
    return seconds


def _solve_with_pulp(programme: DispatchProgramme, solver: pulp.LpSolver) -> GroupSolution:
    """State the programme in PuLP, solve it with ``solver`` and read the group values."""
    import pulp

    problem = programme.problem
    n_groups, n_steps = programme.n_groups, programme.n_steps
    dt = problem.dt_h
    price = problem.import_price_cny_per_kwh
    export_price = problem.export_price_cny_per_kwh
    limit = problem.grid_limit_kw
    rate = problem.demand_charge_cny_per_kw_month
    power_g, smin_g, smax_g = programme.power_g_kw, programme.smin_g_kwh, programme.smax_g_kwh
    renewable = programme.renewable_kw

    lp = pulp.LpProblem("park_dispatch", pulp.LpMinimize)
    add = lp.add_variable
    imp = [add(f"imp{k}", 0.0, limit) for k in range(n_steps)]
    exp = [add(f"exp{k}", 0.0, limit) for k in range(n_steps)]
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
        kappa = float(programme.kappa_g[g])
        to_store = programme.eta_charge_g[g] * dt
        from_store = dt / programme.eta_discharge_g[g]
        floor_gain = float(smin_g[g] * (1.0 - kappa))
        for k in range(n_steps):
            terms = [(soc[g][k], 1.0), (charge[g][k], -to_store), (discharge[g][k], from_store)]
            if k == 0:
                rhs = floor_gain + kappa * float(programme.soc0_g_kwh[g])
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
    peak_vars = {
        p: add(f"peak{p}", low)
        for p, low in zip(programme.peak_periods, programme.peak_low_kw, strict=True)
    }
    for k in range(n_steps) if peak_vars else ():
        p = int(periods[k])
        lp.addConstraint(cons(expr([(peak_vars[p], 1.0), (imp[k], -1.0)]), ge, rhs=0.0))

    # Where exporting pays more than importing costs, the grid connection must not do both at
    # once. These cuts hold for every schedule the simulation can produce (import never exceeds
    # the park's own need, export never exceeds its own surplus) and usually leave the
    # relaxation without simultaneous import and export; binaries are added only if not.
    for k in programme.reversed_steps:
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

    penalty = programme.penalty_cny_per_kwh
    objective: list[tuple[pulp.LpVariable, float]] = []
    for k in range(n_steps):
        objective += [
            (imp[k], float(price[k]) * dt),
            (exp[k], -float(export_price[k]) * dt),
            (uns[k], penalty * dt),
        ]
    for g in range(n_groups):
        wear = (float(programme.wear_g_cny_per_kwh[g]) + TIE_BREAK_CNY_PER_KWH) * dt
        objective += [(var, wear) for var in charge[g]]
        objective += [(var, wear) for var in discharge[g]]
        if programme.value_g_cny_per_kwh[g] != 0.0:
            objective.append((soc[g][n_steps - 1], -float(programme.value_g_cny_per_kwh[g])))
    for var, weight in zip(peak_vars.values(), programme.peak_weight, strict=True):
        objective.append((var, rate * weight))
    lp.setObjective(expr(objective))

    seconds = _solve(lp, solver)
    overlap_kw = BALANCE_TOLERANCE_KW * max(1.0, limit)
    both_ways = [
        k
        for k in programme.reversed_steps
        if min(imp[k].varValue or 0.0, exp[k].varValue or 0.0) > overlap_kw
    ]
    if both_ways:
        for k in programme.reversed_steps:
            direction = add(f"dir{k}", cat=pulp.LpBinary)
            lp.addConstraint(cons(expr([(imp[k], 1.0), (direction, -limit)]), le, rhs=0.0))
            lp.addConstraint(cons(expr([(exp[k], 1.0), (direction, limit)]), le, rhs=limit))
        seconds += _solve(lp, solver)

    def values(variables: list[pulp.LpVariable]) -> FloatArray:
        return np.array([v.varValue or 0.0 for v in variables], dtype=np.float64)

    return GroupSolution(
        imports=values(imp),
        exports=values(exp),
        curtailment=values(curt),
        unserved=values(uns),
        charge_g=np.array([values(row) for row in charge]).reshape(n_groups, n_steps).T,
        discharge_g=np.array([values(row) for row in discharge]).reshape(n_groups, n_steps).T,
        soc_g=np.array([values(row) for row in soc]).reshape(n_groups, n_steps).T,
        is_mip=bool(both_ways),
        solver_seconds=seconds,
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
        A PuLP solver (the programme is then stated in PuLP); default ``None``: the arrays are
        handed to HiGHS directly (:func:`~agents.dispatch.highs_lp.solve_with_highs`), or to
        :func:`default_solver` through PuLP when ``highspy`` is not installed.

    Raises
    ------
    DispatchPlanningError
        If the solver does not report an optimal solution.
    """
    began = time.perf_counter()
    programme = prepare_programme(
        problem,
        initial_soc_kwh,
        peak_so_far_kw,
        terminal_value_cny_per_kwh,
        demand_weight_by_period,
    )
    if solver is None:
        from agents.dispatch.highs_lp import highs_available, solve_with_highs

        solution = (
            solve_with_highs(programme)
            if highs_available()
            else _solve_with_pulp(programme, default_solver())
        )
    else:
        solution = _solve_with_pulp(programme, solver)
    return _plan(programme, solution, start, time.perf_counter() - began)


def _plan(
    programme: DispatchProgramme, solution: GroupSolution, start: int, seconds: float
) -> DispatchPlan:
    """Share the group solution back to the units and price the plan."""
    problem = programme.problem
    fleet = problem.fleet
    n_steps = programme.n_steps
    dt = problem.dt_h
    limit = problem.grid_limit_kw
    rate = problem.demand_charge_cny_per_kw_month
    group = programme.group
    active = group >= 0
    columns = group[active]
    share = fleet.energy_kwh[active] / programme.energy_g_kwh[columns]
    charge_kw = np.zeros((n_steps, fleet.n_units))
    discharge_kw = np.zeros((n_steps, fleet.n_units))
    soc_kwh = np.tile(programme.soc0_kwh, (n_steps + 1, 1))
    charge_kw[:, active] = np.clip(
        solution.charge_g[:, columns] * share, 0.0, fleet.power_kw[active]
    )
    discharge_kw[:, active] = np.clip(
        solution.discharge_g[:, columns] * share, 0.0, fleet.power_kw[active]
    )
    soc_kwh[1:, active] = solution.soc_g[:, columns] * share
    imports = np.clip(solution.imports, 0.0, limit)
    exports = np.clip(solution.exports, 0.0, limit)
    curtailment = solution.curtailment
    unserved = np.maximum(solution.unserved, 0.0)

    energy_cny = float(imports @ problem.import_price_cny_per_kwh) * dt
    revenue_cny = float(exports @ problem.export_price_cny_per_kwh) * dt
    periods = problem.billing_period
    first_period = int(periods[0])
    peaks: dict[int, float] = {}
    for k in range(n_steps):
        p = int(periods[k])
        base = programme.peak_so_far_kw if p == first_period else 0.0
        peaks[p] = max(peaks.get(p, base), float(imports[k]))
    demand_cny = rate * sum(peaks.values())
    wear_cny = float(np.sum(((charge_kw + discharge_kw) * dt) * fleet.degradation_cny_per_kwh))
    unserved_cny = float(unserved.sum()) * dt * problem.value_of_lost_load_cny_per_kwh
    terminal_cny = float(np.sum(programme.value_cny_per_kwh * (soc_kwh[-1] - fleet.soc_min_kwh)))
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
        n_groups=programme.n_groups,
        is_mip=solution.is_mip,
        solve_seconds=seconds,
        solver_seconds=solution.solver_seconds,
    )
