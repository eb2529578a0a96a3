"""Per-step dispatch, whole runs, cost bookkeeping and problem validation."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from agents.devices.battery import BatteryFleet
from agents.dispatch import (
    DispatchInputError,
    ParkDispatchProblem,
    make_strategy,
    run_dispatch,
    step_dispatch,
)
from agents.tariff import demand_charge_cny, energy_cost_cny
from tests.agents.dispatch.cases import month_problem, one_day_problem, random_problem

RNG = np.random.default_rng(0)


def small_fleet() -> BatteryFleet:
    return BatteryFleet.from_c_rate(
        [100.0], 0.5, eta_charge=1.0, eta_discharge=1.0, soc_min_frac=0.0, soc_max_frac=1.0
    )


def test_flows_balance_at_every_step_of_a_run() -> None:
    for seed in range(6):
        problem, soc0 = random_problem(seed)
        for name in ("self_consumption", "tou_arbitrage"):
            out = run_dispatch(problem, make_strategy(name), RNG, soc0)
            load = problem.net_load_kw + problem.renewable_kw
            supplied = (
                problem.renewable_kw
                + out.discharge_kw.sum(axis=1)
                + out.import_kw
                - out.export_kw
                - out.charge_kw.sum(axis=1)
                - out.curtailment_kw
                + out.unserved_kw
            )
            np.testing.assert_allclose(supplied, load, atol=1e-6)
            assert np.all(out.import_kw <= problem.grid_limit_kw + 1e-9)
            assert np.all(out.export_kw <= problem.grid_limit_kw + 1e-9)
            assert np.all(out.import_kw * out.export_kw == 0.0)


def test_cost_breakdown_matches_the_tariff_functions() -> None:
    problem = month_problem(days=5, n_units=2)
    out = run_dispatch(problem, make_strategy("tou_arbitrage"), RNG)
    net = energy_cost_cny(
        out.import_kw,
        out.export_kw,
        problem.import_price_cny_per_kwh,
        problem.export_price_cny_per_kwh,
        problem.dt_h,
    ).sum()
    assert out.energy_cny - out.export_revenue_cny == pytest.approx(net)
    assert out.demand_charge_cny == pytest.approx(
        demand_charge_cny(out.import_kw, problem.billing_period, 32.0)
    )
    throughput = (out.charge_kw + out.discharge_kw).sum(axis=0) * problem.dt_h
    assert out.degradation_cny == pytest.approx(
        float(throughput @ problem.fleet.degradation_cny_per_kwh)
    )
    assert out.total_cny == pytest.approx(
        out.energy_cny
        - out.export_revenue_cny
        + out.demand_charge_cny
        + out.degradation_cny
        + out.unserved_cny
    )


def test_demand_increments_sum_to_the_demand_charge_and_peak_resets() -> None:
    net_load = np.array([5.0, 9.0, 4.0, 3.0, 7.0, 2.0])
    problem = ParkDispatchProblem(
        dt_h=1.0,
        net_load_kw=net_load,
        renewable_kw=np.zeros(6),
        import_price_cny_per_kwh=np.full(6, 0.5),
        export_price_cny_per_kwh=np.zeros(6),
        billing_period=np.array([0, 0, 0, 1, 1, 1]),
        demand_charge_cny_per_kw_month=10.0,
        grid_limit_kw=100.0,
        fleet=BatteryFleet.empty(),
    )
    strategy = make_strategy("self_consumption")
    strategy.reset(problem, RNG)
    soc, peak, increments, peaks = np.zeros(0), 0.0, [], []
    for t in range(6):
        step = step_dispatch(t, soc, peak, problem, strategy)
        soc, peak = step.soc_kwh, step.peak_import_kw
        increments.append(step.demand_charge_cny)
        peaks.append(peak)
    assert peaks == [5.0, 9.0, 9.0, 3.0, 7.0, 7.0]
    assert sum(increments) == pytest.approx(160.0)
    out = run_dispatch(problem, make_strategy("self_consumption"), RNG)
    assert out.demand_charge_cny == pytest.approx(160.0)


def test_grid_charging_is_cut_back_to_avoid_unserved_load() -> None:
    problem = one_day_problem(np.full(24, 95.0), small_fleet(), grid_limit_kw=100.0)
    out = run_dispatch(problem, make_strategy("tou_arbitrage"), RNG)
    assert out.charge_kw[0, 0] == pytest.approx(5.0)
    assert out.unserved_kw.sum() == 0.0


def test_discharge_the_bus_cannot_absorb_is_cut_back() -> None:
    net_load = np.zeros(24)
    problem = one_day_problem(net_load, small_fleet(), grid_limit_kw=20.0)
    strategy = make_strategy("tou_arbitrage", discharge_to_export=True)
    out = run_dispatch(problem, strategy, RNG, initial_soc_kwh=[100.0])
    assert out.discharge_kw[8, 0] == pytest.approx(20.0)
    assert out.export_kw[8] == pytest.approx(20.0)


def test_initial_soc_defaults_to_soc_min_and_bad_step_index() -> None:
    fleet = BatteryFleet.from_c_rate([100.0], 0.5, soc_min_frac=0.2)
    problem = one_day_problem(np.full(24, 1.0), fleet)
    out = run_dispatch(problem, make_strategy("self_consumption"), RNG)
    assert out.soc_kwh[0, 0] == pytest.approx(20.0)
    strategy = make_strategy("self_consumption")
    strategy.reset(problem, RNG)
    with pytest.raises(DispatchInputError, match="t must"):
        step_dispatch(24, np.array([20.0]), 0.0, problem, strategy)
    with pytest.raises(ValueError, match="soc_kwh"):
        run_dispatch(problem, make_strategy("self_consumption"), RNG, initial_soc_kwh=[5.0])


def test_decide_before_reset_is_a_named_error() -> None:
    with pytest.raises(DispatchInputError, match="reset"):
        make_strategy("self_consumption").decide(0, np.zeros(1), 0.0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"renewable_kw": np.zeros(23)}, "renewable_kw"),
        ({"import_price_cny_per_kwh": np.full(24, -0.1)}, "import_price_cny_per_kwh"),
        ({"billing_period": np.arange(24)[::-1]}, "non-decreasing"),
        ({"billing_period": np.zeros(24)}, "billing_period"),
        ({"value_of_lost_load_cny_per_kwh": 0.5}, "value_of_lost_load"),
        ({"net_load_kw": np.full(24, -3.0)}, "net_load_kw"),
        ({"grid_limit_kw": 0.0}, "grid_limit_kw"),
        ({"dt_h": float("nan")}, "dt_h"),
    ],
)
def test_problem_validation_names_the_field(change: dict[str, Any], field: str) -> None:
    problem = one_day_problem(np.full(24, 1.0), small_fleet())
    with pytest.raises(DispatchInputError, match=field):
        replace(problem, **change)


def test_trusted_step_matches_validated_step_on_random_problems() -> None:
    """The engine's unchecked path gives exactly the checked path's results."""
    from agents.dispatch import make_strategy, step_dispatch
    from tests.agents.dispatch.cases import random_problem

    for seed in range(6):
        problem, soc0 = random_problem(seed)
        for name in ("self_consumption", "tou_arbitrage"):
            a = make_strategy(name)
            b = make_strategy(name)
            a.reset(problem, np.random.default_rng(0))
            b.reset(problem, np.random.default_rng(0))
            soc_a = soc_b = np.asarray(soc0, dtype=float).copy()
            peak_a = peak_b = 0.0
            for t in range(problem.n_steps):
                sa = step_dispatch(t, soc_a, peak_a, problem, a)
                sb = step_dispatch(t, soc_b, peak_b, problem, b, validate=False)
                np.testing.assert_array_equal(sa.soc_kwh, sb.soc_kwh)
                assert (sa.import_kw, sa.export_kw, sa.curtailment_kw, sa.unserved_kw) == (
                    sb.import_kw,
                    sb.export_kw,
                    sb.curtailment_kw,
                    sb.unserved_kw,
                )
                assert sa.total_cny == sb.total_cny
                soc_a, peak_a, soc_b, peak_b = (
                    sa.soc_kwh,
                    sa.peak_import_kw,
                    sb.soc_kwh,
                    sb.peak_import_kw,
                )
