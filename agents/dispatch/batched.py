"""One dispatch step of many parks at once, for the rule-based strategies.

The functions here do for ``P`` parks with ``U`` storage units each, as ``(P, U)`` arrays, what
:func:`~agents.dispatch.stepping.step_dispatch` does for one park with the ``self_consumption``
or ``idle`` strategy: the same operations in the same order on every element, with sums over
the units of a park taken along the last axis, so each park's numbers are bit for bit those of
the one-park step. The engine uses them to step all parks of equal fleet size together, so its
time grows with the number of units and firms rather than with the number of parks.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from agents.devices.battery import BatteryFleet

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Strategies with a batched step (``none`` runs as ``idle``).
BATCHED_STRATEGIES = frozenset({"self_consumption", "idle", "none"})


@dataclass(frozen=True)
class StackedFleet:
    """The fleets of ``P`` parks with ``U`` units each, as ``(P, U)`` arrays.

    Attributes
    ----------
    soc_min_kwh, soc_max_kwh
        State-of-charge window [kWh].
    retention
        Share of the energy above ``soc_min`` kept over one step [-].
    eta_charge, eta_discharge
        Efficiencies [-].
    power_kw
        Power limit [kW].
    degradation_cny_per_kwh
        Wear cost per kWh of throughput [CNY/kWh].
    """

    soc_min_kwh: FloatArray
    soc_max_kwh: FloatArray
    retention: FloatArray
    eta_charge: FloatArray
    eta_discharge: FloatArray
    power_kw: FloatArray
    degradation_cny_per_kwh: FloatArray

    @classmethod
    def stack(cls, fleets: list[BatteryFleet], dt_h: float) -> StackedFleet:
        """Stack fleets of equal size; ``dt_h`` is the step length [h]."""
        n_units = fleets[0].n_units if fleets else 0

        def rows(values: list[FloatArray]) -> FloatArray:
            out: FloatArray = np.array(values, dtype=np.float64).reshape(len(fleets), n_units)
            return out

        return cls(
            soc_min_kwh=rows([f.soc_min_kwh for f in fleets]),
            soc_max_kwh=rows([f.soc_max_kwh for f in fleets]),
            retention=rows([(1.0 - f.self_discharge_per_h) ** dt_h for f in fleets]),
            eta_charge=rows([f.eta_charge for f in fleets]),
            eta_discharge=rows([f.eta_discharge for f in fleets]),
            power_kw=rows([f.power_kw for f in fleets]),
            degradation_cny_per_kwh=rows([f.degradation_cny_per_kwh for f in fleets]),
        )


class BatchedStep(NamedTuple):
    """Flows and state of one step of ``P`` parks (``(P, U)`` per unit, ``(P,)`` per park)."""

    soc_kwh: FloatArray
    charge_kw: FloatArray
    discharge_kw: FloatArray
    import_kw: FloatArray
    export_kw: FloatArray
    curtailment_kw: FloatArray
    unserved_kw: FloatArray
    degradation_cny: FloatArray


def _after_self_discharge_kwh(soc_kwh: FloatArray, fleet: StackedFleet) -> FloatArray:
    out: FloatArray = fleet.soc_min_kwh + (soc_kwh - fleet.soc_min_kwh) * fleet.retention
    return out


def _share_by_headroom(total_kw: FloatArray, headroom_kw: FloatArray) -> FloatArray:
    """Per park: ``headroom × min(1, total / Σ headroom)``, zero without headroom or total."""
    available = headroom_kw.sum(axis=1)
    ok = (available > 0.0) & (total_kw > 0.0)
    ratio = np.divide(total_kw, available, out=np.zeros_like(total_kw), where=ok)
    scaled: FloatArray = headroom_kw * np.minimum(1.0, ratio)[:, None]
    out: FloatArray = np.where(ok[:, None], scaled, 0.0)
    return out


def self_consumption_request_kw(
    net_load_kw: FloatArray, soc_kwh: FloatArray, dt_h: float, fleet: StackedFleet
) -> FloatArray:
    """Requests of the ``self_consumption`` strategy for ``P`` parks [kW], shape ``(P, U)``."""
    soc_sd = _after_self_discharge_kwh(soc_kwh, fleet)
    room = np.clip((fleet.soc_max_kwh - soc_sd) / (fleet.eta_charge * dt_h), 0.0, fleet.power_kw)
    usable = np.clip((soc_sd - fleet.soc_min_kwh) * fleet.eta_discharge / dt_h, 0.0, fleet.power_kw)
    charge = _share_by_headroom(-net_load_kw, room)
    discharge = -_share_by_headroom(net_load_kw, usable)
    out: FloatArray = np.where(
        (net_load_kw < 0.0)[:, None],
        charge,
        np.where((net_load_kw > 0.0)[:, None], discharge, 0.0),
    )
    return out


def _battery(
    soc_kwh: FloatArray, request_kw: FloatArray, dt_h: float, fleet: StackedFleet
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Battery physics of :func:`~agents.devices.battery.battery_step_trusted` on ``(P, U)``."""
    soc_min, soc_max = fleet.soc_min_kwh, fleet.soc_max_kwh
    soc_sd = soc_min + (soc_kwh - soc_min) * fleet.retention
    charge_max = np.clip((soc_max - soc_sd) / (fleet.eta_charge * dt_h), 0.0, fleet.power_kw)
    discharge_max = np.clip((soc_sd - soc_min) * fleet.eta_discharge / dt_h, 0.0, fleet.power_kw)
    charge = np.minimum(np.maximum(request_kw, 0.0), charge_max)
    discharge = np.minimum(np.maximum(-request_kw, 0.0), discharge_max)
    soc_next = soc_sd + fleet.eta_charge * charge * dt_h - discharge * dt_h / fleet.eta_discharge
    soc_next = np.clip(soc_next, soc_min, soc_max)
    degradation = fleet.degradation_cny_per_kwh * ((charge + discharge) * dt_h)
    return soc_next, charge, discharge, degradation


def batched_step(
    request_kw: FloatArray,
    soc_kwh: FloatArray,
    net_load_kw: FloatArray,
    renewable_kw: FloatArray,
    grid_limit_kw: FloatArray,
    dt_h: float,
    fleet: StackedFleet,
) -> BatchedStep:
    """Apply requests to the storage of ``P`` parks and balance each park's bus.

    The physics and the admissibility cut-back of
    :func:`~agents.dispatch.stepping.step_dispatch`, park by park, as arrays.

    Parameters
    ----------
    request_kw
        Requested power per unit [kW], shape ``(P, U)`` (``> 0`` charge).
    soc_kwh
        Stored energy at the start of the step [kWh], shape ``(P, U)``, inside the window.
    net_load_kw, renewable_kw, grid_limit_kw
        Each park's net load, renewable output and connection limit [kW], shape ``(P,)``.
    dt_h
        Step length [h].
    fleet
        The parks' storage units.
    """
    soc, charge, discharge, degradation = _battery(soc_kwh, request_kw, dt_h, fleet)
    total_charge, total_discharge = charge.sum(axis=1), discharge.sum(axis=1)
    net_storage = total_charge - total_discharge
    high = np.maximum(grid_limit_kw - net_load_kw, 0.0)
    low = -(net_load_kw + renewable_kw + grid_limit_kw)
    cut_charge = (net_storage > high) & (total_charge > 0.0)
    cut_discharge = ~cut_charge & (net_storage < low) & (total_discharge > 0.0)
    redo = cut_charge | cut_discharge
    if np.any(redo):
        rows = np.flatnonzero(redo)
        c, d = charge[rows], discharge[rows]
        tc, td, ns = total_charge[rows], total_discharge[rows], net_storage[rows]
        on_charge = cut_charge[rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            cut_c = np.minimum(ns - high[rows], tc)
            cut_d = np.minimum(low[rows] - ns, td)
            request_c = c * (1.0 - cut_c / tc)[:, None] - d
            request_d = c - d * (1.0 - cut_d / td)[:, None]
        request = np.where(on_charge[:, None], request_c, request_d)
        sub = StackedFleet(**{f.name: getattr(fleet, f.name)[rows] for f in fields(fleet)})
        s2, c2, d2, g2 = _battery(soc_kwh[rows], request, dt_h, sub)
        # The arrays of the first pass are this step's own; replace the redone parks' rows.
        soc[rows], charge[rows], discharge[rows], degradation[rows] = s2, c2, d2, g2
        net_storage = charge.sum(axis=1) - discharge.sum(axis=1)
    residual = net_load_kw + net_storage
    importing = residual >= 0.0
    imports = np.minimum(residual, grid_limit_kw)
    surplus = -residual
    exports = np.minimum(surplus, grid_limit_kw)
    return BatchedStep(
        soc_kwh=soc,
        charge_kw=charge,
        discharge_kw=discharge,
        import_kw=np.where(importing, imports, 0.0),
        export_kw=np.where(importing, 0.0, exports),
        curtailment_kw=np.where(importing, 0.0, np.minimum(surplus - exports, renewable_kw)),
        unserved_kw=np.where(importing, residual - imports, 0.0),
        degradation_cny=degradation.sum(axis=1),
    )
