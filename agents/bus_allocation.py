"""Share a park's grid exchange among its firms (pooled-bus rule).

A park is a microgrid: every firm's meter draws from or feeds into one bus, together with the
park's shared renewables and batteries and the grid connection. Each step the bus balances:

    import + Σ feed_i + shared_renewable + shared_discharge + unserved
        = Σ draw_i + shared_charge + export + curtailment

The **pooled-bus rule** gives every sink the same mix of sources and every source the same mix
of sinks. So firm ``i`` receives ``draw_i · import / S`` of grid electricity and
``draw_i · unserved / S`` of unserved energy, and sees ``feed_i · export / S`` of its feed exported
and ``feed_i · curtailment / S`` curtailed, where ``S`` is the bus throughput (either side of the
balance). The rule is symmetric, needs no ordering of firms, and sums back exactly to the park
totals. All functions are vectorised over steps (rows) and firms (columns).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class FirmBusShares:
    """Per-firm flows on the park bus over a block of steps, shape (n_steps, n_firms), in kW.

    Attributes
    ----------
    draw_kw
        Power each firm's meter takes from the bus.
    feed_kw
        Power each firm's meter feeds into the bus.
    grid_import_kw
        Part of the draw supplied by the grid connection.
    unserved_kw
        Part of the draw that could not be served (grid limit reached).
    exported_kw
        Part of the feed exported to the grid.
    curtailed_kw
        Part of the feed curtailed.
    """

    draw_kw: FloatArray
    feed_kw: FloatArray
    grid_import_kw: FloatArray
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


def share_bus(
    meter_kw: FloatArray,
    import_kw: FloatArray,
    export_kw: FloatArray,
    curtailment_kw: FloatArray,
    unserved_kw: FloatArray,
    shared_renewable_kw: FloatArray,
    shared_charge_kw: FloatArray,
    shared_discharge_kw: FloatArray,
) -> FirmBusShares:
    """Allocate the park's grid exchange to firms by the pooled-bus rule.

    Parameters
    ----------
    meter_kw
        Firm meter power, shape (n_steps, n_firms), positive = draw (see :func:`firm_meter_kw`).
    import_kw, export_kw, curtailment_kw, unserved_kw
        Park totals at the grid connection, shape (n_steps,).
    shared_renewable_kw, shared_charge_kw, shared_discharge_kw
        The park's shared assets, shape (n_steps,).

    Returns
    -------
    FirmBusShares
        Per-firm shares; summed over firms they equal the park totals less the shared assets'
        own shares.
    """
    draw = np.maximum(meter_kw, 0.0)
    feed = np.maximum(-meter_kw, 0.0)
    sources = import_kw + feed.sum(axis=1) + shared_renewable_kw + shared_discharge_kw + unserved_kw
    # Bus throughputs below a micro-watt are treated as an idle bus (no shares).
    active = sources > 1e-9
    inv = np.divide(1.0, sources, out=np.zeros_like(sources), where=active)
    grid_frac = (import_kw * inv)[:, None]
    unserved_frac = (unserved_kw * inv)[:, None]
    export_frac = (export_kw * inv)[:, None]
    curtail_frac = (curtailment_kw * inv)[:, None]
    return FirmBusShares(
        draw_kw=draw,
        feed_kw=feed,
        grid_import_kw=draw * grid_frac,
        unserved_kw=draw * unserved_frac,
        exported_kw=feed * export_frac,
        curtailed_kw=feed * curtail_frac,
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
