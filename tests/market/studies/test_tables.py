"""Runs, summary and firms tables from run records; number formatting."""

from __future__ import annotations

import math

import pytest

from market.studies import RunRecord
from market.studies.tables import (
    console_table,
    format_compact,
    format_interval,
    runs_frame,
    summary_frame,
)


def record(index: int, variant: str, seed: int, co2: float, extra: float | None) -> RunRecord:
    metrics = {"co2_tco2": co2}
    if extra is not None:
        metrics["windfall_cny"] = extra
    years = ({"year": 2025.0, "co2_tco2": co2 / 2}, {"year": 2026.0, "co2_tco2": co2 / 2})
    return RunRecord(index, variant, seed, metrics, years, ())


RECORDS = [
    record(0, "a", 1, 100.0, None),
    record(1, "a", 2, 300.0, None),
    record(2, "b", 1, 10.0, 5.0),
    record(3, "b", 2, 30.0, 7.0),
]


def test_summary_has_mean_and_ninety_percent_interval_per_variant() -> None:
    s = summary_frame(RECORDS, ("a", "b"))
    assert list(s.columns) == [
        "variant",
        "runs",
        "co2_tco2_mean",
        "co2_tco2_p05",
        "co2_tco2_p95",
        "windfall_cny_mean",
        "windfall_cny_p05",
        "windfall_cny_p95",
    ]
    a = s.iloc[0]
    assert (a["co2_tco2_mean"], a["co2_tco2_p05"], a["co2_tco2_p95"]) == pytest.approx(
        (200.0, 110.0, 290.0)  # 100 + 5 % and 95 % of the 200 gap
    )
    assert math.isnan(a["windfall_cny_mean"])  # variant a has no such metric
    assert s.iloc[1]["windfall_cny_mean"] == 6.0


def test_runs_table_has_one_row_per_variant_seed_year() -> None:
    r = runs_frame(RECORDS)
    assert list(r.columns) == [
        "variant",
        "seed",
        "year",
        "co2_tco2",
        "run.co2_tco2",
        "run.windfall_cny",
    ]
    assert len(r) == 8
    assert list(r["year"][:2]) == [2025, 2026]
    assert r.loc[1, "co2_tco2"] == 50.0 and r.loc[1, "run.co2_tco2"] == 100.0


def test_variant_without_runs_keeps_its_row() -> None:
    s = summary_frame(RECORDS[:2], ("a", "b"))
    assert list(s["runs"]) == [2, 0]
    assert "b" in console_table(s)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (7_940_055.0, "7.94 M"),
        (8.3e9, "8.3 G"),
        (12_345.0, "12.3 k"),
        (2026.8, "2027"),
        (0.516, "0.516"),
    ],
)
def test_compact_numbers(value: float, text: str) -> None:
    assert format_compact(value) == text


def test_interval_text() -> None:
    assert format_interval(2026.8, 2025.0, 2028.0) == "2026.8 [2025, 2028]"
    assert format_interval(12_345.6, 12_000.0, 13_000.0) == "12,346 [12,000, 13,000]"
    assert format_interval(5.0, 5.0, 5.0) == "5"
    assert format_interval(math.nan, 1.0, 2.0) == "-"
