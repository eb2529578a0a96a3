"""The dispatch programme solved through HiGHS' own interface equals the PuLP statement."""

from __future__ import annotations

from typing import Any

import numpy as np
import pulp
import pytest

import agents.dispatch.optimal as optimal
from agents.devices.battery import BatteryFleet
from agents.dispatch import OptimalDispatch, ParkDispatchProblem, run_dispatch, solve_dispatch_lp
from agents.dispatch.lp import MIP_GAP_REL, DispatchPlan

from .cases import month_problem, random_problem

PLAN_ARRAYS = (
    "charge_kw",
    "discharge_kw",
    "soc_kwh",
    "import_kw",
    "export_kw",
    "curtailment_kw",
    "unserved_kw",
)


def pulp_highs() -> pulp.LpSolver:
    return pulp.HiGHS(msg=False, gapRel=MIP_GAP_REL)


def assert_same_plan(direct: DispatchPlan, through_pulp: DispatchPlan) -> None:
    """Same programme, same solver: the same vertex, to the last bit (signs of zero too)."""
    for name in PLAN_ARRAYS:
        np.testing.assert_array_equal(getattr(direct, name), getattr(through_pulp, name), name)
        assert getattr(direct, name).tobytes() == getattr(through_pulp, name).tobytes(), name
    assert direct.total_cny == through_pulp.total_cny
    assert direct.is_mip == through_pulp.is_mip


@pytest.mark.parametrize("seed", range(12))
def test_random_windows_give_the_same_plan(seed: int) -> None:
    problem, soc0 = random_problem(seed)
    value = np.full(problem.fleet.n_units, 0.2)
    direct = solve_dispatch_lp(problem, soc0, 5.0, value)
    through_pulp = solve_dispatch_lp(problem, soc0, 5.0, value, solver=pulp_highs())
    assert_same_plan(direct, through_pulp)


def test_a_window_needing_direction_binaries_gives_the_same_plan() -> None:
    fleet = BatteryFleet.from_c_rate(
        [40.0], 1.0, eta_charge=1.0, eta_discharge=1.0, soc_min_frac=0.0, soc_max_frac=1.0
    )
    problem = ParkDispatchProblem(
        dt_h=1.0,
        net_load_kw=np.array([10.0, 10.0]),
        renewable_kw=np.zeros(2),
        import_price_cny_per_kwh=np.array([0.1, 0.1]),
        export_price_cny_per_kwh=np.full(2, 0.5),
        billing_period=np.zeros(2, dtype=int),
        demand_charge_cny_per_kw_month=0.0,
        grid_limit_kw=100.0,
        fleet=fleet,
    )
    direct = solve_dispatch_lp(problem, np.array([40.0]))
    through_pulp = solve_dispatch_lp(problem, np.array([40.0]), solver=pulp_highs())
    assert direct.is_mip
    assert_same_plan(direct, through_pulp)


def test_a_week_of_noisy_daily_replans_settles_identically(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem = month_problem(days=7, n_units=4)
    direct = OptimalDispatch(forecast="noisy")
    reference = OptimalDispatch(forecast="noisy")
    runs = [run_dispatch(problem, direct, np.random.default_rng(11))]

    def through_pulp(*args: Any, **kwargs: Any) -> DispatchPlan:
        kwargs["solver"] = pulp_highs()
        return solve_dispatch_lp(*args, **kwargs)

    # The reference run states every re-plan in PuLP and solves it with HiGHS through PuLP.
    monkeypatch.setattr(optimal, "solve_dispatch_lp", through_pulp)
    runs.append(run_dispatch(problem, reference, np.random.default_rng(11)))
    assert len(direct.plans) == len(reference.plans) == 7
    for mine, theirs in zip(direct.plans, reference.plans, strict=True):
        assert_same_plan(mine, theirs)
        assert 0.0 < mine.solver_seconds <= mine.solve_seconds
    assert runs[0].total_cny == runs[1].total_cny
    np.testing.assert_array_equal(runs[0].soc_kwh, runs[1].soc_kwh)


def test_daily_replans_of_one_shape_reuse_one_constraint_matrix() -> None:
    from agents.dispatch import highs_lp

    highs_lp._matrix.cache_clear()
    strategy = OptimalDispatch(forecast="noisy")
    run_dispatch(month_problem(days=7, n_units=4), strategy, np.random.default_rng(3))
    built = highs_lp._matrix.cache_info()
    # Six full 48-hour windows share one shape; the last day's 24-hour window is a second.
    assert len(strategy.plans) == 7
    assert (built.misses, built.hits) == (2, 5)
