"""The interface every park dispatch strategy implements."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from agents.dispatch.problem import ParkDispatchProblem


@runtime_checkable
class DispatchStrategy(Protocol):
    """A park operator's rule for charging and discharging the storage fleet.

    Attributes
    ----------
    name
        Registry name of the strategy.
    """

    name: str

    def reset(self, problem: ParkDispatchProblem, rng: np.random.Generator) -> None:
        """Prepare for a run of ``problem``; all randomness must come from ``rng``."""
        ...

    def decide(
        self, t: int, soc_kwh: NDArray[np.float64], peak_import_kw_this_period: float
    ) -> NDArray[np.float64]:
        """Power request per unit for step ``t`` [kW], shape ``(U,)``.

        ``> 0`` charges from the bus, ``< 0`` discharges (the sign of ``battery_step``).
        ``soc_kwh`` is the stored energy at the start of the step [kWh] and
        ``peak_import_kw_this_period`` the highest import so far in the billing period of
        step ``t`` [kW].
        """
        ...
