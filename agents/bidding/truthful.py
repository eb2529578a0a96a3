"""Truthful bidding: every step at the firm's own value (buy) or cost (sell)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from agents.bidding.limits import assemble_orders, limits
from agents.bidding.orders import OrderArrays
from agents.bidding.state import BidderState, MarketOutcome, MarketView

__all__ = ["TruthfulStrategy"]


class TruthfulStrategy:
    """Bid each step at its marginal value and offer at its marginal cost.

    For the rights market the values come from :func:`~agents.bidding.state.rights_bidder_state`:
    the MAC of the abatement a right spares, capped by the penalty, with the production margin in
    the curtailment option. In a competitive call auction this is the price-taking benchmark.
    Values above the cap are bid at the cap; steps that can only be bid at a loss (value below
    the floor, cost above the cap) are left out. Uses no randomness and learns nothing.
    """

    name: ClassVar[str] = "truthful"

    def orders(
        self, state: BidderState, market: MarketView, rng: np.random.Generator
    ) -> OrderArrays:
        """Order steps at the firms' clipped limit prices."""
        lim = limits(state, market)
        return assemble_orders(state, lim, lim.buy, lim.sell, market)

    def observe(self, outcome: MarketOutcome) -> None:
        """Nothing to learn."""
