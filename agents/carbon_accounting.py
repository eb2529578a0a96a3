"""Carbon-market accounting of covered firms (pure, vectorised over firms).

* **Covered emissions** [tCO2] = direct emissions (fuel combustion, scope 1, plus process CO2)
  and, where the rule counts purchased electricity, scope 2: location-based, or market-based
  with certificate-backed green power at zero.
* **Intensity-based free allocation** [tCO2] = benchmark [tCO2/t] x actual output [t] x the
  year's benchmark factor, as the national scheme allocates (no absolute cap).
* **Offsets**: CCER may cover at most ``limit_frac`` of the verified emissions.
* **Certificates in both accounts**: one retired certificate (1 MWh) lowers counted energy use
  by its coefficient and scope-2 CO2 by its grid factor, each at most once and only up to the
  firm's own grid electricity (:func:`certificate_deductions`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from agents.accounting import (
    ConversionFactors,
    ElectricityAccounting,
    renewable_exclusion_tce,
    scope2_location_tco2,
    scope2_market_tco2,
)

FloatArray = NDArray[np.float64]


def covered_emissions_tco2(
    direct_tco2: ArrayLike,
    grid_kwh: ArrayLike,
    certified_kwh: ArrayLike,
    grid_factor_tco2_per_mwh: ArrayLike,
    *,
    include_scope2: bool,
    certificates_zero_scope2: bool,
) -> FloatArray:
    """Emissions a covered firm surrenders allowances for [tCO2].

    Parameters
    ----------
    direct_tco2 : array_like
        Scope-1 fuel CO2 plus process CO2 [tCO2].
    grid_kwh : array_like
        Grid electricity drawn [kWh].
    certified_kwh : array_like
        Green power backed by retired certificates [kWh].
    grid_factor_tco2_per_mwh : array_like
        Grid emission factor [tCO2/MWh].
    include_scope2 : bool
        Count purchased electricity (the national scheme does not).
    certificates_zero_scope2 : bool
        With scope 2 counted, certified green power counts zero (market-based scope 2).

    Returns
    -------
    ndarray of float
        ``direct + scope 2`` (as the switches say) [tCO2], >= 0.
    """
    direct = np.asarray(direct_tco2, dtype=float)
    if not include_scope2:
        return np.maximum(direct, 0.0) + np.zeros(np.shape(grid_kwh))
    if certificates_zero_scope2:
        scope2 = scope2_market_tco2(grid_kwh, certified_kwh, grid_factor_tco2_per_mwh)
    else:
        scope2 = scope2_location_tco2(grid_kwh, grid_factor_tco2_per_mwh)
    out: FloatArray = np.maximum(direct, 0.0) + scope2
    return out


def intensity_allocation_tco2(
    output_t: ArrayLike, benchmark_tco2_per_t: ArrayLike, year_factor: float = 1.0
) -> FloatArray:
    """Free allowances of intensity-based allocation: benchmark x output x factor [tCO2]."""
    out: FloatArray = (
        np.asarray(output_t, dtype=float) * np.asarray(benchmark_tco2_per_t, dtype=float)
    ) * float(year_factor)
    return out


def benchmark_year_factor(annual_change: float, years_after_first: int) -> float:
    """Benchmark multiplier ``(1 + annual_change) ** years_after_first`` [-]."""
    return float((1.0 + annual_change) ** years_after_first)


def offset_limit_tco2(verified_tco2: ArrayLike, limit_frac: float) -> FloatArray:
    """Most CCER a firm may surrender: ``limit_frac`` x verified emissions [tCO2]."""
    out: FloatArray = np.maximum(np.asarray(verified_tco2, dtype=float), 0.0) * float(limit_frac)
    return out


def certificate_deductions(
    certified_kwh: ArrayLike,
    grid_kwh: ArrayLike,
    grid_factor_tco2_per_mwh: ArrayLike,
    *,
    convention: ElectricityAccounting,
    factors: ConversionFactors,
    count_in_energy: bool,
    count_in_scope2: bool,
) -> tuple[FloatArray, FloatArray]:
    """What each firm's retired certificates deduct from energy use and from scope-2 CO2.

    Both deductions rest on the same eligible green power, ``min(certified, grid)`` [kWh]: a
    certificate counts once in each account and never beyond the firm's own grid electricity.

    Returns
    -------
    (ndarray, ndarray)
        Energy-use deduction [tce] and scope-2 deduction [tCO2] per firm.
    """
    certified = np.asarray(certified_kwh, dtype=float)
    grid = np.asarray(grid_kwh, dtype=float)
    energy = (
        renewable_exclusion_tce(
            certified,
            grid_electricity_kwh=grid,
            convention=convention,
            rule="full",
            factors=factors,
        )
        if count_in_energy
        else np.zeros(np.broadcast_shapes(certified.shape, grid.shape))
    )
    scope2 = (
        scope2_location_tco2(grid, grid_factor_tco2_per_mwh)
        - scope2_market_tco2(grid, certified, grid_factor_tco2_per_mwh)
        if count_in_scope2
        else np.zeros(np.broadcast_shapes(certified.shape, grid.shape))
    )
    return np.asarray(energy, dtype=float), np.asarray(scope2, dtype=float)


def convert_abatement(
    abated_by_slot: ArrayLike,
    is_curtailment: ArrayLike,
    curtailment_factor: ArrayLike,
    other_factor: ArrayLike,
) -> FloatArray:
    """Abatement committed in one market's units, in the other's, per firm.

    Curtailing output cuts energy use and all emissions (process CO2 too) in proportion, so it
    converts at the firm's whole ratio; the other options (retrofits, heat pumps) save fuel and
    convert at its combustion ratio.

    Parameters
    ----------
    abated_by_slot : array_like, shape (F, K)
        Committed abatement per option slot.
    is_curtailment : array_like of bool, shape (F, K)
        Which slots curtail output.
    curtailment_factor, other_factor : array_like, shape (F,)
        Units of the other market per unit of this one, for curtailment and the rest.

    Returns
    -------
    ndarray of float, shape (F,)
    """
    abated = np.asarray(abated_by_slot, dtype=float)
    curtail = np.asarray(is_curtailment, dtype=bool)
    factor = np.where(
        curtail,
        np.asarray(curtailment_factor, dtype=float)[:, None],
        np.asarray(other_factor, dtype=float)[:, None],
    )
    out: FloatArray = (abated * factor).sum(axis=1)
    return out
