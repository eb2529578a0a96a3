"""The HTML report: every chart section and the table; 'no data yet' where data is missing."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest

from market.studies import ReportInputs, RunRecord, firm_costs, render_report, run_metrics
from market.studies.metrics import PlanTargets, yearly_metrics
from market.studies.report import CHART_IDS, TABLE_ID
from market.studies.tables import firms_frame, runs_frame, summary_frame
from tests.market.studies.factories import market_summary

TARGETS = PlanTargets(energy_intensity_change_pct=-13.5, co2_peak_before_year=2030)


def records_from(summaries: dict[str, list[dict[str, Any]]]) -> list[RunRecord]:
    records: list[RunRecord] = []
    for variant, items in summaries.items():
        for seed, summary in enumerate(items, start=1):
            records.append(
                RunRecord(
                    index=len(records),
                    variant=variant,
                    seed=seed,
                    metrics=run_metrics(summary, TARGETS),
                    years=tuple(yearly_metrics(summary)),
                    firms=tuple(firm_costs(summary)),
                )
            )
    return records


def inputs(records: list[RunRecord], variants: tuple[str, ...]) -> ReportInputs:
    return ReportInputs(
        name="demo",
        description="A <synthetic> study",
        variants=variants,
        seeds=(1, 2),
        runs=runs_frame(records),
        summary=summary_frame(records, variants),
        firms=firms_frame(records),
        targets=TARGETS,
        notes=("a note",),
    )


def shifted(factor: float) -> dict[str, Any]:
    summary = market_summary()
    for year in summary["years"].values():
        year["co2_tco2"] *= factor
    return summary


@pytest.fixture(scope="module")
def full_report() -> str:
    records = records_from(
        {"grandfathering": [shifted(1.0), shifted(1.1)], "auction": [shifted(0.9), shifted(1.0)]}
    )
    return render_report(inputs(records, ("grandfathering", "auction")))


def test_report_has_every_chart_and_the_table(full_report: str) -> None:
    for chart_id in CHART_IDS:
        assert f'<section id="{chart_id}">' in full_report
        assert f'id="{chart_id}-plot"' in full_report  # a drawn plot, not a placeholder
    assert f'<section id="{TABLE_ID}">' in full_report
    table = full_report.split(f'<section id="{TABLE_ID}">', 1)[1]
    assert "<th>grandfathering</th><th>auction</th>" in table
    # Metric names in words with units; the name itself as a tooltip.
    assert '<td title="co2_peak_year">CO2 peak year</td>' in table
    assert '<td title="firm_net_cost_gini">Gini coefficient of firms&#x27; net cost</td>' in table
    assert '<td title="co2_tco2">CO2 emissions [tCO2]</td>' in table
    assert "<td>co2_peak_year</td>" not in table


def test_report_is_self_contained(full_report: str) -> None:
    assert re.search(r"<script[^>]+src=", full_report) is None  # nothing fetched from outside
    assert full_report.count("plotly.js v") == 1  # the library embedded exactly once
    assert "&lt;synthetic&gt;" in full_report  # text is escaped


def test_report_shows_targets(full_report: str) -> None:
    assert "target: peak before 2030" in full_report
    assert "target: -13.5 %" in full_report


def test_table_cells_are_mean_and_interval(full_report: str) -> None:
    # CO2 sums 330 x 1.0 and x 1.1 = 330 and 363: mean 346.5, 5 %-95 % = 331.65 to 361.35
    # (shown to one decimal); auction: 297 and 330 -> 313.5 [298.65, 328.35].
    row = (
        '<td title="co2_tco2">CO2 emissions [tCO2]</td><td>346.5 [331.6, 361.4]</td>'
        "<td>313.5 [298.6, 328.4]</td>"
    )
    assert row in full_report


def test_charts_without_data_say_so() -> None:
    summary = market_summary()
    del summary["markets"]
    summary["years"] = {"2025": summary["years"]["2025"]}
    page = render_report(inputs(records_from({"only": [summary]}), ("only",)))
    for chart_id, message in (
        ("chart-intensity", "two or more years"),
        ("chart-prices", "No market prices"),
        ("chart-abatement", "No abatement"),
    ):
        section = page.split(f'<section id="{chart_id}">', 1)[1].split("</section>", 1)[0]
        assert message in section and "-plot" not in section
    assert 'id="chart-emissions-plot"' in page and 'id="chart-costs-plot"' in page


def test_report_renders_with_no_runs_at_all() -> None:
    page = render_report(inputs([], ("a", "b")))
    assert page.count('class="empty"') == len(CHART_IDS)
    assert "plotly.js v" not in page
    assert isinstance(summary_frame([], ("a",)), pd.DataFrame)


def test_emission_chart_stars_each_variants_peak() -> None:
    from market.studies.report import emissions_chart

    records = records_from(
        {"grandfathering": [shifted(1.0), shifted(1.1)], "auction": [shifted(0.9), shifted(1.0)]}
    )
    figure = emissions_chart(inputs(records, ("grandfathering", "auction"))).figure
    assert figure is not None
    stars = [t for t in figure.data if t.marker.symbol == "star"]
    # Mean paths: CO2 100, 120, 110 x 1.05 and x 0.95 -> peaks in 2026 at 126 and 114.
    assert [(t.x[0], t.y[0]) for t in stars] == [(2026, pytest.approx(126.0)), (2026, 114.0)]
    assert stars[0].marker.color == figure.data[0].line.color
    assert stars[0].name == "peak 2026: 126 tCO2"
    # The axis spans the horizon (2025-2027), not more.
    assert tuple(figure.layout.xaxis.range) == pytest.approx((2024.6, 2027.4))
