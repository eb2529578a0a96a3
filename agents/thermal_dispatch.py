"""Rule-based operation of heat stores charged by heat pumps (pure, vectorised over firms).

A heat store lets a heat pump make heat when electricity is cheap and deliver it later in place of
boiler heat. Each step, for every firm with a store: first the store discharges to cover heat the
heat pump cannot deliver directly (which a boiler would otherwise burn fuel for); then, in
cheap-price steps, the heat pump's spare capacity charges the store. Standing losses follow
:func:`agents.devices.thermal_storage.thermal_storage_step`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from agents.devices.thermal_storage import thermal_storage_step

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


class ThermalDispatch(NamedTuple):
    """Heat-store operation per step and firm, arrays of shape (n_steps, n_firms) [kW_th].

    Attributes
    ----------
    charge_kw_th
        Heat-pump heat put into the store.
    discharge_kw_th
        Stored heat delivered to the process instead of boiler heat.
    stored_kwh_th
        Heat in the store at the end of each step [kWh_th].
    """

    charge_kw_th: FloatArray
    discharge_kw_th: FloatArray
    stored_kwh_th: FloatArray


def dispatch_heat_stores(
    heat_kw_th: FloatArray,
    heat_pump_heat_kw_th: FloatArray,
    heat_pump_capacity_kw_th: FloatArray,
    cheap_step: BoolArray,
    capacity_kwh_th: FloatArray,
    loss_per_h: FloatArray,
    dt_h: float,
) -> ThermalDispatch:
    """Operate heat stores by the charge-when-cheap, discharge-instead-of-boiler rule.

    Parameters
    ----------
    heat_kw_th
        Process heat demand [kW_th], (n_steps, n_firms).
    heat_pump_heat_kw_th
        Heat the heat pumps deliver directly to the process [kW_th], (n_steps, n_firms).
    heat_pump_capacity_kw_th
        Heat-pump capacity usable for this heat (0 where none) [kW_th], (n_firms,).
    cheap_step
        Steps in which charging is allowed (the cheapest tariff band), (n_steps,).
    capacity_kwh_th, loss_per_h
        Store size [kWh_th] and standing loss per hour [-], (n_firms,).
    dt_h
        Step length [h].
    """
    n_steps, n_firms = heat_kw_th.shape
    charge = np.zeros((n_steps, n_firms))
    discharge = np.zeros((n_steps, n_firms))
    stored_rec = np.zeros((n_steps, n_firms))
    stored = np.zeros(n_firms)
    boiler_heat = np.maximum(heat_kw_th - heat_pump_heat_kw_th, 0.0)
    spare = np.maximum(heat_pump_capacity_kw_th[None, :] - heat_pump_heat_kw_th, 0.0)
    for t in range(n_steps):
        want_charge = spare[t] if cheap_step[t] else np.zeros(n_firms)
        step = thermal_storage_step(
            stored, want_charge, boiler_heat[t], dt_h, capacity_kwh_th, loss_per_h
        )
        stored = np.asarray(step.stored_kwh_th, dtype=float)
        charge[t] = step.charge_kw_th
        discharge[t] = step.discharge_kw_th
        stored_rec[t] = stored
    return ThermalDispatch(charge, discharge, stored_rec)
