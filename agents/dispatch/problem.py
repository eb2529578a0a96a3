"""What the park operator faces over a run: loads, prices, grid limit and the storage fleet."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from agents.devices.battery import BatteryFleet
from agents.dispatch.defaults import DEFAULT_VALUE_OF_LOST_LOAD_CNY_PER_KWH

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Absolute tolerance [kW] when checking that the load implied by the inputs is not negative.
LOAD_TOLERANCE_KW = 1e-6


class DispatchInputError(ValueError):
    """A dispatch problem, state or strategy parameter is malformed or out of range."""


def _series(name: str, value: object, n_steps: int | None) -> FloatArray:
    array = np.array(value, dtype=np.float64)
    if array.ndim != 1:
        raise DispatchInputError(f"{name} must be a 1-D array over steps; got shape {array.shape}")
    if n_steps is not None and array.shape[0] != n_steps:
        raise DispatchInputError(
            f"{name} must have {n_steps} steps like net_load_kw; got {array.shape[0]}"
        )
    if not np.all(np.isfinite(array)):
        raise DispatchInputError(f"{name} must be finite; got non-finite values")
    array.flags.writeable = False
    return array


def _non_negative_number(name: str, value: float, *, strict: bool = False) -> None:
    ok = isinstance(value, int | float) and np.isfinite(value)
    ok = ok and (value > 0.0 if strict else value >= 0.0)
    if not ok:
        bound = "> 0" if strict else ">= 0"
        raise DispatchInputError(f"{name} must be a finite number {bound}; got {value!r}")


@dataclass(frozen=True)
class ParkDispatchProblem:
    """The operator's dispatch problem over a run of ``T`` steps (arrays of shape ``(T,)``).

    Attributes
    ----------
    dt_h
        Step length [h], ``> 0``.
    net_load_kw
        Actual load minus renewable output before storage [kW] (``< 0``: surplus).
    renewable_kw
        Actual PV plus wind output [kW], ``>= 0`` and ``>= -net_load_kw``.
    import_price_cny_per_kwh, export_price_cny_per_kwh
        Energy prices per step [CNY/kWh], ``>= 0``.
    billing_period
        Integer billing-period (month) index per step, non-decreasing.
    demand_charge_cny_per_kw_month
        Charge on each billing period's highest import [CNY/kW per period], ``>= 0``.
    grid_limit_kw
        Connection limit for import and export [kW], ``> 0``.
    fleet
        All storage units the operator dispatches.
    value_of_lost_load_cny_per_kwh
        Cost charged per kWh of unserved load [CNY/kWh]; must exceed every import price.
        The default of 50 CNY/kWh is an assumption.
    pv_kw
        The PV part of ``renewable_kw`` [kW], ``0 <= pv_kw <= renewable_kw``; the rest is wind.
        Only the forecast error model uses the split. Default ``None``: all of it is PV.
    """

    dt_h: float
    net_load_kw: FloatArray
    renewable_kw: FloatArray
    import_price_cny_per_kwh: FloatArray
    export_price_cny_per_kwh: FloatArray
    billing_period: IntArray
    demand_charge_cny_per_kw_month: float
    grid_limit_kw: float
    fleet: BatteryFleet
    value_of_lost_load_cny_per_kwh: float = DEFAULT_VALUE_OF_LOST_LOAD_CNY_PER_KWH
    pv_kw: FloatArray | None = None

    def __post_init__(self) -> None:
        _non_negative_number("dt_h", self.dt_h, strict=True)
        _non_negative_number("grid_limit_kw", self.grid_limit_kw, strict=True)
        _non_negative_number("demand_charge_cny_per_kw_month", self.demand_charge_cny_per_kw_month)
        _non_negative_number("value_of_lost_load_cny_per_kwh", self.value_of_lost_load_cny_per_kwh)
        if not isinstance(self.fleet, BatteryFleet):
            raise DispatchInputError(f"fleet must be a BatteryFleet; got {type(self.fleet)!r}")
        net_load = _series("net_load_kw", self.net_load_kw, None)
        n_steps = net_load.shape[0]
        if n_steps == 0:
            raise DispatchInputError("net_load_kw must hold at least one step; got 0")
        object.__setattr__(self, "net_load_kw", net_load)
        for name in ("renewable_kw", "import_price_cny_per_kwh", "export_price_cny_per_kwh"):
            array = _series(name, getattr(self, name), n_steps)
            if np.any(array < 0.0):
                raise DispatchInputError(
                    f"{name} must be >= 0 at every step; got {array[array < 0.0][:5].tolist()}"
                )
            object.__setattr__(self, name, array)
        negative_load = self.net_load_kw + self.renewable_kw < -LOAD_TOLERANCE_KW
        if np.any(negative_load):
            raise DispatchInputError(
                "net_load_kw must be >= -renewable_kw (load cannot be negative); got net load "
                f"{self.net_load_kw[negative_load][:5].tolist()} at steps "
                f"{np.flatnonzero(negative_load)[:5].tolist()}"
            )
        periods = np.array(self.billing_period)
        if periods.shape != (n_steps,) or not np.issubdtype(periods.dtype, np.integer):
            raise DispatchInputError(
                f"billing_period must be {n_steps} integers; got dtype {periods.dtype} "
                f"and shape {periods.shape}"
            )
        if np.any(np.diff(periods) < 0):
            raise DispatchInputError(
                f"billing_period must be non-decreasing; got {periods[:10].tolist()}..."
            )
        periods = periods.astype(np.int64)
        periods.flags.writeable = False
        object.__setattr__(self, "billing_period", periods)
        if self.pv_kw is not None:
            pv = _series("pv_kw", self.pv_kw, n_steps)
            outside = (pv < -LOAD_TOLERANCE_KW) | (pv > self.renewable_kw + LOAD_TOLERANCE_KW)
            if np.any(outside):
                raise DispatchInputError(
                    "pv_kw must lie in [0, renewable_kw] at every step; got "
                    f"{pv[outside][:5].tolist()} at steps {np.flatnonzero(outside)[:5].tolist()}"
                )
            object.__setattr__(self, "pv_kw", pv)
        top_price = float(self.import_price_cny_per_kwh.max())
        if self.value_of_lost_load_cny_per_kwh <= top_price:
            raise DispatchInputError(
                "value_of_lost_load_cny_per_kwh must exceed every import price "
                f"(max {top_price}); got {self.value_of_lost_load_cny_per_kwh!r}"
            )

    @property
    def n_steps(self) -> int:
        """Number of steps ``T``."""
        return int(self.net_load_kw.shape[0])

    @property
    def pv_output_kw(self) -> FloatArray:
        """PV output per step [kW]: ``pv_kw``, or all of ``renewable_kw`` if it is not split."""
        if self.pv_kw is None:
            return self.renewable_kw
        return np.clip(self.pv_kw, 0.0, self.renewable_kw)

    def window(self, start: int, stop: int) -> ParkDispatchProblem:
        """The same problem restricted to steps ``[start, stop)``."""
        if not 0 <= start < stop <= self.n_steps:
            raise DispatchInputError(
                f"window must satisfy 0 <= start < stop <= {self.n_steps}; got [{start}, {stop})"
            )
        part = slice(start, stop)
        sliced = {
            "net_load_kw": self.net_load_kw[part],
            "renewable_kw": self.renewable_kw[part],
            "import_price_cny_per_kwh": self.import_price_cny_per_kwh[part],
            "export_price_cny_per_kwh": self.export_price_cny_per_kwh[part],
            "billing_period": self.billing_period[part],
            "pv_kw": None if self.pv_kw is None else self.pv_kw[part],
        }
        # Every check of __post_init__ holds on a part of a checked problem (read-only views of
        # its arrays), so the window is built without checking again: a rolling planner takes
        # one window per re-plan.
        window = object.__new__(ParkDispatchProblem)
        for name in self.__dataclass_fields__:
            object.__setattr__(window, name, sliced.get(name, getattr(self, name)))
        return window


class StrategyParameterError(DispatchInputError):
    """A strategy name or parameter is unknown or out of range."""
