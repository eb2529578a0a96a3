"""Study metrics extracted from one run's summary (``RunResults.summary``).

Every figure is read **when present**: a run whose summary lacks the market sections (or the
per-year section) still yields the metrics its summary supports, and the missing ones are simply
absent from the result, never invented. Three views of a run:

* :func:`yearly_metrics` - one mapping per simulated calendar year;
* :func:`firm_costs` - one record per firm (size and cost), for distributions and fairness;
* :func:`run_metrics` - the run as a whole (totals, peaks, target checks, fairness).

Summary schema read here (all optional)::

    years[year]: energy_use_tce, counted_energy_use_tce, co2_tco2, value_added_10k_cny,
                 energy_intensity_tce_per_10k_cny, by_sector[sector]: co2_tco2,
                 energy_use_tce, output_t, value_added_10k_cny
    markets.energy_rights.years[year]: cap_tce, allocated_free_tce, auctioned_tce,
                 average_price_cny_per_tce, price_std_cny_per_tce, volume_tce,
                 auction_revenue_cny, compliance_rate_pct, penalties_cny, shortfall_tce,
                 abatement_tce, abatement_cost_cny, abatement_by_option_tce[option],
                 least_cost_abatement_cost_cny, windfall_cny, renewable_exclusion_tce
    markets.carbon.years[year]: cap_tco2, allocated_free_tco2, auctioned_tco2,
                 average_price_cny_per_tco2, volume_tco2, auction_revenue_cny,
                 verified_emissions_tco2, counted_emissions_tco2, compliance_rate_pct,
                 penalties_cny, shortfall_tco2, offsets_tco2, physical_abatement_tco2,
                 abatement_cost_cny, compliance_cost_cny, certificate_deduction_tco2,
                 abatement_by_option_tco2[option] (offsets included)
    markets.green_power: volume_mwh, average_premium_cny_per_mwh, green_share_pct
    parks[park].firms_detail[firm]: sector, output_t | production_t, cost_cny.total,
                 rights.net_cost_cny, small_firm

Without ``years`` the run's totals (``totals`` and the firms' details) form one row for the
calendar year of ``start``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from market.studies.measures import NAN, gini, peak, smallest_share_burden

Metrics = dict[str, float]

#: Per-year energy and emission fields: summary key → metric name.
YEAR_FIELDS: tuple[tuple[str, str], ...] = (
    ("energy_use_tce", "energy_use_tce"),
    ("counted_energy_use_tce", "counted_energy_use_tce"),
    ("co2_tco2", "co2_tco2"),
    ("value_added_10k_cny", "value_added_10k_cny"),
    ("energy_intensity_tce_per_10k_cny", "energy_intensity_tce_per_10k_cny"),
)
SECTOR_FIELDS: tuple[str, ...] = ("co2_tco2", "energy_use_tce", "output_t", "value_added_10k_cny")
#: Figures of the plan's base year reported per run and sector: yearly metric → run metric.
BASE_YEAR_FIELDS: tuple[tuple[str, str], ...] = (
    ("energy_use_tce", "base_year_energy_use_tce"),
    ("value_added_10k_cny", "base_year_value_added_10k_cny"),
    ("co2_tco2", "base_year_co2_tco2"),
)
#: Per-year energy-use-rights market fields: summary key → metric name.
RIGHTS_FIELDS: tuple[tuple[str, str], ...] = (
    ("cap_tce", "rights_cap_tce"),
    ("allocated_free_tce", "rights_allocated_free_tce"),
    ("auctioned_tce", "rights_auctioned_tce"),
    ("average_price_cny_per_tce", "rights_price_cny_per_tce"),
    ("price_std_cny_per_tce", "rights_price_std_cny_per_tce"),
    ("volume_tce", "rights_volume_tce"),
    ("auction_revenue_cny", "auction_revenue_cny"),
    ("compliance_rate_pct", "compliance_rate_pct"),
    ("penalties_cny", "penalties_cny"),
    ("shortfall_tce", "shortfall_tce"),
    ("abatement_tce", "abatement_tce"),
    ("abatement_cost_cny", "abatement_cost_cny"),
    ("least_cost_abatement_cost_cny", "least_cost_abatement_cost_cny"),
    ("windfall_cny", "windfall_cny"),
    ("renewable_exclusion_tce", "renewable_exclusion_tce"),
)
#: Per-year carbon-market fields: summary key → metric name (all ``carbon_*``).
CARBON_FIELDS: tuple[tuple[str, str], ...] = (
    ("cap_tco2", "carbon_allowances_tco2"),
    ("allocated_free_tco2", "carbon_allocated_free_tco2"),
    ("auctioned_tco2", "carbon_auctioned_tco2"),
    ("average_price_cny_per_tco2", "carbon_price_cny_per_tco2"),
    ("volume_tco2", "carbon_volume_tco2"),
    ("auction_revenue_cny", "carbon_auction_revenue_cny"),
    ("verified_emissions_tco2", "carbon_verified_emissions_tco2"),
    ("counted_emissions_tco2", "carbon_counted_emissions_tco2"),
    ("compliance_rate_pct", "carbon_compliance_rate_pct"),
    ("penalties_cny", "carbon_penalties_cny"),
    ("shortfall_tco2", "carbon_shortfall_tco2"),
    ("offsets_tco2", "carbon_offsets_tco2"),
    ("physical_abatement_tco2", "carbon_abatement_tco2"),
    ("abatement_cost_cny", "carbon_abatement_cost_cny"),
    ("compliance_cost_cny", "carbon_compliance_cost_cny"),
    ("certificate_deduction_tco2", "carbon_certificate_deduction_tco2"),
)
#: Carbon metrics summed over the years of a run (the others are averaged or weighted).
CARBON_SUMMED: tuple[str, ...] = tuple(
    name
    for _, name in CARBON_FIELDS
    if name not in ("carbon_price_cny_per_tco2", "carbon_compliance_rate_pct")
)
#: Green-power market fields: summary key → metric name.
GREEN_FIELDS: tuple[tuple[str, str], ...] = (
    ("volume_mwh", "green_volume_mwh"),
    ("average_premium_cny_per_mwh", "green_premium_cny_per_mwh"),
    ("green_share_pct", "green_share_pct"),
)
#: Yearly metrics summed over the years of a run.
SUMMED: tuple[str, ...] = (
    "energy_use_tce",
    "counted_energy_use_tce",
    "co2_tco2",
    "value_added_10k_cny",
    "rights_cap_tce",
    "rights_allocated_free_tce",
    "rights_auctioned_tce",
    "rights_volume_tce",
    "auction_revenue_cny",
    "penalties_cny",
    "shortfall_tce",
    "abatement_tce",
    "abatement_cost_cny",
    "least_cost_abatement_cost_cny",
    "windfall_cny",
    "renewable_exclusion_tce",
    *CARBON_SUMMED,
)
#: Prefixes of per-sector and per-option yearly metrics, summed over years.
SUMMED_PREFIXES: tuple[str, ...] = (
    "co2_tco2[",
    "energy_use_tce[",
    "output_t[",
    "value_added_10k_cny[",
    "abatement_tce[",
    "carbon_abatement_tco2[",
)


@dataclass(frozen=True, slots=True)
class PlanTargets:
    """Targets a run is checked against.

    Attributes
    ----------
    energy_intensity_change_pct
        Required change of energy use per value added [%] (Shaanxi: -13.5, 2025 vs 2020).
    co2_peak_before_year
        Industrial CO2 must peak before this year (Shaanxi: 2030).
    base_year, target_year
        Years the intensity change compares (Shaanxi: 2020 and 2025).
    """

    energy_intensity_change_pct: float
    co2_peak_before_year: int
    base_year: int = 2020
    target_year: int = 2025


@lru_cache(maxsize=1)
def default_targets() -> PlanTargets:
    """The Shaanxi plan's targets, read from the reference data (``policy_targets``)."""
    from market.reference import default_reference

    ref = default_reference()
    return PlanTargets(
        energy_intensity_change_pct=100.0
        * ref.number("policy_targets.energy_intensity_change_2025_vs_2020"),
        co2_peak_before_year=int(ref.number("policy_targets.industrial_co2_peak_before_year")),
        base_year=int(ref.number("policy_targets.energy_intensity_base_year")),
        target_year=int(ref.number("policy_targets.energy_intensity_target_year")),
    )


@dataclass(frozen=True, slots=True)
class FirmCost:
    """Size and cost of one firm in a run.

    Attributes
    ----------
    park, firm, sector
        Identity.
    output_t
        Output over the run [t].
    value_added_10k_cny
        Value added over the run [10^4 CNY]; NaN when the summary has none.
    net_cost_cny
        The firm's total cost as reported (``cost_cny.total``: energy, demand charge, fuel and
        degradation, net of export revenue, plus rights trading, penalties and abatement when
        the rights market runs) [CNY].
    compliance_cost_cny
        Net cost of complying with the rights market (``rights.net_cost_cny``: rights bought
        minus sold, penalties, abatement, minus recycled revenue); NaN without that market [CNY].
    small_firm
        1.0 / 0.0 when the summary flags the firm, NaN otherwise.
    base_year_energy_use_tce, base_year_value_added_10k_cny, base_year_co2_tco2
        The firm's figures in the base year (``years[base_year].firms``) [tce, 10^4 CNY,
        tCO2]; NaN when the run does not simulate it.
    """

    park: str
    firm: str
    sector: str
    output_t: float
    net_cost_cny: float
    compliance_cost_cny: float
    small_firm: float
    value_added_10k_cny: float = NAN
    base_year_energy_use_tce: float = NAN
    base_year_value_added_10k_cny: float = NAN
    base_year_co2_tco2: float = NAN


def number(value: Any) -> float:
    """Return ``value`` as a float; ``None``, text and other non-numbers give NaN."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    return NAN


def dig(data: Any, *keys: str) -> Any:
    """Follow ``keys`` through nested mappings; ``None`` when any level is missing."""
    for key in keys:
        if not isinstance(data, Mapping) or key not in data:
            return None
        data = data[key]
    return data


def _by_year(section: Any) -> dict[int, Mapping[str, Any]]:
    """Map a ``{year: {...}}`` section (keys int or text, as after JSON) to int years."""
    out: dict[int, Mapping[str, Any]] = {}
    if not isinstance(section, Mapping):
        return out
    for key, value in section.items():
        try:
            year = int(key)
        except (TypeError, ValueError):
            continue
        if isinstance(value, Mapping):
            out[year] = value
    return out


def _start_year(summary: Mapping[str, Any]) -> int | None:
    start = summary.get("start")
    if isinstance(start, str) and len(start) >= 4 and start[:4].isdigit():
        return int(start[:4])
    return None


def _ratio(numerator: float, denominator: float) -> float:
    if math.isfinite(numerator) and math.isfinite(denominator) and denominator > 0.0:
        return numerator / denominator
    return NAN


def _copy_fields(
    row: Metrics, source: Mapping[str, Any], fields: Iterable[tuple[str, str]]
) -> None:
    for key, name in fields:
        if key in source:
            row[name] = number(source[key])


def _fallback_year(summary: Mapping[str, Any]) -> Metrics:
    """One year from the run totals, for summaries without a ``years`` section."""
    totals = summary.get("totals")
    totals = totals if isinstance(totals, Mapping) else {}
    row: Metrics = {}
    _copy_fields(
        row,
        totals,
        (
            ("energy_use_tce", "energy_use_tce"),
            ("co2_tco2_location", "co2_tco2"),
            ("value_added_10k_cny", "value_added_10k_cny"),
            ("energy_intensity_tce_per_10k_cny", "energy_intensity_tce_per_10k_cny"),
        ),
    )
    by_sector: dict[str, dict[str, float]] = {}
    for _park, _name, detail in _firm_details(summary):
        sector = str(detail.get("sector", "unknown"))
        acc = by_sector.setdefault(sector, dict.fromkeys(SECTOR_FIELDS, 0.0))
        acc["co2_tco2"] += _nz(number(dig(detail, "co2_tco2", "total_location")))
        acc["energy_use_tce"] += _nz(number(detail.get("energy_use_tce")))
        acc["output_t"] += _nz(_firm_output(detail))
        acc["value_added_10k_cny"] += _nz(number(detail.get("value_added_10k_cny")))
    for sector in sorted(by_sector):
        for field in SECTOR_FIELDS:
            row[f"{field}[{sector}]"] = by_sector[sector][field]
    return row


def _nz(value: float) -> float:
    return value if math.isfinite(value) else 0.0


def _firm_output(detail: Mapping[str, Any]) -> float:
    if "output_t" in detail:
        return number(detail["output_t"])
    return number(detail.get("production_t"))


def _firm_details(summary: Mapping[str, Any]) -> list[tuple[str, str, Mapping[str, Any]]]:
    found: list[tuple[str, str, Mapping[str, Any]]] = []
    parks = summary.get("parks")
    if not isinstance(parks, Mapping):
        return found
    for park_name, park in parks.items():
        details = dig(park, "firms_detail")
        if not isinstance(details, Mapping):
            continue
        for firm_name, detail in details.items():
            if isinstance(detail, Mapping):
                found.append((str(park_name), str(firm_name), detail))
    return found


def _copy_options(row: Metrics, options: Any, name: str) -> None:
    """Add ``name[option]`` for each option of an ``abatement_by_option`` mapping."""
    if isinstance(options, Mapping):
        for option in sorted(options, key=str):
            row[f"{name}[{option}]"] = number(options[option])


def yearly_metrics(summary: Mapping[str, Any]) -> list[Metrics]:
    """One mapping of metrics per calendar year of a run, in increasing year order.

    Each mapping has ``year`` and whichever of the energy, emission, per-sector
    (``co2_tco2[sector]``, ``energy_use_tce[sector]``, ``output_t[sector]``), rights-market
    (``rights_*``, ``abatement_tce[option]``, ``cost_effectiveness_ratio``, ...) and
    green-power metrics the summary provides. Units as in the names.
    """
    years = _by_year(summary.get("years"))
    rights_years = _by_year(dig(summary, "markets", "energy_rights", "years"))
    green_years = _by_year(dig(summary, "markets", "green_power", "years"))
    carbon_years = _by_year(dig(summary, "markets", "carbon", "years"))
    rows_by_year: dict[int, Metrics] = {}
    if not years:
        start = _start_year(summary)
        if start is not None:
            rows_by_year[start] = _fallback_year(summary)
    for year, section in years.items():
        row: Metrics = {}
        _copy_fields(row, section, YEAR_FIELDS)
        by_sector = section.get("by_sector")
        if isinstance(by_sector, Mapping):
            for sector in sorted(by_sector, key=str):
                values = by_sector[sector]
                if isinstance(values, Mapping):
                    for field in SECTOR_FIELDS:
                        if field in values:
                            row[f"{field}[{sector}]"] = number(values[field])
        rows_by_year[year] = row
    for year, rights in rights_years.items():
        row = rows_by_year.setdefault(year, {})
        _copy_fields(row, rights, RIGHTS_FIELDS)
        _copy_options(row, rights.get("abatement_by_option_tce"), "abatement_tce")
        if "abatement_cost_cny" in row and "least_cost_abatement_cost_cny" in row:
            row["cost_effectiveness_ratio"] = _ratio(
                row["abatement_cost_cny"], row["least_cost_abatement_cost_cny"]
            )
    for year, green in green_years.items():
        _copy_fields(rows_by_year.setdefault(year, {}), green, GREEN_FIELDS)
    for year, carbon in carbon_years.items():
        row = rows_by_year.setdefault(year, {})
        _copy_fields(row, carbon, CARBON_FIELDS)
        _copy_options(row, carbon.get("abatement_by_option_tco2"), "carbon_abatement_tco2")
    return [{"year": float(year), **rows_by_year[year]} for year in sorted(rows_by_year)]


def firm_costs(summary: Mapping[str, Any]) -> list[FirmCost]:
    """Size and cost of every firm of a run, in summary order (parks, then firms)."""
    firms = []
    base_year = summary.get("base_year")
    listed = dig(summary, "years", str(base_year), "firms") if base_year is not None else None
    for park, name, detail in _firm_details(summary):
        small = detail.get("small_firm")
        base = dig(listed, park, name)
        base = base if isinstance(base, Mapping) else {}
        firms.append(
            FirmCost(
                park=park,
                firm=name,
                sector=str(detail.get("sector", "unknown")),
                output_t=_firm_output(detail),
                net_cost_cny=number(dig(detail, "cost_cny", "total")),
                compliance_cost_cny=number(dig(detail, "rights", "net_cost_cny")),
                small_firm=number(small) if isinstance(small, bool) else NAN,
                value_added_10k_cny=number(detail.get("value_added_10k_cny")),
                base_year_energy_use_tce=number(base.get("energy_use_tce")),
                base_year_value_added_10k_cny=number(base.get("value_added_10k_cny")),
                base_year_co2_tco2=number(base.get("co2_tco2")),
            )
        )
    return firms


def _column(rows: list[Metrics], name: str) -> np.ndarray:
    return np.array([row.get(name, NAN) for row in rows], dtype=np.float64)


def _present(rows: list[Metrics], name: str) -> bool:
    return any(name in row for row in rows)


def _sum_present(values: np.ndarray) -> float:
    ok = np.isfinite(values)
    return float(values[ok].sum()) if ok.any() else NAN


def _mean_present(values: np.ndarray) -> float:
    ok = np.isfinite(values)
    return float(values[ok].mean()) if ok.any() else NAN


def run_metrics(summary: Mapping[str, Any], targets: PlanTargets | None = None) -> Metrics:
    """Metrics of one run as a whole.

    Parameters
    ----------
    summary
        ``RunResults.summary`` of the run (or the same mapping read back from JSON).
    targets
        Targets to check against; default: the Shaanxi plan's, from the reference data.

    Returns
    -------
    dict
        Metric name → value (floats; flags are 1.0 / 0.0, NaN where undefined). Only metrics the
        summary supports are present. Definitions:

        * ``energy_use_tce``, ``counted_energy_use_tce``, ``co2_tco2``, per-sector and
          per-option amounts, rights volumes, revenues, penalties, abatement and windfall:
          sums over the run's years.
        * ``energy_intensity_change_pct``: the plan's target year's intensity against its
          base year's (2025 against 2020) [%] when the run simulates both, else the summary's
          ``target_progress`` for a run that starts after the base year, else NaN;
          ``energy_intensity_target_change_pct``: the target (-13.5);
          ``energy_intensity_target_met``: the change reaches the target;
          ``energy_intensity_change_over_run_pct``: last simulated year against the first.
        * ``base_year_energy_use_tce``, ``base_year_value_added_10k_cny``,
          ``base_year_co2_tco2`` and their per-sector forms (``...[sector]``): the plan's
          base year, when simulated.
        * ``co2_peak_year``, ``co2_peak_tco2``, ``co2_peak_before_target`` (see
          :func:`~market.studies.measures.peak`).
        * ``rights_price_cny_per_tce``: volume-weighted mean of the yearly average prices
          (plain mean if nothing traded); ``rights_price_std_cny_per_tce``: mean of the
          within-year standard deviations (volatility).
        * ``compliance_rate_pct``: mean over years.
        * ``carbon_price_cny_per_tco2``: volume-weighted mean of the carbon market's yearly
          average prices (plain mean if nothing traded); ``carbon_compliance_rate_pct``: mean
          over years; the other ``carbon_*`` metrics (allowances, verified and counted
          emissions, offsets, abatement, certificate deduction, penalties, compliance cost):
          sums over the years.
        * ``cost_effectiveness_ratio``: realised abatement cost / least-cost abatement cost
          for the same abatement (1 = least cost).
        * ``compliance_cost_cny``: the firms' net cost of the rights market (rights bought
          minus sold, penalties, abatement, minus recycled revenue), summed;
          ``compliance_cost_per_firm_cny`` divides by the number of firms.
        * ``total_cost_cny``: the firms' total cost (``cost_cny.total`` summed: energy, demand
          charge, wear and fuel, and with the markets the rights and green-power flows,
          penalties and abatement net of recycled revenue); the park totals when the summary
          has no firm costs.
        * ``firm_net_cost_gini``: Gini of the firms' net cost (``cost_cny.total``, which
          includes the rights market); ``small_firm_*``: cost and size shares of the
          smallest third of firms by value added (by output when the runs report no value
          added), ``small_firm_burden_ratio`` = cost share / size share, and the same for
          compliance cost (``small_firm_compliance_*``).
    """
    targets = targets if targets is not None else default_targets()
    rows = yearly_metrics(summary)
    out: Metrics = {}
    if rows:
        years = _column(rows, "year")
        out["first_year"] = float(years.min())
        out["last_year"] = float(years.max())
        out["years_simulated"] = float(years.size)
    for name in SUMMED:
        if _present(rows, name):
            out[name] = _sum_present(_column(rows, name))
    extra = sorted({k for row in rows for k in row if k.startswith(SUMMED_PREFIXES)})
    for name in extra:
        out[name] = _sum_present(_column(rows, name))
    _intensity_metrics(summary, rows, targets, out)
    base_year_metrics(rows, targets.base_year, out)
    if _present(rows, "co2_tco2"):
        p = peak(_column(rows, "year"), _column(rows, "co2_tco2"), targets.co2_peak_before_year)
        out["co2_peak_year"] = p.year
        out["co2_peak_tco2"] = p.level
        out["co2_peak_before_target"] = p.before_deadline
    _rights_metrics(rows, out)
    _carbon_metrics(rows, out)
    green = dig(summary, "markets", "green_power")
    if isinstance(green, Mapping):
        _copy_fields(out, green, GREEN_FIELDS)
    firms = firm_costs(summary)
    net = np.array([f.net_cost_cny for f in firms], dtype=np.float64)
    total_cost = dig(summary, "totals", "cost_cny")
    if firms and np.all(np.isfinite(net)):
        # The firms' costs include the market flows, penalties, abatement and recycled revenue.
        out["total_cost_cny"] = float(net.sum())
    elif total_cost is not None:
        out["total_cost_cny"] = number(total_cost)
    _firm_metrics(firms, out)
    operator_metrics(summary, out)
    return out


def operator_metrics(summary: Mapping[str, Any], out: Metrics) -> None:
    """Add the park operator's figures of a run to ``out`` (summed over its parks).

    ``peak_grid_import_kw``: highest park import; ``demand_charge_cny``: demand charges;
    ``self_sufficiency_pct`` = (load − import − unserved) / load and ``self_consumption_pct`` =
    (renewable − export − curtailment) / renewable over all parks [%]; ``battery_cycles``:
    full-equivalent cycles of all batteries together (weighted by usable capacity);
    ``asset_capex_cny``, ``asset_annualised_cost_cny_per_yr`` and ``asset_npv_cny``: sums of
    the parks' ``economics``; ``asset_payback_yr``: the park's discounted payback (one-park
    runs only, NaN otherwise or when the assets never pay back).
    """
    parks = summary.get("parks")
    if not isinstance(parks, Mapping) or not parks:
        return
    entries = [p for p in parks.values() if isinstance(p, Mapping)]

    def total(key: str, *path: str) -> float:
        return float(sum(number(dig(p, key, *path)) for p in entries))

    def present(*keys: str) -> bool:
        return all(math.isfinite(number(dig(p, *key.split(".")))) for p in entries for key in keys)

    if present("peak_grid_import_kw"):
        out["peak_grid_import_kw"] = max(number(p.get("peak_grid_import_kw")) for p in entries)
    if present("cost_cny.demand_charge"):
        out["demand_charge_cny"] = total("cost_cny", "demand_charge")
    if present("load_kwh", "import_kwh", "unserved_kwh"):
        load = total("load_kwh")
        served = load - total("import_kwh") - total("unserved_kwh")
        out["self_sufficiency_pct"] = 100.0 * served / load if load > 0.0 else NAN
    if present("renewable_kwh", "export_kwh", "curtailment_kwh"):
        renewable = total("renewable_kwh")
        used = renewable - total("export_kwh") - total("curtailment_kwh")
        out["self_consumption_pct"] = 100.0 * used / renewable if renewable > 0.0 else NAN
    if not all(isinstance(p.get("batteries"), list) for p in entries):
        return
    batteries = [b for p in entries for b in p.get("batteries", []) if isinstance(b, Mapping)]
    usable = float(sum(number(b.get("usable_kwh")) for b in batteries))
    cycled = float(
        sum(
            number(b.get("full_equivalent_cycles")) * number(b.get("usable_kwh")) for b in batteries
        )
    )
    out["battery_cycles"] = cycled / usable if usable > 0.0 else 0.0
    economics: list[Mapping[str, Any]] = [
        e for e in (p.get("economics") for p in entries) if isinstance(e, Mapping)
    ]
    if economics:
        for name, key in (
            ("asset_capex_cny", "capex_cny"),
            ("asset_annualised_cost_cny_per_yr", "annualised_cost_cny_per_yr"),
            ("asset_npv_cny", "npv_cny"),
        ):
            out[name] = float(sum(number(e.get(key)) for e in economics))
        payback = number(economics[0].get("payback_yr")) if len(economics) == 1 else NAN
        out["asset_payback_yr"] = payback


def _row_of_year(rows: list[Metrics], year: int) -> Metrics | None:
    for row in rows:
        if int(row["year"]) == year:
            return row
    return None


def base_year_metrics(rows: list[Metrics], base_year: int, out: Metrics) -> None:
    """Add the base year's energy use, value added and CO2 (total and per sector) to ``out``.

    Nothing is added when the run does not simulate ``base_year``.
    """
    row = _row_of_year(rows, base_year)
    if row is None:
        return
    out["base_year"] = float(base_year)
    for field, name in BASE_YEAR_FIELDS:
        if field in row:
            out[name] = row[field]
        prefix = f"{field}["
        for key in sorted(k for k in row if k.startswith(prefix)):
            out[f"{name}{key[len(field) :]}"] = row[key]


def _intensity_metrics(
    summary: Mapping[str, Any], rows: list[Metrics], targets: PlanTargets, out: Metrics
) -> None:
    """Intensity change from the plan's base year to its target year, checked against it.

    ``energy_intensity_change_pct`` compares the target year with the base year when the run
    simulates both; a run that starts after the base year uses the summary's
    ``target_progress`` (a configured base-year intensity) when there is one; otherwise the
    change is NaN. The change over the run (last year against the first) is reported apart.
    """
    name = "energy_intensity_tce_per_10k_cny"
    if not _present(rows, name):
        return
    values = _column(rows, name)
    ok = np.flatnonzero(np.isfinite(values))
    if ok.size == 0:
        return
    first, last = float(values[ok[0]]), float(values[ok[-1]])
    out["energy_intensity_first_tce_per_10k_cny"] = first
    out["energy_intensity_last_tce_per_10k_cny"] = last
    out["energy_intensity_change_over_run_pct"] = (
        100.0 * (last / first - 1.0) if ok.size >= 2 and first > 0.0 else NAN
    )
    out["energy_intensity_target_change_pct"] = targets.energy_intensity_change_pct
    base_row = _row_of_year(rows, targets.base_year)
    target_row = _row_of_year(rows, targets.target_year)
    base = number(base_row.get(name)) if base_row is not None else NAN
    target = number(target_row.get(name)) if target_row is not None else NAN
    if math.isfinite(base):
        out["energy_intensity_base_tce_per_10k_cny"] = base
    if math.isfinite(target):
        out["energy_intensity_target_year_tce_per_10k_cny"] = target
    change = NAN
    if math.isfinite(base) and math.isfinite(target) and base > 0.0:
        change = 100.0 * (target / base - 1.0)
    elif base_row is None:
        achieved = number(dig(summary, "target_progress", "change_achieved"))
        if math.isfinite(achieved):
            change = 100.0 * achieved
    out["energy_intensity_change_pct"] = change
    out["energy_intensity_target_met"] = (
        float(change <= targets.energy_intensity_change_pct) if math.isfinite(change) else NAN
    )


def _rights_metrics(rows: list[Metrics], out: Metrics) -> None:
    if _present(rows, "rights_price_cny_per_tce"):
        price = _column(rows, "rights_price_cny_per_tce")
        volume = _column(rows, "rights_volume_tce")
        ok = np.isfinite(price) & np.isfinite(volume) & (volume > 0.0)
        if ok.any():
            out["rights_price_cny_per_tce"] = float(
                np.dot(price[ok], volume[ok]) / volume[ok].sum()
            )
        else:
            out["rights_price_cny_per_tce"] = _mean_present(price)
    if _present(rows, "rights_price_std_cny_per_tce"):
        out["rights_price_std_cny_per_tce"] = _mean_present(
            _column(rows, "rights_price_std_cny_per_tce")
        )
    if _present(rows, "compliance_rate_pct"):
        out["compliance_rate_pct"] = _mean_present(_column(rows, "compliance_rate_pct"))
    if "abatement_cost_cny" in out and "least_cost_abatement_cost_cny" in out:
        out["cost_effectiveness_ratio"] = _ratio(
            out["abatement_cost_cny"], out["least_cost_abatement_cost_cny"]
        )


def _carbon_metrics(rows: list[Metrics], out: Metrics) -> None:
    """Carbon price (volume-weighted over years; plain mean if nothing traded) and compliance
    rate (mean over years) of a run."""
    if _present(rows, "carbon_price_cny_per_tco2"):
        price = _column(rows, "carbon_price_cny_per_tco2")
        volume = _column(rows, "carbon_volume_tco2")
        ok = np.isfinite(price) & np.isfinite(volume) & (volume > 0.0)
        out["carbon_price_cny_per_tco2"] = (
            float(np.dot(price[ok], volume[ok]) / volume[ok].sum())
            if ok.any()
            else _mean_present(price)
        )
    if _present(rows, "carbon_compliance_rate_pct"):
        out["carbon_compliance_rate_pct"] = _mean_present(
            _column(rows, "carbon_compliance_rate_pct")
        )


def _firm_metrics(firms: list[FirmCost], out: Metrics) -> None:
    if not firms:
        return
    out["firms"] = float(len(firms))
    # Firms are sized by value added (tonnes of cement and of chips do not compare), or by
    # output when the runs report no value added.
    value_added = np.array([f.value_added_10k_cny for f in firms], dtype=np.float64)
    if np.all(np.isfinite(value_added)) and value_added.sum() > 0.0:
        output = value_added
    else:
        output = np.array([f.output_t for f in firms], dtype=np.float64)
    compliance = np.array([f.compliance_cost_cny for f in firms], dtype=np.float64)
    if np.isfinite(compliance).any():
        total = _sum_present(compliance)
        out["compliance_cost_cny"] = total
        out["compliance_cost_per_firm_cny"] = total / len(firms)
        burden = smallest_share_burden(output, np.where(np.isfinite(compliance), compliance, 0.0))
        out["small_firm_compliance_cost_share_pct"] = burden.cost_share_pct
        out["small_firm_compliance_burden_ratio"] = burden.ratio
    net = np.array([f.net_cost_cny for f in firms], dtype=np.float64)
    out["firm_net_cost_gini"] = gini(net)
    burden = smallest_share_burden(output, net)
    out["small_firm_cost_share_pct"] = burden.cost_share_pct
    out["small_firm_size_share_pct"] = burden.output_share_pct
    out["small_firm_burden_ratio"] = burden.ratio
