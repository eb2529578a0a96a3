"""Hourly ambient temperature and stationary AR(1) weather noise.

The ambient temperature model is a deterministic climatology plus optional noise:

.. math::

    T(t) = \\bar T - A_y \\cos\\!\\left(2\\pi \\frac{d(t) - d_{min}}{365.25}\\right)
           + A_d \\cos\\!\\left(2\\pi \\frac{h(t) - h_{max}}{24}\\right) + \\sigma\\,x(t)

with :math:`d` the fractional day of year, :math:`d_{min}` mid-January (the coldest time of
year), :math:`h` the local clock hour, :math:`h_{max}` = 15:00 (mid-afternoon maximum) and
:math:`x` a stationary standard-normal AR(1) process (hourly persistence).

Xi'an defaults (status **partly verified**): annual mean 14.1 degC and July mean 27.0 degC, with
January "around freezing", are the China Meteorological Administration climate normals for
Xi'an as quoted in the climate table of the English Wikipedia article "Xi'an" (section Climate,
citing the CMA data service). The annual amplitude 13.3 K is derived from them (January about
0.8 degC, July about 27.4 degC). The daily half-range of 5 K (a diurnal range of about 10 K) and
the noise (2 K, hourly autocorrelation 0.95) are **assumed**.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "XIAN_ANNUAL_AMPLITUDE_C",
    "XIAN_ANNUAL_MEAN_C",
    "XIAN_DAILY_AMPLITUDE_C",
    "WeatherInputError",
    "ambient_temperature_c",
    "ar1_standard_normal",
]

XIAN_ANNUAL_MEAN_C = 14.1
"""Annual mean air temperature of Xi'an [degC] (CMA normal; partly verified)."""
XIAN_ANNUAL_AMPLITUDE_C = 13.3
"""Half the difference between the July and January means in Xi'an [K] (derived)."""
XIAN_DAILY_AMPLITUDE_C = 5.0
"""Half the mean diurnal temperature range in Xi'an [K] (assumed)."""

_COLDEST_DAY_OF_YEAR = 15.0  # mid-January, fractional day of year (1 = 1 January 00:00)
_WARMEST_HOUR = 15.0  # local clock hour of the daily maximum
_DAYS_PER_YEAR = 365.25


class WeatherInputError(ValueError):
    """Raised when a weather model receives an invalid argument."""


def ar1_standard_normal(
    shape: int | tuple[int, ...],
    autocorrelation: float,
    rng: np.random.Generator,
) -> npt.NDArray[np.float64]:
    """Draw a stationary AR(1) process with standard-normal marginals along axis 0.

    :math:`x_0 = e_0`, :math:`x_t = \\phi x_{t-1} + \\sqrt{1-\\phi^2}\\,e_t`, with
    :math:`e_t` i.i.d. standard normal. Every :math:`x_t` is therefore N(0, 1) and the lag-k
    correlation is :math:`\\phi^k`. Further axes are independent series (e.g. one per firm).

    Parameters
    ----------
    shape : int or tuple of int
        Output shape; axis 0 is time.
    autocorrelation : float
        Lag-1 correlation :math:`\\phi`, in [0, 1).
    rng : numpy.random.Generator
        Source of randomness; consumes ``prod(shape)`` standard normals.

    Returns
    -------
    numpy.ndarray
        Array of the requested shape [dimensionless].

    Raises
    ------
    WeatherInputError
        If ``autocorrelation`` is outside [0, 1).
    """
    phi = float(autocorrelation)
    if not 0.0 <= phi < 1.0:
        raise WeatherInputError(f"autocorrelation must be in [0, 1), got {autocorrelation!r}")
    shocks = rng.standard_normal(shape)
    if shocks.ndim == 0 or shocks.shape[0] < 2 or phi == 0.0:
        return np.asarray(shocks, dtype=np.float64)
    return _ar1_recursion(np.asarray(shocks, dtype=np.float64), phi)


def _ar1_recursion(shocks: npt.NDArray[np.float64], phi: float) -> npt.NDArray[np.float64]:
    """Apply :math:`x_0 = e_0`, :math:`x_t = \\phi x_{t-1} + \\sqrt{1-\\phi^2}\\,e_t` along axis 0.

    The one-pole recursion runs on Python floats (IEEE double, the same operations in the same
    order as a one-pole ``scipy.signal.lfilter``), so this module does not load scipy.signal,
    whose import alone takes about half a second.
    """
    scale = math.sqrt(1.0 - phi * phi)
    steps = shocks.shape[0]
    columns = shocks.reshape(steps, -1).T.tolist()
    series = [
        list(itertools.accumulate(c[1:], lambda x, e: phi * x + scale * e, initial=c[0]))
        for c in columns
    ]
    return np.array(series, dtype=np.float64).T.reshape(shocks.shape)


def ambient_temperature_c(
    times: pd.DatetimeIndex,
    annual_mean_c: float = XIAN_ANNUAL_MEAN_C,
    annual_amplitude_c: float = XIAN_ANNUAL_AMPLITUDE_C,
    daily_amplitude_c: float = XIAN_DAILY_AMPLITUDE_C,
    rng: np.random.Generator | None = None,
    noise_std_c: float = 2.0,
    *,
    noise_autocorrelation: float = 0.95,
) -> npt.NDArray[np.float64]:
    """Hourly ambient air temperature from an annual and a daily sinusoid plus AR(1) noise.

    The temperature is evaluated at each timestamp as given (local clock time when ``times``
    is time-zone aware). Defaults are Xi'an's (see the module docstring).

    Parameters
    ----------
    times : pandas.DatetimeIndex
        Timestamps, shape (T,).
    annual_mean_c : float
        Annual mean temperature [degC].
    annual_amplitude_c : float
        Amplitude of the annual cycle [K]; the minimum falls in mid-January.
    daily_amplitude_c : float
        Amplitude of the daily cycle [K]; the maximum falls at 15:00 local time.
    rng : numpy.random.Generator, optional
        Source of the noise. ``None`` returns the noise-free climatology.
    noise_std_c : float
        Standard deviation of the noise [K].
    noise_autocorrelation : float
        Lag-1 (one step) correlation of the noise, in [0, 1).

    Returns
    -------
    numpy.ndarray
        Air temperature [degC], shape (T,).

    Raises
    ------
    WeatherInputError
        If an amplitude or the noise standard deviation is negative or not finite, or
        ``times`` is not a DatetimeIndex.
    """
    if not isinstance(times, pd.DatetimeIndex):
        raise WeatherInputError(f"times must be a pandas.DatetimeIndex, got {type(times).__name__}")
    for name, value in (
        ("annual_amplitude_c", annual_amplitude_c),
        ("daily_amplitude_c", daily_amplitude_c),
        ("noise_std_c", noise_std_c),
    ):
        if not np.isfinite(value) or value < 0.0:
            raise WeatherInputError(f"{name} must be finite and >= 0, got {value!r}")
    if not np.isfinite(annual_mean_c):
        raise WeatherInputError(f"annual_mean_c must be finite, got {annual_mean_c!r}")

    hour = (times.hour + times.minute / 60.0 + times.second / 3600.0).to_numpy(np.float64)
    day_of_year = times.day_of_year.to_numpy(np.float64) + hour / 24.0
    annual = -annual_amplitude_c * np.cos(
        2.0 * np.pi * (day_of_year - _COLDEST_DAY_OF_YEAR) / _DAYS_PER_YEAR
    )
    daily = daily_amplitude_c * np.cos(2.0 * np.pi * (hour - _WARMEST_HOUR) / 24.0)
    temperature_c = annual_mean_c + annual + daily
    if rng is not None and noise_std_c > 0.0 and len(times) > 0:
        temperature_c = temperature_c + noise_std_c * ar1_standard_normal(
            len(times), noise_autocorrelation, rng
        )
    return np.asarray(temperature_c, dtype=np.float64)
