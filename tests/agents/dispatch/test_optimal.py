"""Optimal dispatch: the programme's cost is the simulated cost and never beaten by a heuristic."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.devices.battery import BatteryFleet
from agents.dispatch import (
    OptimalDispatch,
    ParkDispatchProblem,
    make_strategy,
    run_dispatch,
    solve_dispatch_lp,
)
from agents.dispatch.lp import DispatchPlan
from tests.agents.dispatch.cases import month_problem, one_day_problem, random_problem


def rng() -> np.random.Generator:
    return np.random.default_rng(11)


def whole_run(problem: ParkDispatchProblem, **params: object) -> OptimalDispatch:
    hours = problem.n_steps * problem.dt_h
    strategy = make_strategy("optimal", horizon_h=hours, reoptimise_every_h=hours, **params)
    assert isinstance(strategy, OptimalDispatch)
    return strategy


def scale(*costs: float) -> float:
    return max(1.0, *(abs(c) for c in costs))


def assert_plan_matches_run(plan: DispatchPlan, out: object) -> None:
    for field in (
        "energy_cny",
        "export_revenue_cny",
        "demand_charge_cny",
        "degradation_cny",
        "unserved_cny",
        "total_cny",
    ):
        predicted, settled = getattr(plan, field), getattr(out, field)
        assert predicted == pytest.approx(settled, rel=1e-6, abs=1e-6 * scale(plan.total_cny)), (
            field
        )


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_optimal_is_never_beaten_and_its_plan_is_what_is_settled(seed: int) -> None:
    problem, soc0 = random_problem(seed)
    strategy = whole_run(problem)
    best = run_dispatch(problem, strategy, rng(), soc0)
    assert len(strategy.plans) == 1
    assert_plan_matches_run(strategy.plans[0], best)
    for name in ("self_consumption", "tou_arbitrage"):
        other = run_dispatch(problem, make_strategy(name), rng(), soc0)
        assert best.total_cny <= other.total_cny + 1e-6 * scale(other.total_cny), name


def test_month_rolling_48_24_beats_both_heuristics() -> None:
    problem = month_problem()
    strategy = make_strategy("optimal", horizon_h=48.0, reoptimise_every_h=24.0)
    best = run_dispatch(problem, strategy, rng())
    assert isinstance(strategy, OptimalDispatch) and len(strategy.plans) == 30
    for name in ("self_consumption", "tou_arbitrage"):
        other = run_dispatch(problem, make_strategy(name), rng())
        assert best.total_cny < other.total_cny, name
    full = run_dispatch(problem, whole_run(problem), rng()).total_cny
    assert full <= best.total_cny + 1e-6 * full
    # Charging the whole demand rate inside a 48 h horizon makes the plan shy of raising the
    # monthly peak; prorating it closes most of the gap to the whole-month optimum.
    shy = run_dispatch(problem, make_strategy("optimal", demand_charge="full"), rng()).total_cny
    assert best.total_cny - full < 0.5 * (shy - full)


def test_identical_units_are_merged_without_changing_the_answer() -> None:
    problem = month_problem(days=3, n_units=1)
    one = problem.fleet
    four = BatteryFleet.from_c_rate(
        np.full(4, one.energy_kwh[0] / 4),
        one.power_kw[0] / one.energy_kwh[0],
        self_discharge_per_h=0.0005,
        degradation_cny_per_kwh=0.05,
    )
    merged = solve_dispatch_lp(problem, one.soc_min_kwh)
    split = solve_dispatch_lp(replace(problem, fleet=four), four.soc_min_kwh)
    assert split.n_groups == 1
    assert split.total_cny == pytest.approx(merged.total_cny, rel=1e-9)
    np.testing.assert_allclose(split.charge_kw.sum(axis=1), merged.charge_kw[:, 0], atol=1e-6)
    np.testing.assert_allclose(split.charge_kw[:, 0], split.charge_kw[:, 3])


def test_meter_cannot_import_and_export_at_once_when_export_pays_more() -> None:
    # A full battery at the end of the run, export price above the import price: the relaxation
    # would export all discharge while importing the load; the simulation nets them instead.
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
    strategy = whole_run(problem)
    out = run_dispatch(problem, strategy, rng(), initial_soc_kwh=[40.0])
    plan = strategy.plans[0]
    assert plan.is_mip
    assert np.all(np.minimum(plan.import_kw, plan.export_kw) <= 1e-9)
    assert_plan_matches_run(plan, out)
    # Best: discharge all 40 kWh in one step (30 kWh exported at 0.5, 10 kWh serve the
    # load) and import the other step's load at 0.1.
    assert out.total_cny == pytest.approx(-30.0 * 0.5 + 10.0 * 0.1)
    assert out.discharge_kw[:, 0].max() == pytest.approx(40.0)


def test_noisy_forecasts_are_reproducible_and_cost_no_less_than_perfect() -> None:
    problem = month_problem(days=4, n_units=2)
    hours = problem.n_steps * problem.dt_h
    perfect = run_dispatch(problem, whole_run(problem), rng())

    def noisy(seed: int) -> float:
        strategy = make_strategy(
            "optimal",
            horizon_h=hours,
            reoptimise_every_h=24.0,
            forecast="noisy",
            load_forecast_error_frac=0.2,
        )
        return run_dispatch(problem, strategy, np.random.default_rng(seed)).total_cny

    first, again, other = noisy(3), noisy(3), noisy(4)
    assert first == again
    assert first != other
    assert min(first, other) >= perfect.total_cny - 1e-6 * perfect.total_cny


def test_terminal_value_keeps_energy_at_a_horizon_end() -> None:
    # Horizon ends at 07:00 in the valley; the dear 08:00 peak lies beyond it.
    fleet = BatteryFleet.from_c_rate([100.0], 0.25, soc_min_frac=0.0, soc_max_frac=1.0)
    problem = one_day_problem(np.full(24, 50.0), fleet)
    results = {}
    for terminal in ("zero", "mean_price"):
        strategy = make_strategy(
            "optimal", horizon_h=7.0, reoptimise_every_h=7.0, terminal_value=terminal
        )
        out = run_dispatch(problem, strategy, rng(), initial_soc_kwh=[100.0])
        assert isinstance(strategy, OptimalDispatch)
        results[terminal] = (strategy.plans[0].soc_kwh[-1, 0], out.total_cny)
    assert results["zero"][0] == pytest.approx(0.0, abs=1e-6)
    assert results["mean_price"][0] == pytest.approx(100.0)
    assert results["mean_price"][1] < results["zero"][1]


def test_cbc_fallback_finds_the_same_optimum() -> None:
    problem, soc0 = random_problem(5)
    highs = solve_dispatch_lp(problem, soc0)
    cbc = run_dispatch(problem, whole_run(problem, solver="cbc"), rng(), soc0)
    assert cbc.total_cny == pytest.approx(highs.total_cny, rel=1e-6, abs=1e-6)


def test_replan_of_48_hours_keeps_20_distinct_units_apart() -> None:
    """Units that differ in efficiency are planned as separate groups (speed: bench/)."""
    problem = month_problem(days=2, n_units=20)
    base = problem.fleet
    distinct = BatteryFleet.from_c_rate(
        base.energy_kwh,
        base.power_kw / base.energy_kwh,
        eta_charge=np.linspace(0.9, 0.97, 20),
        self_discharge_per_h=0.0005,
        degradation_cny_per_kwh=0.05,
    )
    problem = replace(problem, fleet=distinct)
    plan = solve_dispatch_lp(problem, distinct.soc_min_kwh, 0.0, np.full(20, 0.5))
    assert plan.n_groups == 20 and plan.n_steps == 48


def test_prorated_demand_weights_cover_the_rest_of_each_period() -> None:
    problem, _ = random_problem(0)
    periods = np.repeat([0, 1, 2], [10, 20, 30])
    problem = replace(
        problem.window(0, 1),
        net_load_kw=np.zeros(60),
        renewable_kw=np.zeros(60),
        import_price_cny_per_kwh=np.full(60, 0.5),
        export_price_cny_per_kwh=np.zeros(60),
        billing_period=periods,
    )
    strategy = OptimalDispatch()
    assert strategy._demand_weights(problem, 5, 35) == {0: 1.0, 1: 1.0, 2: 5 / 30}
    assert strategy._demand_weights(problem, 12, 20) == {1: 8 / 18}
    assert OptimalDispatch(demand_charge="full")._demand_weights(problem, 5, 35) is None


def test_noisy_plan_never_sets_a_new_peak_by_charging_and_shaves_surprises() -> None:
    problem = month_problem(days=10, n_units=3)
    strategy = make_strategy(
        "optimal",
        forecast="noisy",
        load_forecast_error_frac=0.1,
        pv_forecast_error_frac=0.3,
    )
    out = run_dispatch(problem, strategy, np.random.default_rng(8))
    idle = run_dispatch(problem, make_strategy("idle"), rng())
    peak_before = np.concatenate([[0.0], np.maximum.accumulate(out.import_kw)[:-1]])
    charging = out.charge_kw.sum(axis=1) > 1e-9
    assert charging.sum() > 24
    assert np.all(out.import_kw[charging] <= peak_before[charging] + 1e-6)
    assert out.import_kw.max() <= idle.import_kw.max() + 1e-6
    assert out.total_cny < idle.total_cny
