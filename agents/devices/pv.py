"""Photovoltaic output: clear sky through pvlib, a stochastic clearness index, losses.

Chain, per time step (see :func:`pv_profile_kw_per_kwp`):

1. solar position at the step mid-point (pvlib ``nrel_numpy`` SPA);
2. Ineichen/Perez clear-sky GHI, DNI and DHI with the Linke turbidity climatology that ships
   with pvlib (``pvlib.clearsky.lookup_linke_turbidity``; no network access);
3. a stochastic clear-sky index :math:`k` (:func:`clearness_index_series`): all-sky
   GHI = :math:`k` x clear-sky GHI; DNI = :math:`b(k)` x clear-sky DNI with the beam ramp
   :math:`b(k) = \\mathrm{clip}((k - k_0)/(1 - k_0), 0, 1)^{2}` (:math:`k_0` = 0.35 by
   default) and DHI = GHI - DNI cos(z). Because :math:`b(k) \\le k` the diffuse part is never
   negative, and :math:`k = 1` returns exactly the clear-sky components. A site's
   ``mean_clearness_scale`` multiplies the monthly means of :math:`k`
   (:meth:`ClearnessParams.scaled`), so it changes the sky, never the power model below;
   :func:`pv_profile_from_clearness_kw_per_kwp` takes a given series of :math:`k`, so that
   arrays of any orientation at one site share the same weather. Over a simulated Xi'an
   year the ramp gives an annual diffuse fraction of 0.59, against 0.61 from the hourly Erbs
   (1982) decomposition (``pvlib.irradiance.erbs``) of the same GHI, and similar fractions per
   band of :math:`k`;
4. plane-of-array irradiance by Hay-Davies (default) or isotropic transposition;
5. cell temperature by the Faiman model (``pvlib.temperature.faiman``) and PVWatts DC power
   with a temperature coefficient, then system losses, inverter efficiency and AC clipping
   (:func:`pv_power_kw`).

Calibration target for Xi'an (34.26 N, 108.94 E, 400 m, south-facing, 25 deg tilt)
-----------------------------------------------------------------------------------
``XIAN_CLEARNESS`` is scaled so that the mean annual AC specific yield is
**1,200 kWh/kWp per year** (status: **assumed**; three sources point to 1,150-1,250, none
checked here against its primary data):

* World Bank / Solargis Global Solar Atlas, long-term PVOUT for a fixed, optimally tilted
  crystalline-silicon system in the Xi'an area: roughly 3.2-3.4 kWh/kWp per day, i.e. about
  1,170-1,240 kWh/kWp per year (approximate; not verified against the atlas data);
* China's solar resource zoning: the Guanzhong plain lies in resource zone III (annual global
  horizontal irradiation 1,050-1,400 kWh/m2), where fixed systems with a performance ratio of
  about 0.8 reach 1,100-1,250 kWh/kWp;
* a Xi'an High-tech Zone rooftop system (300 kWp, 20-40 deg tilt; project case page of Xi'an
  Xintong, http://www.xaxintong.com/en/distributed-pv-power-station/project-case.html) designed
  for 350,000 kWh per year at 80 % system efficiency, i.e. about 1,170 kWh/kWp.

With the default losses the clear-sky chain alone gives about 1,940 kWh/kWp per year at this
site (the reference notes quote about 2,100 kWh/kWp), far above what systems in hazy Xi'an
deliver. Calibrated, the mean clear-sky index is about 0.64, the simulated annual GHI about
1,380 kWh/m2 (inside the zone III range) and the yield 1,188 +/- 41 kWh/kWp (mean and standard
deviation over seeds 0-29, 2023, hourly). The monthly shape of ``XIAN_CLEARNESS`` follows the
seasonal pattern of Xi'an's sunshine percentage (sunnier late spring and summer, the rainy
autumn of western China in September and October, hazy winters) and is **assumed**; only its
overall level is calibrated.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Literal, NamedTuple, overload

import numpy as np
import numpy.typing as npt
import pandas as pd
import pvlib

from agents.devices.weather import ambient_temperature_c as climatology_temperature_c
from agents.devices.weather import ar1_standard_normal

__all__ = [
    "XIAN_CLEARNESS",
    "XIAN_TARGET_YIELD_KWH_PER_KWP",
    "ClearnessParams",
    "PVInputError",
    "clearness_index_series",
    "pv_power_kw",
    "pv_profile_from_clearness_kw_per_kwp",
    "pv_profile_kw_per_kwp",
]

XIAN_TARGET_YIELD_KWH_PER_KWP = 1200.0
"""Target annual AC specific yield near Xi'an, south-facing, 25 deg tilt [kWh/kWp] (assumed)."""

_BEAM_RAMP_EXPONENT = 2.0
_STC_IRRADIANCE_W_M2 = 1000.0
_STC_CELL_TEMPERATURE_C = 25.0


class PVInputError(ValueError):
    """Raised when a PV function receives an invalid argument."""


@dataclass(frozen=True)
class ClearnessParams:
    """Parameters of the stochastic clear-sky index (all values dimensionless).

    The index of day :math:`d` in month :math:`m` is
    :math:`k_d = \\mathrm{clip}(\\mu_m + \\sigma_d z_d, k_{min}, k_{max})`, with :math:`z_d`
    a stationary standard-normal AR(1) process over days. The index of hour :math:`t` of that
    day is :math:`k_t = \\mathrm{clip}(k_d + \\sigma_h\\, 2\\sqrt{k_d(1-k_d)}\\, e_t,
    k_{min}, k_{max})`, with :math:`e_t` a standard-normal AR(1) process over hours; the factor
    :math:`2\\sqrt{k_d(1-k_d)}` makes clear and overcast days steadier than broken-cloud days.

    Attributes
    ----------
    monthly_mean : tuple of float
        Twelve monthly location parameters :math:`\\mu_m`, January first, in (0, 1.5]. Because
        of the bounds the realised monthly mean is slightly lower where :math:`\\mu_m` is high.
    daily_std : float
        :math:`\\sigma_d`, standard deviation of the daily index before clipping, >= 0.
    daily_autocorrelation : float
        Day-to-day correlation of :math:`z_d`, in [0, 1).
    hourly_std : float
        :math:`\\sigma_h`, standard deviation of the hourly deviation on a day with
        :math:`k_d = 0.5`, >= 0.
    hourly_autocorrelation : float
        Hour-to-hour correlation of :math:`e_t`, in [0, 1).
    minimum : float
        Lower bound :math:`k_{min}`, in [0, maximum).
    maximum : float
        Upper bound :math:`k_{max}`, in (minimum, 1.5]. Above 1 the excess is diffuse (cloud
        enhancement).
    beam_threshold : float
        :math:`k_0`: at or below this index all irradiance is diffuse, in [0, 1).
    """

    monthly_mean: tuple[float, ...]
    daily_std: float = 0.2
    daily_autocorrelation: float = 0.5
    hourly_std: float = 0.1
    hourly_autocorrelation: float = 0.7
    minimum: float = 0.05
    maximum: float = 1.0
    beam_threshold: float = 0.35

    def __post_init__(self) -> None:
        means = tuple(float(m) for m in self.monthly_mean)
        if len(means) != 12 or not all(0.0 < m <= 1.5 for m in means):
            raise PVInputError(
                "ClearnessParams.monthly_mean must hold 12 values in (0, 1.5], "
                f"got {self.monthly_mean!r}"
            )
        object.__setattr__(self, "monthly_mean", means)

        def bad(name: str, allowed: str) -> PVInputError:
            value = getattr(self, name)
            return PVInputError(f"ClearnessParams.{name} must be {allowed}, got {value!r}")

        for name in ("daily_std", "hourly_std"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value >= 0.0):
                raise bad(name, "finite and >= 0")
        for name in ("daily_autocorrelation", "hourly_autocorrelation", "beam_threshold"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise bad(name, "in [0, 1)")
        if not 0.0 < self.maximum <= 1.5:
            raise bad("maximum", "in (0, 1.5]")
        if not 0.0 <= self.minimum < self.maximum:
            raise bad("minimum", f"in [0, maximum={self.maximum})")

    def scaled(self, mean_scale: float) -> ClearnessParams:
        """These parameters with every monthly mean multiplied by ``mean_scale``.

        The scaled means are clipped to the index bounds ``[minimum, maximum]``; a scale of 1
        returns these parameters unchanged.

        Parameters
        ----------
        mean_scale : float
            Multiplier of the site's monthly mean clear-sky index [dimensionless], in (0, 1.5].

        Returns
        -------
        ClearnessParams
            Parameters with the scaled monthly means and everything else unchanged.

        Raises
        ------
        PVInputError
            If ``mean_scale`` is outside (0, 1.5].
        """
        if not (np.isfinite(mean_scale) and 0.0 < mean_scale <= 1.5):
            raise PVInputError(f"mean_scale must be in (0, 1.5], got {mean_scale!r}")
        if mean_scale == 1.0:
            return self
        means = np.clip(
            np.asarray(self.monthly_mean, dtype=np.float64) * mean_scale,
            self.minimum,
            self.maximum,
        )
        return replace(self, monthly_mean=tuple(float(m) for m in means))


XIAN_CLEARNESS = ClearnessParams(
    monthly_mean=(0.63, 0.62, 0.63, 0.70, 0.73, 0.71, 0.73, 0.73, 0.59, 0.57, 0.60, 0.63),
)
"""Clear-sky index parameters calibrated for Xi'an (see the module docstring)."""


@overload
def pv_power_kw(
    poa_irradiance_w_m2: float,
    cell_temperature_c: float,
    capacity_kwp: float,
    *,
    gamma_per_c: float = ...,
    system_loss_frac: float = ...,
    inverter_efficiency: float = ...,
    dc_ac_ratio: float = ...,
) -> float: ...
@overload
def pv_power_kw(
    poa_irradiance_w_m2: npt.ArrayLike,
    cell_temperature_c: npt.ArrayLike,
    capacity_kwp: npt.ArrayLike,
    *,
    gamma_per_c: float = ...,
    system_loss_frac: float = ...,
    inverter_efficiency: float = ...,
    dc_ac_ratio: float = ...,
) -> npt.NDArray[np.float64]: ...
def pv_power_kw(
    poa_irradiance_w_m2: npt.ArrayLike,
    cell_temperature_c: npt.ArrayLike,
    capacity_kwp: npt.ArrayLike,
    *,
    gamma_per_c: float = -0.0035,
    system_loss_frac: float = 0.14,
    inverter_efficiency: float = 0.96,
    dc_ac_ratio: float = 1.2,
) -> float | npt.NDArray[np.float64]:
    """AC power of a PV system from plane-of-array irradiance and cell temperature.

    PVWatts-style: :math:`P_{dc} = P_{kWp}\\, G/1000\\, (1 + \\gamma (T_c - 25))`,
    :math:`P_{ac} = \\min(P_{dc} (1 - L)\\, \\eta_{inv},\\; P_{kWp}/r_{dc/ac})`, floored at 0.

    Parameters
    ----------
    poa_irradiance_w_m2 : array_like
        Plane-of-array global irradiance [W/m2], >= 0.
    cell_temperature_c : array_like
        Cell temperature [degC].
    capacity_kwp : array_like
        DC nameplate capacity at STC [kWp], >= 0.
    gamma_per_c : float
        Temperature coefficient of power [1/K], typically -0.003 to -0.005.
    system_loss_frac : float
        DC system losses (soiling, wiring, mismatch, availability) [fraction], in [0, 1).
    inverter_efficiency : float
        Inverter efficiency [fraction], in (0, 1].
    dc_ac_ratio : float
        DC nameplate over inverter AC rating [dimensionless], > 0; AC output is clipped at
        ``capacity_kwp / dc_ac_ratio``.

    Returns
    -------
    float or numpy.ndarray
        AC power [kW] with the broadcast shape of the inputs; a float if all inputs are scalar.

    Raises
    ------
    PVInputError
        If irradiance or capacity is negative or not finite, the temperature is not finite, or
        a loss parameter is outside its range.
    """
    poa = np.asarray(poa_irradiance_w_m2, dtype=np.float64)
    temperature = np.asarray(cell_temperature_c, dtype=np.float64)
    capacity = np.asarray(capacity_kwp, dtype=np.float64)
    if not np.all(np.isfinite(poa)) or np.any(poa < 0.0):
        raise PVInputError("poa_irradiance_w_m2 must be finite and >= 0")
    if not np.all(np.isfinite(temperature)):
        raise PVInputError("cell_temperature_c must be finite")
    if not np.all(np.isfinite(capacity)) or np.any(capacity < 0.0):
        raise PVInputError("capacity_kwp must be finite and >= 0")
    if not 0.0 <= system_loss_frac < 1.0:
        raise PVInputError(f"system_loss_frac must be in [0, 1), got {system_loss_frac!r}")
    if not 0.0 < inverter_efficiency <= 1.0:
        raise PVInputError(f"inverter_efficiency must be in (0, 1], got {inverter_efficiency!r}")
    if not (np.isfinite(dc_ac_ratio) and dc_ac_ratio > 0.0):
        raise PVInputError(f"dc_ac_ratio must be > 0, got {dc_ac_ratio!r}")
    if not np.isfinite(gamma_per_c):
        raise PVInputError(f"gamma_per_c must be finite, got {gamma_per_c!r}")

    dc_kw = (
        capacity
        * (poa / _STC_IRRADIANCE_W_M2)
        * (1.0 + gamma_per_c * (temperature - _STC_CELL_TEMPERATURE_C))
    )
    inverter_rating_kw = capacity / dc_ac_ratio
    ac_kw = np.minimum(dc_kw * (1.0 - system_loss_frac) * inverter_efficiency, inverter_rating_kw)
    ac_kw = np.maximum(ac_kw, 0.0)
    return float(ac_kw) if ac_kw.ndim == 0 else ac_kw


def clearness_index_series(
    times: pd.DatetimeIndex,
    rng: np.random.Generator,
    params: ClearnessParams = XIAN_CLEARNESS,
    *,
    mean_scale: float = 1.0,
) -> npt.NDArray[np.float64]:
    """Stochastic clear-sky index: the all-sky over clear-sky GHI ratio at each timestamp.

    A daily AR(1) weather state around the month's mean, plus bounded hourly AR(1) noise (see
    :class:`ClearnessParams`). Days are the local calendar days of ``times``. The result is a
    deterministic function of the generator state: the same seed gives the same series.

    Parameters
    ----------
    times : pandas.DatetimeIndex
        Timestamps, shape (T,).
    rng : numpy.random.Generator
        Source of randomness; consumes one normal per distinct day, then one per timestamp.
    params : ClearnessParams
        Monthly means, variability, persistence and bounds.
    mean_scale : float
        Multiplier of the monthly means (:meth:`ClearnessParams.scaled`), in (0, 1.5]; 1 keeps
        the site's calibrated sky.

    Returns
    -------
    numpy.ndarray
        Clear-sky index in [params.minimum, params.maximum] [dimensionless], shape (T,).

    Raises
    ------
    PVInputError
        If ``times`` is not a DatetimeIndex or ``mean_scale`` is outside (0, 1.5].
    """
    if not isinstance(times, pd.DatetimeIndex):
        raise PVInputError(f"times must be a pandas.DatetimeIndex, got {type(times).__name__}")
    params = params.scaled(mean_scale)
    if len(times) == 0:
        return np.zeros(0, dtype=np.float64)
    day_codes, days = pd.factorize(times.normalize())
    monthly_mean = np.asarray(params.monthly_mean, dtype=np.float64)
    day_month = pd.DatetimeIndex(days).month.to_numpy() - 1
    daily_state = ar1_standard_normal(len(days), params.daily_autocorrelation, rng)
    daily_index = np.clip(
        monthly_mean[day_month] + params.daily_std * daily_state, params.minimum, params.maximum
    )[day_codes]
    hourly_state = ar1_standard_normal(len(times), params.hourly_autocorrelation, rng)
    spread = 2.0 * np.sqrt(np.clip(daily_index * (1.0 - daily_index), 0.0, None))
    index = daily_index + params.hourly_std * spread * hourly_state
    return np.clip(index, params.minimum, params.maximum)


def _infer_step_h(times: pd.DatetimeIndex, step_h: float | None) -> float:
    if step_h is not None:
        if not (np.isfinite(step_h) and step_h > 0.0):
            raise PVInputError(f"step_h must be > 0, got {step_h!r}")
        return float(step_h)
    if len(times) < 2:
        return 1.0
    # Differences as timedeltas divided by one hour: correct whatever the index's unit (ns, us).
    diffs_h = (times[1:] - times[:-1]) / pd.Timedelta(hours=1)
    step = float(np.median(np.asarray(diffs_h, dtype=np.float64)))
    if step <= 0.0:
        raise PVInputError("times must be increasing to infer the step; pass step_h")
    return step


class _ClearSky(NamedTuple):
    apparent_zenith_deg: npt.NDArray[np.float64]
    solar_azimuth_deg: npt.NDArray[np.float64]
    relative_airmass: npt.NDArray[np.float64]
    dni_extra_w_m2: npt.NDArray[np.float64]
    ghi_w_m2: npt.NDArray[np.float64]
    dni_w_m2: npt.NDArray[np.float64]


def _clear_sky(
    times: pd.DatetimeIndex, latitude_deg: float, longitude_deg: float, altitude_m: float
) -> _ClearSky:
    """Solar geometry and Ineichen clear-sky irradiance at ``times`` (night values are 0)."""
    pressure_pa = pvlib.atmosphere.alt2pres(altitude_m)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        # pvlib reads DatetimeIndex.dayofyear (deprecated in pandas 3); at night the airmass
        # is NaN and the Ineichen model divides by it.
        warnings.filterwarnings("ignore", message=".*dayofyear.*")
        solpos = pvlib.solarposition.get_solarposition(
            times, latitude_deg, longitude_deg, altitude=altitude_m, pressure=pressure_pa
        )
        apparent_zenith = solpos["apparent_zenith"].to_numpy(np.float64)
        relative_airmass = np.asarray(
            pvlib.atmosphere.get_relative_airmass(apparent_zenith), dtype=np.float64
        )
        absolute_airmass = pvlib.atmosphere.get_absolute_airmass(relative_airmass, pressure_pa)
        linke = pvlib.clearsky.lookup_linke_turbidity(times, latitude_deg, longitude_deg)
        dni_extra = np.asarray(pvlib.irradiance.get_extra_radiation(times), dtype=np.float64)
        clear = pvlib.clearsky.ineichen(
            apparent_zenith,
            absolute_airmass,
            linke.to_numpy(np.float64),
            altitude=altitude_m,
            dni_extra=dni_extra,
        )
    return _ClearSky(
        apparent_zenith_deg=apparent_zenith,
        solar_azimuth_deg=solpos["azimuth"].to_numpy(np.float64),
        relative_airmass=relative_airmass,
        dni_extra_w_m2=dni_extra,
        ghi_w_m2=np.nan_to_num(np.asarray(clear["ghi"], dtype=np.float64)),
        dni_w_m2=np.nan_to_num(np.asarray(clear["dni"], dtype=np.float64)),
    )


def _check_site_and_array(
    times: pd.DatetimeIndex,
    latitude_deg: float,
    longitude_deg: float,
    altitude_m: float,
    tilt_deg: float,
    azimuth_deg: float,
    sky_model: str,
    albedo: float,
    wind_speed_m_s: float,
) -> None:
    if not isinstance(times, pd.DatetimeIndex):
        raise PVInputError(f"times must be a pandas.DatetimeIndex, got {type(times).__name__}")
    if not -90.0 <= latitude_deg <= 90.0:
        raise PVInputError(f"latitude_deg must be in [-90, 90], got {latitude_deg!r}")
    if not -180.0 <= longitude_deg <= 360.0:
        raise PVInputError(f"longitude_deg must be in [-180, 360], got {longitude_deg!r}")
    if not -500.0 <= altitude_m <= 9000.0:
        raise PVInputError(f"altitude_m must be in [-500, 9000], got {altitude_m!r}")
    if not 0.0 <= tilt_deg <= 90.0:
        raise PVInputError(f"tilt_deg must be in [0, 90], got {tilt_deg!r}")
    if not np.isfinite(azimuth_deg):
        raise PVInputError(f"azimuth_deg must be finite, got {azimuth_deg!r}")
    if sky_model not in ("haydavies", "isotropic"):
        raise PVInputError(f"sky_model must be 'haydavies' or 'isotropic', got {sky_model!r}")
    if not 0.0 <= albedo <= 1.0:
        raise PVInputError(f"albedo must be in [0, 1], got {albedo!r}")
    if not (np.isfinite(wind_speed_m_s) and wind_speed_m_s >= 0.0):
        raise PVInputError(f"wind_speed_m_s must be >= 0, got {wind_speed_m_s!r}")


def pv_profile_kw_per_kwp(
    times: pd.DatetimeIndex,
    latitude_deg: float,
    longitude_deg: float,
    altitude_m: float,
    tilt_deg: float,
    azimuth_deg: float,
    rng: np.random.Generator,
    clearness: ClearnessParams = XIAN_CLEARNESS,
    ambient_temperature_c: npt.ArrayLike | None = None,
    *,
    mean_clearness_scale: float = 1.0,
    step_h: float | None = None,
    sky_model: Literal["haydavies", "isotropic"] = "haydavies",
    albedo: float = 0.2,
    wind_speed_m_s: float = 1.0,
    gamma_per_c: float = -0.0035,
    system_loss_frac: float = 0.14,
    inverter_efficiency: float = 0.96,
    dc_ac_ratio: float = 1.2,
) -> npt.NDArray[np.float64]:
    """AC output per kWp of a fixed PV array under a freshly drawn sky, one value per step.

    Draws the clear-sky index with :func:`clearness_index_series` and passes it to
    :func:`pv_profile_from_clearness_kw_per_kwp`. Timestamps label the **beginning** of each
    step (hour-beginning for hourly data). The sun is placed at the step mid-point
    (``times + step_h / 2``) so that power x step length is a good estimate of the step's
    energy; the output is the mean power over the step [kW/kWp], which for hourly steps equals
    the energy [kWh/kWp]. Scale by each firm's kWp.

    Parameters
    ----------
    times : pandas.DatetimeIndex
        Step-start timestamps, preferably time-zone aware (e.g. Asia/Shanghai), shape (T,).
    latitude_deg, longitude_deg : float
        Site coordinates [deg], north and east positive.
    altitude_m : float
        Site altitude above sea level [m].
    tilt_deg : float
        Array tilt from horizontal [deg], in [0, 90].
    azimuth_deg : float
        Array azimuth [deg], clockwise from north (180 = south).
    rng : numpy.random.Generator
        Source of the clearness index randomness.
    clearness : ClearnessParams
        Stochastic clear-sky index parameters; ``XIAN_CLEARNESS`` by default.
    ambient_temperature_c : array_like, optional
        Air temperature [degC], scalar or shape (T,). ``None`` uses the noise-free Xi'an
        climatology of :func:`agents.devices.weather.ambient_temperature_c` at the step
        mid-points (pass your own series for other sites).
    mean_clearness_scale : float
        Multiplier of the monthly mean clear-sky index (:meth:`ClearnessParams.scaled`), in
        (0, 1.5]. It acts on the sky, before the temperature and inverter limits, so the AC
        output never exceeds the inverter rating.
    step_h : float, optional
        Step length [h]; inferred from ``times`` (median spacing) when omitted, 1 h for a
        single timestamp.
    sky_model : {"haydavies", "isotropic"}
        Transposition model for the diffuse sky component.
    albedo : float
        Ground reflectance [fraction], in [0, 1].
    wind_speed_m_s : float
        Wind speed for the Faiman cell-temperature model [m/s], >= 0.
    gamma_per_c, system_loss_frac, inverter_efficiency, dc_ac_ratio : float
        Passed to :func:`pv_power_kw`.

    Returns
    -------
    numpy.ndarray
        Mean AC power per kWp over each step [kW/kWp], shape (T,).

    Raises
    ------
    PVInputError
        On an invalid site, geometry, temperature, scale or loss parameter.
    """
    _check_site_and_array(
        times,
        latitude_deg,
        longitude_deg,
        altitude_m,
        tilt_deg,
        azimuth_deg,
        sky_model,
        albedo,
        wind_speed_m_s,
    )
    index = clearness_index_series(times, rng, clearness, mean_scale=mean_clearness_scale)
    return pv_profile_from_clearness_kw_per_kwp(
        times,
        index,
        latitude_deg,
        longitude_deg,
        altitude_m,
        tilt_deg,
        azimuth_deg,
        ambient_temperature_c,
        beam_threshold=clearness.beam_threshold,
        step_h=step_h,
        sky_model=sky_model,
        albedo=albedo,
        wind_speed_m_s=wind_speed_m_s,
        gamma_per_c=gamma_per_c,
        system_loss_frac=system_loss_frac,
        inverter_efficiency=inverter_efficiency,
        dc_ac_ratio=dc_ac_ratio,
    )


def pv_profile_from_clearness_kw_per_kwp(
    times: pd.DatetimeIndex,
    clearness_index: npt.ArrayLike,
    latitude_deg: float,
    longitude_deg: float,
    altitude_m: float,
    tilt_deg: float,
    azimuth_deg: float,
    ambient_temperature_c: npt.ArrayLike | None = None,
    *,
    beam_threshold: float = XIAN_CLEARNESS.beam_threshold,
    step_h: float | None = None,
    sky_model: Literal["haydavies", "isotropic"] = "haydavies",
    albedo: float = 0.2,
    wind_speed_m_s: float = 1.0,
    gamma_per_c: float = -0.0035,
    system_loss_frac: float = 0.14,
    inverter_efficiency: float = 0.96,
    dc_ac_ratio: float = 1.2,
) -> npt.NDArray[np.float64]:
    """AC output per kWp of a fixed PV array under a given sky, one value per time step.

    The sky is the clear-sky index series (for instance one drawn once per site by
    :func:`clearness_index_series`): arrays of any orientation under the same series see the
    same weather. Timestamps and output are as in :func:`pv_profile_kw_per_kwp`.

    Parameters
    ----------
    times : pandas.DatetimeIndex
        Step-start timestamps, shape (T,).
    clearness_index : array_like
        Clear-sky index at each step [dimensionless], finite, >= 0 and <= 1.5, shape (T,).
    latitude_deg, longitude_deg, altitude_m, tilt_deg, azimuth_deg : float
        Site and array geometry, as in :func:`pv_profile_kw_per_kwp`.
    ambient_temperature_c : array_like, optional
        Air temperature [degC], scalar or shape (T,); ``None`` uses the Xi'an climatology.
    beam_threshold : float
        :math:`k_0` of the beam ramp (:attr:`ClearnessParams.beam_threshold`), in [0, 1).
    step_h, sky_model, albedo, wind_speed_m_s : optional
        As in :func:`pv_profile_kw_per_kwp`.
    gamma_per_c, system_loss_frac, inverter_efficiency, dc_ac_ratio : float
        Passed to :func:`pv_power_kw`.

    Returns
    -------
    numpy.ndarray
        Mean AC power per kWp over each step [kW/kWp], shape (T,).

    Raises
    ------
    PVInputError
        On an invalid sky, site, geometry, temperature or loss parameter.
    """
    _check_site_and_array(
        times,
        latitude_deg,
        longitude_deg,
        altitude_m,
        tilt_deg,
        azimuth_deg,
        sky_model,
        albedo,
        wind_speed_m_s,
    )
    index = np.asarray(clearness_index, dtype=np.float64)
    if index.shape != (len(times),):
        raise PVInputError(
            f"clearness_index must have shape ({len(times)},), got shape {index.shape}"
        )
    if not np.all(np.isfinite(index)) or np.any(index < 0.0) or np.any(index > 1.5):
        raise PVInputError("clearness_index must be finite and in [0, 1.5]")
    if not 0.0 <= beam_threshold < 1.0:
        raise PVInputError(f"beam_threshold must be in [0, 1), got {beam_threshold!r}")
    if len(times) == 0:
        return np.zeros(0, dtype=np.float64)
    step = _infer_step_h(times, step_h)
    mid = times + pd.Timedelta(hours=step / 2.0)

    sky = _clear_sky(mid, latitude_deg, longitude_deg, altitude_m)
    apparent_zenith = sky.apparent_zenith_deg
    ghi_cs = sky.ghi_w_m2
    dni_cs = sky.dni_w_m2

    beam_share = (
        np.clip((index - beam_threshold) / (1.0 - beam_threshold), 0.0, 1.0) ** _BEAM_RAMP_EXPONENT
    )
    ghi = index * ghi_cs
    dni = beam_share * dni_cs
    cos_zenith = np.clip(np.cos(np.radians(apparent_zenith)), 0.0, None)
    dhi = np.clip(ghi - dni * cos_zenith, 0.0, None)

    return _ac_power_from_components_kw_per_kwp(
        mid,
        sky,
        ghi,
        dni,
        dhi,
        tilt_deg,
        azimuth_deg,
        ambient_temperature_c,
        wind_speed_m_s,
        sky_model=sky_model,
        albedo=albedo,
        gamma_per_c=gamma_per_c,
        system_loss_frac=system_loss_frac,
        inverter_efficiency=inverter_efficiency,
        dc_ac_ratio=dc_ac_ratio,
    )


def _ac_power_from_components_kw_per_kwp(
    mid: pd.DatetimeIndex,
    sky: _ClearSky,
    ghi: npt.NDArray[np.float64],
    dni: npt.NDArray[np.float64],
    dhi: npt.NDArray[np.float64],
    tilt_deg: float,
    azimuth_deg: float,
    ambient_temperature_c: npt.ArrayLike | None,
    wind_speed_m_s: npt.ArrayLike,
    *,
    sky_model: str,
    albedo: float,
    gamma_per_c: float,
    system_loss_frac: float,
    inverter_efficiency: float,
    dc_ac_ratio: float,
) -> npt.NDArray[np.float64]:
    """Plane-of-array irradiance, cell temperature and AC power per kWp from GHI, DNI and DHI."""
    poa = pvlib.irradiance.get_total_irradiance(
        tilt_deg,
        azimuth_deg,
        sky.apparent_zenith_deg,
        sky.solar_azimuth_deg,
        dni,
        ghi,
        dhi,
        dni_extra=sky.dni_extra_w_m2,
        airmass=sky.relative_airmass,
        albedo=albedo,
        model=sky_model,
    )
    poa_global_w_m2 = np.asarray(poa["poa_global"], dtype=np.float64)
    poa_global = np.clip(np.nan_to_num(poa_global_w_m2), 0.0, None)

    if ambient_temperature_c is None:
        temp_air = climatology_temperature_c(mid)
    else:
        temp_given = np.asarray(ambient_temperature_c, dtype=np.float64)
        if temp_given.ndim > 1 or temp_given.size not in (1, len(mid)):
            raise PVInputError(
                f"ambient_temperature_c must be a scalar or have shape ({len(mid)},), "
                f"got shape {temp_given.shape}"
            )
        temp_air = np.broadcast_to(temp_given, poa_global.shape)
        if not np.all(np.isfinite(temp_air)):
            raise PVInputError("ambient_temperature_c must be finite")
    cell_temperature = np.asarray(
        pvlib.temperature.faiman(poa_global, temp_air, wind_speed=wind_speed_m_s),
        dtype=np.float64,
    )
    power = pv_power_kw(
        poa_global,
        cell_temperature,
        1.0,
        gamma_per_c=gamma_per_c,
        system_loss_frac=system_loss_frac,
        inverter_efficiency=inverter_efficiency,
        dc_ac_ratio=dc_ac_ratio,
    )
    return power


def pv_profile_from_irradiance_kw_per_kwp(
    times: pd.DatetimeIndex,
    ghi_w_m2: npt.ArrayLike,
    dni_w_m2: npt.ArrayLike,
    dhi_w_m2: npt.ArrayLike,
    latitude_deg: float,
    longitude_deg: float,
    altitude_m: float,
    tilt_deg: float,
    azimuth_deg: float,
    ambient_temperature_c: npt.ArrayLike,
    wind_speed_m_s: npt.ArrayLike,
    *,
    step_h: float | None = None,
    sky_model: Literal["haydavies", "isotropic"] = "haydavies",
    albedo: float = 0.2,
    gamma_per_c: float = -0.0035,
    system_loss_frac: float = 0.14,
    inverter_efficiency: float = 0.96,
    dc_ac_ratio: float = 1.2,
) -> npt.NDArray[np.float64]:
    """AC output per kWp of a fixed PV array from measured irradiance, one value per step.

    The irradiance components are the step's mean (a weather file's hourly record), so the sun
    is placed at the middle of each step; the transposition, cell temperature (Faiman, with the
    given air temperature and wind speed) and power model are those of
    :func:`pv_profile_from_clearness_kw_per_kwp`.

    Parameters
    ----------
    times : pandas.DatetimeIndex
        Step-start timestamps, shape (T,), any resolution.
    ghi_w_m2, dni_w_m2, dhi_w_m2 : array_like
        Global horizontal, direct normal and diffuse horizontal irradiance [W/m2], >= 0,
        shape (T,).
    latitude_deg, longitude_deg, altitude_m, tilt_deg, azimuth_deg : float
        Site and array geometry, as in :func:`pv_profile_kw_per_kwp`.
    ambient_temperature_c : array_like
        Air temperature [degC], shape (T,).
    wind_speed_m_s : array_like
        Wind speed at module height [m/s], >= 0, shape (T,).
    step_h, sky_model, albedo, gamma_per_c, system_loss_frac, inverter_efficiency, dc_ac_ratio
        As in :func:`pv_profile_from_clearness_kw_per_kwp`.

    Returns
    -------
    numpy.ndarray
        Mean AC power per kWp over each step [kW/kWp], shape (T,).

    Raises
    ------
    PVInputError
        On an invalid site, geometry, irradiance, temperature or wind speed.
    """
    _check_site_and_array(
        times,
        latitude_deg,
        longitude_deg,
        altitude_m,
        tilt_deg,
        azimuth_deg,
        sky_model,
        albedo,
        0.0,
    )
    components = []
    for name, value in (("ghi_w_m2", ghi_w_m2), ("dni_w_m2", dni_w_m2), ("dhi_w_m2", dhi_w_m2)):
        array = np.asarray(value, dtype=np.float64)
        if array.shape != (len(times),):
            raise PVInputError(f"{name} must have shape ({len(times)},), got {array.shape}")
        if not np.all(np.isfinite(array)) or np.any(array < 0.0):
            raise PVInputError(f"{name} must be finite and >= 0")
        components.append(array)
    wind = np.asarray(wind_speed_m_s, dtype=np.float64)
    if not np.all(np.isfinite(wind)) or np.any(wind < 0.0):
        raise PVInputError("wind_speed_m_s must be finite and >= 0")
    if len(times) == 0:
        return np.zeros(0, dtype=np.float64)
    step = _infer_step_h(times, step_h)
    mid = times + pd.Timedelta(hours=step / 2.0)
    sky = _clear_sky(mid, latitude_deg, longitude_deg, altitude_m)
    ghi, dni, dhi = components
    return _ac_power_from_components_kw_per_kwp(
        mid,
        sky,
        ghi,
        dni,
        dhi,
        tilt_deg,
        azimuth_deg,
        ambient_temperature_c,
        wind,
        sky_model=sky_model,
        albedo=albedo,
        gamma_per_c=gamma_per_c,
        system_loss_frac=system_loss_frac,
        inverter_efficiency=inverter_efficiency,
        dc_ac_ratio=dc_ac_ratio,
    )


def clearness_from_ghi(
    times: pd.DatetimeIndex,
    ghi_w_m2: npt.ArrayLike,
    site: tuple[float, float, float],
    *,
    step_h: float | None = None,
) -> npt.NDArray[np.float64]:
    """Clear-sky index of measured irradiance: GHI over Ineichen clear-sky GHI [-].

    Evaluated at the middle of each step, clipped to [0, 1.5] (cloud enhancement), 0 where the
    clear sky is dark.

    Parameters
    ----------
    times : pandas.DatetimeIndex
        Step-start timestamps, shape (T,).
    ghi_w_m2 : array_like
        Measured global horizontal irradiance, the step's mean [W/m2], shape (T,).
    site : tuple of float
        Latitude [deg], longitude [deg] and altitude [m].
    step_h : float, optional
        Step length [h]; inferred from ``times`` if omitted.
    """
    ghi = np.asarray(ghi_w_m2, dtype=np.float64)
    if len(times) == 0:
        return np.zeros(0, dtype=np.float64)
    step = _infer_step_h(times, step_h)
    sky = _clear_sky(times + pd.Timedelta(hours=step / 2.0), *site)
    index = np.divide(ghi, sky.ghi_w_m2, out=np.zeros_like(ghi), where=sky.ghi_w_m2 > 1.0)
    out: npt.NDArray[np.float64] = np.clip(index, 0.0, 1.5)
    return out
