"""Every metric has a label in words with units in both catalogues; --lang zh gives Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from market.api import parse_config, simulate
from market.studies import RunRecord, firm_costs, render_report, run_metrics, yearly_metrics
from market.studies.catalogue import LANGUAGES, SECTIONS, knows, load_catalogue
from market.studies.metrics import PlanTargets
from market.studies.report import emissions_chart
from market.studies.tables import firms_frame, runs_frame, summary_frame, write_tables
from tests.market.studies.factories import market_summary, tiny_scenario
from tests.market.studies.test_report import inputs

pytestmark = pytest.mark.filterwarnings("ignore:.*dayofyear.*")
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Targets over the factory summaries' years, so the base-year metrics appear.
SPAN = PlanTargets(-13.5, 2030, base_year=2025, target_year=2027)


def every_metric_name() -> set[str]:
    """Names the metrics produce on a full synthetic summary and on real runs with markets,
    investments, growth and a base year."""
    scenario = tiny_scenario()
    scenario["time"] = {
        "start": "2024-12-30T00:00:00",
        "horizon_h": 24.0 * 4,
    }
    scenario["markets"] = {
        "energy_rights": {"enabled": True, "cap_factor": 0.8},
        "green_power": {"enabled": True},
    }
    scenario["investments"] = {"enabled": True}
    scenario["growth"] = {"enabled": True}
    summaries = [market_summary(), simulate(parse_config(scenario)).summary]
    names: set[str] = set()
    for summary in summaries:
        for targets in (SPAN, PlanTargets(-13.5, 2030, base_year=2024, target_year=2025)):
            names.update(run_metrics(summary, targets))
        for row in yearly_metrics(summary):
            names.update(k for k in row if k != "year")  # the year is an identifier column
    return names


def test_every_metric_has_a_label_in_both_catalogues() -> None:
    names = every_metric_name()
    assert {"co2_peak_year", "energy_intensity_change_pct", "base_year_co2_tco2"} <= names
    assert any(n.startswith("base_year_co2_tco2[") for n in names)
    for language in LANGUAGES:
        catalogue = load_catalogue(language)
        missing = sorted(n for n in names if not knows(catalogue, n))
        assert missing == [], language


def test_catalogues_have_the_same_keys_and_the_chinese_one_is_chinese() -> None:
    en, zh = load_catalogue("en"), load_catalogue("zh")
    for section in SECTIONS:
        assert set(getattr(en, section)) == set(getattr(zh, section)), section
    for name, label in zh.metrics.items():
        assert CJK.search(label), name
        assert label != en.metrics[name]
    # Units in words: tce and tCO2 in Chinese.
    assert "[吨标准煤]" in zh.metric("energy_use_tce")
    assert "元/吨标准煤" in zh.metric("rights_price_cny_per_tce")
    assert zh.metric("co2_tco2[cement]") == "二氧化碳排放量 [吨二氧化碳]: 水泥"
    # Every placeholder of a sentence is in both languages.
    for key, text in en.text.items():
        assert set(re.findall(r"\{(\w+)", text)) == set(re.findall(r"\{(\w+)", zh.text[key]))


def test_chinese_report_and_workbook(tmp_path: Path) -> None:
    records = [
        RunRecord(
            index=k,
            variant=variant,
            seed=1,
            metrics=run_metrics(market_summary(), SPAN),
            years=tuple(yearly_metrics(market_summary())),
            firms=tuple(firm_costs(market_summary())),
        )
        for k, variant in enumerate(("a", "b"))
    ]
    data = inputs(records, ("a", "b"))
    chinese = type(data)(**{**_fields(data), "language": "zh"})
    page = render_report(chinese)
    assert '<html lang="zh">' in page
    assert "逐年二氧化碳排放量 [吨二氧化碳/年]" in page  # chart title
    assert '<td title="co2_peak_year">二氧化碳达峰年份</td>' in page
    figure = emissions_chart(chinese).figure
    assert figure is not None
    assert figure.layout.annotations[0].text == "目标：2030 年前达峰"
    assert figure.layout.xaxis.title.text == "年份"
    assert figure.layout.yaxis.title.text == "二氧化碳 [吨二氧化碳/年]"
    english = render_report(data)
    # (the embedded plotly.js library has CJK text of its own: look at titles and the table)
    assert not CJK.search(" ".join(re.findall(r"<h2>[^<]*</h2>", english)))
    assert not CJK.search(english.split('<section id="table-summary">', 1)[1])
    runs, summary = runs_frame(records), summary_frame(records, ("a", "b"))
    paths = write_tables(runs, summary, firms_frame(records), tmp_path, "zh")
    book = load_workbook(paths["workbook"])
    assert book.sheetnames == ["汇总", "逐年结果", "企业"]
    headers = [cell.value for cell in book["汇总"][1]]
    assert headers[:2] == ["方案", "运行次数"]
    assert "二氧化碳达峰年份 (均值)" in headers
    # The CSV keeps the metric names.
    assert paths["summary"].read_text(encoding="utf-8").startswith("variant,runs,")
    english_book = load_workbook(
        write_tables(runs, summary, firms_frame(records), tmp_path)["workbook"]
    )
    assert english_book.sheetnames == ["summary", "runs", "firms"]
    assert "CO2 peak year (mean)" in [c.value for c in english_book["summary"][1]]


def _fields(data: object) -> dict[str, object]:
    return {name: getattr(data, name) for name in type(data).__dataclass_fields__}


def test_the_report_opens_with_the_plans_questions_per_variant() -> None:
    from market.studies.plan_questions import SECTION_ID, plan_questions_html

    records = [
        RunRecord(
            index=0,
            variant="a",
            seed=1,
            metrics=run_metrics(market_summary(), SPAN),
            years=tuple(yearly_metrics(market_summary())),
            firms=tuple(firm_costs(market_summary())),
        )
    ]
    summary = summary_frame(records, ("a", "missing"))
    english = plan_questions_html(summary, ("a", "missing"), SPAN, "en")
    assert english.startswith(f'<section id="{SECTION_ID}">')
    assert "-13.5 % from 2025 to 2027, CO2 peak before 2030" in english
    # Intensity 2.0 -> 1.6: -20 %, met; CO2 peaks in 2026 at 120, before 2030.
    assert (
        "<tr><td>a</td><td>-20.00</td><td>yes</td><td>2026</td><td>120</td><td>yes</td></tr>"
        in (english)
    )
    assert "<tr><td>missing</td><td>-</td>" in english
    assert "<th>Target of -13.5 % met</th>" in english
    assert "<th>CO2 peaks before 2030</th>" in english
    chinese = plan_questions_html(summary, ("a",), SPAN, "zh")
    assert "<td>-20.00</td><td>是</td><td>2026</td>" in chinese
    assert "二氧化碳达峰年份" in chinese
    assert plan_questions_html(summary[["variant", "runs"]], ("a",), SPAN, "en") == ""
    page = render_report(inputs(records, ("a",)))
    assert page.index(f'<section id="{SECTION_ID}">') < page.index('<section id="chart-')
