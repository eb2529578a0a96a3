"""Heat stores charged by heat pumps in cheap hours."""

from __future__ import annotations

import numpy as np

from agents.thermal_dispatch import dispatch_heat_stores


def test_store_shifts_heat_pump_heat_into_boiler_hours() -> None:
    # One firm, 4 h: heat 100 kW_th each hour; heat pump 150 kW_th serves 100 directly.
    # Hours 0-1 cheap: spare 50 kW_th charges the store (capacity 80 kWh_th, no loss):
    # hour 0 stores 50, hour 1 stores 30 more (full at 80).
    # Hours 2-3: the heat pump is off (direct heat 0) so boilers would serve 100 kW_th; the store
    # delivers 80 kWh_th in hour 2 and is empty for hour 3.
    heat = np.full((4, 1), 100.0)
    hp = np.array([[100.0], [100.0], [0.0], [0.0]])
    out = dispatch_heat_stores(
        heat, hp, np.array([150.0]), np.array([True, True, False, False]),
        np.array([80.0]), np.array([0.0]), 1.0,
    )
    np.testing.assert_allclose(out.charge_kw_th[:, 0], [50.0, 30.0, 0.0, 0.0])
    np.testing.assert_allclose(out.discharge_kw_th[:, 0], [0.0, 0.0, 80.0, 0.0])
    np.testing.assert_allclose(out.stored_kwh_th[:, 0], [50.0, 80.0, 0.0, 0.0])


def test_energy_is_conserved_with_losses() -> None:
    rng = np.random.default_rng(1)
    heat = rng.uniform(0, 100, (48, 3))
    hp = np.minimum(heat, 60.0) * rng.uniform(0, 1, (48, 3))
    cheap = np.arange(48) % 24 < 7
    out = dispatch_heat_stores(
        heat, hp, np.full(3, 60.0), cheap, np.full(3, 200.0), np.full(3, 0.01), 1.0
    )
    # What went in = what came out + what is left + losses (losses >= 0).
    balance = out.charge_kw_th.sum(0) - out.discharge_kw_th.sum(0) - out.stored_kwh_th[-1]
    assert np.all(balance >= -1e-9)
    assert np.all(out.discharge_kw_th <= heat - hp + 1e-9)
    assert np.all(out.charge_kw_th[~cheap] == 0.0)
