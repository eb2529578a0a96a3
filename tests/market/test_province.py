"""The shipped province scenario: generated parks and firms, cut to two days, both markets."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bench.bench_markets import markets_config
from market.config import ConfigError, parse_config
from market.config.loader import read_yaml
from market.engine.bus import RecordingSink
from market.engine.simulation import Simulation
from market.results import RunResults

PROVINCE = Path(__file__).resolve().parents[2] / "configs" / "examples" / "shaanxi_province.yaml"
DIGITS = 6


def province(scale: float, hours: float) -> dict[str, Any]:
    data: dict[str, Any] = read_yaml(PROVINCE)
    data["park_generator"]["scale"] = scale
    data["time"]["horizon_h"] = hours
    return data


def test_full_province_has_8000_firms_in_100_parks_of_three_regions() -> None:
    config = parse_config(province(1.0, 24.0))
    assert len(config.parks) == 100
    assert sum(firm.count for park in config.parks for firm in park.firms) == 8000
    regions = {park.name.rsplit("_", 1)[0] for park in config.parks}
    assert regions == {"guanzhong", "shaanbei", "shaannan"}
    assert config.park_generator is None  # expanded into parks when read
    # The same section always gives the same parks and firms.
    assert parse_config(province(1.0, 24.0)) == config


def test_smaller_forms_come_from_the_same_generator() -> None:
    thousand = parse_config(province(0.125, 24.0))
    classroom = parse_config(province(0.003, 24.0))
    # Counts are rounded sector by sector and region by region.
    assert sum(f.count for p in thousand.parks for f in p.firms) == 1004
    assert len(thousand.parks) == 14
    assert sum(f.count for p in classroom.parks for f in p.firms) == 22
    assert len(classroom.parks) == 3


def test_a_generator_error_names_the_field_path() -> None:
    data = province(1.0, 24.0)
    data["park_generator"]["regions"][1]["latitude_max_deg"] = 30.0
    where = r"park_generator\.regions\[1\]\.latitude_max_deg: got 30"
    with pytest.raises(ConfigError, match=where):
        parse_config(data)
    data = province(1.0, 24.0)
    data["park_generator"]["scale"] = 1.5
    with pytest.raises(ConfigError, match=r"park_generator\.scale"):
        parse_config(data)


def _r(value: float) -> float:
    return round(value, DIGITS)


def test_province_two_days_parks_add_up_and_both_markets_trade() -> None:
    config = parse_config(province(0.125, 48.0))
    sim = Simulation(config)
    sim.run()
    results = sim.results()
    summary = results.summary
    parks = summary["parks"]
    assert len(parks) == 14
    totals = summary["totals"]
    # The province figures are the sums of the parks' figures.
    assert totals["energy_use_tce"] == _r(sum(p["energy_use_tce"] for p in parks.values()))
    assert totals["cost_cny"] == _r(sum(p["cost_cny"]["total"] for p in parks.values()))
    assert totals["value_added_10k_cny"] == _r(
        sum(p["value_added_10k_cny"] for p in parks.values())
    )
    assert len(results.firms) == 1004
    assert set(results.firms["park"]) == set(parks)
    assert results.timeseries.groupby("park", observed=True).size().eq(48).all()
    markets = summary["markets"]
    assert markets["green_power"]["volume_mwh"] > 0.0
    assert markets["green_power"]["certificates"]["retired"] > 0
    assert markets["energy_rights"]["auctions"] >= 1
    assert any(v > 0.0 for v in results.tables["rights_auctions"]["volume_tce"])


def _run(data: dict[str, Any], batch_parks: bool) -> tuple[RunResults, list[Any]]:
    sink = RecordingSink()
    sim = Simulation(parse_config(copy.deepcopy(data)), batch_parks=batch_parks)
    sim.bus.subscribe(sink)
    sim.run()
    return sim.results(), [(e.kind, e.time_h, dict(e.payload)) for e in sink.events]


def test_parks_stepped_together_give_the_results_of_parks_stepped_alone() -> None:
    data = markets_config(36, 4, 72)
    parks = data["parks"]
    parks[1]["operator"]["strategy"] = "none"
    parks[2]["operator"]["strategy"] = "tou_arbitrage"
    parks[3]["grid"]["connection_limit_kw"] = 2000.0  # unserved load and cut-backs
    parks[3]["firms"] = parks[3]["firms"][:5]  # another fleet size
    together, events_together = _run(data, batch_parks=True)
    alone, events_alone = _run(data, batch_parks=False)
    assert together.summary == alone.summary
    pd.testing.assert_frame_equal(together.timeseries, alone.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(together.firms, alone.firms, check_exact=True)
    for name, table in together.tables.items():
        pd.testing.assert_frame_equal(table, alone.tables[name], check_exact=True)
    # Same events in the same order (NaN prices compare equal as text).
    assert json.dumps(events_together, default=str) == json.dumps(events_alone, default=str)
