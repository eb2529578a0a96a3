"""Seasonal tariff files: hourly import prices as written, critical peak, errors with lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from market.cli import main
from market.config import ConfigError, parse_config
from market.engine.simulation import Simulation
from market.inputs.errors import DataFileError
from market.inputs.tariff_file import TariffTable, parse_months, read_tariff_file
from market.reference import default_reference

pytestmark = pytest.mark.filterwarnings("ignore:.*dayofyear.*")

HEADER = "months,start,end,band,price_cny_per_kwh"
ROWS = [
    "1-12,23:00,07:00,valley,0.3",
    "1-12,07:00,08:00,flat,0.6",
    "1-12,08:00,12:00,peak,0.9",
    "1-6;9-12,12:00,23:00,flat,0.6",
    "7-8,12:00,23:00,summer_flat,0.7",
    "7-8,19:00,21:00,critical_peak,",
    "12,18:00,19:00,critical_peak,2.5",
]
SHIPPED = Path(__file__).resolve().parents[2] / "configs"


def write_tariff(folder: Path, rows: list[str]) -> Path:
    path = folder / "t.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def scenario(start: str, horizon_h: float = 24.0, **extra: Any) -> dict[str, Any]:
    return {
        "name": "tariff_file",
        "time": {"start": start, "horizon_h": horizon_h},
        "parks": [
            {
                "name": "p",
                "grid": {"connection_limit_kw": 100000},
                "tariff": {"file": "t.csv", "demand_charge_cny_per_kw_month": 20.0},
                "firms": [{"name": "f", "sector": "equipment"}],
            }
        ],
        **extra,
    }


def import_prices(folder: Path, data: dict[str, Any]) -> np.ndarray:
    park = Simulation(parse_config(data, base_dir=folder)).parks[0]
    assert park.tariff.demand_charge_cny_per_kw_month == 20.0
    return np.asarray(park.import_price_cny_per_kwh)


def test_months_forms() -> None:
    assert parse_months("7") == (7,)
    assert parse_months("6-8") == (6, 7, 8)
    assert parse_months("12-2") == (12, 1, 2)
    assert parse_months("1;3;12") == (1, 3, 12)
    with pytest.raises(ValueError, match="months"):
        parse_months("13")


def test_import_prices_per_hour_are_as_written(tmp_path: Path) -> None:
    write_tariff(tmp_path, ROWS)
    prices = import_prices(tmp_path, scenario("2025-03-10T00:00:00"))
    expected = [0.3] * 7 + [0.6] + [0.9] * 4 + [0.6] * 11 + [0.3]
    assert prices.tolist() == expected


def test_critical_peak_without_a_price_is_the_reference_uplift_on_the_top_price(
    tmp_path: Path,
) -> None:
    write_tariff(tmp_path, ROWS)
    uplift = default_reference().number("tariff_shaanxi.critical_peak_uplift_min")
    assert uplift == 0.2
    prices = import_prices(tmp_path, scenario("2025-07-14T00:00:00"))
    critical = 0.9 * (1.0 + uplift)
    expected = [0.3] * 7 + [0.6] + [0.9] * 4 + [0.7] * 7 + [critical] * 2 + [0.7] * 2 + [0.3]
    assert prices.tolist() == pytest.approx(expected, abs=0, rel=1e-15)


def test_the_uplift_follows_a_reference_override(tmp_path: Path) -> None:
    write_tariff(tmp_path, ROWS)
    data = scenario(
        "2025-08-04T00:00:00",
        reference_overrides={"tariff_shaanxi.critical_peak_uplift_min": 0.5},
    )
    prices = import_prices(tmp_path, data)
    assert prices[19:21].tolist() == pytest.approx([1.35, 1.35], rel=1e-15)


def test_a_critical_peak_price_given_in_the_file_is_used(tmp_path: Path) -> None:
    write_tariff(tmp_path, ROWS)
    prices = import_prices(tmp_path, scenario("2025-12-01T00:00:00"))
    assert prices[17:20].tolist() == [0.6, 2.5, 0.6]


def test_quarter_hour_steps_follow_the_half_hour_bands(tmp_path: Path) -> None:
    write_tariff(
        tmp_path, [*ROWS[:2], "1-12,08:00,11:30,peak,0.9", "1-12,11:30,12:00,half,0.8", *ROWS[3:]]
    )
    data = scenario("2025-03-10T11:00:00", horizon_h=1.0)
    data["time"]["step_h"] = 0.25
    assert import_prices(tmp_path, data).tolist() == [0.9, 0.9, 0.8, 0.8]


def test_the_shipped_tariff_file_reads() -> None:
    table = read_tariff_file(
        str(SHIPPED / "data" / "tariffs" / "shaanxi_2025.csv"), 0.2, "Asia/Shanghai"
    )
    assert isinstance(table, TariffTable)
    july = {p.name: p.price_cny_per_kwh for p in table.monthly_periods[6]}
    assert july["critical_peak"] == pytest.approx(0.975 * 1.2)
    assert "critical_peak" not in {p.name for p in table.monthly_periods[3]}


@pytest.mark.parametrize(
    ("rows", "where", "message"),
    [
        ([*ROWS[:2], "1-12,08:00,13:00,peak,0.9", *ROWS[3:]], "line 5, column start", "overlaps"),
        (ROWS[1:], "column months", "month 1 has no band at 00:00"),
        ([*ROWS[:2], "1-12,08:00,12:00,peak,cheap", *ROWS[3:]], "line 4, column price", "a price"),
        ([*ROWS[:2], "1-12,08:00,12:00,peak,", *ROWS[3:]], "line 4, column price", "a price"),
        ([*ROWS[:2], "0-3,08:00,12:00,peak,0.9", *ROWS[3:]], "line 4, column months", "months"),
        ([*ROWS[:2], "1-12,8h,12:00,peak,0.9", *ROWS[3:]], "line 4, column start", "HH:MM"),
        ([*ROWS[:2], "1-12,08:00,12:00,peak,0.9", *ROWS[3:]][:-1], None, None),
    ],
    ids=["overlap", "uncovered", "non-numeric", "empty-price", "bad-month", "bad-clock", "good"],
)
def test_bad_tariff_file_exits_2_naming_file_line_and_column(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rows: list[str],
    where: str | None,
    message: str | None,
) -> None:
    write_tariff(tmp_path, rows)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario("2025-03-10T00:00:00", horizon_h=2.0)))
    code = main(["validate", str(path)])
    out = capsys.readouterr()
    text = out.out + out.err
    if where is None:
        assert code == 0, text
        return
    assert code == 2
    assert "parks[0].tariff.file" in text
    assert f"{tmp_path / 't.csv'}, {where}" in text
    assert message in text
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2


def test_missing_columns_are_named(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("months,start,end,price\n1-12,00:00,24:00,0.5\n")
    with pytest.raises(DataFileError) as raised:
        read_tariff_file(str(tmp_path / "t.csv"), 0.2, "Asia/Shanghai")
    assert (raised.value.line, raised.value.column) == (1, "band")


def test_a_file_tariff_leaves_out_the_bands(tmp_path: Path) -> None:
    write_tariff(tmp_path, ROWS)
    data = scenario("2025-03-10T00:00:00")
    data["parks"][0]["tariff"]["peak_ratio"] = 2.0
    with pytest.raises(ConfigError) as raised:
        parse_config(data, base_dir=tmp_path)
    assert [issue.path for issue in raised.value.issues] == ["parks[0].tariff.peak_ratio"]


@pytest.mark.parametrize("file", ["/etc/passwd", "../tariffs.csv"])
def test_web_requests_name_only_shipped_tariff_files(file: str) -> None:
    data = scenario("2025-03-10T00:00:00")
    data["parks"][0]["tariff"]["file"] = file
    with pytest.raises(ConfigError) as raised:
        parse_config(data, confine_data_files=True)
    assert [issue.path for issue in raised.value.issues] == ["parks[0].tariff.file"]
    data["parks"][0]["tariff"]["file"] = "data/tariffs/shaanxi_2025.csv"
    assert parse_config(data, confine_data_files=True).parks[0].tariff.file is not None


def write_prices(folder: Path, rows: list[str]) -> None:
    (folder / "t.csv").write_text("\n".join(["time,price_cny_per_kwh", *rows]) + "\n")


def test_a_price_series_gives_the_hourly_import_prices(tmp_path: Path) -> None:
    write_prices(tmp_path, [f"2025-03-10 {h:02d}:00,{0.3 + 0.01 * h:.2f}" for h in range(24)])
    prices = import_prices(tmp_path, scenario("2025-03-10T00:00:00"))
    assert prices.tolist() == [round(0.3 + 0.01 * h, 2) for h in range(24)]


def test_a_price_series_is_held_over_quarter_hours(tmp_path: Path) -> None:
    write_prices(tmp_path, ["2025-03-10 00:00,0.5", "2025-03-10 01:00,0.7"])
    data = scenario("2025-03-10T00:00:00", horizon_h=2.0)
    data["time"]["step_h"] = 0.25
    assert import_prices(tmp_path, data).tolist() == [0.5] * 4 + [0.7] * 4


@pytest.mark.parametrize(
    ("rows", "where", "message"),
    [
        (["2025-03-10 00:00,0.5", "2025-03-10 01:00,"], "line 3, column price", "a number"),
        (
            ["2025-03-10 00:00,0.5", "2025-03-10 01:00,0.5", "2025-03-10 03:00,0.5"],
            "line 4, column time",
            "no value for 2025-03-10T02:00+08:00",
        ),
        (["2025-03-10 00:00,0.5", "2025-03-10 01:00,25"], "line 3, column price", "to 20"),
        (["2025-03-10 00:00,0.5"], "line 2", "at least two"),
        (["2024-03-10 00:00,0.5", "2024-03-10 01:00,0.5"], "column time", "do not cover"),
    ],
    ids=["empty", "missing-hour", "too-dear", "one-row", "wrong-year"],
)
def test_bad_price_series_names_file_line_and_column(
    tmp_path: Path, rows: list[str], where: str, message: str
) -> None:
    write_prices(tmp_path, rows)
    with pytest.raises(ConfigError) as raised:
        parse_config(scenario("2025-03-10T00:00:00", horizon_h=2.0), base_dir=tmp_path)
    [issue] = raised.value.issues
    assert issue.path == "parks[0].tariff.file"
    assert f"{tmp_path / 't.csv'}, {where}" in issue.allowed
    assert message in issue.allowed
