"""The study report: one self-contained HTML page with plotly charts and a side-by-side table.

The page opens with the plan's two questions per variant (:mod:`market.studies.plan_questions`);
every visible text comes from the message catalogue of the report's language. Charts (each in a
``<section id="chart-...">``): emission paths with the peak target, energy intensity against the
intensity target, price paths, cost distributions across firms, and abatement by option; then
the summary table (``<section id="table-summary">``). A chart whose
data the runs do not provide yet says so instead of drawing an empty plot. The plotly library is
embedded once, with the first chart drawn, so the page opens offline.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from market.studies.catalogue import DEFAULT_LANGUAGE, Catalogue, load_catalogue
from market.studies.execute import RunFailure
from market.studies.measures import interval
from market.studies.metrics import PlanTargets
from market.studies.plan_questions import plan_questions_html
from market.studies.schema import sweep_labels
from market.studies.tables import format_interval

CHART_IDS: tuple[str, ...] = (
    "chart-emissions",
    "chart-intensity",
    "chart-prices",
    "chart-costs",
    "chart-abatement",
)
TABLE_ID = "table-summary"
PLOT_CONFIG = {"displaylogo": False, "responsive": True}
CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; color: #222; }
h1 { margin-bottom: 0.2rem; } .meta { color: #555; } .note { color: #8a5a00; }
.failure { color: #a00; } .empty { color: #777; font-style: italic; padding: 1rem 0; }
table { border-collapse: collapse; font-size: 0.85rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
"""


@dataclass(frozen=True, slots=True)
class ReportInputs:
    """Everything the report shows.

    Attributes
    ----------
    name, description
        The study's name and description.
    variants, seeds
        In study order.
    runs, summary, firms
        Frames from :mod:`market.studies.tables`.
    targets
        Plan targets drawn on the charts.
    notes
        Remarks shown at the top.
    failures
        Runs that failed on every attempt.
    sweep_keys, sweep_points
        The swept paths and each variant's point, for the sizing chart.
    language
        Language of the labels (``"en"`` or ``"zh"``, :mod:`market.studies.catalogue`).
    """

    name: str
    description: str
    variants: tuple[str, ...]
    seeds: tuple[int, ...]
    runs: pd.DataFrame
    summary: pd.DataFrame
    firms: pd.DataFrame
    targets: PlanTargets
    notes: tuple[str, ...] = ()
    failures: tuple[RunFailure, ...] = ()
    sweep_keys: tuple[str, ...] = ()
    sweep_points: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    language: str = DEFAULT_LANGUAGE

    @property
    def labels(self) -> Catalogue:
        """The message catalogue of the report's language."""
        return load_catalogue(self.language)


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart section: a figure, or the reason there is none yet."""

    chart_id: str
    title: str
    figure: go.Figure | None
    empty_message: str = ""


def _yearly_band(runs: pd.DataFrame, variant: str, column: str) -> pd.DataFrame:
    """Mean and 90 % interval over seeds of one yearly column, per year."""
    mine = runs[runs["variant"] == variant]
    rows = []
    for year, group in mine.groupby("year", sort=True):
        stats = interval(group[column].to_numpy(dtype=np.float64))
        if math.isfinite(stats.mean):
            rows.append(
                {"year": int(year), "mean": stats.mean, "low": stats.low, "high": stats.high}
            )
    return pd.DataFrame(rows, columns=["year", "mean", "low", "high"])


def _has(frame: pd.DataFrame, column: str) -> bool:
    return column in frame.columns and bool(np.isfinite(frame[column].to_numpy(np.float64)).any())


def _line_trace(band: pd.DataFrame, name: str, colour: str, **kwargs: object) -> go.Scatter:
    return go.Scatter(
        x=band["year"].tolist(),
        y=band["mean"].tolist(),
        mode="lines+markers",
        name=name,
        line={"color": colour},
        marker={"color": colour},
        error_y={
            "type": "data",
            "symmetric": False,
            "array": (band["high"] - band["mean"]).tolist(),
            "arrayminus": (band["mean"] - band["low"]).tolist(),
            "color": colour,
        },
        **kwargs,
    )


def emissions_chart(data: ReportInputs) -> Chart:
    """CO2 per year per variant (mean and 90 % interval over seeds) with the peak deadline; a
    star marks the peak of each variant's mean path."""
    cat = data.labels
    title = cat.t("emissions_title")
    if not _has(data.runs, "co2_tco2"):
        return Chart("chart-emissions", title, None, cat.t("emissions_empty"))
    fig = go.Figure()
    for v_index, variant in enumerate(data.variants):
        band = _yearly_band(data.runs, variant, "co2_tco2")
        fig.add_trace(_line_trace(band, variant, _colour(v_index), legendgroup=variant))
        if len(band) >= 2:
            top = band.loc[band["mean"].idxmax()]
            fig.add_trace(_peak_marker(top, variant, _colour(v_index), cat))
    deadline = data.targets.co2_peak_before_year
    fig.add_vline(
        x=deadline,
        line_dash="dash",
        line_color="firebrick",
        annotation_text=cat.t("emissions_deadline", year=deadline),
    )
    fig.update_layout(xaxis_title=cat.t("axis_year"), yaxis_title=cat.t("axis_co2"))
    _whole_years(fig)
    years = data.runs["year"].dropna()
    if not years.empty:  # the peak stars do not widen the axis beyond the horizon
        fig.update_xaxes(range=[float(years.min()) - 0.4, float(years.max()) + 0.4])
    return Chart("chart-emissions", title, fig)


def _peak_marker(top: pd.Series, variant: str, colour: str, cat: Catalogue) -> go.Scatter:
    """A star on the peak year of a variant's mean emission path."""
    text = cat.t("emissions_peak", year=int(top["year"]), level=float(top["mean"]))
    return go.Scatter(
        x=[int(top["year"])],
        y=[float(top["mean"])],
        mode="markers",
        name=text,
        legendgroup=variant,
        showlegend=False,
        hovertext=[f"{variant}: {text}"],
        hoverinfo="text",
        marker={"symbol": "star", "size": 14, "color": colour, "line": {"color": "black"}},
    )


def intensity_chart(data: ReportInputs) -> Chart:
    """Energy intensity as an index of the plan's base year (=100; the first year when the runs
    do not simulate the base year) against the intensity target."""
    cat = data.labels
    column = "energy_intensity_tce_per_10k_cny"
    runs = data.runs
    base_year = data.targets.base_year
    from_base = bool((runs["year"] == base_year).any()) if "year" in runs.columns else False
    title = (
        cat.t("intensity_title", year=base_year) if from_base else cat.t("intensity_title_first")
    )
    if not _has(runs, column) or runs["year"].nunique() < 2:
        return Chart("chart-intensity", title, None, cat.t("intensity_empty"))
    indexed = runs[["variant", "seed", "year", column]].copy()
    ordered = indexed.sort_values("year")
    if from_base:
        ordered = ordered.assign(base=ordered[column].where(ordered["year"] == base_year))
        first = ordered.groupby(["variant", "seed"])["base"].transform("max")
    else:
        first = ordered.groupby(["variant", "seed"])[column].transform("first")
    indexed["index"] = 100.0 * indexed[column] / first.reindex(indexed.index)
    fig = go.Figure()
    for v_index, variant in enumerate(data.variants):
        band = _yearly_band(indexed, variant, "index")
        fig.add_trace(_line_trace(band, variant, _colour(v_index)))
    target = 100.0 + data.targets.energy_intensity_change_pct
    fig.add_hline(
        y=target,
        line_dash="dash",
        line_color="firebrick",
        annotation_text=cat.t(
            "intensity_target",
            change=data.targets.energy_intensity_change_pct,
            target_year=data.targets.target_year,
            base_year=data.targets.base_year,
        ),
    )
    fig.update_layout(xaxis_title=cat.t("axis_year"), yaxis_title=cat.t("axis_index"))
    _whole_years(fig)
    return Chart("chart-intensity", title, fig)


def prices_chart(data: ReportInputs) -> Chart:
    """Energy-use-rights and carbon prices and green-power premium per year (mean and 90 %
    interval)."""
    cat = data.labels
    title = cat.t("prices_title")
    series = [
        (col, cat.t(label))
        for col, label in (
            ("rights_price_cny_per_tce", "price_rights"),
            ("carbon_price_cny_per_tco2", "price_carbon"),
            ("green_premium_cny_per_mwh", "price_green"),
        )
        if _has(data.runs, col)
    ]
    if not series:
        return Chart("chart-prices", title, None, cat.t("prices_empty"))
    fig = make_subplots(rows=1, cols=len(series), subplot_titles=[label for _, label in series])
    for k, (col, _) in enumerate(series, start=1):
        for v_index, variant in enumerate(data.variants):
            trace = _line_trace(
                _yearly_band(data.runs, variant, col),
                variant,
                _colour(v_index),
                legendgroup=variant,
                showlegend=k == 1,
            )
            fig.add_trace(trace, row=1, col=k)
    fig.update_xaxes(title_text=cat.t("axis_year"))
    _whole_years(fig)
    return Chart("chart-prices", title, fig)


def _whole_years(fig: go.Figure) -> None:
    """Year axes tick on whole years (no '2,024.5')."""
    fig.update_xaxes(tickformat="d", dtick=1)


def _colour(index: int) -> str:
    """The colour of the ``index``-th variant, the same in every chart of the report."""
    palette = (
        "#1f77b4",
        "#ff7f0e",
        "#2ca02c",
        "#d62728",
        "#9467bd",
        "#8c564b",
        "#e377c2",
        "#7f7f7f",
        "#bcbd22",
        "#17becf",
    )
    return palette[index % len(palette)]


def costs_chart(data: ReportInputs) -> Chart:
    """Distribution of net cost across firms (all seeds pooled) per variant [10^4 CNY]."""
    cat = data.labels
    title = cat.t("costs_title")
    firms = data.firms
    if firms.empty or not _has(firms, "net_cost_cny"):
        return Chart("chart-costs", title, None, cat.t("costs_empty"))
    fig = go.Figure()
    for v_index, variant in enumerate(data.variants):
        mine = firms[firms["variant"] == variant]
        fig.add_trace(
            go.Box(
                y=(mine["net_cost_cny"] / 1e4).tolist(),
                name=variant,
                marker={"color": _colour(v_index)},
                boxpoints="outliers",
                text=(mine["firm"].astype(str) + " / seed " + mine["seed"].astype(str)).tolist(),
            )
        )
    fig.update_layout(yaxis_title=cat.t("axis_10k_cny"), showlegend=False)
    return Chart("chart-costs", title, fig)


def abatement_chart(data: ReportInputs) -> Chart:
    """Abatement by option over the run (mean over seeds), stacked per variant [tce]."""
    cat = data.labels
    title = cat.t("abatement_title")
    prefix = "abatement_tce["
    columns = [c for c in data.summary.columns if c.startswith(prefix) and c.endswith("]_mean")]
    if not columns or not any(_has(data.summary, c) for c in columns):
        return Chart("chart-abatement", title, None, cat.t("abatement_empty"))
    fig = go.Figure()
    for column in columns:
        option = column[len(prefix) : -len("]_mean")]
        values = [
            float(data.summary.loc[data.summary["variant"] == v, column].iloc[0])
            if (data.summary["variant"] == v).any()
            else math.nan
            for v in data.variants
        ]
        fig.add_trace(go.Bar(x=list(data.variants), y=values, name=cat.parts.get(option, option)))
    fig.update_layout(barmode="stack", yaxis_title=cat.t("axis_tce"))
    return Chart("chart-abatement", title, fig)


def summary_table_html(
    summary: pd.DataFrame, variants: Sequence[str], language: str = DEFAULT_LANGUAGE
) -> str:
    """Metrics as rows (their labels, the name as a tooltip), variants as columns; cells
    ``mean [p05, p95]`` over seeds."""
    cat = load_catalogue(language)
    metrics = [c[: -len("_mean")] for c in summary.columns if c.endswith("_mean")]
    by_variant = {str(row["variant"]): row for _, row in summary.iterrows()}
    head = "".join(f"<th>{html.escape(v)}</th>" for v in variants)
    lines = [f"<table><thead><tr><th>{html.escape(cat.t('table_metric'))}</th>{head}</tr></thead>"]
    lines.append("<tbody>")
    runs_cells = "".join(
        f"<td>{int(by_variant[v]['runs']) if v in by_variant else 0}</td>" for v in variants
    )
    lines.append(f"<tr><td>{html.escape(cat.t('runs'))}</td>{runs_cells}</tr>")
    for metric in metrics:
        cells = []
        for v in variants:
            row = by_variant.get(v)
            text = (
                "-"
                if row is None
                else format_interval(
                    float(row[f"{metric}_mean"]),
                    float(row[f"{metric}_p05"]),
                    float(row[f"{metric}_p95"]),
                )
            )
            cells.append(f"<td>{html.escape(text)}</td>")
        label = html.escape(cat.metric(metric))
        name = html.escape(metric, quote=True)
        lines.append(f'<tr><td title="{name}">{label}</td>{"".join(cells)}</tr>')
    lines.append("</tbody></table>")
    return "\n".join(lines)


SIZING_CHART_ID = "chart-sizing"
#: Sizing metrics drawn over a sweep: summary column, catalogue key of the panel title, scale,
#: best is the highest.
SIZING_METRICS: tuple[tuple[str, str, float, bool], ...] = (
    ("asset_npv_cny_mean", "sizing_npv", 1e-6, True),
    ("total_cost_cny_mean", "sizing_total_cost", 1e-6, False),
    ("peak_grid_import_kw_mean", "sizing_peak_import", 1e-3, False),
)


def sizing_chart(data: ReportInputs) -> Chart | None:
    """Sweep results over the grid: a line per value of the second swept path (if any).

    Drawn for a sweep of one or two numeric paths; each panel marks its best point (highest NPV,
    lowest cost or peak). ``None`` when the study has no sweep.
    """
    if not data.sweep_keys:
        return None
    cat = data.labels
    title = cat.t("sizing_title", paths=" x ".join(sweep_labels(list(data.sweep_keys))))
    keys = data.sweep_keys
    points = {v: data.sweep_points.get(v, {}) for v in data.variants}
    numeric = all(
        isinstance(points[v].get(keys[0]), int | float)
        and not isinstance(points[v].get(keys[0]), bool)
        for v in data.variants
    )
    if len(keys) > 2 or not numeric:
        return Chart(SIZING_CHART_ID, title, None, cat.t("sizing_needs_numeric"))
    metrics = [m for m in SIZING_METRICS if _has(data.summary, m[0])]
    if not metrics:
        return Chart(SIZING_CHART_ID, title, None, cat.t("sizing_empty"))
    summary = data.summary.set_index("variant")

    def best_name(variant: str) -> str:
        return cat.t("sizing_best", variant=variant)

    fig = make_subplots(rows=1, cols=len(metrics), subplot_titles=[cat.t(m[1]) for m in metrics])
    series_values = (
        sorted({_label(points[v].get(keys[1])) for v in data.variants}) if len(keys) == 2 else [""]
    )
    labels = sweep_labels(list(keys))
    for col, (column, _, scale, highest) in enumerate(metrics, start=1):
        best: tuple[float, float, str] | None = None
        for k, series in enumerate(series_values):
            members = [
                v
                for v in data.variants
                if len(keys) == 1 or _label(points[v].get(keys[1])) == series
            ]
            members.sort(key=lambda v: float(points[v][keys[0]]))
            xs = [float(points[v][keys[0]]) for v in members]
            ys = [float(summary.loc[v, column]) * scale for v in members]
            name = f"{labels[1]} = {series}" if len(keys) == 2 else labels[0]
            fig.add_trace(
                go.Scatter(x=xs, y=ys, mode="lines+markers", name=name, legendgroup=name,
                           showlegend=col == 1, line={"color": _colour(k)}),
                row=1, col=col,
            )  # fmt: skip
            for x, y, v in zip(xs, ys, members, strict=True):
                if math.isfinite(y) and (best is None or (y > best[1] if highest else y < best[1])):
                    best = (x, y, v)
        if best is not None:
            fig.add_trace(
                go.Scatter(x=[best[0]], y=[best[1]], mode="markers", name=best_name(best[2]),
                           marker={"symbol": "star", "size": 14, "color": "black"},
                           showlegend=False, hovertext=[best[2]]),
                row=1, col=col,
            )  # fmt: skip
        fig.update_xaxes(title_text=labels[0], row=1, col=col)
    return Chart(SIZING_CHART_ID, title, fig)


def _label(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def build_charts(data: ReportInputs) -> list[Chart]:
    """Every chart of the report, in page order (the sizing chart first, for a sweep)."""
    sizing = sizing_chart(data)
    return [
        *([sizing] if sizing is not None else []),
        emissions_chart(data),
        intensity_chart(data),
        prices_chart(data),
        costs_chart(data),
        abatement_chart(data),
    ]


def render_report(data: ReportInputs) -> str:
    """The report as one self-contained HTML document (deterministic for the same inputs)."""
    cat = data.labels
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(cat.language)}"><head><meta charset="utf-8">',
        f"<title>{html.escape(cat.t('page_title', name=data.name))}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{html.escape(data.name)}</h1>",
    ]
    if data.description:
        parts.append(f"<p>{html.escape(data.description)}</p>")
    seeds = ", ".join(str(s) for s in data.seeds)
    meta = cat.t("meta", variants=len(data.variants), seeds=len(data.seeds), seed_list=seeds)
    parts.append(f'<p class="meta">{html.escape(meta)}</p>')
    parts.extend(
        f'<p class="note">{html.escape(cat.t("note", note=note))}</p>' for note in data.notes
    )
    parts.extend(f'<p class="failure">{html.escape(f.describe())}</p>' for f in data.failures)
    parts.append(plan_questions_html(data.summary, data.variants, data.targets, data.language))
    plotly_included = False
    for chart in build_charts(data):
        parts.append(f'<section id="{chart.chart_id}"><h2>{html.escape(chart.title)}</h2>')
        if chart.figure is None:
            parts.append(f'<p class="empty">{html.escape(chart.empty_message)}</p>')
        else:
            parts.append(
                chart.figure.to_html(
                    full_html=False,
                    include_plotlyjs=not plotly_included,
                    div_id=f"{chart.chart_id}-plot",
                    config=PLOT_CONFIG,
                )
            )
            plotly_included = True
        parts.append("</section>")
    parts.append(f'<section id="{TABLE_ID}"><h2>{html.escape(cat.t("table_title"))}</h2>')
    parts.append(summary_table_html(data.summary, data.variants, data.language))
    parts.append("</section></body></html>")
    return "\n".join(parts) + "\n"
