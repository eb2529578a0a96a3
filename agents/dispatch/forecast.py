"""The park operator's forecast of load, PV and wind output over a planning window.

A forecast is the actual series plus an error per component, each an AR(1) process over the
lead time whose standard deviation grows with the lead time:

* load: ``load × (1 + σ_load(ℓ) z_load)``, clipped at zero;
* PV: ``pv + σ_pv(ℓ) z_pv × clear_sky_pv``, clipped to ``[0, clear_sky_pv]``, so the error
  scales with what the sky could deliver at that hour and is zero at night;
* wind: ``wind + σ_wind(ℓ) z_wind × wind_capacity``, clipped to ``[0, wind_capacity]``,

with ``σ_c(ℓ) = σ_c × sqrt(1 + growth × ℓ / 24 h)`` at lead time ``ℓ`` [h] and
``z_c`` a stationary AR(1) series with unit variance and lag-one-hour correlation ``ρ``
(``ρ^dt_h`` per step). Each forecast draws ``3 × H`` standard normals from the given
generator (load, PV, wind, in that order), so a run is reproducible from its seed.

``clear_sky_pv`` is estimated from the run's own PV series: the highest PV output at the same
time of day within ``±CLEAR_SKY_HALF_WINDOW_DAYS`` days. ``wind_capacity`` is the highest wind
output of the run. All default parameters are assumptions in the range reported for day-ahead
forecasts (aggregate load a few per cent; PV and wind 10-20 % of capacity), not fitted values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from agents.dispatch.problem import ParkDispatchProblem, StrategyParameterError

FloatArray = NDArray[np.float64]

#: Half-width [days] of the window in which the clear-sky PV envelope takes its maximum.
CLEAR_SKY_HALF_WINDOW_DAYS = 7


def check_in_range(name: str, value: float, low: float, high: float) -> float:
    """``value`` as a float if it is a finite number in ``[low, high]``; else a named error."""
    ok = isinstance(value, int | float) and np.isfinite(value) and low <= value <= high
    if not ok:
        raise StrategyParameterError(f"{name} must be a number in [{low}, {high}]; got {value!r}")
    return float(value)


@dataclass(frozen=True)
class ForecastErrorModel:
    """Parameters of the forecast error (all assumed, see the module notes).

    Attributes
    ----------
    load_error_frac
        Standard deviation of the relative load error at zero lead [-], in ``[0, 1]``
        (default 0.03).
    pv_error_frac
        Standard deviation of the PV error at zero lead as a share of the clear-sky PV output
        [-], in ``[0, 1]`` (default 0.15).
    wind_error_frac
        Standard deviation of the wind error at zero lead as a share of the wind capacity [-],
        in ``[0, 1]`` (default 0.15).
    autocorrelation_per_h
        Correlation of each error between hours one hour apart [-], in ``[0, 1)``
        (default 0.9).
    growth_per_day
        Growth of the error variance per day of lead time [-], in ``[0, 10]`` (default 1:
        the variance doubles over the first day).
    """

    load_error_frac: float = 0.03
    pv_error_frac: float = 0.15
    wind_error_frac: float = 0.15
    autocorrelation_per_h: float = 0.9
    growth_per_day: float = 1.0

    def __post_init__(self) -> None:
        check_in_range("load_error_frac", self.load_error_frac, 0.0, 1.0)
        check_in_range("pv_error_frac", self.pv_error_frac, 0.0, 1.0)
        check_in_range("wind_error_frac", self.wind_error_frac, 0.0, 1.0)
        check_in_range("autocorrelation_per_h", self.autocorrelation_per_h, 0.0, 0.999)
        check_in_range("growth_per_day", self.growth_per_day, 0.0, 10.0)

    @property
    def is_exact(self) -> bool:
        """``True`` if every error is zero (the forecast equals the actual)."""
        return self.load_error_frac == self.pv_error_frac == self.wind_error_frac == 0.0


@dataclass(frozen=True)
class ForecastScales:
    """Run-wide scales of the renewable errors, shape ``(T,)`` and scalar.

    Attributes
    ----------
    clear_sky_pv_kw
        Clear-sky PV envelope per step [kW].
    wind_capacity_kw
        Wind capacity proxy [kW].
    """

    clear_sky_pv_kw: FloatArray
    wind_capacity_kw: float


def clear_sky_envelope_kw(pv_kw: FloatArray, dt_h: float) -> FloatArray:
    """Highest PV output at the same time of day within ±``CLEAR_SKY_HALF_WINDOW_DAYS`` [kW]."""
    per_day = max(1, int(round(24.0 / dt_h)))
    n = pv_kw.shape[0]
    days = -(-n // per_day)
    grid = np.zeros(days * per_day)
    grid[:n] = pv_kw
    by_day = grid.reshape(days, per_day)
    half = CLEAR_SKY_HALF_WINDOW_DAYS
    padded = np.pad(by_day, ((half, half), (0, 0)), constant_values=0.0)
    envelope = sliding_window_view(padded, 2 * half + 1, axis=0).max(axis=-1)
    return np.asarray(envelope.reshape(-1)[:n], dtype=np.float64)


def forecast_scales(problem: ParkDispatchProblem) -> ForecastScales:
    """The clear-sky PV envelope and wind capacity proxy of a whole run."""
    pv = problem.pv_output_kw
    wind = np.maximum(problem.renewable_kw - pv, 0.0)
    return ForecastScales(
        clear_sky_pv_kw=clear_sky_envelope_kw(pv, problem.dt_h),
        wind_capacity_kw=float(wind.max()),
    )


def ar1_paths(n_steps: int, dt_h: float, rho_per_h: float, normals: FloatArray) -> FloatArray:
    """Stationary unit-variance AR(1) paths from standard normals of shape ``(C, n_steps)``."""
    if normals.shape[1] != n_steps:
        raise ValueError(f"normals must have {n_steps} columns; got shape {normals.shape}")
    rho = float(rho_per_h**dt_h)
    innovation = math.sqrt(1.0 - rho * rho)
    paths = []
    # Scalar recursion on Python floats: the same IEEE operations as on arrays, without
    # numpy's per-call overhead on rows of a few elements.
    for row in normals.tolist():
        value = row[0]
        path = [value]
        for z in row[1:]:
            value = rho * value + innovation * z
            path.append(value)
        paths.append(path)
    return np.array(paths, dtype=np.float64).reshape(normals.shape)


def forecast_window(
    window: ParkDispatchProblem,
    clear_sky_pv_kw: FloatArray,
    wind_capacity_kw: float,
    model: ForecastErrorModel,
    rng: np.random.Generator,
) -> ParkDispatchProblem:
    """The window with its load, PV and wind replaced by a forecast issued at its first step.

    Parameters
    ----------
    window
        The actual problem over the planning window (``H`` steps).
    clear_sky_pv_kw
        Clear-sky PV envelope over the window [kW], shape ``(H,)``.
    wind_capacity_kw
        Wind capacity proxy [kW].
    model
        Error parameters.
    rng
        Source of the errors; ``3 × H`` normals are drawn.
    """
    n, dt_h = window.n_steps, window.dt_h
    normals = rng.standard_normal((3, n))
    if model.is_exact:
        return window
    z_load, z_pv, z_wind = ar1_paths(n, dt_h, model.autocorrelation_per_h, normals)
    lead_h = np.arange(n) * dt_h
    growth = np.sqrt(1.0 + model.growth_per_day * lead_h / 24.0)
    pv = window.pv_output_kw
    wind = np.maximum(window.renewable_kw - pv, 0.0)
    load = np.maximum(window.net_load_kw + window.renewable_kw, 0.0)
    load_f = load * np.maximum(1.0 + model.load_error_frac * growth * z_load, 0.0)
    pv_f = np.clip(pv + model.pv_error_frac * growth * z_pv * clear_sky_pv_kw, 0.0, clear_sky_pv_kw)
    wind_f = np.clip(
        wind + model.wind_error_frac * growth * z_wind * wind_capacity_kw, 0.0, wind_capacity_kw
    )
    renewable_f = pv_f + wind_f
    return replace(window, net_load_kw=load_f - renewable_f, renewable_kw=renewable_f, pv_kw=pv_f)
