"""Rolling-horizon optimal dispatch: re-plan with the dispatch programme, follow the plan."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from agents.dispatch.lp import DispatchPlan, default_solver, solve_dispatch_lp
from agents.dispatch.problem import ParkDispatchProblem, StrategyParameterError
from agents.dispatch.self_consumption import _require_reset

FloatArray = NDArray[np.float64]

FORECASTS = ("perfect", "noisy")
TERMINAL_VALUES = ("mean_price", "zero")
DEMAND_CHARGES = ("prorated", "full")
SOLVERS = ("highs", "cbc")


def _positive(name: str, value: float) -> float:
    if not (isinstance(value, int | float) and np.isfinite(value) and value > 0.0):
        raise StrategyParameterError(f"{name} must be a finite number > 0; got {value!r}")
    return float(value)


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise StrategyParameterError(f"{name} must be one of {list(allowed)}; got {value!r}")
    return value


class OptimalDispatch:
    """Minimise the park's bill by re-solving the dispatch programme on a rolling horizon.

    Every ``reoptimise_every_h`` hours the operator plans the next ``horizon_h`` hours (fewer
    at the end of the run) with :func:`~agents.dispatch.lp.solve_dispatch_lp`, starting from the
    actual state of charge and the peak already incurred in the billing period, and then applies
    the planned power of each unit until the next re-plan.

    Parameters
    ----------
    horizon_h
        Planning horizon [h], ``> 0`` (default 48).
    reoptimise_every_h
        Time between re-plans [h], ``0 < reoptimise_every_h <= horizon_h`` (default 24).
    forecast
        ``"perfect"``: plan on the actual net load. ``"noisy"``: plan on
        ``net_load × max(1 + ε_k, 0)`` with ``ε_k ~ N(0, σ_k)`` drawn from the run's generator at
        every re-plan, ``σ_k = forecast_error_std_frac × sqrt(1 + lead_h / 24)`` growing with the
        lead time; the forecast renewable output is raised where needed so the forecast surplus
        never exceeds it. The actual net load is what is settled.
    forecast_error_std_frac
        Relative forecast error at zero lead time [-], ``>= 0`` (default 0.1).
    terminal_value
        Value of energy left in storage at the end of a horizon that stops before the end of the
        run: ``"mean_price"`` (default) credits each kWh above the SoC minimum with
        ``η_discharge × max(mean import price over the horizon − wear cost, 0)``, what it would
        save if discharged at an average hour, so a plan does not empty the storage at its
        horizon end; ``"zero"`` credits nothing. A horizon reaching the end of the run always
        credits nothing.
    demand_charge
        How a plan that sees only part of a billing period prices a higher peak:
        ``"prorated"`` (default) weights the demand rate by the share of the period's remaining
        steps that lie inside the horizon, since a peak raised now serves the rest of the
        period; ``"full"`` charges the whole rate inside every horizon, which makes a short
        horizon shy of raising the peak. Periods wholly inside the horizon always carry the
        full rate.
    solver
        ``"highs"`` (in-process HiGHS, CBC if unavailable) or ``"cbc"``.

    Attributes
    ----------
    plans
        Every plan made since the last ``reset``, in order.
    """

    name = "optimal"

    def __init__(
        self,
        horizon_h: float = 48.0,
        reoptimise_every_h: float = 24.0,
        forecast: str = "perfect",
        forecast_error_std_frac: float = 0.1,
        terminal_value: str = "mean_price",
        demand_charge: str = "prorated",
        solver: str = "highs",
    ) -> None:
        self.horizon_h = _positive("horizon_h", horizon_h)
        self.reoptimise_every_h = _positive("reoptimise_every_h", reoptimise_every_h)
        if self.reoptimise_every_h > self.horizon_h:
            raise StrategyParameterError(
                f"reoptimise_every_h must not exceed horizon_h ({self.horizon_h}); "
                f"got {reoptimise_every_h!r}"
            )
        self.forecast = _choice("forecast", forecast, FORECASTS)
        if not (
            isinstance(forecast_error_std_frac, int | float)
            and np.isfinite(forecast_error_std_frac)
            and forecast_error_std_frac >= 0.0
        ):
            raise StrategyParameterError(
                f"forecast_error_std_frac must be a finite number >= 0; "
                f"got {forecast_error_std_frac!r}"
            )
        self.forecast_error_std_frac = float(forecast_error_std_frac)
        self.terminal_value = _choice("terminal_value", terminal_value, TERMINAL_VALUES)
        self.demand_charge = _choice("demand_charge", demand_charge, DEMAND_CHARGES)
        self.solver = _choice("solver", solver, SOLVERS)
        self.plans: list[DispatchPlan] = []
        self._problem: ParkDispatchProblem | None = None
        self._rng = np.random.default_rng(0)
        self._plan: DispatchPlan | None = None

    def reset(self, problem: ParkDispatchProblem, rng: np.random.Generator) -> None:
        """Forget earlier plans and remember the problem and the random generator."""
        self._problem = problem
        self._rng = rng
        self._plan = None
        self.plans = []

    def _steps(self, hours: float, dt_h: float) -> int:
        return max(1, int(round(hours / dt_h)))

    def _forecast(self, window: ParkDispatchProblem) -> ParkDispatchProblem:
        if self.forecast == "perfect" or self.forecast_error_std_frac == 0.0:
            return window
        lead_h = np.arange(window.n_steps) * window.dt_h
        sigma = self.forecast_error_std_frac * np.sqrt(1.0 + lead_h / 24.0)
        factor = np.maximum(1.0 + self._rng.normal(0.0, sigma), 0.0)
        net_load = window.net_load_kw * factor
        renewable = np.maximum(window.renewable_kw, -net_load)
        return replace(window, net_load_kw=net_load, renewable_kw=renewable)

    def _terminal_value(self, window: ParkDispatchProblem) -> FloatArray | None:
        if self.terminal_value == "zero":
            return None
        fleet = window.fleet
        mean_price = float(window.import_price_cny_per_kwh.mean())
        saving = np.maximum(mean_price - fleet.degradation_cny_per_kwh, 0.0)
        return np.asarray(fleet.eta_discharge * saving, dtype=np.float64)

    def _demand_weights(
        self, problem: ParkDispatchProblem, start: int, stop: int
    ) -> dict[int, float] | None:
        if self.demand_charge == "full":
            return None
        periods = problem.billing_period
        inside, count = np.unique(periods[start:stop], return_counts=True)
        first = np.maximum(np.searchsorted(periods, inside, side="left"), start)
        remaining = np.searchsorted(periods, inside, side="right") - first
        return {int(p): float(n / r) for p, n, r in zip(inside, count, remaining, strict=True)}

    def replan(
        self, t: int, soc_kwh: FloatArray, peak_import_kw_this_period: float
    ) -> DispatchPlan:
        """Solve a new plan for the horizon starting at step ``t`` and make it current."""
        problem = _require_reset(self._problem, self.name)
        stop = min(t + self._steps(self.horizon_h, problem.dt_h), problem.n_steps)
        window = self._forecast(problem.window(t, stop))
        terminal = None if stop == problem.n_steps else self._terminal_value(window)
        plan = solve_dispatch_lp(
            window,
            soc_kwh,
            peak_import_kw_this_period,
            terminal,
            start=t,
            demand_weight_by_period=self._demand_weights(problem, t, stop),
            solver=default_solver(self.solver),
        )
        self._plan = plan
        self.plans.append(plan)
        return plan

    def decide(self, t: int, soc_kwh: FloatArray, peak_import_kw_this_period: float) -> FloatArray:
        """Planned power per unit for step ``t`` [kW], re-planning when the plan is due."""
        problem = _require_reset(self._problem, self.name)
        plan = self._plan
        every = self._steps(self.reoptimise_every_h, problem.dt_h)
        if plan is None or not plan.start <= t < min(plan.start + every, plan.start + plan.n_steps):
            plan = self.replan(t, soc_kwh, peak_import_kw_this_period)
        return plan.request_kw(t)
