"""Growth of output, value added and energy use per tonne, compounded year by year.

A growth path is a list of yearly rates of change, one per plan period; the periods start at the
years of ``growth_paths.period_start_years`` (2020, 2025, 2030). The rate of period ``k`` applies
from year ``y`` to ``y + 1`` for ``start[k] <= y < start[k + 1]``; the first period's rate also
applies before its start and the last period's after its end. The index of a year against an
index year is the product of ``(1 + rate)`` over the years between them:

    index(y) = prod_{x = y0}^{y - 1} (1 + rate(x))            for y >= y0
    index(y) = 1 / prod_{x = y}^{y0 - 1} (1 + rate(x))        for y < y0

Pure functions, plus :func:`reference_growth_paths` which reads every sector's entries of
``configs/reference/growth_paths.yaml``, and :func:`growth_on_steps`, the indices of a park's
firms on a run's steps.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from market.config.schema import FirmConfig, GrowthConfig, ScenarioConfig
from market.reference import ReferenceData, ReferenceTypeError

FloatArray = NDArray[np.float64]
GROWTH_FILE = "growth_paths"
GROWTH_FIELDS = ("output_change_per_yr", "value_added_change_per_yr", "energy_per_t_change_per_yr")
PERIOD_STARTS_KEY = f"{GROWTH_FILE}.period_start_years"


@dataclass(frozen=True, slots=True)
class GrowthRates:
    """Yearly rates of change of one sector or firm, one per period [1/yr].

    Attributes
    ----------
    output_change_per_yr
        Output (tonnes).
    value_added_change_per_yr
        Value added at constant prices.
    energy_per_t_change_per_yr
        Energy use per tonne of output (negative: efficiency improves).
    """

    output_change_per_yr: tuple[float, ...]
    value_added_change_per_yr: tuple[float, ...]
    energy_per_t_change_per_yr: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class GrowthPaths:
    """The default growth paths of every sector.

    Attributes
    ----------
    period_start_years
        First year of each period, increasing.
    sectors
        Sector name → its rates.
    """

    period_start_years: tuple[int, ...]
    sectors: Mapping[str, GrowthRates]


@dataclass(frozen=True, slots=True)
class YearIndices:
    """Indices of one firm in one year against the index year [-].

    Attributes
    ----------
    output
        Output over the index year's output.
    value_added_per_t
        Value added per tonne over the index year's (value-added index / output index).
    energy_per_t
        Energy use per tonne over the index year's.
    """

    output: float
    value_added_per_t: float
    energy_per_t: float


def rate_in_year(rates: Sequence[float], period_start_years: Sequence[int], year: int) -> float:
    """The rate that applies from ``year`` to ``year + 1``.

    Examples
    --------
    >>> rate_in_year([0.1, 0.2], [2020, 2025], 2024), rate_in_year([0.1, 0.2], [2020, 2025], 2025)
    (0.1, 0.2)
    """
    k = 0
    for i, start in enumerate(period_start_years):
        if year >= start:
            k = i
    return float(rates[min(k, len(rates) - 1)])


def compound_index(
    rates: Sequence[float], period_start_years: Sequence[int], index_year: int, year: int
) -> float:
    """Index of ``year`` against ``index_year`` (1 in the index year), compounded yearly.

    Examples
    --------
    >>> round(compound_index([0.1, 0.0], [2020, 2022], 2020, 2023), 6)  # 1.1 x 1.1 x 1.0
    1.21
    >>> round(compound_index([0.1, 0.0], [2020, 2022], 2021, 2020), 6)  # 1 / 1.1
    0.909091
    """
    low, high = sorted((index_year, year))
    product = math.prod(1.0 + rate_in_year(rates, period_start_years, y) for y in range(low, high))
    return product if year >= index_year else 1.0 / product


def year_indices(
    rates: GrowthRates, period_start_years: Sequence[int], index_year: int, year: int
) -> YearIndices:
    """Output, value-added-per-tonne and energy-per-tonne indices of ``year``."""
    output = compound_index(rates.output_change_per_yr, period_start_years, index_year, year)
    value_added = compound_index(
        rates.value_added_change_per_yr, period_start_years, index_year, year
    )
    energy = compound_index(rates.energy_per_t_change_per_yr, period_start_years, index_year, year)
    return YearIndices(output=output, value_added_per_t=value_added / output, energy_per_t=energy)


def reference_growth_paths(ref: ReferenceData, sectors: Iterable[str] | None = None) -> GrowthPaths:
    """The default growth paths of the reference data (every sector unless ``sectors`` given).

    Raises
    ------
    market.reference.ReferenceTypeError
        If an entry is missing, or a path's length differs from the number of periods.
    """
    starts = tuple(int(y) for y in _numbers(ref, PERIOD_STARTS_KEY))
    names = ref.sector_names if sectors is None else tuple(sorted(set(sectors)))
    out: dict[str, GrowthRates] = {}
    for sector in names:
        paths = []
        for kind in ("output", "value_added", "energy_per_t"):
            key = f"{GROWTH_FILE}.{kind}_{sector}_change_per_yr"
            values = _numbers(ref, key)
            if len(values) != len(starts):
                raise ReferenceTypeError(
                    f"reference {key}: {len(values)} rates; one per period of "
                    f"{PERIOD_STARTS_KEY} ({len(starts)}) expected"
                )
            paths.append(values)
        out[sector] = GrowthRates(*paths)
    return GrowthPaths(period_start_years=starts, sectors=out)


def _numbers(ref: ReferenceData, key: str) -> tuple[float, ...]:
    value = ref.value(key)
    if not isinstance(value, tuple) or not all(isinstance(v, float) for v in value):
        raise ReferenceTypeError(f"reference {key}: a list of numbers expected, got {value!r}")
    return tuple(float(v) for v in value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class GrowthOnSteps:
    """Growth indices of a park's firms on the run's steps, against the run's first year.

    Attributes
    ----------
    output_index
        Output index per step and firm, shape (n_steps, n_firms) [-].
    energy_per_t_index
        Energy use per tonne index per step and firm, shape (n_steps, n_firms) [-].
    value_added_index_by_year
        Value added per tonne index of each firm per year (empty without growth) [-].
    """

    output_index: FloatArray
    energy_per_t_index: FloatArray
    value_added_index_by_year: dict[int, FloatArray]


def firm_growth_rates(
    firms: list[FirmConfig], growth: GrowthConfig, ref: ReferenceData
) -> tuple[list[GrowthRates], tuple[int, ...]]:
    """Each firm's growth rates (its own, else its sector's in ``growth``, else the default)
    and the first years of the periods they apply to."""
    defaults = reference_growth_paths(ref)
    out = []
    for f in firms:
        default = defaults.sectors[f.sector]
        rates = {name: getattr(default, name) for name in GROWTH_FIELDS}
        for layer in (growth.sectors.get(f.sector), f.growth):
            if layer is None:
                continue
            for name in GROWTH_FIELDS:
                value = getattr(layer, name)
                if value is not None:
                    rates[name] = tuple(float(v) for v in value)
        out.append(GrowthRates(**rates))
    return out, defaults.period_start_years


def growth_on_steps(
    config: ScenarioConfig, firms: list[FirmConfig], ref: ReferenceData, step_years: np.ndarray
) -> GrowthOnSteps:
    """Growth indices on the steps (all 1 when growth is off)."""
    shape = (step_years.size, len(firms))
    if not config.growth.enabled:
        return GrowthOnSteps(np.ones(shape), np.ones(shape), {})
    rates, starts = firm_growth_rates(firms, config.growth, ref)
    first = int(step_years[0])
    years = sorted({int(y) for y in step_years})
    output = np.ones(shape)
    energy = np.ones(shape)
    value_added: dict[int, FloatArray] = {}
    for year in years:
        idx = [year_indices(r, starts, first, year) for r in rates]
        rows = step_years == year
        output[rows, :] = np.array([i.output for i in idx])[None, :]
        energy[rows, :] = np.array([i.energy_per_t for i in idx])[None, :]
        value_added[year] = np.array([i.value_added_per_t for i in idx])
    return GrowthOnSteps(output, energy, value_added)
