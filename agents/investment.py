"""Investment appraisal for firms: annuities and net present values (pure, vectorised).

A firm invests when the net present value of the investment under expected prices is positive:
``NPV = annual net cash flow × annuity factor − capital cost``, with the annuity factor
``(1 − (1 + r)^−n) / r`` for a discount rate ``r`` and a life of ``n`` years.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


class InvestmentInputError(ValueError):
    """An appraisal input is out of range."""


def annuity_factor(rate: float, years: float) -> float:
    """Present value of 1 CNY a year for ``years`` years at discount ``rate`` [years].

    >>> round(annuity_factor(0.06, 25), 4)
    12.7834
    """
    if not (np.isfinite(rate) and rate >= 0.0):
        raise InvestmentInputError(f"rate must be a finite number >= 0; got {rate!r}")
    if not (np.isfinite(years) and years > 0.0):
        raise InvestmentInputError(f"years must be a finite number > 0; got {years!r}")
    if rate == 0.0:
        return float(years)
    return float((1.0 - (1.0 + rate) ** -years) / rate)


def pv_npv_cny_per_kwp(
    yield_kwh_per_kwp: npt.ArrayLike,
    value_cny_per_kwh: npt.ArrayLike,
    capex_cny_per_kwp: float,
    om_cny_per_kwp_yr: float,
    rate: float,
    life_yr: float,
) -> FloatArray:
    """Net present value of one kWp of PV [CNY/kWp].

    Parameters
    ----------
    yield_kwh_per_kwp
        Expected annual output per kWp [kWh/kWp].
    value_cny_per_kwh
        Value of each kWh to the firm: the tariff it avoids plus the rights it saves [CNY/kWh].
    capex_cny_per_kwp, om_cny_per_kwp_yr
        Investment [CNY/kWp] and yearly operation and maintenance [CNY/kWp/yr].
    rate, life_yr
        Discount rate [-] and economic life [years].
    """
    annual = np.asarray(yield_kwh_per_kwp, dtype=float) * np.asarray(value_cny_per_kwh, float)
    out: FloatArray = (annual - om_cny_per_kwp_yr) * annuity_factor(rate, life_yr) - (
        capex_cny_per_kwp
    )
    return out


def adopt_when_cheaper(
    cost_cny_per_tce: npt.ArrayLike, price_cny_per_tce: float
) -> NDArray[np.bool_]:
    """Adopt an abatement investment whose annualised net cost per tce is below the price.

    For an option whose cost is already annualised net of its energy savings, a positive NPV
    under an expected rights price ``p`` is exactly ``cost < p`` (``p`` = 0 without a market).
    """
    cost = np.asarray(cost_cny_per_tce, dtype=float)
    price = price_cny_per_tce if np.isfinite(price_cny_per_tce) else 0.0
    out: NDArray[np.bool_] = np.isfinite(cost) & (cost < price)
    return out


def battery_arbitrage_value_cny_per_kwh(
    daily_high_cny_per_kwh: npt.ArrayLike,
    daily_low_cny_per_kwh: npt.ArrayLike,
    day_weight: npt.ArrayLike,
    usable_frac: float,
    eta_charge: float,
    eta_discharge: float,
    wear_cny_per_kwh_throughput: float,
) -> float:
    """Value of one kWh of battery nameplate from one full cycle a day [CNY/kWh per period].

    Each day the battery fills at the day's lowest price and empties at its highest, when that
    pays: a cycle buys ``usable / η_charge`` kWh at the low price, displaces ``usable ×
    η_discharge`` kWh at the high price and wears ``2 × usable`` kWh of throughput.

    Parameters
    ----------
    daily_high_cny_per_kwh, daily_low_cny_per_kwh
        Highest and lowest import price of each day [CNY/kWh].
    day_weight
        Days each day stands for (1, or a representative day's weight) [-].
    usable_frac
        Usable share of the nameplate, ``soc_max − soc_min`` [-].
    eta_charge, eta_discharge
        Charging and discharging efficiencies [-].
    wear_cny_per_kwh_throughput
        Degradation cost per kWh charged or discharged [CNY/kWh].
    """
    high = np.asarray(daily_high_cny_per_kwh, dtype=float)
    low = np.asarray(daily_low_cny_per_kwh, dtype=float)
    per_cycle = usable_frac * (
        high * eta_discharge - low / eta_charge - 2.0 * wear_cny_per_kwh_throughput
    )
    return float(np.asarray(day_weight, dtype=float) @ np.maximum(per_cycle, 0.0))


def battery_npv_cny_per_kwh(
    annual_value_cny_per_kwh: float,
    capex_cny_per_kwh: float,
    om_cny_per_kwh_yr: float,
    rate: float,
    life_yr: float,
) -> float:
    """Net present value of one kWh of battery nameplate [CNY/kWh]."""
    annuity = annuity_factor(rate, life_yr)
    return (annual_value_cny_per_kwh - om_cny_per_kwh_yr) * annuity - capex_cny_per_kwh
