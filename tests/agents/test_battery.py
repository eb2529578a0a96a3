"""Battery physics: efficiencies, self-discharge, C-rate and SoC clipping, wear cost."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.devices.battery import (
    BatteryFleet,
    BatteryInputError,
    battery_degradation_cost_cny_per_kwh,
    battery_step,
    charge_limit_kw,
    discharge_limit_kw,
)


def unit(**overrides: float) -> BatteryFleet:
    params: dict[str, float] = {
        "eta_charge": 0.95,
        "eta_discharge": 0.95,
        "soc_min_frac": 0.0,
        "soc_max_frac": 1.0,
    }
    params.update(overrides)
    return BatteryFleet.from_c_rate([100.0], 1.0, **params)


def test_charging_10_kw_for_an_hour_stores_9_5_kwh() -> None:
    step = battery_step([50.0], [10.0], 1.0, unit())
    assert step.soc_kwh[0] == pytest.approx(59.5)
    assert step.charge_kw[0] == 10.0 and step.discharge_kw[0] == 0.0
    assert step.loss_kwh[0] == pytest.approx(0.5)


def test_discharging_10_kw_for_an_hour_removes_10_over_eta() -> None:
    step = battery_step([50.0], [-10.0], 1.0, unit())
    assert step.soc_kwh[0] == pytest.approx(50.0 - 10.0 / 0.95)
    assert step.discharge_kw[0] == 10.0 and step.charge_kw[0] == 0.0
    assert step.throughput_kwh[0] == pytest.approx(10.0)


def test_quarter_hour_step_scales_energy() -> None:
    step = battery_step([50.0], [40.0], 0.25, unit())
    assert step.soc_kwh[0] == pytest.approx(50.0 + 0.95 * 40.0 * 0.25)


def test_self_discharge_decays_energy_above_the_floor() -> None:
    idle = battery_step([80.0], [0.0], 2.0, unit(self_discharge_per_h=0.01))
    assert idle.soc_kwh[0] == pytest.approx(80.0 * 0.99**2)
    floored = battery_step([60.0], [0.0], 1.0, unit(self_discharge_per_h=0.01, soc_min_frac=0.1))
    assert floored.soc_kwh[0] == pytest.approx(10.0 + 50.0 * 0.99)
    at_floor = battery_step([10.0], [0.0], 5.0, unit(self_discharge_per_h=0.5, soc_min_frac=0.1))
    assert at_floor.soc_kwh[0] == pytest.approx(10.0)
    assert idle.loss_kwh[0] == pytest.approx(80.0 - 80.0 * 0.99**2)


def test_c_rate_sets_the_power_limit_and_clips_requests() -> None:
    fleet = BatteryFleet.from_c_rate([200.0, 100.0], [0.5, 0.25], soc_min_frac=0.0)
    np.testing.assert_allclose(fleet.power_kw, [100.0, 25.0])
    step = battery_step([50.0, 50.0], [150.0, -80.0], 1.0, fleet)
    np.testing.assert_allclose(step.charge_kw, [100.0, 0.0])
    np.testing.assert_allclose(step.discharge_kw, [0.0, 25.0])


def test_charge_stops_at_soc_max_and_discharge_at_soc_min() -> None:
    fleet = unit(soc_min_frac=0.1, soc_max_frac=0.9)
    full = battery_step([85.0], [100.0], 1.0, fleet)
    assert full.soc_kwh[0] == pytest.approx(90.0)
    assert full.charge_kw[0] == pytest.approx(5.0 / 0.95)
    empty = battery_step([15.0], [-100.0], 1.0, fleet)
    assert empty.soc_kwh[0] == pytest.approx(10.0)
    assert empty.discharge_kw[0] == pytest.approx(5.0 * 0.95)


def test_limits_match_what_battery_step_grants() -> None:
    fleet = unit(soc_min_frac=0.2, soc_max_frac=0.8, self_discharge_per_h=0.02)
    soc = np.array([70.0])
    assert charge_limit_kw(soc, 1.0, fleet)[0] == pytest.approx(
        battery_step(soc, [1e6], 1.0, fleet).charge_kw[0]
    )
    assert discharge_limit_kw(soc, 1.0, fleet)[0] == pytest.approx(
        battery_step(soc, [-1e6], 1.0, fleet).discharge_kw[0]
    )


def test_degradation_cost_formula_and_step_cost() -> None:
    cost = battery_degradation_cost_cny_per_kwh(1000.0, 6000.0, 0.9)
    assert float(cost) == pytest.approx(1000.0 / (2 * 6000 * 0.9))
    fleet = unit(degradation_cny_per_kwh=float(cost))
    step = battery_step([50.0], [-20.0], 0.5, fleet)
    assert step.degradation_cny[0] == pytest.approx(10.0 * float(cost))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"replacement_cost_cny_per_kwh": -1.0, "cycle_life": 10, "depth_of_discharge": 1}, "repl"),
        ({"replacement_cost_cny_per_kwh": 1.0, "cycle_life": 0, "depth_of_discharge": 1}, "cycle"),
        (
            {"replacement_cost_cny_per_kwh": 1.0, "cycle_life": 9, "depth_of_discharge": 1.5},
            "depth",
        ),
    ],
)
def test_degradation_cost_rejects_bad_input(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(BatteryInputError, match=field):
        battery_degradation_cost_cny_per_kwh(**kwargs)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"eta_charge": 0.0}, "eta_charge"),
        ({"eta_discharge": 1.2}, "eta_discharge"),
        ({"soc_min_frac": 0.9, "soc_max_frac": 0.5}, "soc_min_frac"),
        ({"self_discharge_per_h": 1.0}, "self_discharge_per_h"),
        ({"degradation_cny_per_kwh": -0.1}, "degradation_cny_per_kwh"),
    ],
)
def test_fleet_rejects_bad_parameters(overrides: dict[str, float], field: str) -> None:
    with pytest.raises(BatteryInputError, match=field) as info:
        unit(**overrides)
    assert isinstance(info.value, ValueError)


def test_step_rejects_bad_state_and_shapes() -> None:
    fleet = unit(soc_min_frac=0.1)
    with pytest.raises(BatteryInputError, match="soc_kwh"):
        battery_step([5.0], [0.0], 1.0, fleet)
    with pytest.raises(BatteryInputError, match="power_request_kw"):
        battery_step([50.0], [1.0, 2.0], 1.0, fleet)
    with pytest.raises(BatteryInputError, match="dt_h"):
        battery_step([50.0], [1.0], 0.0, fleet)
    with pytest.raises(BatteryInputError, match="c_rate_per_h"):
        BatteryFleet.from_c_rate([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(BatteryInputError, match="power_kw"):
        BatteryFleet(*([np.ones(2)] + [np.ones(3)] + [np.ones(2)] * 6))


def test_empty_fleet_steps_to_empty_arrays() -> None:
    step = battery_step(np.zeros(0), np.zeros(0), 1.0, BatteryFleet.empty())
    assert step.soc_kwh.shape == (0,) and step.degradation_cny.sum() == 0.0


def test_fleet_arrays_are_read_only() -> None:
    fleet = unit()
    with pytest.raises(ValueError, match="read-only"):
        fleet.energy_kwh[0] = 5.0


@settings(max_examples=200, deadline=None)
@given(
    soc_frac=st.floats(0.0, 1.0),
    request=st.floats(-300.0, 300.0),
    dt_h=st.sampled_from([0.25, 0.5, 1.0, 2.0]),
    eta_c=st.floats(0.5, 1.0),
    eta_d=st.floats(0.5, 1.0),
    soc_min=st.floats(0.0, 0.5),
    width=st.floats(0.0, 0.5),
    self_discharge=st.floats(0.0, 0.2),
    c_rate=st.floats(0.0, 2.0),
)
def test_step_conserves_energy_and_stays_in_bounds(
    soc_frac: float,
    request: float,
    dt_h: float,
    eta_c: float,
    eta_d: float,
    soc_min: float,
    width: float,
    self_discharge: float,
    c_rate: float,
) -> None:
    fleet = BatteryFleet.from_c_rate(
        [100.0],
        c_rate,
        eta_charge=eta_c,
        eta_discharge=eta_d,
        soc_min_frac=soc_min,
        soc_max_frac=soc_min + width,
        self_discharge_per_h=self_discharge,
    )
    soc = fleet.soc_min_kwh + soc_frac * (fleet.soc_max_kwh - fleet.soc_min_kwh)
    step = battery_step(soc, [request], dt_h, fleet)
    assert fleet.soc_min_kwh[0] - 1e-9 <= step.soc_kwh[0] <= fleet.soc_max_kwh[0] + 1e-9
    assert 0.0 <= step.charge_kw[0] <= fleet.power_kw[0] + 1e-9
    assert 0.0 <= step.discharge_kw[0] <= fleet.power_kw[0] + 1e-9
    assert step.charge_kw[0] * step.discharge_kw[0] == 0.0
    assert step.charge_kw[0] <= max(request, 0.0) + 1e-12
    assert step.discharge_kw[0] <= max(-request, 0.0) + 1e-12
    assert step.loss_kwh[0] >= -1e-9
    balance = (step.charge_kw[0] - step.discharge_kw[0]) * dt_h - step.loss_kwh[0]
    assert step.soc_kwh[0] - soc[0] == pytest.approx(balance, abs=1e-9)
