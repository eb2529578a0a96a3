"""The plan's two questions answered per variant: the report's opening table.

For each variant (means over seeds, with the 90 % interval): the change of energy use per value
added from the plan's base year to its target year against the target, whether it is met, and
the year and level of the CO2 peak over the whole horizon and whether it comes before the plan's
deadline. Pure: summary frame in, HTML out.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import pandas as pd

from market.studies.catalogue import load_catalogue
from market.studies.metrics import PlanTargets
from market.studies.tables import format_interval

SECTION_ID = "plan-questions"
#: Columns of the table: metric, whether it is a yes/no flag (shown as yes, no or the share of
#: seeds), and the catalogue text of its header (``None``: the metric's label).
QUESTIONS: tuple[tuple[str, bool, str | None], ...] = (
    ("energy_intensity_change_pct", False, None),
    ("energy_intensity_target_met", True, "questions_target_met"),
    ("co2_peak_year", False, None),
    ("co2_peak_tco2", False, None),
    ("co2_peak_before_target", True, "questions_peak_before"),
)


def _cell(row: pd.Series, metric: str, flag: bool, yes: str, no: str) -> str:
    mean = float(row.get(f"{metric}_mean", math.nan))
    if not math.isfinite(mean):
        return "-"
    if flag:
        if mean in (0.0, 1.0):
            return yes if mean == 1.0 else no
        return f"{100.0 * mean:.0f} %"
    low = float(row.get(f"{metric}_p05", mean))
    high = float(row.get(f"{metric}_p95", mean))
    return format_interval(mean, low, high)


def plan_questions_html(
    summary: pd.DataFrame, variants: Sequence[str], targets: PlanTargets, language: str
) -> str:
    """The section, or an empty text when the summary has none of the question's metrics."""
    if not any(f"{metric}_mean" in summary.columns for metric, _, _ in QUESTIONS):
        return ""
    cat = load_catalogue(language)
    by_variant = {str(row["variant"]): row for _, row in summary.iterrows()}
    title = cat.t(
        "questions_title",
        change=targets.energy_intensity_change_pct,
        base_year=targets.base_year,
        target_year=targets.target_year,
        deadline=targets.co2_peak_before_year,
    )
    headers = [
        cat.metric(metric)
        if key is None
        else cat.t(
            key, deadline=targets.co2_peak_before_year, change=targets.energy_intensity_change_pct
        )
        for metric, _, key in QUESTIONS
    ]
    head = "".join(f"<th>{html.escape(text)}</th>" for text in headers)
    lines = [
        f'<section id="{SECTION_ID}"><h2>{html.escape(title)}</h2>',
        f"<table><thead><tr><th>{html.escape(cat.columns['variant'])}</th>{head}</tr></thead>",
        "<tbody>",
    ]
    yes, no = cat.t("yes"), cat.t("no")
    for variant in variants:
        row = by_variant.get(variant)
        cells = "".join(
            "<td>-</td>"
            if row is None
            else f"<td>{html.escape(_cell(row, metric, flag, yes, no))}</td>"
            for metric, flag, _ in QUESTIONS
        )
        lines.append(f"<tr><td>{html.escape(variant)}</td>{cells}</tr>")
    lines.append("</tbody></table></section>")
    return "\n".join(lines)
