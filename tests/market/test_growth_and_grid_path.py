"""Growth paths, the grid factor path, base-year figures and the rights market's start year."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from market.api import parse_config, simulate
from market.config import ConfigError
from market.grid_factor_path import grid_factor_tco2_per_mwh
from market.growth_paths import (
    GrowthRates,
    compound_index,
    rate_in_year,
    reference_growth_paths,
    year_indices,
)
from market.markets.session import market_steps
from market.reference import load_reference

pytestmark = pytest.mark.filterwarnings("ignore:.*dayofyear.*")

STARTS = (2020, 2025, 2030)
#: Output +10 %/yr to 2025, +20 %/yr to 2030, flat after.
RATES = (0.10, 0.20, 0.0)


def test_growth_compounds_per_period_with_a_known_answer() -> None:
    # 2020 -> 2027: five years at +10 %, two at +20 %.
    # 1.1^5 x 1.2^2 = 1.61051 x 1.44 = 2.3191344
    assert compound_index(RATES, STARTS, 2020, 2027) == pytest.approx(2.3191344, rel=1e-12)
    # After the last period the last rate (flat) applies; before the first, the first rate.
    assert compound_index(RATES, STARTS, 2020, 2040) == pytest.approx(1.1**5 * 1.2**5)
    assert compound_index(RATES, STARTS, 2020, 2018) == pytest.approx(1.0 / 1.1**2)
    assert compound_index(RATES, STARTS, 2023, 2023) == 1.0
    assert [rate_in_year(RATES, STARTS, y) for y in (2019, 2024, 2025, 2029, 2030, 2050)] == [
        0.10,
        0.10,
        0.20,
        0.20,
        0.0,
        0.0,
    ]


def test_value_added_per_tonne_is_value_added_over_output() -> None:
    rates = GrowthRates((0.10, 0.10, 0.10), (0.21, 0.21, 0.21), (-0.05, -0.05, -0.05))
    got = year_indices(rates, STARTS, 2020, 2022)
    assert got.output == pytest.approx(1.21)
    assert got.value_added_per_t == pytest.approx(1.21**2 / 1.21)
    assert got.energy_per_t == pytest.approx(0.95**2)


def test_every_sector_has_a_path_per_period() -> None:
    ref = load_reference()
    paths = reference_growth_paths(ref)
    assert paths.period_start_years == (2020, 2025, 2030)
    assert set(paths.sectors) == set(ref.sector_names)
    for rates in paths.sectors.values():
        for path in (
            rates.output_change_per_yr,
            rates.value_added_change_per_yr,
            rates.energy_per_t_change_per_yr,
        ):
            assert len(path) == 3 and all(-0.5 <= r <= 0.5 for r in path)


def test_grid_factor_path_from_the_published_figures() -> None:
    ref = load_reference()
    nw_2022 = ref.number("emission_factors.grid_northwest_2022_tco2_per_mwh")
    nw_2023 = ref.number("emission_factors.grid_northwest_2023_tco2_per_mwh")
    before = ref.number("emission_factors.grid_change_2020_2022_per_yr")
    after = ref.number("emission_factors.grid_northwest_change_after_2023_per_yr")
    assert grid_factor_tco2_per_mwh(ref, "northwest", 2022) == nw_2022
    assert grid_factor_tco2_per_mwh(ref, "northwest", 2023) == nw_2023
    assert grid_factor_tco2_per_mwh(ref, "northwest", 2020) == pytest.approx(
        nw_2022 / (1.0 + before) ** 2
    )
    assert grid_factor_tco2_per_mwh(ref, "northwest", 2035) == pytest.approx(
        nw_2023 * (1.0 + after) ** 12
    )
    # The projection ends in 2035.
    assert grid_factor_tco2_per_mwh(ref, "northwest", 2040) == grid_factor_tco2_per_mwh(
        ref, "northwest", 2035
    )
    assert grid_factor_tco2_per_mwh(ref, "national", 2023) == ref.number(
        "emission_factors.grid_national_2023_tco2_per_mwh"
    )


def scenario(**changes: Any) -> dict[str, Any]:
    """2021-2023 on one representative day a month: a cement firm (continuous, coal-fired
    kiln, process CO2) without noise, PV or storage, on the Northwest grid factor path."""
    data: dict[str, Any] = {
        "name": "growth",
        "time": {
            "start": "2021-01-01T00:00:00",
            "horizon_h": 24.0 * (365 * 3),
            "representative_days_per_month": 1,
        },
        "accounting": {"base_year": 2021},
        "growth": {"enabled": True},
        "parks": [
            {
                "name": "p",
                "grid": {"connection_limit_kw": 50000, "co2_factor_path": "northwest"},
                "operator": {"strategy": "none"},
                "firms": [
                    {
                        "name": "kiln",
                        "sector": "cement",
                        "output_t_per_yr": 100000,
                        "demand_noise_frac": 0.0,
                        "growth": {
                            "output_change_per_yr": [0.10, 0.10, 0.10],
                            "value_added_change_per_yr": [0.15, 0.15, 0.15],
                            "energy_per_t_change_per_yr": [-0.02, -0.02, -0.02],
                        },
                    }
                ],
            }
        ],
    }
    data.update(changes)
    return data


def test_output_value_added_and_energy_follow_the_path_year_by_year() -> None:
    summary = simulate(parse_config(scenario())).summary
    years = summary["years"]
    first = years["2021"]
    for k, year in enumerate(("2021", "2022", "2023")):
        row = years[year]["by_sector"]["cement"]
        assert row["output_t"] == pytest.approx(first["by_sector"]["cement"]["output_t"] * 1.1**k)
        assert row["value_added_10k_cny"] == pytest.approx(
            first["value_added_10k_cny"] * 1.15**k, rel=1e-6
        )
        assert years[year]["energy_use_tce"] == pytest.approx(
            first["energy_use_tce"] * (1.1 * 0.98) ** k, rel=1e-6
        )
    # Growth off: every year repeats the first.
    flat = simulate(parse_config(scenario(growth={"enabled": False}))).summary["years"]
    assert flat["2023"]["energy_use_tce"] == pytest.approx(flat["2021"]["energy_use_tce"])
    assert flat["2021"]["energy_use_tce"] == pytest.approx(first["energy_use_tce"])


def test_each_year_uses_its_grid_factor_and_the_base_year_lists_firms() -> None:
    config = parse_config(scenario())
    results = simulate(config)
    ref = load_reference()
    series = results.timeseries
    year = series["time"].dt.year.to_numpy()
    factor = np.array([grid_factor_tco2_per_mwh(ref, "northwest", int(y)) for y in year])
    assert np.allclose(series["grid_co2_kg"], series["import_kw"] * 1.0 * factor, rtol=1e-12)
    assert len(set(factor.tolist())) == 3
    summary = results.summary
    assert summary["base_year"] == 2021
    base = summary["years"]["2021"]
    listed = base["firms"]["p"]
    assert set(listed) == {"kiln"}
    for field in ("energy_use_tce", "value_added_10k_cny", "co2_tco2"):
        assert sum(f[field] for f in listed.values()) == pytest.approx(base[field], abs=1e-5)
    assert "firms" not in summary["years"]["2022"]
    # The firm's run total of scope 2 is the sum of its years at their factors.
    detail = summary["parks"]["p"]["firms_detail"]["kiln"]
    park = summary["parks"]["p"]
    assert detail["co2_tco2"]["scope2_location"] == pytest.approx(
        park["co2_tco2"]["scope2_location"], rel=1e-6
    )
    weights = series["weight"].to_numpy()
    expected = float((weights * series["grid_co2_kg"]).sum()) / 1000.0
    assert park["co2_tco2"]["scope2_location"] == pytest.approx(expected, rel=1e-6)


def test_a_path_and_a_fixed_factor_exclude_each_other() -> None:
    data = scenario()
    data["parks"][0]["grid"]["co2_factor_tco2_per_mwh"] = 0.6
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    assert caught.value.issues[0].path == "parks[0].grid.co2_factor_path"


def test_rights_market_starts_in_its_start_year() -> None:
    years = np.array([2021] * 3 + [2022] * 2 + [2023] * 4)
    assert market_steps(years, None) == (2021, 0, 3)
    assert market_steps(years, 2022) == (2022, 3, 5)
    assert market_steps(years, 2023) == (2023, 5, 9)
    assert market_steps(years, 2024) is None
    data = scenario(markets={"energy_rights": {"enabled": True, "start_year": 2022}})
    summary = simulate(parse_config(data)).summary
    market_years = summary["markets"]["energy_rights"]["years"]
    assert sorted(market_years) == ["2022", "2023"]
    # Before the market nothing is abated: counted use equals use.
    assert summary["years"]["2021"]["counted_energy_use_tce"] == pytest.approx(
        summary["years"]["2021"]["energy_use_tce"]
    )
    outside = copy.deepcopy(data)
    outside["markets"]["energy_rights"]["start_year"] = 2030
    with pytest.raises(ConfigError) as caught:
        parse_config(outside)
    assert caught.value.issues[0].path == "markets.energy_rights.start_year"
    assert "2021 to 2023" in caught.value.issues[0].allowed


def test_a_firms_path_overrides_its_sectors_which_overrides_the_default() -> None:
    from market.growth_paths import firm_growth_rates

    ref = load_reference()
    data = scenario()
    data["growth"] = {
        "enabled": True,
        "sectors": {"cement": {"value_added_change_per_yr": [0.01, 0.02, 0.03]}},
    }
    firms = list(data["parks"][0]["firms"])
    firms[0] = {**firms[0], "growth": {"output_change_per_yr": [0.2, 0.2, 0.2]}}
    firms.append({"name": "other_kiln", "sector": "cement"})
    data["parks"][0]["firms"] = firms
    config = parse_config(data)
    rates, starts = firm_growth_rates(list(config.parks[0].firms), config.growth, ref)
    default = reference_growth_paths(ref).sectors["cement"]
    own, other = rates
    assert own.output_change_per_yr == (0.2, 0.2, 0.2)  # the firm's own
    assert own.value_added_change_per_yr == (0.01, 0.02, 0.03)  # the study's sector path
    assert own.energy_per_t_change_per_yr == default.energy_per_t_change_per_yr  # the default
    assert other.output_change_per_yr == default.output_change_per_yr
    assert other.value_added_change_per_yr == (0.01, 0.02, 0.03)
    assert starts == (2020, 2025, 2030)


def test_a_path_needs_one_rate_per_period() -> None:
    data = scenario()
    data["growth"] = {"enabled": True, "sectors": {"cement": {"output_change_per_yr": [0.1]}}}
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    assert caught.value.issues[0].path == "growth.sectors.cement.output_change_per_yr"
