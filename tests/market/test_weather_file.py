"""Weather files: pvlib reads them, the run's steps take their records, bad files are named."""

from __future__ import annotations

import copy
import gzip
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pvlib
import pytest

from market.build import build_park, spawn_park_generators
from market.config import ConfigError, parse_config
from market.inputs.errors import DataFileError
from market.inputs.paths import CONFIGS_DIR
from market.inputs.weather_file import read_weather_file, weather_on_steps
from market.reference import load_reference

pytestmark = pytest.mark.filterwarnings("ignore:.*dayofyear.*")

XIAN_EPW = CONFIGS_DIR / "data" / "weather" / "xian_typical.epw.gz"
PVLIB_DATA = Path(pvlib.__file__).parent / "data"
REPO = CONFIGS_DIR.parent


def park_scenario(weather: dict[str, Any] | None, horizon_h: int = 24 * 365) -> dict[str, Any]:
    park: dict[str, Any] = {
        "name": "xian",
        "location": {"latitude_deg": 34.26, "longitude_deg": 108.94, "altitude_m": 400},
        "grid": {"connection_limit_kw": 10000},
        "shared_assets": {"pv_kwp": 1.0, "wind_kw": 100.0},
        "firms": [
            {
                "name": "food",
                "sector": "food",
                "assets": {"heat_pump": {"capacity_kw_th": 500}},
            }
        ],
    }
    if weather is not None:
        park["weather"] = weather
    return {
        "name": "weather_file",
        "seed": 3,
        "time": {"start": "2023-01-01T00:00:00", "horizon_h": horizon_h},
        "parks": [park],
    }


def build(data: dict[str, Any]) -> Any:
    config = parse_config(data)
    ref = load_reference()
    generators = spawn_park_generators(config.seed, 1)
    return build_park(config, config.parks[0], 0, ref, generators[0])


def test_epw_records_reach_pv_heat_pumps_and_wind_by_the_clock() -> None:
    park = build(park_scenario({"file": str(XIAN_EPW)}, horizon_h=24 * 7))
    weather = read_weather_file(XIAN_EPW)
    # The step starting at 2023-01-01 12:00 (UTC+8) takes the EPW record of hour 13 of 1 January.
    noon = 12
    record = weather.records.loc[1 * 10_000 + 1 * 100 + noon]
    assert park.ambient_temperature_c[noon] == record["temp_air"]
    assert park.weather.ghi_w_m2[noon] == record["ghi"]
    # Heat pumps see the file's temperature; the PV array its irradiance.
    assert np.array_equal(park.ambient_temperature_c, park.weather.temp_air_c)
    assert park.shared_pv_kw[noon] > 0.0 and park.shared_pv_kw[0] == 0.0
    # Wind: the file's speed moved from 10 m to the 80 m hub by the 1/7 power law.
    hub = park.weather.wind_speed_m_s * (80.0 / 10.0) ** (1.0 / 7.0)
    from agents.devices.wind import wind_power_kw

    np.testing.assert_allclose(park.shared_wind_kw, wind_power_kw(hub, 100.0), rtol=1e-12)


@pytest.mark.parametrize("unit", ["ns", "us"])
def test_year_of_file_pv_is_centred_on_solar_noon_for_any_timestamp_unit(unit: str) -> None:
    """A whole year of a south-facing 1 kWp array near Xi'an, through the scenario path."""
    park = build(park_scenario({"file": str(XIAN_EPW)}))
    times = park.times.as_unit(unit)
    weather = weather_on_steps(read_weather_file(XIAN_EPW), times)
    assert np.array_equal(weather.ghi_w_m2, park.weather.ghi_w_m2)
    energy = park.shared_pv_kw.reshape(365, 24)
    days = pd.date_range("2023-01-01", periods=365, freq="D", tz="Asia/Shanghai")
    transit = pvlib.solarposition.sun_rise_set_transit_spa(days, 34.26, 108.94)["transit"]
    noon_h = (transit - days).dt.total_seconds().to_numpy() / 3600.0
    centre_h = (energy * (np.arange(24) + 0.5)).sum(axis=1) / energy.sum(axis=1)
    sunny = energy.sum(axis=1) > 0.5 * np.median(energy.sum(axis=1))
    assert abs(float(np.mean(centre_h - noon_h))) < 0.2
    assert float(np.median(np.abs(centre_h - noon_h)[sunny])) < 0.2
    yield_kwh_per_kwp = float(park.shared_pv_kw.sum())
    assert 1000.0 < yield_kwh_per_kwp < 1400.0  # Xi'an distributed PV, about 1,100-1,300


def test_tmy3_and_tmy2_shipped_by_pvlib_are_read_with_their_station_metadata() -> None:
    tmy3 = read_weather_file(PVLIB_DATA / "723170TYA.CSV")
    assert tmy3.utc_offset_h == -5.0 and tmy3.latitude_deg == pytest.approx(36.1, abs=0.1)
    tmy2 = read_weather_file(PVLIB_DATA / "12839.tm2")
    assert tmy2.utc_offset_h == -5.0 and tmy2.latitude_deg == pytest.approx(25.8, abs=0.1)
    for year in (tmy3, tmy2):
        assert len(year.records) == 8760
        hourly = year.records.groupby(year.records.index % 100)["ghi"].mean()
        # Both stations have solar noon at about 12:20 local standard time: the hour starting
        # at 12:00 is the brightest once TMY3's hour-ending labels are moved to the start.
        assert int(hourly.idxmax()) == 12
        assert 5.0 < year.records["temp_air"].mean() < 30.0
        assert 1.0 < year.records["wind_speed"].mean() < 8.0


def test_february_29_takes_february_28() -> None:
    weather = read_weather_file(XIAN_EPW)
    times = pd.date_range("2024-02-28", periods=72, freq="h", tz="Asia/Shanghai")
    on_steps = weather_on_steps(weather, times)
    np.testing.assert_array_equal(on_steps.ghi_w_m2[24:48], on_steps.ghi_w_m2[:24])


def write_epw(path: Path, edit: Any) -> Path:
    lines = gzip.decompress(XIAN_EPW.read_bytes()).decode().splitlines()
    edit(lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def set_field(line_number: int, field: int, value: str) -> Any:
    def edit(lines: list[str]) -> None:
        cells = lines[line_number - 1].split(",")
        cells[field] = value
        lines[line_number - 1] = ",".join(cells)

    return edit


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (set_field(20, 13, "bright"), "line 20, column ghi"),
        (set_field(30, 6, "-99"), "line 30, column temp_air"),
        (lambda lines: lines.__delitem__(slice(5000, None)), "4992 hourly records"),
        (lambda lines: lines.__setitem__(0, "LOCATION,broken"), "not a valid epw file"),
    ],
)
def test_bad_file_is_a_config_error_naming_file_line_and_column(
    tmp_path: Path, edit: Any, where: str
) -> None:
    path = write_epw(tmp_path / "bad.epw", edit)
    with pytest.raises(DataFileError, match=where):
        read_weather_file(path)
    with pytest.raises(ConfigError) as caught:
        parse_config(park_scenario({"file": str(path)}, horizon_h=24))
    (issue,) = caught.value.issues
    assert issue.path == "parks[0].weather.file"
    assert str(path) in issue.allowed and where in issue.allowed


def test_validate_and_run_report_a_bad_file_without_a_traceback(tmp_path: Path) -> None:
    write_epw(tmp_path / "bad.epw", set_field(20, 13, "bright"))
    scenario = (REPO / "configs" / "operator_data.yaml").read_text(encoding="utf-8")
    scenario = scenario.replace("data/weather/xian_typical.epw.gz", "bad.epw")
    (tmp_path / "s.yaml").write_text(scenario, encoding="utf-8")
    for command in ("validate", "run"):
        done = subprocess.run(
            [sys.executable, "-m", "market.cli", command, str(tmp_path / "s.yaml")],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert "parks[0].weather.file" in done.stderr and "line 20, column ghi" in done.stderr


def test_paths_over_the_api_are_confined_to_the_shipped_data() -> None:
    for path in ("/etc/passwd", "../pyproject.toml", "data/../../README.md"):
        with pytest.raises(ConfigError) as caught:
            parse_config(park_scenario({"file": path}, horizon_h=24), confine_data_files=True)
        assert caught.value.issues[0].path == "parks[0].weather.file"
    shipped = parse_config(
        park_scenario({"file": "data/weather/xian_typical.epw.gz"}, horizon_h=24),
        confine_data_files=True,
    )
    assert shipped.parks[0].weather is not None
    assert Path(shipped.parks[0].weather.file) == XIAN_EPW.resolve()


def test_relative_paths_follow_the_scenario_file(tmp_path: Path) -> None:
    data = copy.deepcopy(park_scenario({"file": "weather.epw.gz"}, horizon_h=24))
    (tmp_path / "weather.epw.gz").write_bytes(XIAN_EPW.read_bytes())
    config = parse_config(data, base_dir=tmp_path)
    assert config.parks[0].weather.file == str((tmp_path / "weather.epw.gz").resolve())
    with pytest.raises(ConfigError, match="existing data file"):
        parse_config(data)  # resolved against configs/: no such file there
