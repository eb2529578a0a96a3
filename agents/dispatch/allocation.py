"""Share a park-level storage power among units in proportion to their headroom."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def share_by_headroom(total_kw: float, headroom_kw: FloatArray) -> FloatArray:
    """Split ``total_kw`` [kW] across units in proportion to ``headroom_kw`` [kW].

    Each unit gets ``headroom × min(1, total / Σ headroom)``: the whole total when the fleet can
    take it, otherwise every unit at its headroom. Never exceeds a unit's headroom.

    Parameters
    ----------
    total_kw
        Power to place [kW], ``>= 0``.
    headroom_kw
        What each unit can still take or give this step [kW], shape ``(U,)``, ``>= 0``.
    """
    available = float(headroom_kw.sum())
    if available <= 0.0 or total_kw <= 0.0:
        return np.zeros_like(headroom_kw)
    return headroom_kw * min(1.0, total_kw / available)
