"""Energy and CO2 accounting: the one place for every tce and tCO2 calculation.

All functions are pure and vectorised over firms (or hours): every quantity argument accepts a
scalar or a numpy array, arguments broadcast against each other, and the result is a
``numpy.ndarray`` of ``float64`` (0-d for all-scalar input). Quantities must be finite and
non-negative; anything else raises :class:`AccountingInputError` naming the argument.

Conventions
-----------
- Energy use is in tonnes of standard coal equivalent (tce); 1 tce = 1,000 kgce = 29.3076 GJ.
- Grid electricity counts at its *equivalent* (calorific, 0.1229 kgce/kWh) or its
  *thermal-equivalent* (primary, coal-power, about 0.30 kgce/kWh) value, chosen by the caller
  (:data:`ElectricityAccounting`).
- Green power bought with retired certificates may be deducted from counted energy use
  (renewable exclusion, :data:`RenewableExclusionRule`): ``"full"`` (2024 notice, all of it),
  ``"increment_over_base"`` (2022 notice, only the increase over the base year) or ``"none"``.
  The deduction never exceeds the electricity part, so counted energy use never falls below the
  energy use of fuels and heat.
- CO2 is in tonnes (tCO2): scope 1 from coal and gas burnt on site; scope 2 from grid electricity,
  location-based (grid average factor) or market-based (certified green power counts zero).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

ElectricityAccounting = Literal["equivalent", "thermal_equivalent"]
"""Value at which grid electricity counts in energy use."""

RenewableExclusionRule = Literal["none", "increment_over_base", "full"]
"""How certified green power is deducted from counted energy use."""

KG_PER_T = 1_000.0
KWH_PER_MWH = 1_000.0
M3_PER_THOUSAND_M3 = 1_000.0

_ON_TRACK_TOLERANCE = 1e-12


class AccountingInputError(ValueError):
    """An accounting input is out of range: negative, not finite, or of an unknown option."""


def _require_positive_factor(owner: str, name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AccountingInputError(
            f"{owner}.{name} must be a number, got {value!r} ({type(value).__name__})"
        )
    if not (math.isfinite(value) and value > 0.0):
        raise AccountingInputError(f"{owner}.{name} must be a finite number > 0, got {value!r}")


@dataclass(frozen=True)
class ConversionFactors:
    """Coefficients converting energy carriers to standard coal equivalent.

    The defaults are the GB/T 2589-2020 values; the thermal-equivalent electricity value is an
    assumed 0.30 kgce/kWh (about the average coal use of thermal power supply). Build an instance
    from the reference data to use other values.

    Parameters
    ----------
    electricity_equivalent_kgce_per_kwh : float
        Electricity at its equivalent (calorific) value [kgce/kWh].
    electricity_thermal_equivalent_kgce_per_kwh : float
        Electricity at its thermal-equivalent (primary energy) value [kgce/kWh].
    raw_coal_kgce_per_kg : float
        Raw coal [kgce/kg].
    natural_gas_kgce_per_m3 : float
        Natural gas [kgce/m3].
    heat_kgce_per_mj : float
        Purchased heat (steam, hot water) [kgce/MJ].
    """

    electricity_equivalent_kgce_per_kwh: float = 0.1229
    electricity_thermal_equivalent_kgce_per_kwh: float = 0.30
    raw_coal_kgce_per_kg: float = 0.7143
    natural_gas_kgce_per_m3: float = 1.2143
    heat_kgce_per_mj: float = 0.03412

    def __post_init__(self) -> None:
        for name in (
            "electricity_equivalent_kgce_per_kwh",
            "electricity_thermal_equivalent_kgce_per_kwh",
            "raw_coal_kgce_per_kg",
            "natural_gas_kgce_per_m3",
            "heat_kgce_per_mj",
        ):
            _require_positive_factor("ConversionFactors", name, getattr(self, name))

    def electricity_kgce_per_kwh(self, convention: ElectricityAccounting) -> float:
        """Electricity coefficient [kgce/kWh] under ``convention``."""
        _check_convention(convention)
        if convention == "equivalent":
            return self.electricity_equivalent_kgce_per_kwh
        return self.electricity_thermal_equivalent_kgce_per_kwh


@dataclass(frozen=True)
class EmissionFactors:
    """CO2 emission factors of fuels burnt on site (scope 1).

    The defaults derive from the default parameters of the national GHG accounting guidelines for
    industrial enterprises: net calorific value x carbon content per unit of heat x oxidation rate
    x 44/12 (raw coal: 20.908 GJ/t x 26.37 tC/TJ x 0.94 x 44/12 = 1.900 tCO2/t; natural gas:
    38.931 GJ/1000 m3 x 15.32 tC/TJ x 0.99 x 44/12 = 2.165 tCO2/1000 m3).

    Parameters
    ----------
    raw_coal_tco2_per_t : float
        Raw coal [tCO2/t].
    natural_gas_tco2_per_1000m3 : float
        Natural gas [tCO2 per 1,000 m3].
    """

    raw_coal_tco2_per_t: float = 1.900
    natural_gas_tco2_per_1000m3: float = 2.165

    def __post_init__(self) -> None:
        for name in ("raw_coal_tco2_per_t", "natural_gas_tco2_per_1000m3"):
            _require_positive_factor("EmissionFactors", name, getattr(self, name))


GB_T_2589_2020 = ConversionFactors()
"""Conversion factors of GB/T 2589-2020 (thermal-equivalent electricity assumed 0.30)."""

DEFAULT_EMISSION_FACTORS = EmissionFactors()
"""Default fuel emission factors derived from the national accounting guidelines."""


@dataclass(frozen=True)
class TargetProgress:
    """Progress of an intensity against a target change on a straight-line path.

    Attributes
    ----------
    change_achieved : ndarray of float
        Intensity change since the base year as a fraction (-0.1 = 10 % lower); nan where the
        base intensity is zero or either intensity is nan.
    change_required : ndarray of float
        Change a straight-line path from 0 in the base year to ``target_change`` in the target
        year requires in ``year`` (held at ``target_change`` after the target year).
    on_track : ndarray of bool
        True where the change achieved is at least as good as required: at or below it for a
        reduction target (``target_change <= 0``), at or above it for an increase target. False
        where the change achieved is nan.
    target_change, base_year, year, target_year
        The inputs, for reporting.
    """

    change_achieved: FloatArray
    change_required: FloatArray
    on_track: BoolArray
    target_change: float
    base_year: int
    year: int
    target_year: int


def _check_convention(convention: str) -> None:
    allowed = get_args(ElectricityAccounting)
    if convention not in allowed:
        raise AccountingInputError(
            f"convention must be one of {', '.join(allowed)}; got {convention!r}"
        )


def _check_rule(rule: str) -> None:
    allowed = get_args(RenewableExclusionRule)
    if rule not in allowed:
        raise AccountingInputError(f"rule must be one of {', '.join(allowed)}; got {rule!r}")


def _quantity(name: str, value: ArrayLike, *, allow_nan: bool = False) -> FloatArray:
    """Return ``value`` as a float64 array after checking it is non-negative and finite."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AccountingInputError(
            f"{name} must be a number or an array of numbers, got {value!r}"
        ) from exc
    valid = (array >= 0.0) & (array < np.inf)
    if allow_nan:
        valid |= np.isnan(array)
    if not np.all(valid):
        bad = array[~valid].flat[0]
        allowed = "finite numbers >= 0 (or nan)" if allow_nan else "finite numbers >= 0"
        raise AccountingInputError(f"{name} must hold {allowed}; found {bad!r}")
    return array


def _check_broadcast(**arrays: FloatArray) -> None:
    try:
        np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError as exc:
        shapes = ", ".join(f"{name} {a.shape}" for name, a in arrays.items())
        raise AccountingInputError(f"array shapes do not broadcast together: {shapes}") from exc


def _result(values: ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def electricity_tce(
    grid_electricity_kwh: ArrayLike,
    *,
    convention: ElectricityAccounting,
    factors: ConversionFactors = GB_T_2589_2020,
) -> FloatArray:
    """Energy use of grid electricity [tce].

    Parameters
    ----------
    grid_electricity_kwh : array_like
        Electricity drawn from the grid [kWh], including green power delivered through it.
    convention : {"equivalent", "thermal_equivalent"}
        Value at which electricity counts.
    factors : ConversionFactors
        Conversion coefficients.

    Returns
    -------
    ndarray of float
        ``grid_electricity_kwh x coefficient / 1000`` [tce].
    """
    coefficient = factors.electricity_kgce_per_kwh(convention)
    electricity = _quantity("grid_electricity_kwh", grid_electricity_kwh)
    return _result(electricity * (coefficient / KG_PER_T))


def energy_use_tce(
    grid_electricity_kwh: ArrayLike,
    coal_kg: ArrayLike,
    gas_m3: ArrayLike,
    heat_mj: ArrayLike = 0.0,
    *,
    convention: ElectricityAccounting,
    factors: ConversionFactors = GB_T_2589_2020,
) -> FloatArray:
    """Total energy use [tce] of grid electricity, fuels and purchased heat.

    ``(kWh x e + kg coal x 0.7143 + m3 gas x 1.2143 + MJ heat x 0.03412) / 1000`` with ``e`` the
    electricity coefficient of ``convention`` (GB/T 2589-2020 values by default).

    Parameters
    ----------
    grid_electricity_kwh : array_like
        Electricity drawn from the grid [kWh].
    coal_kg : array_like
        Raw coal burnt [kg].
    gas_m3 : array_like
        Natural gas burnt [m3].
    heat_mj : array_like, optional
        Purchased heat [MJ].
    convention : {"equivalent", "thermal_equivalent"}
        Value at which electricity counts.
    factors : ConversionFactors
        Conversion coefficients.

    Returns
    -------
    ndarray of float
        Energy use [tce], broadcast over the inputs.

    Examples
    --------
    1,000 MWh of grid electricity, 100 t of coal and 10,000 m3 of gas at the equivalent value:
    122.9 + 71.43 + 12.143 = 206.473 tce.

    >>> float(energy_use_tce(1e6, 1e5, 1e4, convention="equivalent"))  # doctest: +ELLIPSIS
    206.47...
    """
    coefficient = factors.electricity_kgce_per_kwh(convention)
    electricity = _quantity("grid_electricity_kwh", grid_electricity_kwh)
    coal = _quantity("coal_kg", coal_kg)
    gas = _quantity("gas_m3", gas_m3)
    heat = _quantity("heat_mj", heat_mj)
    _check_broadcast(grid_electricity_kwh=electricity, coal_kg=coal, gas_m3=gas, heat_mj=heat)
    kgce = (
        electricity * coefficient
        + coal * factors.raw_coal_kgce_per_kg
        + gas * factors.natural_gas_kgce_per_m3
        + heat * factors.heat_kgce_per_mj
    )
    return _result(kgce / KG_PER_T)


def renewable_exclusion_tce(
    certified_green_kwh: ArrayLike,
    *,
    grid_electricity_kwh: ArrayLike,
    convention: ElectricityAccounting,
    rule: RenewableExclusionRule,
    factors: ConversionFactors = GB_T_2589_2020,
    base_green_kwh: ArrayLike = 0.0,
) -> FloatArray:
    """Energy use deducted for certified green power [tce].

    The eligible green power is all certified green power (``rule="full"``, 2024 notice), its
    increase over the base year (``rule="increment_over_base"``, 2022 notice) or nothing
    (``rule="none"``). It is capped at the grid electricity used, so the deduction never exceeds
    the electricity part of energy use.

    Parameters
    ----------
    certified_green_kwh : array_like
        Green power backed by certificates retired for the period [kWh].
    grid_electricity_kwh : array_like
        Electricity drawn from the grid in the period [kWh].
    convention : {"equivalent", "thermal_equivalent"}
        Value at which electricity counts.
    rule : {"none", "increment_over_base", "full"}
        Renewable-exclusion rule.
    factors : ConversionFactors
        Conversion coefficients.
    base_green_kwh : array_like, optional
        Certified green power in the base year [kWh]; used by ``"increment_over_base"`` only.

    Returns
    -------
    ndarray of float
        ``min(eligible kWh, grid kWh) x coefficient / 1000`` [tce], >= 0.
    """
    _check_rule(rule)
    coefficient = factors.electricity_kgce_per_kwh(convention)
    green = _quantity("certified_green_kwh", certified_green_kwh)
    grid = _quantity("grid_electricity_kwh", grid_electricity_kwh)
    base = _quantity("base_green_kwh", base_green_kwh)
    _check_broadcast(certified_green_kwh=green, grid_electricity_kwh=grid, base_green_kwh=base)
    if rule == "none":
        eligible = np.zeros(np.broadcast_shapes(green.shape, grid.shape, base.shape))
    elif rule == "full":
        eligible = green
    else:
        eligible = np.maximum(green - base, 0.0)
    return _result(np.minimum(eligible, grid) * (coefficient / KG_PER_T))


def counted_energy_use_tce(
    energy_use_tce: ArrayLike,
    certified_green_kwh: ArrayLike,
    *,
    grid_electricity_kwh: ArrayLike,
    convention: ElectricityAccounting,
    rule: RenewableExclusionRule,
    factors: ConversionFactors = GB_T_2589_2020,
    base_green_kwh: ArrayLike = 0.0,
) -> FloatArray:
    """Energy use counted against energy-use rights after the renewable exclusion [tce].

    ``energy_use_tce - renewable_exclusion_tce(...)``; never below the energy use of fuels and
    heat (``energy_use_tce`` minus the electricity part).

    Parameters
    ----------
    energy_use_tce : array_like
        Total energy use from :func:`energy_use_tce` with the same ``convention`` [tce].
    certified_green_kwh : array_like
        Green power backed by retired certificates [kWh].
    grid_electricity_kwh : array_like
        Electricity drawn from the grid, the one that entered ``energy_use_tce`` [kWh].
    convention : {"equivalent", "thermal_equivalent"}
        Value at which electricity counts.
    rule : {"none", "increment_over_base", "full"}
        Renewable-exclusion rule.
    factors : ConversionFactors
        Conversion coefficients.
    base_green_kwh : array_like, optional
        Certified green power in the base year [kWh] (``"increment_over_base"`` only).

    Returns
    -------
    ndarray of float
        Counted energy use [tce].

    Raises
    ------
    AccountingInputError
        If ``energy_use_tce`` is smaller than the electricity part implied by
        ``grid_electricity_kwh`` (inconsistent inputs).
    """
    total = _quantity("energy_use_tce", energy_use_tce)
    electricity_part = electricity_tce(grid_electricity_kwh, convention=convention, factors=factors)
    _check_broadcast(energy_use_tce=total, grid_electricity_kwh=electricity_part)
    total, electricity_part = np.broadcast_arrays(total, electricity_part)
    inconsistent = total < electricity_part * (1.0 - 1e-9) - 1e-12
    if np.any(inconsistent):
        index = int(np.argmax(inconsistent))
        raise AccountingInputError(
            f"energy_use_tce ({total.flat[index]!r}) is smaller than its electricity part "
            f"({electricity_part.flat[index]!r} tce from grid_electricity_kwh under "
            f"{convention!r}); compute both from the same inputs and convention"
        )
    deduction = renewable_exclusion_tce(
        certified_green_kwh,
        grid_electricity_kwh=grid_electricity_kwh,
        convention=convention,
        rule=rule,
        factors=factors,
        base_green_kwh=base_green_kwh,
    )
    return _result(np.maximum(total - deduction, total - electricity_part))


def exclusion_applies_to_intensity(rule: RenewableExclusionRule) -> bool:
    """Whether the renewable exclusion also lowers energy intensity.

    The 2024 notice (``"full"``) excludes green power from both the total and the intensity;
    the 2022 notice (``"increment_over_base"``) from the total only.
    """
    _check_rule(rule)
    return rule == "full"


def scope1_tco2(
    coal_kg: ArrayLike,
    gas_m3: ArrayLike,
    factors: EmissionFactors = DEFAULT_EMISSION_FACTORS,
) -> FloatArray:
    """Direct CO2 from coal and gas burnt on site [tCO2].

    Parameters
    ----------
    coal_kg : array_like
        Raw coal burnt [kg].
    gas_m3 : array_like
        Natural gas burnt [m3].
    factors : EmissionFactors
        Fuel emission factors.

    Returns
    -------
    ndarray of float
        ``coal_kg / 1000 x tCO2/t + gas_m3 / 1000 x tCO2/1000 m3`` [tCO2].
    """
    coal = _quantity("coal_kg", coal_kg)
    gas = _quantity("gas_m3", gas_m3)
    _check_broadcast(coal_kg=coal, gas_m3=gas)
    return _result(
        coal * (factors.raw_coal_tco2_per_t / KG_PER_T)
        + gas * (factors.natural_gas_tco2_per_1000m3 / M3_PER_THOUSAND_M3)
    )


def scope2_location_tco2(
    grid_electricity_kwh: ArrayLike, grid_factor_tco2_per_mwh: ArrayLike
) -> FloatArray:
    """Location-based scope-2 CO2 of grid electricity [tCO2].

    Parameters
    ----------
    grid_electricity_kwh : array_like
        Electricity drawn from the grid [kWh].
    grid_factor_tco2_per_mwh : array_like
        Average grid emission factor [tCO2/MWh], e.g. 0.5366 (national 2022).

    Returns
    -------
    ndarray of float
        ``kWh / 1000 x factor`` [tCO2].
    """
    grid = _quantity("grid_electricity_kwh", grid_electricity_kwh)
    factor = _quantity("grid_factor_tco2_per_mwh", grid_factor_tco2_per_mwh)
    _check_broadcast(grid_electricity_kwh=grid, grid_factor_tco2_per_mwh=factor)
    return _result(grid / KWH_PER_MWH * factor)


def scope2_market_tco2(
    grid_electricity_kwh: ArrayLike,
    certified_green_kwh: ArrayLike,
    grid_factor_tco2_per_mwh: ArrayLike,
) -> FloatArray:
    """Market-based scope-2 CO2 [tCO2]: certified green power counts zero.

    Parameters
    ----------
    grid_electricity_kwh : array_like
        Electricity drawn from the grid [kWh].
    certified_green_kwh : array_like
        Green power backed by retired certificates [kWh]; any excess over grid electricity
        lowers nothing further (the result is never negative).
    grid_factor_tco2_per_mwh : array_like
        Emission factor of the remaining grid electricity [tCO2/MWh].

    Returns
    -------
    ndarray of float
        ``max(kWh - green kWh, 0) / 1000 x factor`` [tCO2].
    """
    grid = _quantity("grid_electricity_kwh", grid_electricity_kwh)
    green = _quantity("certified_green_kwh", certified_green_kwh)
    factor = _quantity("grid_factor_tco2_per_mwh", grid_factor_tco2_per_mwh)
    _check_broadcast(
        grid_electricity_kwh=grid,
        certified_green_kwh=green,
        grid_factor_tco2_per_mwh=factor,
    )
    return _result(np.maximum(grid - green, 0.0) / KWH_PER_MWH * factor)


def intensity_per_value_added(quantity: ArrayLike, value_added_10k_cny: ArrayLike) -> FloatArray:
    """Intensity per unit of value added [tce or tCO2 per 10^4 CNY].

    Parameters
    ----------
    quantity : array_like
        Energy use [tce] or emissions [tCO2].
    value_added_10k_cny : array_like
        Value added [10^4 CNY], >= 0.

    Returns
    -------
    ndarray of float
        ``quantity / value_added_10k_cny``; nan where value added is zero (no warning is
        issued: an intensity of a firm without value added is undefined, not infinite); inf
        where a value added close to zero makes the ratio overflow.
    """
    amount = _quantity("quantity", quantity)
    value_added = _quantity("value_added_10k_cny", value_added_10k_cny)
    _check_broadcast(quantity=amount, value_added_10k_cny=value_added)
    shape = np.broadcast_shapes(amount.shape, value_added.shape)
    out = np.full(shape, np.nan)
    with np.errstate(over="ignore"):
        np.divide(amount, value_added, out=out, where=value_added > 0.0)
    return out


def intensity_change(current: ArrayLike, base: ArrayLike) -> FloatArray:
    """Relative change of an intensity against its base: ``current / base - 1``.

    Parameters
    ----------
    current : array_like
        Current intensity (>= 0 or nan).
    base : array_like
        Base-year intensity (>= 0 or nan).

    Returns
    -------
    ndarray of float
        Fractional change (-0.135 = 13.5 % lower); nan where ``base`` is zero or an input is
        nan, without a warning.
    """
    now = _quantity("current", current, allow_nan=True)
    before = _quantity("base", base, allow_nan=True)
    _check_broadcast(current=now, base=before)
    shape = np.broadcast_shapes(now.shape, before.shape)
    out = np.full(shape, np.nan)
    with np.errstate(over="ignore"):
        np.divide(now, before, out=out, where=before > 0.0)
    return _result(out - 1.0)


def _check_year(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise AccountingInputError(
            f"{name} must be an integer year, got {value!r} ({type(value).__name__})"
        )
    return int(value)


def target_progress(
    base_intensity: ArrayLike,
    intensity: ArrayLike,
    base_year: int,
    year: int,
    target_change: float = -0.135,
    target_year: int = 2025,
) -> TargetProgress:
    """Progress of an intensity against a target on a straight-line path.

    The required change grows linearly from 0 in ``base_year`` to ``target_change`` in
    ``target_year`` and stays at ``target_change`` afterwards (a target remains in force once
    reached). The default is the Shaanxi plan's energy-intensity target, -13.5 % in 2025
    against 2020 (pass ``base_year=2020``).

    Parameters
    ----------
    base_intensity : array_like
        Intensity in the base year (>= 0 or nan).
    intensity : array_like
        Intensity in ``year`` (>= 0 or nan).
    base_year : int
        Base year of the target.
    year : int
        Year of ``intensity``; ``>= base_year``.
    target_change : float, optional
        Target change by ``target_year`` as a fraction, > -1.
    target_year : int, optional
        Year the target applies; ``> base_year``.

    Returns
    -------
    TargetProgress
        Change achieved, change required and whether the path is kept (read-only arrays).

    Examples
    --------
    Three years into the 2020 -> 2025 path the straight line requires -13.5 % x 3/5 = -8.1 %;
    an intensity 10 % below base is on track.

    >>> p = target_progress(1.0, 0.9, base_year=2020, year=2023)
    >>> round(float(p.change_required), 4), bool(p.on_track)
    (-0.081, True)
    """
    base_year = _check_year("base_year", base_year)
    year = _check_year("year", year)
    target_year = _check_year("target_year", target_year)
    if target_year <= base_year:
        raise AccountingInputError(
            f"target_year must be after base_year ({base_year}); got {target_year}"
        )
    if year < base_year:
        raise AccountingInputError(f"year must be base_year ({base_year}) or later; got {year}")
    if isinstance(target_change, bool) or not isinstance(target_change, int | float):
        raise AccountingInputError(f"target_change must be a number, got {target_change!r}")
    if not (math.isfinite(target_change) and target_change > -1.0):
        raise AccountingInputError(
            f"target_change must be a finite fraction > -1 (e.g. -0.135); got {target_change!r}"
        )
    achieved = intensity_change(intensity, base_intensity)
    share_of_path = min((year - base_year) / (target_year - base_year), 1.0)
    required = np.full(achieved.shape, target_change * share_of_path)
    with np.errstate(invalid="ignore"):
        if target_change <= 0.0:
            on_track = achieved <= required + _ON_TRACK_TOLERANCE
        else:
            on_track = achieved >= required - _ON_TRACK_TOLERANCE
    on_track = np.asarray(on_track & ~np.isnan(achieved), dtype=np.bool_)
    for array in (achieved, required, on_track):
        array.flags.writeable = False
    return TargetProgress(
        change_achieved=achieved,
        change_required=required,
        on_track=on_track,
        target_change=float(target_change),
        base_year=base_year,
        year=year,
        target_year=target_year,
    )
