"""Operator economics of assets: annualised cost, LCOE/LCOS, NPV and payback (pure).

Formulas (rate ``r`` per year, life ``n`` years):

- capital recovery factor ``CRF = r (1 + r)^n / ((1 + r)^n - 1)`` (``1 / n`` when ``r = 0``);
- annualised cost ``= capex × CRF + fixed O&M`` [CNY/yr];
- levelised cost of energy ``LCOE = annualised cost / annual output`` [CNY/MWh] (PV, wind);
- levelised cost of storage ``LCOS = (annualised cost + charging cost + wear) / annual
  discharge`` [CNY/MWh];
- net present value ``NPV = (annual value − fixed O&M) × A − capex``, with the annuity factor
  ``A = 1 / CRF``;
- discounted payback: the years ``t`` at which ``Σ net / (1 + r)^k`` reaches the capex,
  ``t = −ln(1 − capex·r / net) / ln(1 + r)`` (``capex / net`` when ``r = 0``); none when the net
  value never repays the capex within the asset's life.
"""

from __future__ import annotations

import math


class EconomicsInputError(ValueError):
    """An economic input is out of range."""


def _check(rate: float, life_yr: float) -> None:
    if not (math.isfinite(rate) and 0.0 <= rate <= 1.0):
        raise EconomicsInputError(f"rate must be in [0, 1]; got {rate!r}")
    if not (math.isfinite(life_yr) and life_yr > 0.0):
        raise EconomicsInputError(f"life_yr must be > 0; got {life_yr!r}")


def capital_recovery_factor(rate: float, life_yr: float) -> float:
    """Share of the capex to pay each year to repay it with interest over its life [1/yr].

    >>> round(capital_recovery_factor(0.06, 25), 4)
    0.0782
    """
    _check(rate, life_yr)
    if rate == 0.0:
        return 1.0 / life_yr
    growth = (1.0 + rate) ** life_yr
    return rate * growth / (growth - 1.0)


def annualised_cost_cny_per_yr(
    capex_cny: float, fixed_om_cny_per_yr: float, rate: float, life_yr: float
) -> float:
    """Capex spread over the life at the rate, plus fixed O&M [CNY/yr]."""
    return capex_cny * capital_recovery_factor(rate, life_yr) + fixed_om_cny_per_yr


def levelised_cost_cny_per_mwh(annual_cost_cny_per_yr: float, annual_mwh: float) -> float | None:
    """Annual cost per MWh produced or discharged [CNY/MWh]; ``None`` with no energy."""
    if annual_mwh <= 0.0:
        return None
    return annual_cost_cny_per_yr / annual_mwh


def npv_cny(
    capex_cny: float,
    annual_value_cny_per_yr: float,
    fixed_om_cny_per_yr: float,
    rate: float,
    life_yr: float,
) -> float:
    """Net present value of an asset over its life [CNY].

    >>> round(npv_cny(1000.0, 150.0, 0.0, 0.0, 10))
    500
    """
    annuity = 1.0 / capital_recovery_factor(rate, life_yr)
    return (annual_value_cny_per_yr - fixed_om_cny_per_yr) * annuity - capex_cny


def discounted_payback_yr(
    capex_cny: float, annual_net_cny_per_yr: float, rate: float, life_yr: float
) -> float | None:
    """Years until the discounted net value repays the capex [yr]; ``None`` if not in the life.

    >>> discounted_payback_yr(1000.0, 250.0, 0.0, 10)
    4.0
    """
    _check(rate, life_yr)
    if capex_cny <= 0.0:
        return 0.0
    if annual_net_cny_per_yr <= 0.0:
        return None
    if rate == 0.0:
        years = capex_cny / annual_net_cny_per_yr
    else:
        share = capex_cny * rate / annual_net_cny_per_yr
        if share >= 1.0:
            return None
        years = -math.log(1.0 - share) / math.log(1.0 + rate)
    return years if years <= life_yr else None
