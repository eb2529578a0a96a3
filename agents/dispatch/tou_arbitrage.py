"""Time-of-use arbitrage: fill storage in the cheapest band, empty it in the dearest."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from agents.devices.battery import charge_limit_kw, discharge_limit_kw
from agents.dispatch.allocation import share_by_headroom
from agents.dispatch.problem import ParkDispatchProblem, StrategyParameterError
from agents.dispatch.self_consumption import _require_reset

FloatArray = NDArray[np.float64]

#: Tolerance [CNY/kWh] when matching a step's price to the lowest or highest price level.
PRICE_TOLERANCE_CNY_PER_KWH = 1e-9


def _optional_price(name: str, value: float | None) -> float | None:
    if value is None:
        return None
    if not (isinstance(value, int | float) and np.isfinite(value)):
        raise StrategyParameterError(f"{name} must be a finite number or None; got {value!r}")
    return float(value)


class TouArbitrageDispatch:
    """Charge from the grid in the cheapest band and discharge in the dearest band.

    Parameters
    ----------
    charge_price_max_cny_per_kwh
        Steps whose import price is at most this charge every unit at its full headroom (up to
        SoC max), from surplus or from the grid. ``None``: the lowest import price of the run
        (the valley band).
    discharge_price_min_cny_per_kwh
        Steps whose import price is at least this discharge the units (down to SoC min).
        ``None``: the highest import price of the run (the peak band).
    absorb_surplus
        Outside the charging band, also store renewable surplus (default ``True``).
    discharge_to_export
        In the discharge band, discharge at full headroom even beyond the park's deficit and
        export the rest (default ``False``: cover the deficit only).

    When every step has the same price there is no band to exploit and the strategy only
    absorbs surplus (if enabled), never discharging.
    """

    name = "tou_arbitrage"

    def __init__(
        self,
        charge_price_max_cny_per_kwh: float | None = None,
        discharge_price_min_cny_per_kwh: float | None = None,
        absorb_surplus: bool = True,
        discharge_to_export: bool = False,
    ) -> None:
        self.charge_price_max_cny_per_kwh = _optional_price(
            "charge_price_max_cny_per_kwh", charge_price_max_cny_per_kwh
        )
        self.discharge_price_min_cny_per_kwh = _optional_price(
            "discharge_price_min_cny_per_kwh", discharge_price_min_cny_per_kwh
        )
        low, high = self.charge_price_max_cny_per_kwh, self.discharge_price_min_cny_per_kwh
        if low is not None and high is not None and low >= high:
            raise StrategyParameterError(
                "charge_price_max_cny_per_kwh must be below discharge_price_min_cny_per_kwh; "
                f"got {low} >= {high}"
            )
        for flag_name, flag in (
            ("absorb_surplus", absorb_surplus),
            ("discharge_to_export", discharge_to_export),
        ):
            if not isinstance(flag, bool | np.bool_):
                raise StrategyParameterError(f"{flag_name} must be true or false; got {flag!r}")
        self.absorb_surplus = bool(absorb_surplus)
        self.discharge_to_export = bool(discharge_to_export)
        self._problem: ParkDispatchProblem | None = None
        self._charge_step = np.zeros(0, dtype=bool)
        self._discharge_step = np.zeros(0, dtype=bool)

    def reset(self, problem: ParkDispatchProblem, rng: np.random.Generator) -> None:
        """Classify every step as charging, discharging or neither from its import price."""
        self._problem = problem
        price = problem.import_price_cny_per_kwh
        low = self.charge_price_max_cny_per_kwh
        high = self.discharge_price_min_cny_per_kwh
        lowest, highest = float(price.min()), float(price.max())
        if low is None:
            low = lowest + PRICE_TOLERANCE_CNY_PER_KWH
        if high is None:
            high = highest - PRICE_TOLERANCE_CNY_PER_KWH
        if low >= high:
            self._charge_step = np.zeros(problem.n_steps, dtype=bool)
            self._discharge_step = np.zeros(problem.n_steps, dtype=bool)
            return
        self._charge_step = price <= low
        self._discharge_step = price >= high

    def decide(self, t: int, soc_kwh: FloatArray, peak_import_kw_this_period: float) -> FloatArray:
        """Power request per unit for step ``t`` [kW] (``> 0`` charge, ``< 0`` discharge)."""
        problem = _require_reset(self._problem, self.name)
        net_load = float(problem.net_load_kw[t])
        dt_h, fleet = problem.dt_h, problem.fleet
        if self._charge_step[t]:
            return charge_limit_kw(soc_kwh, dt_h, fleet)
        if net_load < 0.0 and self.absorb_surplus:
            return share_by_headroom(-net_load, charge_limit_kw(soc_kwh, dt_h, fleet))
        if self._discharge_step[t]:
            headroom = discharge_limit_kw(soc_kwh, dt_h, fleet)
            if self.discharge_to_export:
                return -headroom
            return -share_by_headroom(max(net_load, 0.0), headroom)
        return np.zeros(fleet.n_units)
