"""Registry of bidding strategies by name."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from types import MappingProxyType

from agents.bidding.errors import StrategyParameterError, UnknownStrategyError
from agents.bidding.human import HumanStrategy
from agents.bidding.protocol import BiddingStrategy
from agents.bidding.roth_erev import RothErevStrategy
from agents.bidding.truthful import TruthfulStrategy
from agents.bidding.zero_intelligence import (
    ZeroIntelligenceConstrained,
    ZeroIntelligenceUnconstrained,
)
from agents.bidding.zip_trader import ZipStrategy

__all__ = ["STRATEGY_REGISTRY", "make_bidding_strategy"]

STRATEGY_REGISTRY: Mapping[str, Callable[..., BiddingStrategy]] = MappingProxyType(
    {
        "truthful": TruthfulStrategy,
        "zi_c": ZeroIntelligenceConstrained,
        "zi_u": ZeroIntelligenceUnconstrained,
        "zip": ZipStrategy,
        "roth_erev": RothErevStrategy,
        "human": HumanStrategy,
    }
)
"""Strategy factories by name (read-only)."""


def make_bidding_strategy(name: str, **params: object) -> BiddingStrategy:
    """Create a strategy from its registry name and parameters.

    Parameters
    ----------
    name
        A key of :data:`STRATEGY_REGISTRY`.
    **params
        Keyword parameters of that strategy.

    Returns
    -------
    BiddingStrategy

    Raises
    ------
    UnknownStrategyError
        If the name is not registered (the message lists the known names).
    StrategyParameterError
        If a parameter is unknown to the strategy or out of range.
    """
    try:
        factory = STRATEGY_REGISTRY[name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(STRATEGY_REGISTRY))
        raise UnknownStrategyError(
            f"strategy name {name!r} is not known; allowed: {known}"
        ) from None
    accepted = inspect.signature(factory).parameters
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        allowed = ", ".join(accepted) or "none"
        raise StrategyParameterError(
            f"{name}: unknown parameter(s) {', '.join(unknown)}; allowed: {allowed}"
        )
    return factory(**params)
