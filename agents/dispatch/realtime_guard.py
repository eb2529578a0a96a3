"""Real-time correction of a planned storage request with the step's actual net load."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from agents.devices.battery import BatteryFleet, battery_step_trusted

FloatArray = NDArray[np.float64]


def guard_request(
    request_kw: FloatArray,
    soc_kwh: FloatArray,
    net_load_kw: float,
    charge_cap_kw: float,
    shave_cap_kw: float,
    dt_h: float,
    fleet: BatteryFleet,
) -> FloatArray:
    """Correct a planned request with the step's actual net load.

    With the actual net load, the import the request would cause is
    ``net_load + Σ charge − Σ discharge`` (flows as the battery physics would clip them). If
    that exceeds ``charge_cap_kw``, charging is scaled back across the units in proportion
    (charging never lifts the import above that cap). If the import is then still above
    ``shave_cap_kw``, the units discharge more, in proportion to the discharge power their
    power rating and state of charge still allow, until the import reaches that cap or the
    units are exhausted. A request that stays within both caps is returned as it is.

    Parameters
    ----------
    request_kw
        Planned power per unit [kW], shape ``(U,)``: ``> 0`` charges, ``< 0`` discharges.
    soc_kwh
        Stored energy per unit at the start of the step [kWh], shape ``(U,)``.
    net_load_kw
        Actual load minus renewable output of the step, before storage [kW].
    charge_cap_kw
        Highest import charging may cause [kW].
    shave_cap_kw
        Import above which the units discharge to shave it [kW].
    dt_h
        Step length [h].
    fleet
        The storage units.

    Returns
    -------
    numpy.ndarray
        The corrected request per unit [kW], shape ``(U,)``.
    """
    planned = battery_step_trusted(soc_kwh, np.asarray(request_kw, dtype=np.float64), dt_h, fleet)
    charge, discharge = planned.charge_kw, planned.discharge_kw
    total_charge = float(charge.sum())
    import_kw = net_load_kw + total_charge - float(discharge.sum())
    if import_kw <= min(charge_cap_kw, shave_cap_kw):
        return np.asarray(request_kw, dtype=np.float64)
    if total_charge > 0.0 and import_kw > charge_cap_kw:
        cut = min(import_kw - charge_cap_kw, total_charge)
        charge = charge * (1.0 - cut / total_charge)
        import_kw -= cut
    excess = import_kw - shave_cap_kw
    if excess > 0.0:
        most = battery_step_trusted(soc_kwh, -np.asarray(fleet.power_kw), dt_h, fleet)
        headroom = np.maximum(most.discharge_kw - discharge, 0.0)
        room = float(headroom.sum())
        if room > 0.0:
            discharge = discharge + headroom * (min(excess, room) / room)
    return np.asarray(charge - discharge, dtype=np.float64)
