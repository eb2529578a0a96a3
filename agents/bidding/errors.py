"""Named errors of the bidding package."""

from __future__ import annotations

__all__ = ["BiddingInputError", "StrategyParameterError", "UnknownStrategyError"]


class BiddingInputError(ValueError):
    """Malformed bidding input (state, market view, outcome); the message names the field."""


class UnknownStrategyError(BiddingInputError):
    """A strategy name that is not in the registry; the message lists the known names."""


class StrategyParameterError(BiddingInputError):
    """A strategy parameter outside its allowed range; the message names it and what is allowed."""
