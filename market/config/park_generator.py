"""Generate the parks of a region-scale scenario from a compact description.

A ``park_generator`` section of a scenario (see
:class:`~market.config.schema.ParkGeneratorConfig`) names regions, how many parks each holds
and how many firms of each sector; :func:`generated_parks` turns it into plain park data that
the scenario schema then validates like parks written out by hand. The draw is seeded by the
generator's own ``seed``, so the same section always gives the same parks and firms, whatever
the scenario's simulation seed.

Firms of one sector in one park are drawn one by one (output, rooftop PV, green-power demand)
and then grouped into size classes of identical firms, written as one firm entry with a
``count``: the scenario stays small while the firm population keeps its spread.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from market.reference import default_reference

if TYPE_CHECKING:
    import numpy as np

    from market.config.schema import GeneratedRegionConfig, ParkGeneratorConfig

HOURS_PER_YEAR = 8760.0
#: Smallest grid connection a generated park gets [kW] (assumed).
MIN_CONNECTION_KW = 1000.0
#: Largest grid connection a generated park gets [kW] (the schema's bound per asset).
MAX_CONNECTION_KW = 1e7
#: Green-power target share of a generated buyer [-] (assumed).
GREEN_TARGET_SHARE = 0.5


def scaled_count(count: int, scale: float, at_least_one: bool = False) -> int:
    """``count × scale`` rounded half up (at least 1 when ``at_least_one`` and count > 0)."""
    out = int(math.floor(count * scale + 0.5))
    return max(out, 1) if at_least_one and count > 0 else out


def generated_park_count(generator: ParkGeneratorConfig) -> int:
    """Number of parks the generator makes (after ``scale``)."""
    return sum(scaled_count(r.parks, generator.scale, True) for r in generator.regions)


def generated_firm_count(generator: ParkGeneratorConfig) -> int:
    """Number of firms the generator makes (after ``scale``)."""
    return sum(
        scaled_count(sector.firms, generator.scale)
        for region in generator.regions
        for sector in region.sectors.values()
    )


def generated_parks(generator: ParkGeneratorConfig) -> list[dict[str, Any]]:
    """Park data (as in a scenario's ``parks`` list) of every region, in region order.

    Parameters
    ----------
    generator
        The validated ``park_generator`` section.

    Returns
    -------
    list of dict
        One mapping per park, ready for :class:`~market.config.schema.ParkConfig`.
    """
    import numpy as np

    rng = np.random.default_rng(generator.seed)
    parks: list[dict[str, Any]] = []
    for region in generator.regions:
        parks.extend(_region_parks(region, generator, rng))
    return parks


def _region_parks(
    region: GeneratedRegionConfig, generator: ParkGeneratorConfig, rng: np.random.Generator
) -> list[dict[str, Any]]:
    import numpy as np

    n_parks = scaled_count(region.parks, generator.scale, True)
    # Parks differ in size: each park's share of the region's firms is drawn once.
    weights = rng.lognormal(0.0, generator.park_size_spread, n_parks)
    weights /= weights.sum()
    firms_by_park: list[list[dict[str, Any]]] = [[] for _ in range(n_parks)]
    mean_load_kw = np.zeros(n_parks)
    reference = default_reference()
    for sector_name, sector in region.sectors.items():
        n_firms = scaled_count(sector.firms, generator.scale)
        if n_firms == 0:
            continue
        archetype = reference.sector(sector_name)
        per_park = rng.multinomial(n_firms, weights)
        for k in np.flatnonzero(per_park):
            p, n = int(k), int(per_park[k])
            output = (
                archetype.output_t_per_yr
                * sector.output_frac
                * rng.lognormal(0.0, generator.output_spread, n)
            )
            has_pv = rng.random(n) < sector.pv_share
            buys_green = rng.random(n) < sector.green_power_share
            entries = _size_class_entries(
                sector_name, output, has_pv, buys_green, generator, archetype.electricity_kwh_per_t
            )
            firms_by_park[p].extend(entries)
            annual_kwh = float(output.sum()) * archetype.electricity_kwh_per_t
            mean_load_kw[p] += annual_kwh / HOURS_PER_YEAR
    lat = rng.uniform(region.latitude_min_deg, region.latitude_max_deg, n_parks)
    lon = rng.uniform(region.longitude_min_deg, region.longitude_max_deg, n_parks)
    parks = []
    for p in range(n_parks):
        firms = firms_by_park[p]
        if not firms:
            continue
        n_in_park = sum(int(f.get("count", 1)) for f in firms)
        headroom_kw = generator.connection_headroom * float(mean_load_kw[p])
        connection = min(max(headroom_kw, MIN_CONNECTION_KW), MAX_CONNECTION_KW)
        shared: dict[str, Any] = {
            "pv_kwp": round(generator.shared_pv_kwp_per_firm * n_in_park, 3),
        }
        if generator.shared_battery_kwh_per_firm > 0.0:
            shared["battery"] = {
                "energy_kwh": round(generator.shared_battery_kwh_per_firm * n_in_park, 3)
            }
        parks.append(
            {
                "name": f"{region.name}_{p + 1:03d}",
                "location": {
                    "latitude_deg": round(float(lat[p]), 4),
                    "longitude_deg": round(float(lon[p]), 4),
                    "altitude_m": region.altitude_m,
                },
                "climate": region.climate.model_dump(),
                "grid": {
                    "connection_limit_kw": round(connection, 3),
                    "co2_factor_source": generator.grid_co2_factor_source,
                },
                "shared_assets": shared,
                "operator": {"strategy": generator.operator_strategy},
                "firms": firms,
            }
        )
    return parks


def _size_class_entries(
    sector: str,
    output_t_per_yr: np.ndarray,
    has_pv: np.ndarray,
    buys_green: np.ndarray,
    generator: ParkGeneratorConfig,
    electricity_kwh_per_t: float,
) -> list[dict[str, Any]]:
    """Group drawn firms into size classes × (PV, green buyer) entries with a ``count``."""
    import numpy as np

    n = output_t_per_yr.size
    order = np.argsort(output_t_per_yr, kind="stable")
    size_class = np.empty(n, dtype=np.int64)
    size_class[order] = np.arange(n) * generator.size_classes // n
    entries = []
    for c in range(generator.size_classes):
        for pv in (False, True):
            for green in (False, True):
                members = np.flatnonzero((size_class == c) & (has_pv == pv) & (buys_green == green))
                if members.size == 0:
                    continue
                # Geometric mean of the class keeps the log-normal spread's centre.
                output = float(np.exp(np.log(output_t_per_yr[members]).mean()))
                firm: dict[str, Any] = {
                    "name": f"{sector}_s{c + 1}{'_pv' if pv else ''}{'_g' if green else ''}",
                    "sector": sector,
                    "output_t_per_yr": round(output, 3),
                }
                if members.size > 1:
                    firm["count"] = int(members.size)
                if pv:
                    annual_mwh = output * electricity_kwh_per_t / 1000.0
                    pv_kwp = min(generator.firm_pv_kwp_per_mwh_per_yr * annual_mwh, 1e6)
                    firm["assets"] = {"pv_kwp": round(pv_kwp, 3)}
                if green:
                    firm["green_power"] = {"target_share": GREEN_TARGET_SHARE}
                entries.append(firm)
    return entries
