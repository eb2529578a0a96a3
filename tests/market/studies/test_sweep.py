"""Sizing sweeps: a grid of scenario values becomes variants; the report draws the sizing chart."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from market.config import ConfigError
from market.studies import ExecutionOptions, StudyError, load_study, run_study
from market.studies.plan import parse_study
from market.studies.report import SIZING_CHART_ID
from market.studies.schema import MAX_SWEEP_POINTS, StudyConfig

pytestmark = pytest.mark.filterwarnings("ignore:.*dayofyear.*")

SHIPPED = Path(__file__).resolve().parents[3] / "configs" / "studies" / "battery_pv_sizing.yaml"


def study(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "s",
        "base": "x.yaml",
        "seeds": [1],
        "sweep": {
            "parks.0.shared_assets.battery.energy_kwh": [0, 500],
            "parks.0.x.pv_kwp": [1, 2, 3],
        },
    }
    data.update(changes)
    return data


def test_grid_becomes_one_variant_per_point_in_order() -> None:
    config = StudyConfig.model_validate(study())
    names = [v.name for v in config.variants]
    assert names == [
        "energy_kwh_0__pv_kwp_1",
        "energy_kwh_0__pv_kwp_2",
        "energy_kwh_0__pv_kwp_3",
        "energy_kwh_500__pv_kwp_1",
        "energy_kwh_500__pv_kwp_2",
        "energy_kwh_500__pv_kwp_3",
    ]
    last = config.variants[-1]
    assert last.overrides == {
        "parks.0.shared_assets.battery.energy_kwh": 500,
        "parks.0.x.pv_kwp": 3,
    }
    assert last.sweep_point == last.overrides


def test_sweep_applies_within_each_listed_variant() -> None:
    variants = [
        {"name": "tou", "overrides": {"parks.0.operator.strategy": "tou_arbitrage"}},
        {"name": "opt", "overrides": {}},
    ]
    config = StudyConfig.model_validate(
        study(sweep={"parks.0.shared_assets.pv_kwp": [0, 10]}, variants=variants)
    )
    assert [v.name for v in config.variants] == [
        "tou__pv_kwp_0",
        "tou__pv_kwp_10",
        "opt__pv_kwp_0",
        "opt__pv_kwp_10",
    ]
    assert config.variants[1].overrides == {
        "parks.0.operator.strategy": "tou_arbitrage",
        "parks.0.shared_assets.pv_kwp": 10,
    }


@pytest.mark.parametrize(
    ("sweep", "message"),
    [
        ({"a.b": []}, "list of 1 to 50 values"),
        ({"a.b": [{"x": 1}]}, "numbers, text"),
        ({"a": list(range(30)), "b": list(range(30))}, f"at most {MAX_SWEEP_POINTS}"),
    ],
)
def test_bad_sweeps_are_named(sweep: dict[str, Any], message: str) -> None:
    with pytest.raises(StudyError, match=re.escape(message)):
        parse_study(study(sweep=sweep), "s.yaml")


def test_a_swept_value_out_of_range_names_the_variant_and_path(tmp_path: Path) -> None:
    base = SHIPPED.parent.parent / "quickstart.yaml"
    (tmp_path / "base.yaml").write_text(base.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        json.dumps(
            {"name": "s", "base": "base.yaml", "seeds": [1],
             "sweep": {"parks.0.shared_assets.pv_kwp": [100, -5]}}
        ),
        encoding="utf-8",
    )  # fmt: skip
    with pytest.raises(StudyError) as caught:
        load_study(tmp_path / "s.yaml")
    paths = [i.path for i in caught.value.issues]
    assert paths == ["variants[1] 'pv_kwp_-5' -> parks[0].shared_assets.pv_kwp"]


def test_shipped_sizing_study_gives_operator_columns_and_the_chart(tmp_path: Path) -> None:
    """The shipped study, reduced in time only: one representative day a month, one seed."""
    plan = load_study(SHIPPED)
    assert len(plan.variants) == 9
    text = SHIPPED.read_text(encoding="utf-8").replace(
        "representative_days_per_month: 2", "representative_days_per_month: 1"
    )
    text = text.replace("seeds: [1, 2]", "seeds: [1]").replace(
        "base: ../", f"base: {SHIPPED.parent.parent}/"
    )
    reduced = tmp_path / "sizing.yaml"
    reduced.write_text(text, encoding="utf-8")
    outcome = run_study(load_study(reduced), tmp_path / "out", ExecutionOptions(serial=True))
    summary = outcome.summary.set_index("variant")
    for column in (
        "peak_grid_import_kw_mean",
        "demand_charge_cny_mean",
        "self_sufficiency_pct_mean",
        "self_consumption_pct_mean",
        "battery_cycles_mean",
        "asset_npv_cny_mean",
        "asset_payback_yr_mean",
    ):
        assert column in summary.columns
    none = summary.loc["energy_kwh_0__pv_kwp_0"]
    most = summary.loc["energy_kwh_6000__pv_kwp_4000"]
    assert most["self_sufficiency_pct_mean"] > none["self_sufficiency_pct_mean"] + 10.0
    assert most["peak_grid_import_kw_mean"] < none["peak_grid_import_kw_mean"]
    assert most["asset_capex_cny_mean"] == pytest.approx(
        none["asset_capex_cny_mean"] + 6000 * 1000.0 + 4000 * 3500.0
    )
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert f'id="{SIZING_CHART_ID}"' in page
    plot = f"{SIZING_CHART_ID}-plot"
    pattern = rf'<div id="{plot}".*?Plotly\.newPlot\(\s*"{plot}",\s*(\[.*?\]),\s*\{{'
    figure = re.search(pattern, page, re.S)
    assert figure is not None
    traces = json.loads(figure.group(1))
    lines = [
        t for t in traces if t.get("mode") == "lines+markers" and t.get("xaxis") in (None, "x")
    ]
    assert sorted(t["name"] for t in lines) == ["pv_kwp = 0", "pv_kwp = 1500", "pv_kwp = 4000"]
    assert all(t["x"] == [0.0, 2000.0, 6000.0] for t in lines)
    assert any(str(t.get("name", "")).startswith("best: ") for t in traces)


def test_unrelated_config_errors_still_surface() -> None:
    with pytest.raises((StudyError, ConfigError)):
        parse_study(study(sweep="not a grid"), "s.yaml")


def test_summary_workbook_holds_the_tables_and_is_reproducible(tmp_path: Path) -> None:
    import pandas as pd
    from openpyxl import load_workbook

    from market.studies.tables import write_xlsx

    summary = pd.DataFrame({"variant": ["a", "b"], "npv_mean": [1.5, float("nan")]})
    runs = pd.DataFrame({"variant": ["a"], "seed": [1], "year": [2025], "co2": [3.0]})
    write_xlsx({"summary": summary, "runs": runs}, tmp_path / "one.xlsx")
    # openpyxl stamps the save time: a later save must still give the same bytes.
    import datetime as dt
    from unittest import mock

    later = dt.datetime(2031, 5, 6, 7, 8, 9)
    with mock.patch("openpyxl.writer.excel.datetime") as clock:
        clock.datetime.now.return_value.replace.return_value = later
        write_xlsx({"summary": summary, "runs": runs}, tmp_path / "two.xlsx")
    assert (tmp_path / "one.xlsx").read_bytes() == (tmp_path / "two.xlsx").read_bytes()
    book = load_workbook(tmp_path / "one.xlsx")
    assert book.sheetnames == ["summary", "runs"]
    rows = list(book["summary"].values)
    assert rows == [("variant", "npv_mean"), ("a", 1.5), ("b", None)]
    assert list(book["runs"].values)[1] == ("a", 1, 2025, 3.0)
