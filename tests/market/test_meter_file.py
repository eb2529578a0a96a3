"""Metered firm loads from CSV: known readings reach the engine, resampled, DST-safe, gap-filled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from market.config import parse_config
from market.engine.simulation import Simulation
from market.inputs.errors import DataFileError
from market.inputs.meter_file import (
    epoch_seconds,
    meter_series_from_table,
    read_meter_file,
    step_mean_kw,
)

pytestmark = pytest.mark.filterwarnings("ignore:.*dayofyear.*")


def write_meter(folder: Path, times: list[str], values: list[str], name: str = "m.csv") -> Path:
    """A meter file with one column ``a_kw``."""
    lines = ["time,a_kw", *(f"{t},{v}" for t, v in zip(times, values, strict=True))]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def clock(start: str, periods: int, freq: str = "h") -> list[str]:
    return list(pd.date_range(start, periods=periods, freq=freq).strftime("%Y-%m-%d %H:%M"))


def scenario(
    meter: dict[str, Any], start: str = "2025-03-03T00:00:00", horizon_h: float = 48.0, **time: Any
) -> dict[str, Any]:
    """One park, one firm with no heat, whose process electricity is the meter."""
    return {
        "name": "metered",
        "time": {"start": start, "horizon_h": horizon_h, **time},
        "parks": [
            {
                "name": "p",
                "grid": {"connection_limit_kw": 100000},
                "firms": [
                    {
                        "name": "f",
                        "sector": "equipment",
                        "heat_kwh_th_per_t": 0.0,
                        "load_file": {"file": "m.csv", "column": "a_kw", **meter},
                    }
                ],
            }
        ],
    }


def engine_load_kw(data: dict[str, Any], folder: Path) -> np.ndarray:
    config = parse_config(data, base_dir=folder)
    park = Simulation(config).parks[0]
    assert np.array_equal(park.firm_load_kw[:, 0], park.process_kw[:, 0])
    return np.asarray(park.firm_load_kw[:, 0])


def test_hourly_readings_are_the_firm_load_in_the_engine(tmp_path: Path) -> None:
    values = [f"{100 + k}.5" for k in range(24 * 7)]
    write_meter(tmp_path, clock("2025-03-01 00:00", 24 * 7), values)
    load = engine_load_kw(scenario({}), tmp_path)
    # The run starts on 3 March: readings 48..95.
    assert load.tolist() == [100 + k + 0.5 for k in range(48, 96)]


def test_energy_per_interval_is_divided_by_the_interval(tmp_path: Path) -> None:
    write_meter(tmp_path, clock("2025-03-03 00:00", 48, "15min"), ["25"] * 48)
    data = scenario({"unit": "kwh_per_interval"}, horizon_h=12.0)
    assert engine_load_kw(data, tmp_path).tolist() == [100.0] * 12


def test_quarter_hour_readings_give_the_hourly_mean(tmp_path: Path) -> None:
    values = [str(v) for v in np.tile([10.0, 20.0, 30.0, 60.0], 48)]
    write_meter(tmp_path, clock("2025-03-03 00:00", 4 * 48, "15min"), values)
    assert engine_load_kw(scenario({}), tmp_path).tolist() == [30.0] * 48


def test_hourly_readings_are_held_over_quarter_hour_steps(tmp_path: Path) -> None:
    write_meter(tmp_path, clock("2025-03-03 00:00", 48), [str(k) for k in range(48)])
    load = engine_load_kw(scenario({}, horizon_h=4.0, step_h=0.25), tmp_path)
    assert load.tolist() == [0.0] * 4 + [1.0] * 4 + [2.0] * 4 + [3.0] * 4


def test_berlin_spring_forward_day_has_23_readings(tmp_path: Path) -> None:
    times = [f"2025-03-30 {h:02d}:00" for h in range(24) if h != 2]
    series = read_meter_file(
        str(write_meter(tmp_path, times, [str(h) for h in range(23)])),
        "a_kw",
        "kw",
        "Europe/Berlin",
    )
    assert series.gaps == ()
    assert series.span_h == 23.0
    start_utc = pd.Timestamp(series.start_s, unit="s", tz="UTC")
    assert start_utc == pd.Timestamp("2025-03-29 23:00", tz="UTC")


def test_berlin_fall_back_day_reads_the_repeated_hour_in_order(tmp_path: Path) -> None:
    hours = [0, 1, 2, 2, *range(3, 24)]
    times = [f"2025-10-26 {h:02d}:00" for h in hours]
    series = read_meter_file(
        str(write_meter(tmp_path, times, [str(k) for k in range(25)])),
        "a_kw",
        "kw",
        "Europe/Berlin",
    )
    assert series.gaps == ()
    assert series.span_h == 25.0
    assert series.power_kw.tolist() == [float(k) for k in range(25)]
    # First 02:00 is summer time (00:00 UTC), the second winter time (01:00 UTC).
    assert series.start_s + 2 * 3600 == pd.Timestamp("2025-10-26 00:00", tz="UTC").timestamp()


def test_new_york_skipped_clock_time_is_an_error_with_its_line(tmp_path: Path) -> None:
    times = [f"2025-03-09 {h:02d}:00" for h in range(5)]
    path = write_meter(tmp_path, times, ["1"] * 5)
    with pytest.raises(DataFileError) as raised:
        read_meter_file(str(path), "a_kw", "kw", "America/New_York")
    assert (raised.value.line, raised.value.column) == (4, "time")
    assert "skipped by a daylight-saving change" in raised.value.message


def test_shanghai_has_24_readings_every_day(tmp_path: Path) -> None:
    times = clock("2025-03-01 00:00", 24 * 366)
    path = write_meter(tmp_path, times, ["5"] * len(times))
    series = read_meter_file(str(path), "a_kw", "kw", "Asia/Shanghai")
    assert series.span_h == 24 * 366
    assert series.gaps == ()


def test_explicit_offsets_are_taken_as_written(tmp_path: Path) -> None:
    times = ["2025-10-26T01:00+02:00", "2025-10-26T02:00+02:00", "2025-10-26T02:00+01:00"]
    path = write_meter(tmp_path, times, ["1", "2", "3"])
    series = read_meter_file(str(path), "a_kw", "kw", "Asia/Shanghai")
    assert series.power_kw.tolist() == [1.0, 2.0, 3.0]
    assert series.interval_s == 3600


def test_gaps_are_filled_by_the_rule_and_reported(tmp_path: Path) -> None:
    n = 24 * 21
    times = clock("2025-03-01 00:00", n)
    values = [str(float(k % 24)) for k in range(n)]
    values[30] = ""  # 1 h: linear
    values[31] = ""  # with the one before: 2 h, still linear
    drop = set(range(24 * 16 + 5, 24 * 16 + 10))  # 5 h in week 3: the week before
    early = set(range(24 * 2 + 8, 24 * 2 + 12))  # 4 h in week 1: the week after
    keep = [k for k in range(n) if k not in drop]
    for k in early:
        values[k] = ""
    path = write_meter(tmp_path, [times[k] for k in keep], [values[k] for k in keep])
    series = read_meter_file(str(path), "a_kw", "kw", "Asia/Shanghai")
    assert [(g.start, g.hours, g.rule) for g in series.gaps] == [
        ("2025-03-02T06:00+08:00", 2.0, "linear"),
        ("2025-03-03T08:00+08:00", 4.0, "next_week"),
        ("2025-03-17T05:00+08:00", 5.0, "previous_week"),
    ]
    # Linear between 5 (05:00) and 8 (08:00); the week fills repeat the daily pattern.
    assert series.power_kw[30:32].tolist() == [6.0, 7.0]
    assert series.power_kw.tolist()[32:] == [float(k % 24) for k in range(32, n)]


def test_an_unfillable_gap_is_an_error(tmp_path: Path) -> None:
    times = clock("2025-03-01 00:00", 48)
    path = write_meter(tmp_path, times[:10] + times[20:], ["1"] * 38)
    with pytest.raises(DataFileError, match="one week before or after") as raised:
        read_meter_file(str(path), "a_kw", "kw", "Asia/Shanghai")
    assert (raised.value.line, raised.value.column) == (12, "a_kw")


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbftime,a_kw\n2025-01-01 00:00,1\n2025-01-01 01:00,2\n")
    assert read_meter_file(str(path), "a_kw", "kw", "UTC").power_kw.tolist() == [1.0, 2.0]


def test_scale_to_annual_sums_to_the_annual_electricity(tmp_path: Path) -> None:
    times = clock("2025-01-01 00:00", 8760)
    rng = np.random.default_rng(1)
    write_meter(tmp_path, times, [f"{v:.2f}" for v in rng.uniform(50, 150, 8760)])
    meter = {"scale_to_annual": True}
    data = scenario(meter, start="2025-01-01T00:00:00", horizon_h=8760.0)
    data["parks"][0]["firms"][0]["output_t_per_yr"] = 5000.0
    data["parks"][0]["firms"][0]["electricity_kwh_per_t"] = 700.0
    load = engine_load_kw(data, tmp_path)
    assert load.sum() == pytest.approx(5000.0 * 700.0, rel=1e-12)


def test_timestamp_unit_does_not_change_the_result(tmp_path: Path) -> None:
    times = clock("2025-03-03 00:00", 96, "15min")
    table = pd.DataFrame({"time": times, "a_kw": [str(k) for k in range(96)]})
    series = meter_series_from_table(table, "m.csv", "a_kw", "kw", "Europe/Berlin")
    steps = pd.date_range("2025-03-03 02:00", periods=20, freq="h", tz="Europe/Berlin")
    by_unit = [
        step_mean_kw(series, epoch_seconds(steps.as_unit(unit)), 3600) for unit in ("ns", "us", "s")
    ]
    assert all(np.array_equal(by_unit[0], other) for other in by_unit[1:])
    assert by_unit[0][0] == pytest.approx((8 + 9 + 10 + 11) / 4)


def test_the_example_scenario_runs_cut_to_three_days(tmp_path: Path) -> None:
    from market.config import load_config
    from market.runner import finish_run

    shipped = Path(__file__).resolve().parents[2] / "configs" / "examples" / "park_metered.yaml"
    config = load_config(shipped)
    config = config.model_copy(update={"time": config.time.model_copy(update={"horizon_h": 72.0})})
    sim = Simulation(config)
    sim.run()
    results = finish_run(sim, tmp_path).results
    park = results.summary["parks"]["metered_park"]
    assert set(park["meter_gaps"]) == {"electronics_a", "equipment_b", "food_d"}
    assert park["meter_gaps"]["equipment_b"]["count"] == 2
    inputs = sim.parks[0]
    # electronics_a: the file's readings on 2 June 2025 from midnight.
    table = pd.read_csv(shipped.parents[1] / "data" / "meters" / "example_park_2025.csv")
    first = table.index[table["time"] == "2025-06-02 00:00"][0]
    expected = table["electronics_a_kw"].to_numpy()[first : first + 72]
    assert np.array_equal(inputs.process_kw[:, 0], expected)
