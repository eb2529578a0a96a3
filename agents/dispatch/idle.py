"""Idle dispatch: storage stays put (the baseline a park without an operator strategy gets)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from agents.dispatch.problem import ParkDispatchProblem

FloatArray = NDArray[np.float64]


class IdleDispatch:
    """Request zero power from every unit at every step; only self-discharge changes the SoC."""

    name = "idle"

    def __init__(self) -> None:
        self._units = 0

    def reset(self, problem: ParkDispatchProblem, rng: np.random.Generator) -> None:
        """Remember the fleet size; the strategy uses no randomness."""
        self._units = problem.fleet.n_units

    def decide(self, t: int, soc_kwh: FloatArray, peak_import_kw_this_period: float) -> FloatArray:
        """Zero power for every unit [kW]."""
        return np.zeros(self._units)
