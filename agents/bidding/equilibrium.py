"""Competitive equilibrium of a set of private schedules: the benchmark for market efficiency."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from agents.bidding.state import BidderState

__all__ = ["CompetitiveEquilibrium", "allocative_efficiency", "competitive_equilibrium"]


@dataclass(frozen=True)
class CompetitiveEquilibrium:
    """Where the pooled demand and supply schedules cross.

    Attributes
    ----------
    volume
        Quantity traded at the equilibrium [unit]: every unit whose value exceeds its cost.
    price_low, price_high
        Interval of market-clearing prices [money per unit]; infinite ends when a side is never
        rationed.
    surplus
        Largest total surplus any allocation can reach [money]: Σ value − Σ cost of the traded
        units.
    """

    volume: float
    price_low: float
    price_high: float
    surplus: float

    @property
    def price(self) -> float:
        """Midpoint of the clearing interval (the single finite end if one end is infinite)."""
        if math.isfinite(self.price_low) and math.isfinite(self.price_high):
            return 0.5 * (self.price_low + self.price_high)
        return self.price_low if math.isfinite(self.price_low) else self.price_high


def _curve(
    qty: NDArray[np.float64], price: NDArray[np.float64], descending: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    used = qty > 0
    q, p = qty[used], price[used]
    order = np.argsort(-p if descending else p, kind="stable")
    return np.cumsum(q[order]), p[order]


def competitive_equilibrium(state: BidderState) -> CompetitiveEquilibrium:
    """Equilibrium of all firms' buy schedules against all sell schedules.

    The curves are pooled across firms (a firm's own buy and sell steps are treated like those of
    different traders).
    """
    d_cum, d_val = _curve(state.buy_qty, state.buy_value, descending=True)
    s_cum, s_cost = _curve(state.sell_qty, state.sell_cost, descending=False)
    edges = np.union1d(np.concatenate([[0.0], d_cum]), np.concatenate([[0.0], s_cum]))
    edges = edges[edges <= min(d_cum[-1] if d_cum.size else 0.0, s_cum[-1] if s_cum.size else 0.0)]
    if edges.size < 2:
        first_value = float(d_val[0]) if d_val.size else -math.inf
        first_cost = float(s_cost[0]) if s_cost.size else math.inf
        return CompetitiveEquilibrium(0.0, first_value, first_cost, 0.0)
    mid = 0.5 * (edges[:-1] + edges[1:])
    value = d_val[np.searchsorted(d_cum, mid)]
    cost = s_cost[np.searchsorted(s_cum, mid)]
    gain = value - cost
    trade = gain > 0
    n_trade = int(trade.sum()) if trade.all() else int(np.argmin(trade))
    volume = float(edges[n_trade])
    surplus = float((gain[:n_trade] * np.diff(edges)[:n_trade]).sum())
    k_d = int(np.searchsorted(d_cum, volume, side="right"))
    k_s = int(np.searchsorted(s_cum, volume, side="right"))
    next_value = float(d_val[k_d]) if k_d < d_val.size else -math.inf
    next_cost = float(s_cost[k_s]) if k_s < s_cost.size else math.inf
    last_value = float(value[n_trade - 1]) if n_trade else math.inf
    last_cost = float(cost[n_trade - 1]) if n_trade else -math.inf
    return CompetitiveEquilibrium(
        volume=volume,
        price_low=max(last_cost, next_value),
        price_high=min(last_value, next_cost),
        surplus=surplus,
    )


def allocative_efficiency(realised_surplus: float, state: BidderState) -> float:
    """Realised surplus as a share of the competitive-equilibrium surplus of ``state``.

    Returns ``nan`` when the equilibrium surplus is zero.
    """
    best = competitive_equilibrium(state).surplus
    return realised_surplus / best if best > 0 else math.nan
