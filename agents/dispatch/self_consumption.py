"""Self-consumption dispatch: store the park's own surplus, release it to cover its deficit."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from agents.devices.battery import charge_limit_kw, discharge_limit_kw
from agents.dispatch.allocation import share_by_headroom
from agents.dispatch.problem import DispatchInputError, ParkDispatchProblem

FloatArray = NDArray[np.float64]


def _require_reset(problem: ParkDispatchProblem | None, name: str) -> ParkDispatchProblem:
    if problem is None:
        raise DispatchInputError(f"strategy {name!r} must be reset with a problem before decide")
    return problem


class SelfConsumptionDispatch:
    """Charge only from renewable surplus and discharge only to cover the park's deficit.

    Each step the surplus ``max(-net_load, 0)`` [kW] is placed into the units and the deficit
    ``max(net_load, 0)`` [kW] is drawn from them, split in proportion to each unit's charge or
    discharge headroom. Storage never charges from the grid and never exports.
    """

    name = "self_consumption"

    def __init__(self) -> None:
        self._problem: ParkDispatchProblem | None = None

    def reset(self, problem: ParkDispatchProblem, rng: np.random.Generator) -> None:
        """Remember the problem; the strategy uses no randomness."""
        self._problem = problem

    def decide(self, t: int, soc_kwh: FloatArray, peak_import_kw_this_period: float) -> FloatArray:
        """Power request per unit for step ``t`` [kW] (``> 0`` charge, ``< 0`` discharge)."""
        problem = _require_reset(self._problem, self.name)
        net_load = float(problem.net_load_kw[t])
        if net_load < 0.0:
            headroom = charge_limit_kw(soc_kwh, problem.dt_h, problem.fleet)
            return share_by_headroom(-net_load, headroom)
        if net_load > 0.0:
            headroom = discharge_limit_kw(soc_kwh, problem.dt_h, problem.fleet)
            return -share_by_headroom(net_load, headroom)
        return np.zeros(problem.fleet.n_units)
