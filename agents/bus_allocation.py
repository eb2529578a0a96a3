"""Share a park's grid exchange among its firms (pooled bus with a traced shared battery).

A park is a microgrid: every firm's meter draws from or feeds into one bus, together with the
park's shared renewables and batteries and the grid connection. Each step the bus balances:

    import + Σ feed_i + shared_renewable + shared_discharge + unserved
        = Σ draw_i + shared_charge + export + curtailment

**Pooled bus.** Every sink gets the same mix of sources and every source the same mix of sinks,
so a draw of ``draw_i`` receives ``draw_i / S`` of each source, where ``S`` is the bus throughput
(either side of the balance). Shared charging and discharging in the same step are netted first
(one shared unit charging another is internal to the park's store).

**Traced shared battery.** The shared battery is a park asset run for its firms, so its grid
content is traced. Electricity charged from the bus carries the bus's grid share (and its import
cost) into the store; the store is well mixed, so its grid fraction ``φ`` is updated every step
(inflow first, then outflow: ``φ_t = (G_{t-1} + grid charged) / (SoC_{t-1} + charge·dt)`` and
``G_t = φ_t · SoC_t``). Discharge delivers that grid fraction to the bus, so a firm supplied by the
battery receives the grid electricity stored in it; renewable electricity stored and later used
stays non-grid.

**Park key.** What reaches no firm's draw is charged to the firms pro rata to their draw over
the settlement block (equal shares if no firm drew):

- the grid content of the battery's conversion and self-discharge losses;
- the grid content of exports and curtailment (e.g. grid electricity stored and later exported:
  the firms carry its import and are credited with its export);
- the unserved share of the battery's charging, export and curtailment;
- the grid content still stored at the end of the block, charged at its last step. The store
  then enters the next block as already counted energy, so every settlement closes on its own
  (the engine settles one day at a time; representative days need not follow each other).

A firm's export and curtailment are its feed's pro-rata part plus its key share of the part that
came from the shared renewables, the battery and the grid. For peak charges, a firm's part of the
grid connection's power in a step is the grid share of its draw plus its key share of the grid
power going to the battery, export and curtailment.

Consequently, over every settlement block, Σ firms' grid electricity equals the park's import,
Σ firms' grid cost equals the park's import cost, and per step Σ firms' unserved, exported and
curtailed energy equal the park's. Per-step work is vectorised over firms; the battery's content
is a scalar recursion over the steps of the block.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: Bus throughput [kW] below which a step counts as idle (no shares).
IDLE_BUS_KW = 1e-9


@dataclass(frozen=True)
class FirmBusShares:
    """Per-firm flows on the park bus over a block of steps, shape (n_steps, n_firms).

    Attributes
    ----------
    draw_kw
        Power each firm's meter takes from the bus [kW].
    feed_kw
        Power each firm's meter feeds into the bus [kW].
    grid_import_kw
        Grid electricity charged to the firm in the step [kW, i.e. kWh per hour of step]: its
        draw's grid share (direct and through the battery) plus its key share of the battery's
        losses, exports and end-of-block store. Summed over firms and the block it equals the
        park's import.
    grid_cost_cny_per_h
        Import cost of that grid electricity [CNY per hour of step]; summed it equals the park's
        import cost.
    instant_grid_import_kw
        The firm's part of the grid connection's power in the step [kW]: the grid share of its
        draw plus its key share of the grid power going to the battery, export and curtailment.
        Sums to the park import every step; the key for coincident-peak charges.
    unserved_kw
        Part of the draw that could not be served (grid limit reached) [kW].
    exported_kw
        Export charged to the firm [kW].
    curtailed_kw
        Curtailment charged to the firm [kW].
    """

    draw_kw: FloatArray
    feed_kw: FloatArray
    grid_import_kw: FloatArray
    grid_cost_cny_per_h: FloatArray
    instant_grid_import_kw: FloatArray
    unserved_kw: FloatArray
    exported_kw: FloatArray
    curtailed_kw: FloatArray


def firm_meter_kw(
    firm_load_kw: FloatArray,
    firm_renewable_kw: FloatArray,
    firm_charge_kw: FloatArray,
    firm_discharge_kw: FloatArray,
) -> FloatArray:
    """Net power at each firm's meter [kW]: positive draws from the park bus.

    Parameters
    ----------
    firm_load_kw, firm_renewable_kw, firm_charge_kw, firm_discharge_kw
        Arrays of equal shape (n_steps, n_firms): electric load, own PV and wind output, own
        battery charging and discharging (AC side).
    """
    return firm_load_kw - firm_renewable_kw + firm_charge_kw - firm_discharge_kw


def park_key(draw_kw: FloatArray) -> FloatArray:
    """Each firm's share of the park's shared flows: its draw over the block, shape (n_firms,).

    Equal shares when no firm drew in the block; the shares sum to 1.
    """
    total_kw = draw_kw.sum(axis=0)
    grand = float(total_kw.sum())
    n_firms = total_kw.size
    if grand > 0.0:
        out: FloatArray = total_kw / grand
        return out
    return np.full(n_firms, 1.0 / n_firms) if n_firms else np.zeros(0)


def stored_grid_fraction(
    grid_in_kwh: FloatArray,
    charge_kwh: FloatArray,
    soc_kwh: FloatArray,
    soc_start_kwh: float,
) -> FloatArray:
    """Fraction of the shared store that is traced content, for each step of a block.

    The store starts the block with no traced content. In step ``t`` the inflow joins the store
    first, then discharge and losses leave it at the mixed fraction::

        φ_t = (C_{t-1} + in_t) / (SoC_{t-1} + charge_t),    C_t = φ_t · SoC_t

    Parameters
    ----------
    grid_in_kwh
        Traced content charged in each step [kWh or CNY], shape (n_steps,), ``<= charge_kwh``
        for a fraction (any unit for a content such as cost).
    charge_kwh
        Energy charged from the bus in each step (net of discharge) [kWh], shape (n_steps,).
    soc_kwh
        Stored energy at the end of each step [kWh], shape (n_steps,).
    soc_start_kwh
        Stored energy at the start of the block [kWh].

    Returns
    -------
    numpy.ndarray
        ``φ_t`` per step, shape (n_steps,); 0 for an empty store.
    """
    soc_prev = np.concatenate(([soc_start_kwh], soc_kwh[:-1]))
    denominator = soc_prev + charge_kwh
    retained = np.divide(
        soc_kwh, denominator, out=np.zeros_like(soc_kwh), where=denominator > IDLE_BUS_KW
    )
    frac = np.zeros_like(soc_kwh)
    content = 0.0
    for t in range(soc_kwh.size):
        if denominator[t] > IDLE_BUS_KW:
            frac[t] = (content + grid_in_kwh[t]) / denominator[t]
            content = (content + grid_in_kwh[t]) * retained[t]
        else:
            content = 0.0
    return frac


def share_bus(
    meter_kw: FloatArray,
    import_kw: FloatArray,
    export_kw: FloatArray,
    curtailment_kw: FloatArray,
    unserved_kw: FloatArray,
    shared_renewable_kw: FloatArray,
    shared_charge_kw: FloatArray,
    shared_discharge_kw: FloatArray,
    shared_soc_kwh: FloatArray,
    shared_soc_start_kwh: float,
    import_price_cny_per_kwh: FloatArray,
    dt_h: float,
) -> FirmBusShares:
    """Allocate a block of the park's grid exchange to firms (see the module docstring).

    Parameters
    ----------
    meter_kw
        Firm meter power, shape (n_steps, n_firms), positive = draw (see :func:`firm_meter_kw`).
    import_kw, export_kw, curtailment_kw, unserved_kw
        Park totals at the grid connection, shape (n_steps,).
    shared_renewable_kw, shared_charge_kw, shared_discharge_kw
        The park's shared renewables and batteries (AC side), shape (n_steps,).
    shared_soc_kwh
        Energy stored in the shared batteries at the end of each step [kWh], shape (n_steps,).
    shared_soc_start_kwh
        Energy stored in the shared batteries at the start of the block [kWh].
    import_price_cny_per_kwh
        Import price per step, shape (n_steps,).
    dt_h
        Step length [h].

    Returns
    -------
    FirmBusShares
        Per-firm shares. Over the block, Σ firms' ``grid_import_kw · dt_h`` equals the import and
        Σ firms' ``grid_cost_cny_per_h · dt_h`` its cost; every step, Σ firms' unserved,
        exported and curtailed power and ``instant_grid_import_kw`` equal the park's.
    """
    draw = np.maximum(meter_kw, 0.0)
    feed = np.maximum(-meter_kw, 0.0)
    feed_total = feed.sum(axis=1)
    charge = np.maximum(shared_charge_kw - shared_discharge_kw, 0.0)
    discharge = np.maximum(shared_discharge_kw - shared_charge_kw, 0.0)
    soc_prev = np.concatenate(([shared_soc_start_kwh], shared_soc_kwh[:-1]))
    # Conversion and self-discharge losses [kW]: what entered the store and is no longer in it.
    loss_kw = (soc_prev - shared_soc_kwh) / dt_h + charge - discharge
    sources = import_kw + feed_total + shared_renewable_kw + discharge + unserved_kw
    active = sources > IDLE_BUS_KW
    inv = np.divide(1.0, sources, out=np.zeros_like(sources), where=active)
    import_cost = import_kw * import_price_cny_per_kwh
    # The battery only charges in steps it does not discharge, so its inflow's mix is known.
    grid_frac = stored_grid_fraction(
        charge * dt_h * import_kw * inv, charge * dt_h, shared_soc_kwh, shared_soc_start_kwh
    )
    cost_frac = stored_grid_fraction(
        charge * dt_h * import_cost * inv, charge * dt_h, shared_soc_kwh, shared_soc_start_kwh
    )
    bus_grid = (import_kw + grid_frac * discharge) * inv
    bus_cost = (import_cost + cost_frac * discharge) * inv
    bus_unserved = unserved_kw * inv
    not_drawn = export_kw + curtailment_kw
    pooled_grid = not_drawn * bus_grid + grid_frac * loss_kw
    pooled_cost = not_drawn * bus_cost + cost_frac * loss_kw
    # Traced content still stored at the end of the block is charged at its last step.
    if shared_soc_kwh.size:
        pooled_grid[-1] += grid_frac[-1] * shared_soc_kwh[-1] / dt_h
        pooled_cost[-1] += cost_frac[-1] * shared_soc_kwh[-1] / dt_h
    key = park_key(draw)[None, :]
    not_fed = (sources - feed_total) * inv
    return FirmBusShares(
        draw_kw=draw,
        feed_kw=feed,
        grid_import_kw=draw * bus_grid[:, None] + key * pooled_grid[:, None],
        grid_cost_cny_per_h=draw * bus_cost[:, None] + key * pooled_cost[:, None],
        instant_grid_import_kw=(draw + key * (charge + not_drawn)[:, None])
        * (import_kw * inv)[:, None],
        unserved_kw=(draw + key * (charge + not_drawn)[:, None]) * bus_unserved[:, None],
        exported_kw=(feed * inv[:, None] + key * not_fed[:, None]) * export_kw[:, None],
        curtailed_kw=(feed * inv[:, None] + key * not_fed[:, None]) * curtailment_kw[:, None],
    )


def coincident_peak_shares(
    park_import_kw: FloatArray, firm_import_kw: FloatArray, billing_period: NDArray[np.int64]
) -> FloatArray:
    """Each firm's share of the park's peak import in each billing period.

    The demand charge is billed on the park's peak; it is shared among firms in proportion to
    their grid import in the step of that peak (coincident-peak rule).

    Parameters
    ----------
    park_import_kw
        Park import per step, shape (n_steps,).
    firm_import_kw
        Firm grid import per step, shape (n_steps, n_firms).
    billing_period
        Billing period index per step, shape (n_steps,).

    Returns
    -------
    numpy.ndarray
        Shape (n_periods, n_firms): shares summing to 1 over firms for periods with import,
        0 otherwise; periods are ordered by ``numpy.unique(billing_period)``.
    """
    periods = np.unique(billing_period)
    n_firms = firm_import_kw.shape[1] if firm_import_kw.ndim == 2 else 0
    shares = np.zeros((periods.size, n_firms))
    for k, period in enumerate(periods):
        idx = np.flatnonzero(billing_period == period)
        peak_step = idx[int(np.argmax(park_import_kw[idx]))]
        total = float(firm_import_kw[peak_step].sum())
        if total > 0.0:
            shares[k] = firm_import_kw[peak_step] / total
    return shares
