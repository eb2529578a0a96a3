"""Heat pump coefficient of performance, electricity use and temperature limit.

COP model (Carnot fraction, as in oemof.thermal's ``calc_cops``):

.. math::

    \\mathrm{COP} = \\max\\bigl(1,\\; \\min(\\mathrm{COP}_{max},\\;
        \\eta\\, T_{sink} / \\max(T_{sink} - T_{source}, \\Delta T_{min}))
        \\cdot (1 - p\\, [\\text{air source and } T_{source} < T_{ice}])\\bigr)

with temperatures in kelvin, :math:`\\eta` the Carnot efficiency (0.45-0.5 for real
machines), :math:`\\Delta T_{min}` a floor on the lift (a real machine never approaches the
Carnot limit at zero lift) and :math:`\\mathrm{COP}_{max}` a cap.

Icing: air-source evaporators frost in cold, humid air, and defrost cycles cost energy.
Following oemof.thermal (``factor_icing`` below ``temp_threshold_icing``), the COP of an
air-source unit is multiplied by :math:`1 - p` whenever the source is colder than the icing
threshold (default 2 degC, :math:`p` = 0.1). The penalty is a step, so the COP stays
non-increasing as the source gets colder. The result is floored at 1: below that, direct
resistive heating would do better.

Heat pumps in this model serve sink temperatures up to ``max_sink_c`` (150 degC by default,
the upper end of commercially available industrial heat pumps); higher process heat needs
boilers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import overload

import numpy as np
import numpy.typing as npt

__all__ = [
    "HeatPumpInputError",
    "heat_pump_can_serve",
    "heat_pump_cop",
    "heat_pump_electricity_kw",
]

_KELVIN_OFFSET = 273.15
_ABSOLUTE_ZERO_C = -273.15


class HeatPumpInputError(ValueError):
    """Raised when a heat pump function receives an invalid argument."""


def _checked(
    name: str,
    values: npt.ArrayLike,
    ok: Callable[[npt.NDArray[np.float64]], npt.NDArray[np.bool_] | np.bool_],
    allowed: str,
) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if not (np.all(np.isfinite(array)) and np.all(ok(array))):
        raise HeatPumpInputError(f"{name} must be {allowed}, got {values!r}")
    return array


@overload
def heat_pump_cop(
    source_temperature_c: float,
    sink_temperature_c: float,
    eta: float = ...,
    cop_max: float = ...,
    min_lift_k: float = ...,
    icing_threshold_c: float = ...,
    icing_penalty_frac: float = ...,
    air_source: bool = ...,
) -> float: ...
@overload
def heat_pump_cop(
    source_temperature_c: npt.ArrayLike,
    sink_temperature_c: npt.ArrayLike,
    eta: npt.ArrayLike = ...,
    cop_max: npt.ArrayLike = ...,
    min_lift_k: npt.ArrayLike = ...,
    icing_threshold_c: npt.ArrayLike = ...,
    icing_penalty_frac: npt.ArrayLike = ...,
    air_source: npt.ArrayLike = ...,
) -> npt.NDArray[np.float64]: ...
def heat_pump_cop(
    source_temperature_c: npt.ArrayLike,
    sink_temperature_c: npt.ArrayLike,
    eta: npt.ArrayLike = 0.45,
    cop_max: npt.ArrayLike = 6.0,
    min_lift_k: npt.ArrayLike = 10.0,
    icing_threshold_c: npt.ArrayLike = 2.0,
    icing_penalty_frac: npt.ArrayLike = 0.1,
    air_source: npt.ArrayLike = True,
) -> float | npt.NDArray[np.float64]:
    """Coefficient of performance from source and sink temperatures.

    Parameters
    ----------
    source_temperature_c : array_like
        Heat source temperature [degC] (outdoor air or waste heat).
    sink_temperature_c : array_like
        Heat delivery (sink) temperature [degC]; broadcasts against the source.
    eta : array_like
        Carnot efficiency [fraction], in (0, 1].
    cop_max : array_like
        Upper bound on the COP [dimensionless], >= 1.
    min_lift_k : array_like
        Floor on the temperature lift used in the Carnot term [K], > 0.
    icing_threshold_c : array_like
        Source temperature below which air-source units suffer the icing penalty [degC].
    icing_penalty_frac : array_like
        Relative COP loss from icing and defrosting [fraction], in [0, 1).
    air_source : array_like of bool
        Whether the source is outdoor air (icing applies) or e.g. waste heat (no icing).

    All parameters broadcast against the temperatures, so each unit (e.g. each firm along the
    last axis) can have its own values.

    Returns
    -------
    float or numpy.ndarray
        COP [kW_th/kW_el] in [1, cop_max]; a float for scalar inputs.

    Raises
    ------
    HeatPumpInputError
        On a temperature at or below absolute zero or not finite, or a parameter outside its
        range.
    """
    source_c = np.asarray(source_temperature_c, dtype=np.float64)
    sink_c = np.asarray(sink_temperature_c, dtype=np.float64)
    for name, values in (("source_temperature_c", source_c), ("sink_temperature_c", sink_c)):
        if not np.all(np.isfinite(values)) or np.any(values <= _ABSOLUTE_ZERO_C):
            raise HeatPumpInputError(f"{name} must be finite and above -273.15 degC")
    eta_v = _checked("eta", eta, lambda v: (v > 0.0) & (v <= 1.0), "in (0, 1]")
    cop_max_v = _checked("cop_max", cop_max, lambda v: v >= 1.0, ">= 1")
    min_lift_v = _checked("min_lift_k", min_lift_k, lambda v: v > 0.0, "> 0")
    threshold_v = _checked("icing_threshold_c", icing_threshold_c, np.isfinite, "finite")
    penalty_v = _checked(
        "icing_penalty_frac", icing_penalty_frac, lambda v: (v >= 0.0) & (v < 1.0), "in [0, 1)"
    )
    air = np.asarray(air_source, dtype=bool)

    sink_k = sink_c + _KELVIN_OFFSET
    lift_k = np.maximum(sink_c - source_c, min_lift_v)
    cop = np.minimum(eta_v * sink_k / lift_k, cop_max_v)
    icing = air & (source_c < threshold_v)
    cop = np.where(icing, cop * (1.0 - penalty_v), cop)
    cop = np.maximum(cop, 1.0)
    return float(cop) if cop.ndim == 0 else cop


@overload
def heat_pump_electricity_kw(heat_kw_th: float, cop: float) -> float: ...
@overload
def heat_pump_electricity_kw(
    heat_kw_th: npt.ArrayLike, cop: npt.ArrayLike
) -> npt.NDArray[np.float64]: ...
def heat_pump_electricity_kw(
    heat_kw_th: npt.ArrayLike, cop: npt.ArrayLike
) -> float | npt.NDArray[np.float64]:
    """Electric input needed to deliver a heat output at a given COP.

    Parameters
    ----------
    heat_kw_th : array_like
        Heat delivered [kW_th], >= 0. Energies [kWh_th] work the same way.
    cop : array_like
        Coefficient of performance [kW_th/kW_el], > 0; broadcasts against ``heat_kw_th``.

    Returns
    -------
    float or numpy.ndarray
        Electric power [kW_el]; a float for scalar inputs.

    Raises
    ------
    HeatPumpInputError
        On negative heat or a non-positive COP.
    """
    heat = np.asarray(heat_kw_th, dtype=np.float64)
    cop_values = np.asarray(cop, dtype=np.float64)
    if not np.all(np.isfinite(heat)) or np.any(heat < 0.0):
        raise HeatPumpInputError("heat_kw_th must be finite and >= 0")
    if not np.all(np.isfinite(cop_values)) or np.any(cop_values <= 0.0):
        raise HeatPumpInputError("cop must be finite and > 0")
    electricity = heat / cop_values
    return float(electricity) if electricity.ndim == 0 else electricity


@overload
def heat_pump_can_serve(sink_temperature_c: float, max_sink_c: float = ...) -> bool: ...
@overload
def heat_pump_can_serve(
    sink_temperature_c: npt.ArrayLike, max_sink_c: float = ...
) -> npt.NDArray[np.bool_]: ...
def heat_pump_can_serve(
    sink_temperature_c: npt.ArrayLike, max_sink_c: float = 150.0
) -> bool | npt.NDArray[np.bool_]:
    """Whether a heat pump can deliver heat at the given sink temperature.

    Parameters
    ----------
    sink_temperature_c : array_like
        Required delivery temperature [degC].
    max_sink_c : float
        Highest sink temperature heat pumps can serve [degC].

    Returns
    -------
    bool or numpy.ndarray of bool
        True where ``sink_temperature_c <= max_sink_c``; a bool for scalar input.

    Raises
    ------
    HeatPumpInputError
        If a temperature is not finite.
    """
    sink_c = np.asarray(sink_temperature_c, dtype=np.float64)
    if not np.all(np.isfinite(sink_c)):
        raise HeatPumpInputError("sink_temperature_c must be finite")
    if not np.isfinite(max_sink_c):
        raise HeatPumpInputError(f"max_sink_c must be finite, got {max_sink_c!r}")
    servable = sink_c <= max_sink_c
    return bool(servable) if servable.ndim == 0 else servable
