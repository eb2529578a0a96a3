"""Every reference value is read by the model: a run of every feature reads every entry."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, get_args

import pytest

from market.build import build_park, spawn_park_generators
from market.config import load_config, parse_config
from market.config.schema import GridFactorSource
from market.engine.simulation import Simulation
from market.inputs.paths import CONFIGS_DIR
from market.reference import ReferenceData, ReferenceEntry, load_reference
from market.studies.metrics import default_targets

pytestmark = pytest.mark.filterwarnings("ignore:.*dayofyear.*")

#: Files whose entries the model reads through the sector and benchmark accessors.
TABLE_PREFIXES = ("sectors.", "benchmarks.")


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Every key any ReferenceData looks up while the test runs."""
    seen: set[str] = set()
    original = ReferenceData.entry

    def entry(self: ReferenceData, key: str) -> ReferenceEntry:
        seen.add(key)
        return original(self, key)

    monkeypatch.setattr(ReferenceData, "entry", entry)
    default_targets.cache_clear()
    yield seen
    default_targets.cache_clear()


def shortened(path: str, hours: int = 48, **changes: Any) -> Any:
    config = load_config(CONFIGS_DIR / path)
    data = config.model_dump(mode="json", exclude_none=True)
    data["time"]["horizon_h"] = hours
    data.update(changes)
    return parse_config(data)


def run(config: Any) -> None:
    sim = Simulation(config)
    sim.run()
    sim.results()


def test_a_run_of_every_feature_reads_every_reference_entry(reads: set[str]) -> None:
    # The Shaanxi park with all markets, firms' investments and a price-multiple penalty.
    shaanxi = shortened("shaanxi_park.yaml", hours=24 * 3)
    data = shaanxi.model_dump(mode="json", exclude_none=True)
    data["time"]["start"] = "2025-12-29T00:00:00"
    data["time"]["horizon_h"] = 24 * 5  # crosses a year: compliance, then investment
    data["investments"] = {"enabled": True}
    data["markets"]["energy_rights"]["penalty"] = {"kind": "price_multiple"}
    data["markets"]["green_power"] = {"enabled": True}
    data["policy"] = {"control": "both"}  # the carbon market too
    for park in data["parks"]:
        park.get("tariff", {}).pop("demand_charge_cny_per_kw_month", None)
        for firm in park["firms"]:
            firm.get("green_power", {}).pop("max_premium_cny_per_mwh", None)
    run(parse_config(data))
    # Weather and meter files; a tariff file with critical-peak hours.
    run(shortened("operator_data.yaml"))
    metered = load_config(CONFIGS_DIR / "examples" / "park_metered.yaml")
    run(metered.model_copy(update={"time": metered.time.model_copy(update={"horizon_h": 48})}))
    # Every published grid factor a park can choose.
    ref = load_reference()
    quick = load_config(CONFIGS_DIR / "quickstart.yaml")
    for source in get_args(GridFactorSource):
        park = copy.deepcopy(quick.parks[0].model_dump(mode="json", exclude_none=True))
        park["grid"] = {"connection_limit_kw": 8000, "co2_factor_source": source}
        config = parse_config({**quick.model_dump(mode="json", exclude_none=True), "parks": [park]})
        inputs = build_park(config, config.parks[0], 0, ref, spawn_park_generators(1, 1)[0])
        assert inputs.grid_co2_tco2_per_mwh == ref.number(
            f"emission_factors.grid_{source}_tco2_per_mwh"
        )
    # Growth paths of every sector and both grid factor paths.
    for path in ("national", "northwest"):
        park = copy.deepcopy(quick.parks[0].model_dump(mode="json", exclude_none=True))
        park["grid"] = {"connection_limit_kw": 8000, "co2_factor_path": path}
        data = {**quick.model_dump(mode="json", exclude_none=True), "parks": [park]}
        data["growth"] = {"enabled": True}
        config = parse_config(data)
        inputs = build_park(config, config.parks[0], 0, ref, spawn_park_generators(1, 1)[0])
        year = int(inputs.times[0].year)
        assert inputs.grid_co2_by_year_tco2_per_mwh[year] == inputs.grid_co2_tco2_per_mwh
    # The plan's targets, which the studies check.
    default_targets()
    every_key = ref.keys()
    entries = {k for k in every_key if not k.startswith(TABLE_PREFIXES)}
    assert sorted(entries - reads) == []


def test_every_benchmark_row_is_a_sector_benchmark() -> None:
    ref = load_reference()
    for sector in ref.benchmark_sectors:
        row = ref.benchmark(sector)
        archetype = ref.sector(sector)
        factor = archetype.energy_benchmark_kgce_per_t / row.benchmark  # type: ignore[operator]
        assert factor in (1.0, 20.0), sector
        assert archetype.energy_baseline_kgce_per_t == pytest.approx(row.baseline * factor)


def test_an_override_of_a_key_nothing_reads_is_an_error() -> None:
    data = {
        "name": "x",
        "time": {"start": "2025-06-01T00:00:00", "horizon_h": 24},
        "reference_overrides": {"markets.daily_price_band": 0.1},
        "parks": [
            {
                "name": "p",
                "grid": {"connection_limit_kw": 1000},
                "firms": [{"name": "f", "sector": "food"}],
            }
        ],
    }
    from market.config import ConfigError

    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    (issue,) = caught.value.issues
    assert issue.path == "reference_overrides.markets.daily_price_band"
