"""Firms' expected grid electricity before the fact (pure, vectorised over steps and firms).

A firm plans its energy-use position (rights bids, abatement) on the electricity that compliance
will count: its grid electricity under the park's pooled-bus rule
(:mod:`agents.bus_allocation`). Before the steps are run it knows the park's expected loads, its
own and the park's shared PV and wind output, and the grid connection's limit, but not the
operator's storage dispatch. The forecast therefore balances the park bus with those flows and no
storage dispatch (:func:`agents.park_balance.grid_exchange`) and shares the result among firms
with the same rule the settlement uses (:func:`agents.bus_allocation.share_bus`):

- a firm's own PV and wind first cover its own load (its meter draws the rest or feeds the bus);
- shared PV and wind, and other firms' surplus, reach every firm in proportion to its draw;
- what the connection cannot import is unserved, as in the run.

With the park's inputs known exactly and no battery in the park, the forecast equals the grid
electricity the run later counts. A battery shifts grid electricity in time and adds its
conversion losses, which the forecast leaves out: a park battery charged from surplus PV lowers
the counted figure, one charged from the grid raises it by its losses.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from agents.bus_allocation import share_bus
from agents.park_balance import grid_exchange

FloatArray = NDArray[np.float64]


def expected_firm_grid_kwh(
    firm_load_kw: FloatArray,
    firm_renewable_kw: FloatArray,
    shared_renewable_kw: FloatArray,
    grid_limit_kw: float,
    step_weight: FloatArray,
    dt_h: float,
) -> FloatArray:
    """Expected grid electricity of every firm over a window, without storage dispatch [kWh].

    Parameters
    ----------
    firm_load_kw
        Electric load of each firm per step [kW], shape (n_steps, n_firms).
    firm_renewable_kw
        Each firm's own PV and wind output per step [kW], shape (n_steps, n_firms).
    shared_renewable_kw
        The park's shared PV and wind output per step [kW], shape (n_steps,).
    grid_limit_kw
        Import and export limit of the park's connection [kW].
    step_weight
        Days each step stands for (1 unless representative days are used) [-], shape (n_steps,).
    dt_h
        Step length [h].

    Returns
    -------
    numpy.ndarray
        Weighted grid electricity per firm over the window [kWh], shape (n_firms,); it sums to
        the park's weighted import of the same balance.
    """
    meter_kw = firm_load_kw - firm_renewable_kw
    n_steps = meter_kw.shape[0]
    if n_steps == 0:
        return np.zeros(meter_kw.shape[1])
    renewable_kw = firm_renewable_kw.sum(axis=1) + shared_renewable_kw
    net_load_kw = firm_load_kw.sum(axis=1) - renewable_kw
    flows = grid_exchange(net_load_kw, 0.0, renewable_kw, grid_limit_kw)
    zeros = np.zeros(n_steps)
    shares = share_bus(
        meter_kw,
        flows.import_kw,
        flows.export_kw,
        flows.curtailment_kw,
        flows.unserved_kw,
        shared_renewable_kw,
        zeros,
        zeros,
        zeros,
        0.0,
        zeros,
        dt_h,
    )
    out: FloatArray = (step_weight * dt_h) @ shares.grid_import_kw
    return out
