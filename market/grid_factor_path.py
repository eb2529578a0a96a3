"""Grid CO2 factor per calendar year: published figures, then a documented projection.

For a region (``national`` or ``northwest``) the factor of year ``y`` is [tCO2/MWh]::

    f(y) = f_2022 x (1 + r_before) ** (y - 2022)     y <= 2022
    f(2023) = f_2023                                  (published)
    f(y) = f_2023 x (1 + r_after) ** (y - 2023)      2023 < y <= end year (2035)
    f(y) = f(end year)                                y > end year

with ``f_2022``, ``f_2023`` the MEE & NBS averages (``emission_factors.grid_<region>_<year>``),
``r_before`` = ``emission_factors.grid_change_2020_2022_per_yr`` and ``r_after`` =
``emission_factors.grid_<region>_change_after_2023_per_yr`` (both assumed).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from market.reference import ReferenceData

GridRegion = Literal["national", "northwest"]
FIRST_PUBLISHED_YEAR = 2022
LAST_PUBLISHED_YEAR = 2023


def grid_factor_tco2_per_mwh(ref: ReferenceData, region: GridRegion, year: int) -> float:
    """The grid CO2 factor of ``region`` in ``year`` [tCO2/MWh]."""
    first = ref.number(f"emission_factors.grid_{region}_{FIRST_PUBLISHED_YEAR}_tco2_per_mwh")
    last = ref.number(f"emission_factors.grid_{region}_{LAST_PUBLISHED_YEAR}_tco2_per_mwh")
    before = ref.number("emission_factors.grid_change_2020_2022_per_yr")
    after = ref.number(f"emission_factors.grid_{region}_change_after_2023_per_yr")
    end_year = int(ref.number("emission_factors.grid_projection_end_year"))
    if year <= FIRST_PUBLISHED_YEAR:
        return first * (1.0 + before) ** (year - FIRST_PUBLISHED_YEAR)
    if year == LAST_PUBLISHED_YEAR:
        return last
    return last * (1.0 + after) ** (min(year, end_year) - LAST_PUBLISHED_YEAR)


def grid_factor_path(
    ref: ReferenceData, region: GridRegion, years: Iterable[int]
) -> dict[int, float]:
    """The factor of each of ``years`` [tCO2/MWh], by year."""
    return {int(y): grid_factor_tco2_per_mwh(ref, region, int(y)) for y in sorted(set(years))}
