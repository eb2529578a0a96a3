"""Tests for the thermal storage step."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.devices.thermal_storage import (
    ThermalStorageInputError,
    thermal_storage_step,
)


def test_charge_hand_computed() -> None:
    # 50 kWh stored, 1 %/h loss over 1 h -> loss 0.5, 49.5 left; charge 30 kW fits (room 50.5)
    step = thermal_storage_step(50.0, 30.0, 0.0, 1.0, 100.0, 0.01)
    assert step.loss_kwh_th == pytest.approx(0.5)
    assert step.charge_kw_th == pytest.approx(30.0)
    assert step.discharge_kw_th == 0.0
    assert step.stored_kwh_th == pytest.approx(79.5)
    assert isinstance(step.stored_kwh_th, np.ndarray) and step.stored_kwh_th.shape == ()


def test_charge_clipped_to_capacity() -> None:
    # 90 kWh, loss 0.9 -> 89.1; room 10.9 kWh in 1 h -> charge 10.9 kW; full at 100 kWh
    step = thermal_storage_step(90.0, 30.0, 0.0, 1.0, 100.0, 0.01)
    assert step.charge_kw_th == pytest.approx(10.9)
    assert step.stored_kwh_th == pytest.approx(100.0)


def test_discharge_clipped_to_availability() -> None:
    # 10 kWh, half-hour step: loss = 10 * (1 - 0.99**0.5) = 0.0501256 kWh, 9.9498744 left,
    # which sustains at most 19.8997 kW for 0.5 h
    step = thermal_storage_step(10.0, 0.0, 50.0, 0.5, 100.0, 0.01)
    assert step.loss_kwh_th == pytest.approx(0.0501256, rel=1e-5)
    assert step.discharge_kw_th == pytest.approx(19.899749, rel=1e-6)
    assert step.stored_kwh_th == pytest.approx(0.0, abs=1e-12)


def test_discharge_then_charge_in_one_step() -> None:
    # full 100 kWh tank, no loss: discharge 20 kW then charge 30 kW; room after discharge 20
    step = thermal_storage_step(100.0, 30.0, 20.0, 1.0, 100.0, 0.0)
    assert step.discharge_kw_th == pytest.approx(20.0)
    assert step.charge_kw_th == pytest.approx(20.0)
    assert step.stored_kwh_th == pytest.approx(100.0)


def test_vectorised_over_units() -> None:
    stored = np.array([0.0, 50.0, 100.0])
    step = thermal_storage_step(stored, 10.0, np.array([5.0, 5.0, 5.0]), 1.0, 100.0, 0.0)
    assert isinstance(step.stored_kwh_th, np.ndarray)
    assert step.stored_kwh_th.shape == (3,)
    # unit 0: nothing to discharge, charges 10 -> 10; unit 1: 50 - 5 + 10 = 55;
    # unit 2: 100 - 5 = 95 then 5 of room -> 100
    np.testing.assert_allclose(step.stored_kwh_th, [10.0, 55.0, 100.0])
    np.testing.assert_allclose(step.discharge_kw_th, [0.0, 5.0, 5.0])
    np.testing.assert_allclose(step.charge_kw_th, [10.0, 10.0, 5.0])


def test_loss_compounds_over_steps() -> None:
    # Two half-hour steps lose the same as one one-hour step.
    one = thermal_storage_step(80.0, 0.0, 0.0, 1.0, 100.0, 0.05)
    half = thermal_storage_step(80.0, 0.0, 0.0, 0.5, 100.0, 0.05)
    two = thermal_storage_step(half.stored_kwh_th, 0.0, 0.0, 0.5, 100.0, 0.05)
    assert two.stored_kwh_th == pytest.approx(one.stored_kwh_th, rel=1e-12)
    assert one.stored_kwh_th == pytest.approx(76.0)  # 80 * 0.95


finite = st.floats(0.0, 1e4)


@given(
    capacity=finite,
    fill=st.floats(0.0, 1.0),
    charge=finite,
    discharge=finite,
    dt=st.floats(0.01, 24.0),
    loss=st.floats(0.0, 0.99),
)
def test_storage_stays_within_bounds_and_balances(
    capacity: float, fill: float, charge: float, discharge: float, dt: float, loss: float
) -> None:
    stored = fill * capacity
    step = thermal_storage_step(stored, charge, discharge, dt, capacity, loss)
    tolerance = 1e-9 * max(capacity, 1.0)
    assert -tolerance <= step.stored_kwh_th <= capacity + tolerance
    assert 0.0 <= step.charge_kw_th <= charge + 1e-12
    assert 0.0 <= step.discharge_kw_th <= discharge + 1e-12
    assert 0.0 <= step.loss_kwh_th <= stored + 1e-12
    balance = stored - step.loss_kwh_th + (step.charge_kw_th - step.discharge_kw_th) * dt
    assert step.stored_kwh_th == pytest.approx(balance, abs=tolerance * 10)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((-1.0, 0.0, 0.0, 1.0, 100.0, 0.0), "stored_kwh_th"),
        ((10.0, -1.0, 0.0, 1.0, 100.0, 0.0), "charge_kw_th"),
        ((10.0, 0.0, np.nan, 1.0, 100.0, 0.0), "discharge_kw_th"),
        ((10.0, 0.0, 0.0, 0.0, 100.0, 0.0), "dt_h"),
        ((10.0, 0.0, 0.0, 1.0, -5.0, 0.0), "capacity_kwh_th"),
        ((10.0, 0.0, 0.0, 1.0, 100.0, 1.0), "loss_per_h"),
        ((150.0, 0.0, 0.0, 1.0, 100.0, 0.0), "exceed"),
    ],
)
def test_rejects_bad_input(args: tuple[float, ...], field: str) -> None:
    with pytest.raises(ThermalStorageInputError, match=field):
        thermal_storage_step(*args)
