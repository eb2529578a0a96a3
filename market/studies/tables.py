"""Study tables: runs (variant × seed × year), per-variant summary, firms; their files.

Pure assembly from :class:`~market.studies.tasks.RunRecord` lists (sorted by task index) into
pandas frames, then deterministic writers: the same records give byte-identical files.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from market.studies.catalogue import DEFAULT_LANGUAGE, Catalogue, load_catalogue
from market.studies.measures import interval
from market.studies.tasks import RunRecord
from market.table import render_table

ID_COLUMNS = ("variant", "seed", "year")
RUN_PREFIX = "run."
#: Headline metrics of the console table, in display order: metric → column title.
CONSOLE_METRICS: tuple[tuple[str, str], ...] = (
    ("co2_tco2", "CO2 t"),
    ("energy_intensity_change_pct", "intensity chg %"),
    ("co2_peak_year", "CO2 peak yr"),
    ("rights_price_cny_per_tce", "rights CNY/tce"),
    ("compliance_rate_pct", "compliance %"),
    ("carbon_price_cny_per_tco2", "carbon CNY/tCO2"),
    ("carbon_compliance_rate_pct", "carbon compliance %"),
    ("compliance_cost_cny", "compliance CNY"),
    ("green_premium_cny_per_mwh", "green CNY/MWh"),
    ("firm_net_cost_gini", "cost Gini"),
    ("small_firm_burden_ratio", "small-firm burden"),
)


def _ordered_keys(dicts: Sequence[dict[str, float]], skip: Sequence[str] = ()) -> list[str]:
    seen: dict[str, None] = {}
    for d in dicts:
        for key in d:
            if key not in skip:
                seen.setdefault(key, None)
    return list(seen)


def metric_names(records: Sequence[RunRecord]) -> list[str]:
    """Whole-run metric names across records, in first-seen order."""
    return _ordered_keys([r.metrics for r in records])


def runs_frame(records: Sequence[RunRecord]) -> pd.DataFrame:
    """One row per variant × seed × year: yearly metrics, then whole-run metrics (``run.*``).

    Records must be sorted by task index; rows follow that order, then years.
    """
    yearly_names = _ordered_keys([y for r in records for y in r.years], skip=("year",))
    run_names = metric_names(records)
    rows: list[dict[str, object]] = []
    for record in records:
        whole = {f"{RUN_PREFIX}{k}": record.metrics.get(k, math.nan) for k in run_names}
        for year in record.years:
            row: dict[str, object] = {
                "variant": record.variant,
                "seed": record.seed,
                "year": int(year["year"]),
            }
            row.update({k: year.get(k, math.nan) for k in yearly_names})
            row.update(whole)
            rows.append(row)
    columns = [*ID_COLUMNS, *yearly_names, *(f"{RUN_PREFIX}{k}" for k in run_names)]
    frame = pd.DataFrame(rows, columns=columns)
    frame["variant"] = frame["variant"].astype("string")
    frame["seed"] = frame["seed"].astype("int64")
    frame["year"] = frame["year"].astype("int64")
    for name in columns[len(ID_COLUMNS) :]:
        frame[name] = frame[name].astype("float64")
    return frame


def summary_frame(records: Sequence[RunRecord], variants: Sequence[str]) -> pd.DataFrame:
    """One row per variant: run count, then each metric's mean and 90 % interval over seeds.

    Columns are ``variant``, ``runs``, and ``<metric>_mean``, ``<metric>_p05``, ``<metric>_p95``
    for every whole-run metric. Non-finite values are left out of a metric's statistics.
    """
    names = metric_names(records)
    rows: list[dict[str, object]] = []
    for variant in variants:
        mine = [r for r in records if r.variant == variant]
        row: dict[str, object] = {"variant": variant, "runs": len(mine)}
        for name in names:
            stats = interval([r.metrics.get(name, math.nan) for r in mine], coverage=0.90)
            row[f"{name}_mean"] = stats.mean
            row[f"{name}_p05"] = stats.low
            row[f"{name}_p95"] = stats.high
        rows.append(row)
    columns = ["variant", "runs", *(f"{n}_{s}" for n in names for s in ("mean", "p05", "p95"))]
    return pd.DataFrame(rows, columns=columns)


#: The firms' base-year figures in the firms table (NaN when a run does not simulate it).
BASE_YEAR_FIRM_COLUMNS: tuple[str, ...] = (
    "base_year_energy_use_tce",
    "base_year_value_added_10k_cny",
    "base_year_co2_tco2",
)


def firms_frame(records: Sequence[RunRecord]) -> pd.DataFrame:
    """One row per variant × seed × firm: sector, output [t], net and compliance cost [CNY],
    and the base year's energy use [tce], value added [10^4 CNY] and CO2 [tCO2]."""
    rows = [
        {
            "variant": r.variant,
            "seed": r.seed,
            "park": f.park,
            "firm": f.firm,
            "sector": f.sector,
            "output_t": f.output_t,
            "net_cost_cny": f.net_cost_cny,
            "compliance_cost_cny": f.compliance_cost_cny,
            "small_firm": f.small_firm,
            **{name: getattr(f, name) for name in BASE_YEAR_FIRM_COLUMNS},
        }
        for r in records
        for f in r.firms
    ]
    columns = [
        "variant",
        "seed",
        "park",
        "firm",
        "sector",
        "output_t",
        "net_cost_cny",
        "compliance_cost_cny",
        "small_firm",
        *BASE_YEAR_FIRM_COLUMNS,
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for name in ("variant", "park", "firm", "sector"):
        frame[name] = frame[name].astype("string")
    frame["seed"] = frame["seed"].astype("int64")
    return frame


def format_number(value: float) -> str:
    """Text for a metric value: thousands separators from 10,000, about 4 significant digits."""
    if not math.isfinite(value):
        return "-"
    magnitude = abs(value)
    if magnitude >= 1e4:
        return f"{value:,.0f}"
    if value == int(value):
        return f"{value:.0f}"
    if magnitude >= 100:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def format_compact(value: float) -> str:
    """Short text for the console: 3-4 significant digits with k, M, G for large values."""
    if not math.isfinite(value):
        return "-"
    for threshold, scale, suffix in ((1e9, 1e9, " G"), (1e6, 1e6, " M"), (1e4, 1e3, " k")):
        if abs(value) >= threshold:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.4g}"


def format_interval(mean: float, low: float, high: float) -> str:
    """``mean [low, high]``, or just the mean when the interval is a point."""
    if not math.isfinite(mean):
        return "-"
    if low == high:
        return format_number(mean)
    return f"{format_number(mean)} [{format_number(low)}, {format_number(high)}]"


def console_table(summary: pd.DataFrame) -> str:
    """Short text table: one row per variant, the means over seeds of the headline metrics.

    The 90 % intervals are in ``summary.csv`` and the report.
    """
    shown = [(m, title) for m, title in CONSOLE_METRICS if f"{m}_mean" in summary.columns]
    headers = ["variant", "runs", *(title for _, title in shown)]
    rows: list[list[object]] = []
    for _, row in summary.iterrows():
        cells: list[object] = [str(row["variant"]), int(row["runs"])]
        cells.extend(format_compact(float(row[f"{metric}_mean"])) for metric, _ in shown)
        rows.append(cells)
    return render_table(headers, rows) + "\n(means over seeds; 90 % intervals in summary.csv)"


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    pq.write_table(table, path, compression="zstd")


#: Most rows of a spreadsheet sheet (Excel's limit, less the header).
XLSX_MAX_ROWS = 1_048_575
#: Time stamp written into every spreadsheet, so the same study gives the same bytes.
XLSX_TIMESTAMP = (2000, 1, 1, 0, 0, 0)


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    """Write one sheet per table into ``path`` with openpyxl, byte for byte reproducibly.

    Sheets longer than Excel allows are left out (they stay in the Parquet files).
    """
    import datetime as dt
    import io
    import re
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        if len(frame) > XLSX_MAX_ROWS:
            continue
        sheet = book.create_sheet(name)
        sheet.append([str(c) for c in frame.columns])
        clean = frame.replace([np.inf, -np.inf], np.nan).astype(object)
        for row in clean.itertuples(index=False):
            sheet.append([None if isinstance(v, float) and math.isnan(v) else v for v in row])
    stamp = dt.datetime(*XLSX_TIMESTAMP)
    book.properties.created = stamp
    book.properties.modified = stamp
    raw = io.BytesIO()
    book.save(raw)
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=XLSX_TIMESTAMP)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time as "modified"; keep the fixed one.
                content = re.sub(
                    rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>",
                    rb"<dcterms:modified\1>"
                    + stamp.isoformat().encode()
                    + rb"Z</dcterms:modified>",
                    content,
                )
            out.writestr(fixed, content)


def labelled(frame: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """``frame`` with its column names replaced by their labels (metric names in words)."""
    return frame.rename(columns={c: catalogue.column(str(c)) for c in frame.columns})


def write_tables(
    runs: pd.DataFrame,
    summary: pd.DataFrame,
    firms: pd.DataFrame,
    out_dir: Path,
    language: str = DEFAULT_LANGUAGE,
) -> dict[str, Path]:
    """Write ``summary.csv``, ``summary.xlsx`` (sheets summary, runs, firms), ``runs.parquet``
    and ``firms.parquet`` into ``out_dir``.

    The CSV and Parquet files keep the metric names as column names; the workbook's headers
    and sheet names are labels in ``language`` (English by default; the English sheet names
    are ``summary``, ``runs`` and ``firms``).

    Returns
    -------
    dict
        File role → path.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "summary": out_dir / "summary.csv",
        "workbook": out_dir / "summary.xlsx",
        "runs": out_dir / "runs.parquet",
        "firms": out_dir / "firms.parquet",
    }
    summary.replace([np.inf, -np.inf], np.nan).to_csv(
        paths["summary"], index=False, lineterminator="\n", float_format="%.10g"
    )
    _write_parquet(runs, paths["runs"])
    _write_parquet(firms, paths["firms"])
    cat = load_catalogue(language)
    sheets = {"summary": summary, "runs": runs, "firms": firms}
    write_xlsx(
        {cat.columns[f"sheet_{name}"]: labelled(frame, cat) for name, frame in sheets.items()},
        paths["workbook"],
    )
    return paths
