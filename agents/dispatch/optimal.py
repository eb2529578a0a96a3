"""Rolling-horizon optimal dispatch: re-plan with the dispatch programme, follow the plan
with a real-time guard on the import."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from agents.dispatch.forecast import (
    ForecastErrorModel,
    ForecastScales,
    check_in_range,
    forecast_scales,
    forecast_window,
)
from agents.dispatch.lp import DispatchPlan, default_solver, solve_dispatch_lp
from agents.dispatch.problem import ParkDispatchProblem, StrategyParameterError
from agents.dispatch.realtime_guard import guard_request
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
        ``"perfect"``: plan on the actual load, PV and wind. ``"noisy"``: plan on a forecast
        issued at every re-plan by :func:`~agents.dispatch.forecast.forecast_window`: separate
        load, PV and wind errors, each AR(1) over the lead time and growing with it, the PV
        error scaled by the clear-sky PV output (zero at night), drawn from the run's
        generator. The actual values are what is settled.
    load_forecast_error_frac, pv_forecast_error_frac, wind_forecast_error_frac
        Error standard deviations at zero lead [-], in ``[0, 1]``: relative to the load, to the
        clear-sky PV output and to the wind capacity (defaults 0.03, 0.15, 0.15; assumed).
    forecast_error_autocorrelation_per_h
        Hour-to-hour correlation of each error [-], in ``[0, 0.999]`` (default 0.9; assumed).
    forecast_error_growth_per_day
        Growth of the error variance per day of lead time [-], in ``[0, 10]`` (default 1;
        assumed).
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
        ``"highs"`` (HiGHS through its own interface, CBC if ``highspy`` is missing) or
        ``"cbc"`` (the programme stated in PuLP and solved by CBC).

    Notes
    -----
    Each step the plan is corrected with the step's actual net load (see
    :func:`~agents.dispatch.realtime_guard.guard_request`). Charging is cut so that it never
    sets a new peak import in the billing period: with a noisy forecast the import may not
    exceed the period's peak so far while charging (a plan made on a forecast cannot know
    that a higher import later in the period will pay for a higher one now); with a perfect
    forecast it may reach the planned import as well. If the actual load pushes the import
    above the larger of the period's peak so far and the planned import, the units discharge
    to shave it within their power and state-of-charge limits. Re-plans start from the actual
    state of charge and the period's actual peak.

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
        load_forecast_error_frac: float = 0.03,
        pv_forecast_error_frac: float = 0.15,
        wind_forecast_error_frac: float = 0.15,
        forecast_error_autocorrelation_per_h: float = 0.9,
        forecast_error_growth_per_day: float = 1.0,
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
        self.forecast_errors = ForecastErrorModel(
            load_error_frac=check_in_range(
                "load_forecast_error_frac", load_forecast_error_frac, 0.0, 1.0
            ),
            pv_error_frac=check_in_range(
                "pv_forecast_error_frac", pv_forecast_error_frac, 0.0, 1.0
            ),
            wind_error_frac=check_in_range(
                "wind_forecast_error_frac", wind_forecast_error_frac, 0.0, 1.0
            ),
            autocorrelation_per_h=check_in_range(
                "forecast_error_autocorrelation_per_h",
                forecast_error_autocorrelation_per_h,
                0.0,
                0.999,
            ),
            growth_per_day=check_in_range(
                "forecast_error_growth_per_day", forecast_error_growth_per_day, 0.0, 10.0
            ),
        )
        self.terminal_value = _choice("terminal_value", terminal_value, TERMINAL_VALUES)
        self.demand_charge = _choice("demand_charge", demand_charge, DEMAND_CHARGES)
        self.solver = _choice("solver", solver, SOLVERS)
        self.plans: list[DispatchPlan] = []
        self._problem: ParkDispatchProblem | None = None
        self._rng = np.random.default_rng(0)
        self._plan: DispatchPlan | None = None
        self._scales: ForecastScales | None = None

    def reset(self, problem: ParkDispatchProblem, rng: np.random.Generator) -> None:
        """Forget earlier plans and remember the problem and the random generator."""
        self._problem = problem
        self._rng = rng
        self._plan = None
        self.plans = []
        self._scales = forecast_scales(problem) if self.forecast == "noisy" else None

    def _steps(self, hours: float, dt_h: float) -> int:
        return max(1, int(round(hours / dt_h)))

    def _forecast(self, window: ParkDispatchProblem, start: int) -> ParkDispatchProblem:
        scales = self._scales
        if self.forecast == "perfect" or scales is None:
            return window
        stop = start + window.n_steps
        return forecast_window(
            window,
            scales.clear_sky_pv_kw[start:stop],
            scales.wind_capacity_kw,
            self.forecast_errors,
            self._rng,
        )

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
        window = self._forecast(problem.window(t, stop), t)
        terminal = None if stop == problem.n_steps else self._terminal_value(window)
        plan = solve_dispatch_lp(
            window,
            soc_kwh,
            peak_import_kw_this_period,
            terminal,
            start=t,
            demand_weight_by_period=self._demand_weights(problem, t, stop),
            solver=None if self.solver == "highs" else default_solver(self.solver),
        )
        self._plan = plan
        self.plans.append(plan)
        return plan

    def decide(self, t: int, soc_kwh: FloatArray, peak_import_kw_this_period: float) -> FloatArray:
        """Power per unit for step ``t`` [kW]: the plan, corrected with the actual net load.

        Re-plans when the plan is due, from the actual state of charge and the period's peak.
        """
        problem = _require_reset(self._problem, self.name)
        plan = self._plan
        every = self._steps(self.reoptimise_every_h, problem.dt_h)
        if plan is None or not plan.start <= t < min(plan.start + every, plan.start + plan.n_steps):
            plan = self.replan(t, soc_kwh, peak_import_kw_this_period)
        peak = float(peak_import_kw_this_period)
        planned_cap = max(peak, float(plan.import_kw[t - plan.start]))
        return guard_request(
            plan.request_kw(t),
            soc_kwh,
            float(problem.net_load_kw[t]),
            planned_cap if self.forecast == "perfect" else peak,
            planned_cap,
            problem.dt_h,
            problem.fleet,
        )
