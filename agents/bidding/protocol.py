"""The protocol every bidding strategy follows."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from agents.bidding.orders import OrderArrays
from agents.bidding.state import BidderState, MarketOutcome, MarketView

__all__ = ["BiddingStrategy"]


@runtime_checkable
class BiddingStrategy(Protocol):
    """A bidding rule for a whole population of firms, vectorised over firms.

    ``orders`` turns the firms' private schedules and the public market view into order steps
    (several per firm allowed, e.g. one per MAC segment). ``observe`` receives the outcome of the
    clearing or shout that followed; learning strategies update their per-firm state there, the
    others ignore it. All randomness comes from the generator passed to ``orders``.
    """

    @property
    def name(self) -> str:
        """Registry name of the strategy."""
        ...

    def orders(
        self, state: BidderState, market: MarketView, rng: np.random.Generator
    ) -> OrderArrays:
        """Order steps of all firms for the coming clearing or shout."""
        ...

    def observe(self, outcome: MarketOutcome) -> None:
        """Learn from what happened after the last orders."""
        ...
