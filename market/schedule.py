"""Production schedules: when a firm produces, as weights per step (pure, vectorised)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

#: Share of nameplate production rate during off hours (standby, auxiliaries).
STANDBY_FRAC = 0.1


def schedule_weights(times: pd.DatetimeIndex, schedule: str) -> NDArray[np.float64]:
    """Production weight per step in [0, 1] for a schedule.

    ``continuous`` runs every hour; ``two_shift`` runs 06:00-22:00 Monday to Saturday;
    ``one_shift`` runs 08:00-17:00 Monday to Friday. Off hours keep :data:`STANDBY_FRAC`.

    Parameters
    ----------
    times
        Local step start times.
    schedule
        One of ``continuous``, ``two_shift``, ``one_shift``.
    """
    hour = times.hour.to_numpy() + times.minute.to_numpy() / 60.0
    weekday = times.day_of_week.to_numpy()
    if schedule == "continuous":
        on = np.ones(hour.shape, dtype=bool)
    elif schedule == "two_shift":
        on = (hour >= 6.0) & (hour < 22.0) & (weekday < 6)
    elif schedule == "one_shift":
        on = (hour >= 8.0) & (hour < 17.0) & (weekday < 5)
    else:
        allowed = "continuous, two_shift, one_shift"
        raise ValueError(f"schedule {schedule!r} unknown; allowed: {allowed}")
    return np.where(on, 1.0, STANDBY_FRAC)


def annual_weight_h(schedule: str, year: int, tz: str) -> float:
    """Sum of :func:`schedule_weights` over a calendar year at hourly steps [h]."""
    times = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="h", tz=tz, inclusive="left")
    return float(schedule_weights(times, schedule).sum())
