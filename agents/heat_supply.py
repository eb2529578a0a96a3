"""Who delivers each firm's process heat: heat pump first, then boilers (pure, vectorised).

Heat up to a heat pump's sink limit is served by the firm's heat pump within its capacity; the
rest comes from the firm's boiler: coal and gas by the firm's gas share, or an electric boiler.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from agents.devices.boilers import coal_kg_for_heat, electric_boiler_kwh_for_heat, gas_m3_for_heat

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


class HeatSupply(NamedTuple):
    """Heat supply of firms per step, arrays of shape (n_steps, n_firms).

    Attributes
    ----------
    heat_pump_heat_kw_th
        Heat delivered by heat pumps [kW_th].
    heat_pump_kw
        Electricity drawn by heat pumps [kW].
    coal_kg, gas_m3
        Boiler fuel burnt in each step [kg], [m³].
    electric_boiler_kw
        Electricity drawn by electric boilers [kW].
    """

    heat_pump_heat_kw_th: FloatArray
    heat_pump_kw: FloatArray
    coal_kg: FloatArray
    gas_m3: FloatArray
    electric_boiler_kw: FloatArray


def heat_supply(
    heat_kw_th: FloatArray,
    heat_pump_capacity_kw_th: FloatArray,
    heat_pump_can_serve: BoolArray,
    cop: FloatArray,
    boiler_efficiency: FloatArray,
    gas_share: FloatArray,
    electric_boiler: BoolArray,
    dt_h: float,
) -> HeatSupply:
    """Split heat demand between heat pumps and boilers.

    Parameters
    ----------
    heat_kw_th
        Process heat demand [kW_th], shape (n_steps, n_firms).
    heat_pump_capacity_kw_th, heat_pump_can_serve
        Heat-pump capacity [kW_th] and whether the sink temperature is within its reach, (n_firms,).
    cop
        Heat-pump coefficient of performance per step and firm, (n_steps, n_firms).
    boiler_efficiency, gas_share, electric_boiler
        The boiler's efficiency, share of gas in its fuel, and whether it is electric, (n_firms,).
    dt_h
        Step length [h].
    """
    capacity = (heat_pump_capacity_kw_th * heat_pump_can_serve)[None, :]
    hp_heat = np.minimum(heat_kw_th, capacity)
    hp_kw = np.divide(hp_heat, cop, out=np.zeros_like(hp_heat), where=hp_heat > 0.0)
    coal, gas, electric = boiler_inputs(
        heat_kw_th - hp_heat, boiler_efficiency, gas_share, electric_boiler, dt_h
    )
    return HeatSupply(hp_heat, hp_kw, coal, gas, electric)


def boiler_inputs(
    boiler_heat_kw_th: FloatArray,
    boiler_efficiency: FloatArray,
    gas_share: FloatArray,
    electric_boiler: BoolArray,
    dt_h: float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Fuel and power boilers need for the heat they deliver, per step.

    Returns
    -------
    tuple of numpy.ndarray
        Coal [kg] and gas [m³] burnt in each step, and electric-boiler power [kW], all
        (n_steps, n_firms).
    """
    heat_kwh_th = boiler_heat_kw_th * dt_h
    eff = boiler_efficiency[None, :]
    share = gas_share[None, :]
    fired = np.where(electric_boiler[None, :], 0.0, heat_kwh_th)
    coal = np.asarray(coal_kg_for_heat(fired * (1.0 - share), eff), dtype=float)
    gas = np.asarray(gas_m3_for_heat(fired * share, eff), dtype=float)
    electric = np.where(
        electric_boiler[None, :],
        np.asarray(electric_boiler_kwh_for_heat(heat_kwh_th, eff), dtype=float) / dt_h,
        0.0,
    )
    return coal, gas, electric
