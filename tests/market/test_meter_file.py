"""Metered loads from CSV: units, resampling, daylight saving, gaps, scaling and bad files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from market.build import build_park, spawn_park_generators
from market.config import ConfigError, parse_config
from market.inputs.errors import DataFileError
from market.inputs.meter_file import meter_on_steps, read_meter_file
from market.inputs.paths import CONFIGS_DIR
from market.reference import load_reference

pytestmark = pytest.mark.filterwarnings("ignore:.*dayofyear.*")


def write_csv(path: Path, times: pd.DatetimeIndex | list[str], columns: dict[str, Any]) -> Path:
    text = [str(t)[:16] if not isinstance(t, str) else t for t in times]
    frame = pd.DataFrame({"time": text, **{k: list(v) for k, v in columns.items()}})
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def scenario(path: Path, **meter: Any) -> dict[str, Any]:
    return {
        "name": "metered",
        "seed": 1,
        "time": {"start": "2025-03-03T00:00:00", "horizon_h": 48},
        "parks": [
            {
                "name": "p",
                "grid": {"connection_limit_kw": 10000},
                "firms": [
                    {
                        "name": "a",
                        "sector": "electronics",
                        "output_t_per_yr": 400,
                        "load_file": {"file": str(path), "column": "a", **meter},
                    },
                    {"name": "b", "sector": "food"},
                ],
            }
        ],
    }


def built(data: dict[str, Any]) -> Any:
    config = parse_config(data)
    return build_park(
        config, config.parks[0], 0, load_reference(), spawn_park_generators(config.seed, 1)[0]
    )


def test_quarter_hour_kwh_readings_become_hourly_mean_power(tmp_path: Path) -> None:
    times = pd.date_range("2025-03-03", periods=48 * 4, freq="15min")
    kwh = np.arange(times.size, dtype=float)  # energy per quarter hour
    path = write_csv(tmp_path / "m.csv", times, {"a": kwh})
    park = built(scenario(path, unit="kwh"))
    expected = kwh.reshape(48, 4).sum(axis=1)  # kWh per hour = mean kW over the hour
    np.testing.assert_allclose(park.process_kw[:, 0], expected, rtol=1e-12)
    assert park.firm_load_kw[:, 0] == pytest.approx(park.process_kw[:, 0])  # no heat pump
    assert park.input_notes == ()


def test_hourly_readings_are_held_on_quarter_hour_steps(tmp_path: Path) -> None:
    times = pd.date_range("2025-03-03", periods=48, freq="h")
    path = write_csv(tmp_path / "m.csv", times, {"a": np.arange(48.0) * 10})
    data = scenario(path)
    data["time"]["step_h"] = 0.25
    park = built(data)
    np.testing.assert_array_equal(park.process_kw[:, 0], np.repeat(np.arange(48.0) * 10, 4))


@pytest.mark.parametrize("unit", ["ns", "us"])
def test_timestamp_unit_does_not_change_the_steps(tmp_path: Path, unit: str) -> None:
    times = pd.date_range("2025-03-03", periods=96, freq="15min")
    path = write_csv(tmp_path / "m.csv", times, {"a": np.linspace(0, 95, 96)})
    meter = read_meter_file(path, "a", "kw", "Asia/Shanghai")
    steps = pd.date_range("2025-03-03", periods=24, freq="h", tz="Asia/Shanghai").as_unit(unit)
    np.testing.assert_allclose(
        meter_on_steps(meter, steps, 1.0), np.linspace(0, 95, 96).reshape(24, 4).mean(axis=1)
    )


def test_daylight_saving_days_parse_by_the_zone_rules(tmp_path: Path) -> None:
    # New York: 9 March 2025 skips 02:00-02:59; 2 November repeats 01:00-01:59.
    spring = pd.date_range("2025-03-09 00:00", "2025-03-09 05:00", freq="h", tz="America/New_York")
    autumn = pd.date_range("2025-11-02 00:00", "2025-11-02 04:00", freq="h", tz="America/New_York")
    for index in (spring, autumn):
        local = [t.strftime("%Y-%m-%d %H:%M") for t in index]
        path = write_csv(tmp_path / "dst.csv", local, {"a": np.arange(len(index), dtype=float)})
        meter = read_meter_file(path, "a", "kw", "America/New_York")
        assert meter.gaps == ()  # the clock jumps, the readings do not
        np.testing.assert_array_equal(meter.power_kw.index, index.tz_convert("UTC"))
    assert len(spring) == 5 and len(autumn) == 6
    skipped = ["2025-03-09 01:00", "2025-03-09 02:30", "2025-03-09 03:00"]
    path = write_csv(tmp_path / "bad.csv", skipped, {"a": [1.0, 2.0, 3.0]})
    with pytest.raises(DataFileError, match=r"line 3, column time"):
        read_meter_file(path, "a", "kw", "America/New_York")


def test_gaps_are_filled_by_the_rule_and_reported(tmp_path: Path) -> None:
    times = pd.date_range("2025-03-01", periods=10 * 24, freq="h")
    values = np.array([float(t.hour) for t in times])
    values[60 + 7 * 24] = 1000.0  # marks the day a week later
    keep = np.ones(times.size, bool)
    keep[30:32] = False  # 2 h: interpolated
    keep[60 + 7 * 24 - 1 : 60 + 7 * 24 + 2] = False  # 3 h: copied from a week earlier
    cells = [str(v) for v in values]
    cells[100] = ""  # an empty cell is a 1 h gap
    path = write_csv(
        tmp_path / "g.csv",
        [t for t, k in zip(times, keep, strict=True) if k],
        {"a": [c for c, k in zip(cells, keep, strict=True) if k]},
    )
    meter = read_meter_file(path, "a", "kw", "Asia/Shanghai")
    rules = [(g.start, g.hours, g.rule) for g in meter.gaps]
    assert rules == [
        ("2025-03-02 06:00", 2.0, "linear interpolation"),
        ("2025-03-05 04:00", 1.0, "linear interpolation"),
        ("2025-03-10 11:00", 3.0, "same time one week earlier"),
    ]
    filled = meter.power_kw.to_numpy()
    np.testing.assert_allclose(filled[30:32], [6.0, 7.0])  # straight line from 5 to 8
    np.testing.assert_allclose(filled[227:230], values[59:62])


def test_scale_to_annual_matches_the_firm_figure(tmp_path: Path) -> None:
    times = pd.date_range("2025-03-01", periods=7 * 24, freq="h")
    path = write_csv(tmp_path / "m.csv", times, {"a": np.full(times.size, 100.0)})
    park = built(scenario(path, scale_to_annual=True))
    annual = float(park.firms.output_t_per_yr[0] * park.firms.electricity_kwh_per_t[0])
    np.testing.assert_allclose(park.process_kw[:, 0], annual / 8760.0, rtol=1e-12)


@pytest.mark.parametrize(
    ("rows", "columns", "where"),
    [
        (["2025-03-03 00:00"], {"b": [1.0]}, "line 1, column a: no column 'a'"),
        (["2025-03-03 00:00", "2025-03-03 01:00"], {"a": ["1", "x"]}, "line 3, column a"),
        (["2025-03-03 00:00", "2025-03-03 00:00"], {"a": [1, 2]}, "line 3, column time"),
        (["2025-03-03 00:00", "3 March"], {"a": [1, 2]}, "line 3, column time"),
        (["2025-03-03 00:00", "2025-03-03 00:10"], {"a": [1, 2]}, "10 minutes apart"),
        (["2025-03-03 00:00", "2025-03-03 01:00"], {"a": [1, -5]}, "line 3, column a"),
    ],
)
def test_bad_file_is_named_with_line_and_column(
    tmp_path: Path, rows: list[str], columns: dict[str, Any], where: str
) -> None:
    path = write_csv(tmp_path / "bad.csv", rows, columns)
    with pytest.raises(ConfigError) as caught:
        parse_config(scenario(path))
    issue = caught.value.issues[0]
    assert issue.path == "parks[0].firms[0].load_file.file"
    assert str(path) in issue.allowed and where in issue.allowed


def test_a_file_that_does_not_cover_the_run_is_refused(tmp_path: Path) -> None:
    times = pd.date_range("2024-03-03", periods=48, freq="h")  # a year early
    path = write_csv(tmp_path / "old.csv", times, {"a": np.ones(48)})
    with pytest.raises(ConfigError, match="the run needs 2025-03-02T16:00:00"):
        parse_config(scenario(path))


def test_shipped_example_runs_and_reports_its_gaps(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "market.cli",
            "run",
            str(CONFIGS_DIR / "operator_data.yaml"),
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    import json

    park = json.loads((tmp_path / "summary.json").read_text())["parks"]["xian_metered_park"]
    assert park["input_notes"] == [
        "electronics_a: meter gap filled at 2025-05-12 10:00, 0.5 h, linear interpolation",
        "electronics_a: meter gap filled at 2025-05-20 09:00, 3 h, same time one week earlier",
        "food_b: meter gap filled at 2025-05-20 09:00, 3 h, same time one week earlier",
    ]
    meter = read_meter_file(
        CONFIGS_DIR / "data" / "meters" / "xian_park_2025-05.csv", "food_b", "kw", "Asia/Shanghai"
    )
    window = meter.power_kw["2025-05-04 16:00":"2025-06-01 15:45"]  # the run, in UTC
    heat_pump_kwh = park["firms_detail"]["food_b"]["heat_pump_kwh"]
    assert park["firms_detail"]["food_b"]["load_kwh"] == pytest.approx(
        float(window.sum()) * 0.25 + heat_pump_kwh, rel=1e-9
    )
