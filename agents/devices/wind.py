"""Distributed wind: Weibull wind speed, power-law shear and a generic power curve.

Wind speed at the reference height is Weibull distributed with a given mean and shape
:math:`k`. Hour-to-hour persistence comes from a Gaussian copula: a stationary standard-normal
AR(1) process :math:`z_t` is mapped through the normal CDF and the Weibull quantile function,
:math:`v_t = \\lambda\\,(-\\ln(1 - \\Phi(z_t)))^{1/k}`, so the marginal distribution stays
exactly Weibull whatever the autocorrelation. The scale is :math:`\\lambda = \\bar v /
\\Gamma(1 + 1/k)`.

Speeds are moved to hub height with the power law :math:`v_{hub} = v_{ref} (h_{hub} /
h_{ref})^{\\alpha}`, :math:`\\alpha = 1/7` by default (neutral stability over open land).

The power curve is zero below cut-in and at or above cut-out, rated between rated speed and
cut-out, and cubic in between: :math:`P = P_r (v^3 - v_{ci}^3)/(v_r^3 - v_{ci}^3)`.
"""

from __future__ import annotations

import math
from typing import overload

import numpy as np
import numpy.typing as npt
from scipy.special import log_ndtr

from agents.devices.weather import ar1_standard_normal

__all__ = [
    "WindInputError",
    "shear_to_hub_height",
    "weibull_wind_speed_m_s",
    "wind_power_kw",
]

_DEFAULT_SHEAR_EXPONENT = 1.0 / 7.0


class WindInputError(ValueError):
    """Raised when a wind function receives an invalid argument."""


def weibull_wind_speed_m_s(
    n: int | tuple[int, ...],
    mean_m_s: float,
    shape_k: float,
    rng: np.random.Generator,
    autocorrelation: float = 0.0,
) -> npt.NDArray[np.float64]:
    """Draw Weibull-distributed wind speeds with optional hour-to-hour persistence.

    Parameters
    ----------
    n : int or tuple of int
        Number of steps, or a shape whose axis 0 is time (further axes are independent
        sites).
    mean_m_s : float
        Mean wind speed at the reference height [m/s], > 0.
    shape_k : float
        Weibull shape parameter :math:`k` [dimensionless], > 0 (about 2 for most sites).
    rng : numpy.random.Generator
        Source of randomness.
    autocorrelation : float
        Lag-1 correlation of the underlying Gaussian process, in [0, 1); 0 gives independent
        draws.

    Returns
    -------
    numpy.ndarray
        Wind speed [m/s], shape ``n`` (or ``(n,)``).

    Raises
    ------
    WindInputError
        If the mean or the shape is not positive, or the autocorrelation is outside [0, 1).
    """
    if not (np.isfinite(mean_m_s) and mean_m_s > 0.0):
        raise WindInputError(f"mean_m_s must be > 0, got {mean_m_s!r}")
    if not (np.isfinite(shape_k) and shape_k > 0.0):
        raise WindInputError(f"shape_k must be > 0, got {shape_k!r}")
    if not 0.0 <= autocorrelation < 1.0:
        raise WindInputError(f"autocorrelation must be in [0, 1), got {autocorrelation!r}")
    shape = (n,) if isinstance(n, int) else tuple(n)
    if any(size < 0 for size in shape):
        raise WindInputError(f"n must be non-negative, got {n!r}")
    scale_m_s = mean_m_s / math.gamma(1.0 + 1.0 / shape_k)
    gaussian = ar1_standard_normal(shape, autocorrelation, rng)
    # 1 - Phi(z) = Phi(-z); the log form stays accurate in the far upper tail.
    exceedance_log = log_ndtr(-gaussian)
    return np.asarray(scale_m_s * (-exceedance_log) ** (1.0 / shape_k), dtype=np.float64)


@overload
def shear_to_hub_height(
    speed_m_s: float,
    reference_height_m: float,
    hub_height_m: float,
    shear_exponent: float = ...,
) -> float: ...
@overload
def shear_to_hub_height(
    speed_m_s: npt.ArrayLike,
    reference_height_m: float,
    hub_height_m: npt.ArrayLike,
    shear_exponent: float = ...,
) -> npt.NDArray[np.float64]: ...
def shear_to_hub_height(
    speed_m_s: npt.ArrayLike,
    reference_height_m: float,
    hub_height_m: npt.ArrayLike,
    shear_exponent: float = _DEFAULT_SHEAR_EXPONENT,
) -> float | npt.NDArray[np.float64]:
    """Scale wind speed from a reference height to hub height with the power law.

    Parameters
    ----------
    speed_m_s : array_like
        Wind speed at the reference height [m/s], >= 0.
    reference_height_m : float
        Measurement height [m], > 0 (10 m for standard met stations).
    hub_height_m : array_like
        Hub height [m], > 0; broadcasts against ``speed_m_s`` (e.g. one per turbine).
    shear_exponent : float
        Hellmann exponent :math:`\\alpha` [dimensionless], >= 0; 1/7 by default.

    Returns
    -------
    float or numpy.ndarray
        Wind speed at hub height [m/s]; a float for scalar inputs.

    Raises
    ------
    WindInputError
        On a negative speed, a non-positive height or a negative exponent.
    """
    speed = np.asarray(speed_m_s, dtype=np.float64)
    hub = np.asarray(hub_height_m, dtype=np.float64)
    if not np.all(np.isfinite(speed)) or np.any(speed < 0.0):
        raise WindInputError("speed_m_s must be finite and >= 0")
    if not (np.isfinite(reference_height_m) and reference_height_m > 0.0):
        raise WindInputError(f"reference_height_m must be > 0, got {reference_height_m!r}")
    if not np.all(np.isfinite(hub)) or np.any(hub <= 0.0):
        raise WindInputError("hub_height_m must be finite and > 0")
    if not (np.isfinite(shear_exponent) and shear_exponent >= 0.0):
        raise WindInputError(f"shear_exponent must be >= 0, got {shear_exponent!r}")
    result = speed * (hub / reference_height_m) ** shear_exponent
    return float(result) if result.ndim == 0 else result


@overload
def wind_power_kw(
    speed_m_s: float,
    rated_kw: float,
    cut_in_m_s: float = ...,
    rated_m_s: float = ...,
    cut_out_m_s: float = ...,
) -> float: ...
@overload
def wind_power_kw(
    speed_m_s: npt.ArrayLike,
    rated_kw: npt.ArrayLike,
    cut_in_m_s: float = ...,
    rated_m_s: float = ...,
    cut_out_m_s: float = ...,
) -> npt.NDArray[np.float64]: ...
def wind_power_kw(
    speed_m_s: npt.ArrayLike,
    rated_kw: npt.ArrayLike,
    cut_in_m_s: float = 3.0,
    rated_m_s: float = 12.0,
    cut_out_m_s: float = 25.0,
) -> float | npt.NDArray[np.float64]:
    """Electrical output of a wind turbine from the hub-height wind speed.

    Parameters
    ----------
    speed_m_s : array_like
        Hub-height wind speed [m/s], >= 0.
    rated_kw : array_like
        Rated power [kW], >= 0; broadcasts against ``speed_m_s`` (e.g. shape (F,) against
        (T, F)).
    cut_in_m_s : float
        Speed below which the output is zero [m/s], >= 0.
    rated_m_s : float
        Speed at which rated power is reached [m/s], > cut_in_m_s.
    cut_out_m_s : float
        Speed at or above which the turbine shuts down [m/s], > rated_m_s.

    Returns
    -------
    float or numpy.ndarray
        Power [kW] in [0, rated_kw]; a float for scalar inputs.

    Raises
    ------
    WindInputError
        On a negative speed or rating, or speeds not ordered
        ``0 <= cut_in < rated < cut_out``.
    """
    speed = np.asarray(speed_m_s, dtype=np.float64)
    rated = np.asarray(rated_kw, dtype=np.float64)
    if not np.all(np.isfinite(speed)) or np.any(speed < 0.0):
        raise WindInputError("speed_m_s must be finite and >= 0")
    if not np.all(np.isfinite(rated)) or np.any(rated < 0.0):
        raise WindInputError("rated_kw must be finite and >= 0")
    if not 0.0 <= cut_in_m_s < rated_m_s < cut_out_m_s:
        raise WindInputError(
            "power curve speeds must satisfy 0 <= cut_in_m_s < rated_m_s < cut_out_m_s, got "
            f"cut_in_m_s={cut_in_m_s!r}, rated_m_s={rated_m_s!r}, cut_out_m_s={cut_out_m_s!r}"
        )
    cubic_share = (speed**3 - cut_in_m_s**3) / (rated_m_s**3 - cut_in_m_s**3)
    share = np.where(
        (speed < cut_in_m_s) | (speed >= cut_out_m_s),
        0.0,
        np.clip(cubic_share, 0.0, 1.0),
    )
    power = share * rated
    return float(power) if power.ndim == 0 else power
