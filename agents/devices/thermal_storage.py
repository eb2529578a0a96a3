"""Sensible-heat storage (hot-water tank, steam accumulator): one step, vectorised over units.

Order of operations within a step of length :math:`\\Delta t`:

1. standing loss on the stored energy, :math:`L = E\\,(1 - (1 - \\ell)^{\\Delta t})` with
   :math:`\\ell` the fraction lost per hour;
2. discharge, limited to what is left: :math:`d \\le (E - L)/\\Delta t`;
3. charge, limited to the free capacity after the discharge:
   :math:`c \\le (C - (E - L - d\\Delta t))/\\Delta t`.

The balance :math:`E' = E - L + (c - d)\\,\\Delta t` holds exactly, and
:math:`0 \\le E' \\le C`. Charge and discharge are heat flows at the tank boundary; conversion
losses belong to the device that supplies or uses the heat.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "ThermalStorageInputError",
    "ThermalStorageStep",
    "thermal_storage_step",
]

_CAPACITY_TOLERANCE = 1e-9


class ThermalStorageInputError(ValueError):
    """Raised when the thermal storage step receives an invalid argument."""


class ThermalStorageStep(NamedTuple):
    """Outcome of one storage step.

    Every field is a numpy array with the broadcast shape of the inputs (0-d for scalar
    inputs; ``float(field)`` gives the number).

    Attributes
    ----------
    stored_kwh_th : numpy.ndarray
        Stored heat at the end of the step [kWh_th].
    charge_kw_th : numpy.ndarray
        Charge actually accepted [kW_th].
    discharge_kw_th : numpy.ndarray
        Discharge actually delivered [kW_th].
    loss_kwh_th : numpy.ndarray
        Standing loss during the step [kWh_th].
    """

    stored_kwh_th: npt.NDArray[np.float64]
    charge_kw_th: npt.NDArray[np.float64]
    discharge_kw_th: npt.NDArray[np.float64]
    loss_kwh_th: npt.NDArray[np.float64]


def _nonnegative(name: str, values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(array)) or np.any(array < 0.0):
        raise ThermalStorageInputError(f"{name} must be finite and >= 0")
    return array


def thermal_storage_step(
    stored_kwh_th: npt.ArrayLike,
    charge_kw_th: npt.ArrayLike,
    discharge_kw_th: npt.ArrayLike,
    dt_h: float,
    capacity_kwh_th: npt.ArrayLike,
    loss_per_h: npt.ArrayLike,
) -> ThermalStorageStep:
    """Advance heat stores by one step, clipping requests to availability and capacity.

    Parameters
    ----------
    stored_kwh_th : array_like
        Stored heat at the start of the step [kWh_th], in [0, capacity_kwh_th].
    charge_kw_th : array_like
        Requested charging heat flow [kW_th], >= 0.
    discharge_kw_th : array_like
        Requested discharging heat flow [kW_th], >= 0.
    dt_h : float
        Step length [h], > 0.
    capacity_kwh_th : array_like
        Storage capacity [kWh_th], >= 0.
    loss_per_h : array_like
        Fraction of the stored heat lost per hour [1/h], in [0, 1).

    Returns
    -------
    ThermalStorageStep
        End-of-step stored heat, accepted charge and discharge, and standing loss, as arrays
        with the broadcast shape of the inputs (0-d arrays for scalar inputs).

    Raises
    ------
    ThermalStorageInputError
        On a negative or non-finite input, ``dt_h <= 0``, a loss rate outside [0, 1), or a
        stored energy above capacity.
    """
    stored = _nonnegative("stored_kwh_th", stored_kwh_th)
    charge_request = _nonnegative("charge_kw_th", charge_kw_th)
    discharge_request = _nonnegative("discharge_kw_th", discharge_kw_th)
    capacity = _nonnegative("capacity_kwh_th", capacity_kwh_th)
    loss_rate = np.asarray(loss_per_h, dtype=np.float64)
    if not np.all(np.isfinite(loss_rate)) or np.any((loss_rate < 0.0) | (loss_rate >= 1.0)):
        raise ThermalStorageInputError("loss_per_h must be in [0, 1)")
    if not (np.isfinite(dt_h) and dt_h > 0.0):
        raise ThermalStorageInputError(f"dt_h must be > 0, got {dt_h!r}")
    tolerance = _CAPACITY_TOLERANCE * np.maximum(capacity, 1.0)
    if np.any(stored > capacity + tolerance):
        raise ThermalStorageInputError("stored_kwh_th must not exceed capacity_kwh_th")

    stored, charge_request, discharge_request, capacity, loss_rate = np.broadcast_arrays(
        np.minimum(stored, capacity), charge_request, discharge_request, capacity, loss_rate
    )
    loss = stored * -np.expm1(dt_h * np.log1p(-loss_rate))
    after_loss = stored - loss
    discharge = np.minimum(discharge_request, after_loss / dt_h)
    after_discharge = after_loss - discharge * dt_h
    charge = np.minimum(charge_request, np.maximum(capacity - after_discharge, 0.0) / dt_h)
    new_stored = np.clip(after_discharge + charge * dt_h, 0.0, capacity)

    return ThermalStorageStep(
        stored_kwh_th=np.asarray(new_stored, dtype=np.float64),
        charge_kw_th=np.asarray(charge, dtype=np.float64),
        discharge_kw_th=np.asarray(discharge, dtype=np.float64),
        loss_kwh_th=np.asarray(loss, dtype=np.float64),
    )
