"""Energy balance of a park's bus behind its single grid connection.

Each step the bus balances load, renewable output, storage and the grid::

    load + charge + export + curtailment = renewable + discharge + import + unserved

With ``net_load = load - renewable`` and the net storage power ``storage = charge - discharge``
the residual the grid has to cover is ``residual = net_load + storage``. The grid connection
imports ``min(residual⁺, limit)`` and exports ``min(residual⁻, limit)``; load beyond the import
limit is unserved and renewable output beyond the export limit is curtailed. Storage discharge is
never curtailed: a request that pushes more power into the bus than load, export and curtailment
can absorb is rejected (see :func:`storage_power_window_kw` for the admissible range).

All functions work on a scalar park or on arrays over parks (or steps) alike.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

#: Absolute tolerance [kW] on the balance checks.
BALANCE_TOLERANCE_KW = 1e-6


class BalanceInputError(ValueError):
    """A bus-balance input is malformed, out of range or cannot be balanced."""


class GridExchange(NamedTuple):
    """Flows at the grid connection for one step [kW], arrays of the broadcast input shape.

    Attributes
    ----------
    residual_kw
        Net load plus net storage charging: what the grid would have to supply (``< 0``: give).
    import_kw
        Power drawn from the grid, ``0 <= import <= limit``.
    export_kw
        Power fed to the grid, ``0 <= export <= limit``.
    curtailment_kw
        Renewable output that can be neither used nor exported, ``0 <= curtailment <= renewable``.
    unserved_kw
        Load that cannot be supplied because the import limit is reached.
    """

    residual_kw: FloatArray
    import_kw: FloatArray
    export_kw: FloatArray
    curtailment_kw: FloatArray
    unserved_kw: FloatArray


def _finite(name: str, value: ArrayLike) -> FloatArray:
    array = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        raise BalanceInputError(f"{name} must be finite; got {array.ravel()[:5].tolist()}")
    return array


def _check_inputs(
    net_load_kw: ArrayLike, renewable_kw: ArrayLike, grid_limit_kw: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    net_load = _finite("net_load_kw", net_load_kw)
    renewable = _finite("renewable_kw", renewable_kw)
    limit = _finite("grid_limit_kw", grid_limit_kw)
    if np.any(renewable < 0.0):
        raise BalanceInputError(
            f"renewable_kw must be >= 0; got {renewable[renewable < 0.0].tolist()[:5]}"
        )
    if np.any(limit < 0.0):
        raise BalanceInputError(f"grid_limit_kw must be >= 0; got {limit[limit < 0.0].tolist()}")
    negative_load = net_load + renewable < -BALANCE_TOLERANCE_KW
    if np.any(negative_load):
        raise BalanceInputError(
            "net_load_kw must be >= -renewable_kw (load = net_load + renewable >= 0); got "
            f"net load {np.broadcast_to(net_load, negative_load.shape)[negative_load][:5].tolist()}"
        )
    return net_load, renewable, limit


def storage_power_window_kw(
    net_load_kw: ArrayLike, renewable_kw: ArrayLike, grid_limit_kw: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Admissible range of net storage power ``charge - discharge`` [kW].

    Returns
    -------
    low_kw
        ``-(net_load + renewable + limit)``: the most discharge the bus can absorb (serving the
        load, exporting to the limit and curtailing all renewable output).
    high_kw
        ``max(limit - net_load, 0)``: the most charging that causes no unserved load.
    """
    net_load, renewable, limit = _check_inputs(net_load_kw, renewable_kw, grid_limit_kw)
    low = -(net_load + renewable + limit)
    high = np.maximum(limit - net_load, 0.0)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def grid_exchange(
    net_load_kw: ArrayLike,
    storage_power_kw: ArrayLike,
    renewable_kw: ArrayLike,
    grid_limit_kw: ArrayLike,
) -> GridExchange:
    """Balance the bus for one step.

    Parameters
    ----------
    net_load_kw
        Load minus renewable output before storage [kW] (``< 0``: surplus).
    storage_power_kw
        Net AC storage power [kW]: charging minus discharging of all units.
    renewable_kw
        Renewable (PV and wind) output [kW], ``>= 0``; bounds curtailment.
    grid_limit_kw
        Connection limit for import and for export [kW], ``>= 0``.

    Returns
    -------
    GridExchange
        Flows satisfying, to rounding,
        ``load = renewable + discharge + import - export - charge - curtailment + unserved``.

    Raises
    ------
    BalanceInputError
        If an input is not finite, renewable output or the limit is negative, the load implied
        by ``net_load + renewable`` is negative, or storage discharges more than the bus can
        absorb.
    """
    net_load, renewable, limit = _check_inputs(net_load_kw, renewable_kw, grid_limit_kw)
    storage = _finite("storage_power_kw", storage_power_kw)
    residual = net_load + storage
    need = np.maximum(residual, 0.0)
    surplus = np.maximum(-residual, 0.0)
    imports = np.minimum(need, limit)
    exports = np.minimum(surplus, limit)
    unserved = need - imports
    spill = surplus - exports
    too_much = spill > renewable + BALANCE_TOLERANCE_KW
    if np.any(too_much):
        raise BalanceInputError(
            "storage_power_kw discharges more than the bus can absorb (load + export limit + "
            "curtailable renewable); got residual "
            f"{np.broadcast_to(residual, too_much.shape)[too_much][:5].tolist()} kW"
        )
    curtailment = np.minimum(spill, renewable)
    return GridExchange(
        residual_kw=np.asarray(residual, dtype=np.float64),
        import_kw=np.asarray(imports, dtype=np.float64),
        export_kw=np.asarray(exports, dtype=np.float64),
        curtailment_kw=np.asarray(curtailment, dtype=np.float64),
        unserved_kw=np.asarray(unserved, dtype=np.float64),
    )


def grid_exchange_scalar(
    net_load_kw: float, storage_power_kw: float, renewable_kw: float, grid_limit_kw: float
) -> tuple[float, float, float, float]:
    """:func:`grid_exchange` for one park and step on plain floats, without input checks.

    For hot loops over validated inputs (the simulation engine). The caller guarantees finite
    inputs, ``renewable_kw >= 0``, ``grid_limit_kw >= 0`` and a storage power inside
    :func:`storage_power_window_kw`.

    Returns
    -------
    tuple of float
        ``(import_kw, export_kw, curtailment_kw, unserved_kw)``.
    """
    residual = net_load_kw + storage_power_kw
    if residual >= 0.0:
        imports = min(residual, grid_limit_kw)
        return imports, 0.0, 0.0, residual - imports
    surplus = -residual
    exports = min(surplus, grid_limit_kw)
    return 0.0, exports, min(surplus - exports, renewable_kw), 0.0
