"""Plain-text tables for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Render rows as an aligned text table (numbers right-aligned)."""

    def cell(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:,.1f}"
        return str(value)

    text_rows = [[cell(v) for v in row] for row in rows]
    widths = [
        max(len(h), *(len(r[k]) for r in text_rows)) if text_rows else len(h)
        for k, h in enumerate(headers)
    ]
    numeric = [
        all(isinstance(row[k], int | float) or row[k] is None for row in rows)
        for k in range(len(headers))
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        )

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out.extend(line(r) for r in text_rows)
    return "\n".join(out)


def format_summary_table(summary: dict[str, Any]) -> str:
    """One line per park with the headline figures of a run."""
    headers = [
        "park",
        "firms",
        "energy tce",
        "CO2 t (loc.)",
        "cost 10^4 CNY",
        "self-cons. %",
        "self-suff. %",
        "peak import kW",
        "PV kWh/kWp",
    ]
    rows = []
    for name, park in summary["parks"].items():
        co2 = park["co2_tco2"]
        rows.append(
            [
                name,
                park["firms"],
                park["energy_use_tce"],
                (co2["scope1"] or 0.0) + (co2["scope2_location"] or 0.0),
                (park["cost_cny"]["total"] or 0.0) / 1e4,
                park["self_consumption_pct"],
                park["self_sufficiency_pct"],
                park["peak_grid_import_kw"],
                park["pv_specific_yield_kwh_per_kwp"],
            ]
        )
    return render_table(headers, rows)
