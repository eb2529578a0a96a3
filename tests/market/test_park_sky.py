"""One sky per park: the clearness scale acts on the sky, and external PV farms share it."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agents.devices.pv import pv_profile_kw_per_kwp
from market.build import (
    ParkInputs,
    build_park,
    park_sky_pv_profile_kw_per_kwp,
    spawn_park_generators,
)
from market.config import parse_config
from market.engine.simulation import Simulation
from market.reference import load_reference
from market.runner import run_scenario

pytestmark = pytest.mark.filterwarnings("ignore:.*dayofyear.*")

BASE: dict[str, Any] = {
    "name": "park_sky",
    "seed": 5,
    "time": {"start": "2025-06-01T00:00:00", "horizon_h": 48},
    "markets": {
        "green_power": {
            "enabled": True,
            "external_farms": [
                {"name": "farm_east", "park": "east", "kind": "pv", "capacity_kw": 5000},
                {"name": "farm_west", "park": "west", "kind": "pv", "capacity_kw": 3000},
                {"name": "wind_west", "park": "west", "kind": "wind", "capacity_kw": 2000},
            ],
        },
    },
    "parks": [
        {
            "name": "east",
            "grid": {"connection_limit_kw": 50000},
            "climate": {"mean_clearness_scale": 1.3},
            "shared_assets": {"pv_kwp": 2000},
            "firms": [
                {
                    "name": "chips",
                    "sector": "electronics",
                    "assets": {"pv_kwp": 1200, "pv_azimuth_deg": 120.0, "pv_tilt_deg": 10.0},
                    "green_power": {"target_share": 1.0, "max_premium_cny_per_mwh": 60},
                },
            ],
        },
        {
            "name": "west",
            "grid": {"connection_limit_kw": 50000},
            "shared_assets": {"pv_kwp": 1000},
            "firms": [
                {
                    "name": "food",
                    "sector": "food",
                    "assets": {"pv_kwp": 800},
                    "green_power": {"target_share": 0.5},
                },
            ],
        },
    ],
}


def config_with(scale_east: float = 1.3, horizon_h: float = 48) -> Any:
    data = copy.deepcopy(BASE)
    data["parks"][0]["climate"]["mean_clearness_scale"] = scale_east
    data["time"]["horizon_h"] = horizon_h
    return parse_config(data)


def built_parks(config: Any) -> list[ParkInputs]:
    ref = load_reference().with_overrides(dict(config.reference_overrides))
    generators = spawn_park_generators(config.seed, len(config.parks))
    return [build_park(config, p, k, ref, generators[k]) for k, p in enumerate(config.parks)]


def test_scale_one_keeps_the_park_profile_of_an_independent_draw() -> None:
    # The park's sky at scale 1 is the series the PV chain draws from the park's generator.
    config = config_with(scale_east=1.0)
    park = built_parks(config)[0]
    fresh = spawn_park_generators(config.seed, len(config.parks))[0]["pv"]
    expected = pv_profile_kw_per_kwp(
        park.times,
        park.latitude_deg,
        park.longitude_deg,
        park.altitude_m,
        25.0,
        180.0,
        fresh,
        ambient_temperature_c=park.ambient_temperature_c,
    )
    assert park.pv_kw_per_kwp.tobytes() == expected.tobytes()


@pytest.mark.parametrize("scale", [0.3, 1.0, 1.5])
def test_park_pv_never_exceeds_inverter_rating(scale: float) -> None:
    park = built_parks(config_with(scale_east=scale, horizon_h=24 * 7))[0]
    assert park.firm_pv_kw[:, 0].max() <= 1200.0 / 1.2 + 1e-9
    assert park.shared_pv_kw.max() <= 2000.0 / 1.2 + 1e-9
    assert park.pv_kw_per_kwp.max() > 0.0


def test_scale_brightens_the_sky_not_the_inverter() -> None:
    base = built_parks(config_with(scale_east=1.0, horizon_h=24 * 7))[0]
    bright = built_parks(config_with(scale_east=1.5, horizon_h=24 * 7))[0]
    assert bright.clearness_index.mean() > base.clearness_index.mean() + 0.1
    assert bright.pv_kw_per_kwp.sum() > base.pv_kw_per_kwp.sum()
    # before the fix the scale multiplied the output: 1.5 x a clipped hour passed the rating
    assert bright.pv_kw_per_kwp.max() <= 1.0 / 1.2 + 1e-12


def test_all_arrays_of_a_park_share_one_sky() -> None:
    east = built_parks(config_with())[0]
    # different geometry, same weather: the firm's array equals the park's chain at its geometry
    firm_per_kwp = park_sky_pv_profile_kw_per_kwp(east, 10.0, 120.0)
    assert east.firm_pv_kw[:, 0].tobytes() == (firm_per_kwp * 1200.0).tobytes()
    assert not np.allclose(firm_per_kwp, east.pv_kw_per_kwp)
    assert park_sky_pv_profile_kw_per_kwp(east, 25.0, 180.0).tobytes() == (
        east.pv_kw_per_kwp.tobytes()
    )


def test_external_pv_farm_sees_the_sky_of_the_park_it_sells_into() -> None:
    config = config_with()
    sim = Simulation(config)
    green = sim.markets.green if sim.markets is not None else None
    assert green is not None
    east, west = sim.parks
    assert not np.array_equal(east.clearness_index, west.clearness_index)
    # Same geometry as the parks' shared PV (25 deg, south): same per-kWp profile, hour by hour.
    assert green.farm_kw[:, 0].tobytes() == (east.pv_kw_per_kwp * 5000.0).tobytes()
    assert green.farm_kw[:, 1].tobytes() == (west.pv_kw_per_kwp * 3000.0).tobytes()
    assert green.farm_kw[:, 0].max() > 0.0
    assert green.farm_kw[:, 0].max() <= 5000.0 / 1.2 + 1e-9


def test_scenario_with_scaled_sky_and_pv_farms_is_byte_identical(tmp_path: Path) -> None:
    config = config_with()
    digests = []
    for name in ("a", "b"):
        outcome = run_scenario(config, tmp_path / name, with_exclusion_effect=False)
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in outcome.files})
    assert digests[0] == digests[1]
    assert "green_power.csv" in digests[0]
