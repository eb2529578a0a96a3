"""Zero-intelligence traders of Gode & Sunder (1993).

* ZI-C (constrained): a buyer bids uniformly at random between the price floor and its value, a
  seller asks uniformly between its cost and the price cap, so no trade can make a loss.
* ZI-U (unconstrained): bids and asks uniform over ``[floor, cap]`` regardless of values, the
  baseline Gode & Sunder compare against.

Gode, D. K. and Sunder, S. (1993). Allocative efficiency of markets with zero-intelligence
traders. Journal of Political Economy 101(1), 119-137.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from agents.bidding.limits import assemble_orders, limits
from agents.bidding.orders import OrderArrays
from agents.bidding.state import BidderState, MarketOutcome, MarketView

__all__ = ["ZeroIntelligenceConstrained", "ZeroIntelligenceUnconstrained"]


class ZeroIntelligenceConstrained:
    """ZI-C: random prices within the budget constraint, never loss-making."""

    name: ClassVar[str] = "zi_c"

    def orders(
        self, state: BidderState, market: MarketView, rng: np.random.Generator
    ) -> OrderArrays:
        """Bids ~ U[floor, value], asks ~ U[cost, cap], one draw per step."""
        lim = limits(state, market)
        buy_low = np.full_like(lim.buy, market.price_floor)
        buy_price = rng.uniform(buy_low, np.maximum(lim.buy, market.price_floor))
        sell_high = np.full_like(lim.sell, market.price_cap)
        sell_price = rng.uniform(np.minimum(lim.sell, market.price_cap), sell_high)
        return assemble_orders(state, lim, buy_price, sell_price, market)

    def observe(self, outcome: MarketOutcome) -> None:
        """Nothing to learn."""


class ZeroIntelligenceUnconstrained:
    """ZI-U: random prices over the whole market range; may trade at a loss."""

    name: ClassVar[str] = "zi_u"

    def orders(
        self, state: BidderState, market: MarketView, rng: np.random.Generator
    ) -> OrderArrays:
        """Bids and asks ~ U[floor, cap], one draw per step with a positive quantity."""
        lim = limits(state, market)
        lo, hi = market.price_floor, market.price_cap
        buy_price = rng.uniform(lo, hi, size=state.buy_qty.shape)
        sell_price = rng.uniform(lo, hi, size=state.sell_qty.shape)
        return assemble_orders(
            state, lim, buy_price, sell_price, market, state.buy_qty > 0, state.sell_qty > 0
        )

    def observe(self, outcome: MarketOutcome) -> None:
        """Nothing to learn."""
