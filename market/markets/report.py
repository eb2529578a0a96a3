"""Market results: per-firm market fields, per-year market figures, market tables.

Pure assembly from the market objects after a run (no I/O).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from agents.abatement import least_cost_abatement
from market.markets.carbon import CarbonMarket, tco2_keys
from market.markets.energy_rights import OPTION_NAMES, EnergyRightsMarket
from market.markets.green_power import GreenPowerMarket
from market.markets.session import Markets

FloatArray = NDArray[np.float64]


def _r(value: Any) -> Any:
    v = float(value)
    return round(v, 6) if math.isfinite(v) else None


def firm_green_fields(green: GreenPowerMarket | None, i: int) -> dict[str, Any] | None:
    """Green-power figures of firm ``i`` (global index)."""
    if green is None:
        return None
    t = green.totals
    return {
        "bid_mwh": _r(t.bid_mwh[i]),
        "bought_mwh": _r(t.bought_mwh[i]),
        "received_mwh": _r(t.received_mwh[i]),
        "sold_mwh": _r(t.sold_mwh[i]),
        "delivered_mwh": _r(t.delivered_mwh[i]),
        "premium_paid_cny": _r(t.premium_paid_cny[i]),
        "premium_received_cny": _r(t.premium_received_cny[i]),
        "imbalance_paid_cny": _r(t.imbalance_paid_cny[i]),
        "energy_value_cny": _r(t.energy_value_cny[i]),
        "certificates_retired": _r(t.certified_mwh[i]),
    }


def firm_rights_fields(rights: EnergyRightsMarket | None, i: int) -> dict[str, Any] | None:
    """Energy-use-rights figures of firm ``i`` summed over the compliance years."""
    if rights is None:
        return None
    out = {
        "allocated_free_tce": 0.0,
        "bought_tce": 0.0,
        "sold_tce": 0.0,
        "paid_cny": 0.0,
        "received_cny": 0.0,
        "surrendered_tce": 0.0,
        "shortfall_tce": 0.0,
        "penalty_cny": 0.0,
        "abatement_tce": 0.0,
        "abatement_cost_cny": 0.0,
        "recycled_cny": 0.0,
        "renewable_exclusion_tce": 0.0,
        "counted_use_tce": 0.0,
        "linked_abatement_tce": 0.0,
    }
    compliant = True
    for book in rights.years.values():
        res = book.result
        out["allocated_free_tce"] += float(book.free_tce[i])
        out["bought_tce"] += float(book.bought_tce[i])
        out["sold_tce"] += float(book.sold_tce[i])
        out["paid_cny"] += float(book.paid_cny[i])
        out["received_cny"] += float(book.received_cny[i])
        if res:
            out["surrendered_tce"] += float(res["surrendered_tce"][i])
            out["shortfall_tce"] += float(res["shortfall_tce"][i])
            out["penalty_cny"] += float(res["penalty_cny"][i])
            out["abatement_tce"] += float(res["abatement_tce"][i])
            out["recycled_cny"] += float(res["recycled_cny"][i])
            out["renewable_exclusion_tce"] += float(res["exclusion_tce"][i])
            out["counted_use_tce"] += float(res["counted_use_tce"][i])
            out["linked_abatement_tce"] += float(res["linked_abatement_tce"][i])
            compliant = compliant and bool(res["compliant"][i])
        out["abatement_cost_cny"] += float(book.abatement_cost_cny[i])
    net = (
        out["paid_cny"]
        - out["received_cny"]
        + out["penalty_cny"]
        + out["abatement_cost_cny"]
        - out["recycled_cny"]
    )
    rounded: dict[str, Any] = {k: _r(v) for k, v in out.items()}
    rounded["net_cost_cny"] = _r(net)
    rounded["compliant"] = compliant
    return rounded


def firm_carbon_fields(carbon: CarbonMarket | None, i: int) -> dict[str, Any] | None:
    """Carbon-market figures of firm ``i`` summed over the compliance years [tCO2, CNY]."""
    if carbon is None:
        return None
    fields = firm_rights_fields(carbon, i)
    assert fields is not None
    out = tco2_keys(fields)
    out["offsets_tco2"] = _r(sum(float(carbon.offsets_tco2(y)[i]) for y in carbon.years))
    out["covered"] = bool(carbon.covered[i])
    return out


def carbon_year_summary(carbon: CarbonMarket) -> dict[str, Any]:
    """Per-year figures of the carbon market (keys are years as text) [tCO2, CNY]."""
    years: dict[str, Any] = {}
    for year, entry in rights_year_summary(carbon).items():
        book = carbon.years[int(year)]
        out = tco2_keys(entry)
        out["abatement_by_option_tco2"] = entry["abatement_by_option_tce"]
        out["offsets_tco2"] = _r(carbon.offsets_tco2(int(year)).sum())
        out["physical_abatement_tco2"] = _r(carbon.physical_abatement_tco2(int(year)).sum())
        if book.result:
            out["energy_rights_abatement_tco2"] = _r(book.result["linked_abatement_tce"].sum())
        years[year] = out
    return years


def rights_year_summary(rights: EnergyRightsMarket) -> dict[str, Any]:
    """Per-year figures of the rights market (keys are years as text)."""
    years: dict[str, Any] = {}
    for year, book in sorted(rights.years.items()):
        res = book.result
        prices = np.asarray(book.prices, dtype=float)
        volumes = np.asarray(book.volumes, dtype=float)
        abated = book.abated_by_slot
        by_option: dict[str, float] = {}
        for code, name in OPTION_NAMES.items():
            mask = book.options.kind == code
            total = float(abated[mask].sum())
            if total > 0.0:
                by_option[name] = _r(total)
        total_abated = float(abated.sum())
        least = (
            float(least_cost_abatement(total_abated, book.options).total_cost_cny)
            if total_abated > 0.0
            else 0.0
        )
        avg = float(np.average(prices, weights=volumes)) if volumes.sum() > 0 else math.nan
        free_value = float(book.free_tce.sum()) * (avg if math.isfinite(avg) else 0.0)
        recycled = float(res["recycled_cny"].sum()) if res else 0.0
        # The firms' compliance cost, net of the auction revenue recycled to them (the same
        # netting as each firm's rights.net_cost_cny).
        firm_cost = float(
            book.paid_cny.sum()
            - book.received_cny.sum()
            + (res["penalty_cny"].sum() if res else 0.0)
            + book.abatement_cost_cny.sum()
            - recycled
        )
        entry = {
            "cap_tce": _r(book.cap_tce),
            "allocated_free_tce": _r(book.free_tce.sum()),
            "auctioned_tce": _r(book.primary_sold_tce),
            "average_price_cny_per_tce": _r(avg),
            "price_std_cny_per_tce": _r(prices.std()) if prices.size else None,
            "price_min_cny_per_tce": _r(prices.min()) if prices.size else None,
            "price_max_cny_per_tce": _r(prices.max()) if prices.size else None,
            "volume_tce": _r(volumes.sum()),
            "auction_revenue_cny": _r(book.revenue_cny),
            "abatement_tce": _r(total_abated),
            "abatement_cost_cny": _r(book.abatement_cost_cny.sum()),
            "abatement_by_option_tce": by_option,
            "least_cost_abatement_cost_cny": _r(least),
            "recycled_revenue_cny": _r(recycled),
            "compliance_cost_cny": _r(firm_cost),
            "windfall_cny": _r(free_value - firm_cost),
        }
        if res:
            entry.update(
                {
                    "counted_use_tce": _r(res["counted_use_tce"].sum()),
                    "modelled_use_tce": _r(res["modelled_use_tce"].sum()),
                    "renewable_exclusion_tce": _r(res["exclusion_tce"].sum()),
                    "surrendered_tce": _r(res["surrendered_tce"].sum()),
                    "shortfall_tce": _r(res["shortfall_tce"].sum()),
                    "penalties_cny": _r(res["penalty_cny"].sum()),
                    "compliance_rate_pct": _r(100.0 * float(np.mean(res["compliant"]))),
                    "expired_tce": _r(res["expired_tce"].sum()),
                    "penalty_rate_cny_per_tce": _r(res["penalty_rate_cny_per_tce"]),
                    "linked_abatement_tce": _r(res["linked_abatement_tce"].sum()),
                }
            )
        if math.isfinite(book.expected_price_cny_per_tce):
            entry["expected_price_cny_per_tce"] = _r(book.expected_price_cny_per_tce)
            entry["expected_bank_tce"] = _r(book.expected_bank_tce)
        years[str(year)] = entry
    return years


def markets_summary(markets: Markets | None) -> dict[str, Any] | None:
    """The ``markets`` section of ``summary.json``."""
    if markets is None:
        return None
    out: dict[str, Any] = {}
    green = markets.green
    if green is not None:
        t = green.totals
        frame = green.price_frame()
        traded = frame[frame["volume_mwh"] > 0]
        premium = (
            float(np.average(traded["price_cny_per_mwh"], weights=traded["volume_mwh"]))
            if len(traded)
            else math.nan
        )
        load_mwh = sum(float(r.firm.load_kwh.sum()) for r in markets.runs) / 1000.0
        registry = green.registry
        out["green_power"] = {
            "period": markets.config.markets.green_power.period,
            "books": len(frame),
            "books_traded": len(traded),
            "offered_mwh": _r(t.offered_mwh.sum()),
            "bid_mwh": _r(t.bid_mwh.sum()),
            "volume_mwh": _r(t.bought_mwh.sum()),
            "delivered_mwh": _r(t.delivered_mwh.sum()),
            "shortfall_mwh": _r(t.sold_mwh.sum() - t.delivered_mwh.sum()),
            "average_premium_cny_per_mwh": _r(premium),
            "premium_paid_cny": _r(t.premium_paid_cny.sum()),
            "imbalance_paid_cny": _r(t.imbalance_paid_cny.sum()),
            "energy_value_cny": _r(t.energy_value_cny.sum()),
            "green_share_pct": _r(100.0 * t.received_mwh.sum() / load_mwh)
            if load_mwh > 0
            else None,
            "certificates": {
                "issued": int(registry.issued_count),
                "retired": int(registry.retired().sum()),
                "held": int(registry.holdings().sum()),
                "metered_mwh": _r(registry.metered_mwh().sum()),
            },
        }
    rights = markets.rights
    if rights is not None:
        prices = [a["price_cny_per_tce"] for a in rights.auctions]
        out["energy_rights"] = {
            "allocation_rule": markets.config.markets.energy_rights.allocation.rule,
            "auctions": len(rights.auctions),
            "last_price_cny_per_tce": _r(rights.last_price),
            "prices_cny_per_tce": [_r(p) for p in prices],
            "years": rights_year_summary(rights),
            "reserve_held_tce": _r(rights.ledger.reserve_held_tce),
        }
    carbon = markets.carbon
    if carbon is not None:
        cfg = markets.config.markets.carbon
        prices = [a["price_cny_per_tce"] for a in carbon.auctions]
        out["carbon"] = {
            "allocation": cfg.allocation,
            "coverage": list(cfg.coverage),
            "covered_firms": int(carbon.covered.sum()),
            "include_scope2": cfg.include_scope2,
            "ccer_limit_frac": _r(carbon.ccer_limit_frac),
            "auctions": len(carbon.auctions),
            "last_price_cny_per_tco2": _r(carbon.last_price),
            "prices_cny_per_tco2": [_r(p) for p in prices],
            "years": carbon_year_summary(carbon),
        }
    if markets.config.policy.control is not None:
        out["control"] = markets.config.policy.control
    balances = markets.money.balances()
    out["money_conservation_cny"] = _r(balances.sum())
    return out


def market_tables(markets: Markets | None) -> dict[str, pd.DataFrame]:
    """Tables written beside the summary: green-power books and rights auctions."""
    tables: dict[str, pd.DataFrame] = {}
    if markets is None:
        return tables
    if markets.green is not None:
        tables["green_power"] = markets.green.price_frame()
    if markets.rights is not None:
        tables["rights_auctions"] = pd.DataFrame(
            markets.rights.auctions,
            columns=["year", "auction", "step", "price_cny_per_tce", "volume_tce"],
        )
    if markets.carbon is not None:
        tables["carbon_auctions"] = pd.DataFrame(
            markets.carbon.auctions,
            columns=["year", "auction", "step", "price_cny_per_tce", "volume_tce"],
        ).rename(columns={"price_cny_per_tce": "price_cny_per_tco2", "volume_tce": "volume_tco2"})
    return tables
