"""Self-consumption and time-of-use arbitrage on hand-computed one-day cases."""

from __future__ import annotations

import numpy as np
import pytest

from agents.devices.battery import BatteryFleet
from agents.dispatch import (
    DispatchStrategy,
    StrategyParameterError,
    TouArbitrageDispatch,
    make_strategy,
    run_dispatch,
)
from tests.agents.dispatch.cases import one_day_problem

RNG = np.random.default_rng(0)


def lossless_unit(energy_kwh: float, c_rate: float) -> BatteryFleet:
    return BatteryFleet.from_c_rate(
        [energy_kwh], c_rate, eta_charge=1.0, eta_discharge=1.0, soc_min_frac=0.0, soc_max_frac=1.0
    )


def test_self_consumption_stores_exactly_the_surplus_it_can_hold() -> None:
    # 4 kW of PV surplus from 09:00 to 14:00 (20 kWh), a 3 kW deficit from 18:00 to 24:00.
    net_load = np.zeros(24)
    net_load[9:14] = -4.0
    net_load[18:24] = 3.0
    fleet = BatteryFleet.from_c_rate(
        [10.0], 0.5, eta_charge=0.9, eta_discharge=0.95, soc_min_frac=0.0, soc_max_frac=1.0
    )
    out = run_dispatch(
        one_day_problem(net_load, fleet, export_price=0.3), make_strategy("self_consumption"), RNG
    )
    charged = out.charge_kw[:, 0]
    np.testing.assert_allclose(charged[9:12], [4.0, 4.0, 2.8 / 0.9])
    assert charged.sum() == pytest.approx(10.0 / 0.9)
    assert out.export_kw.sum() == pytest.approx(20.0 - 10.0 / 0.9)
    assert out.discharge_kw[:, 0].sum() == pytest.approx(10.0 * 0.95)
    np.testing.assert_allclose(out.import_kw[18:24], [0, 0, 0, 3.0 - 0.5, 3.0, 3.0], atol=1e-9)
    assert out.import_kw[:18].sum() == 0.0
    assert out.soc_kwh[-1, 0] == pytest.approx(0.0, abs=1e-9)
    assert out.export_revenue_cny == pytest.approx((20.0 - 10.0 / 0.9) * 0.3)


def test_self_consumption_never_charges_from_the_grid() -> None:
    net_load = np.full(24, 5.0)
    fleet = lossless_unit(10.0, 1.0)
    out = run_dispatch(one_day_problem(net_load, fleet), make_strategy("self_consumption"), RNG)
    assert out.charge_kw.sum() == 0.0
    assert out.import_kw.sum() == pytest.approx(120.0)


def test_self_consumption_splits_by_headroom() -> None:
    net_load = np.zeros(24)
    net_load[10] = -6.0
    fleet = BatteryFleet.from_c_rate(
        [10.0, 20.0], 1.0, eta_charge=1.0, eta_discharge=1.0, soc_min_frac=0.0, soc_max_frac=1.0
    )
    out = run_dispatch(one_day_problem(net_load, fleet), make_strategy("self_consumption"), RNG)
    np.testing.assert_allclose(out.charge_kw[10], [2.0, 4.0])


def test_arbitrage_charges_in_valley_and_discharges_in_peak() -> None:
    net_load = np.full(24, 10.0)
    out = run_dispatch(
        one_day_problem(net_load, lossless_unit(20.0, 0.5)), make_strategy("tou_arbitrage"), RNG
    )
    expected_charge = np.zeros(24)
    expected_charge[[0, 1, 23]] = 10.0
    expected_discharge = np.zeros(24)
    expected_discharge[[8, 9]] = 10.0
    np.testing.assert_allclose(out.charge_kw[:, 0], expected_charge)
    np.testing.assert_allclose(out.discharge_kw[:, 0], expected_discharge)
    expected_import = 10.0 + expected_charge - expected_discharge
    np.testing.assert_allclose(out.import_kw, expected_import)
    assert out.soc_kwh[-1, 0] == pytest.approx(10.0)
    valley, peak = 0.5 * 0.65, 1.5 * 0.65
    baseline = 10.0 * 0.65 * 24
    assert out.energy_cny == pytest.approx(baseline + 30.0 * valley - 20.0 * peak)


def test_arbitrage_absorbs_surplus_and_can_export_from_storage() -> None:
    net_load = np.full(24, 2.0)
    net_load[12] = -5.0
    problem = one_day_problem(net_load, lossless_unit(20.0, 0.5))
    keep = run_dispatch(problem, make_strategy("tou_arbitrage"), RNG)
    assert keep.charge_kw[12, 0] == pytest.approx(5.0)
    assert keep.export_kw.sum() == pytest.approx(0.0)
    sell = run_dispatch(problem, make_strategy("tou_arbitrage", discharge_to_export=True), RNG)
    assert sell.discharge_kw[8, 0] == pytest.approx(10.0)
    assert sell.export_kw[8] == pytest.approx(8.0)


def test_arbitrage_thresholds_and_flat_tariff() -> None:
    strategy = TouArbitrageDispatch(
        charge_price_max_cny_per_kwh=0.4, discharge_price_min_cny_per_kwh=0.8
    )
    problem = one_day_problem(np.full(24, 10.0), lossless_unit(20.0, 0.5))
    out = run_dispatch(problem, strategy, RNG)
    assert out.discharge_kw[11, 0] == pytest.approx(0.0)  # 11:00-12:00 averages 0.8125 ≥ 0.8
    assert out.discharge_kw[[8, 9], 0].sum() == pytest.approx(20.0)
    flat = problem.window(0, 7)  # valley only: one price level, nothing to arbitrage
    flat_out = run_dispatch(flat, make_strategy("tou_arbitrage"), RNG)
    assert flat_out.charge_kw.sum() == 0.0 and flat_out.discharge_kw.sum() == 0.0


def test_registry_and_parameter_errors() -> None:
    for name in ("self_consumption", "tou_arbitrage", "optimal"):
        strategy = make_strategy(name)
        assert isinstance(strategy, DispatchStrategy) and strategy.name == name
    with pytest.raises(StrategyParameterError, match="optimal.*self_consumption"):
        make_strategy("greedy")
    with pytest.raises(StrategyParameterError, match="horizon_h"):
        make_strategy("optimal", horizon=12)
    with pytest.raises(StrategyParameterError, match="forecast"):
        make_strategy("optimal", forecast="psychic")
    with pytest.raises(StrategyParameterError, match="reoptimise_every_h"):
        make_strategy("optimal", horizon_h=12.0, reoptimise_every_h=24.0)
    with pytest.raises(StrategyParameterError, match="charge_price_max"):
        make_strategy(
            "tou_arbitrage", charge_price_max_cny_per_kwh=1.0, discharge_price_min_cny_per_kwh=0.5
        )
    with pytest.raises(ValueError, match="absorb_surplus"):
        make_strategy("tou_arbitrage", absorb_surplus="yes")
