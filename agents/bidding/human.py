"""Placeholder for a firm played by a person."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from agents.bidding.orders import OrderArrays
from agents.bidding.state import BidderState, MarketOutcome, MarketView

__all__ = ["HumanStrategy"]


class HumanStrategy:
    """Returns no orders: a player in the browser places them instead.

    The web layer collects the player's orders during the round. When the player does not act
    before the round's timeout, the web layer replaces this strategy for that round by a bot
    strategy from the registry (e.g. ``truthful`` or ``zi_c``).
    """

    name: ClassVar[str] = "human"

    def orders(
        self, state: BidderState, market: MarketView, rng: np.random.Generator
    ) -> OrderArrays:
        """No orders (the player acts through the web layer)."""
        return OrderArrays.empty()

    def observe(self, outcome: MarketOutcome) -> None:
        """Nothing to learn."""
