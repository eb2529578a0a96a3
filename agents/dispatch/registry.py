"""Registry of park dispatch strategies by name."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from agents.dispatch.idle import IdleDispatch
from agents.dispatch.optimal import OptimalDispatch
from agents.dispatch.problem import StrategyParameterError
from agents.dispatch.protocol import DispatchStrategy
from agents.dispatch.self_consumption import SelfConsumptionDispatch
from agents.dispatch.tou_arbitrage import TouArbitrageDispatch

#: Strategy name → constructor taking the strategy's parameters as keywords.
STRATEGIES: dict[str, Callable[..., DispatchStrategy]] = {
    IdleDispatch.name: IdleDispatch,
    SelfConsumptionDispatch.name: SelfConsumptionDispatch,
    TouArbitrageDispatch.name: TouArbitrageDispatch,
    OptimalDispatch.name: OptimalDispatch,
}


def strategy_parameters(name: str) -> tuple[str, ...]:
    """Names of the parameters strategy ``name`` accepts."""
    if name not in STRATEGIES:
        raise StrategyParameterError(f"strategy must be one of {sorted(STRATEGIES)}; got {name!r}")
    return tuple(inspect.signature(STRATEGIES[name]).parameters)


def make_strategy(name: str, **params: Any) -> DispatchStrategy:
    """Build the strategy registered as ``name`` with ``params``.

    Raises
    ------
    StrategyParameterError
        If the name is not registered, a parameter is unknown to the strategy, or a value is
        out of range; the message names the allowed values.
    """
    allowed = strategy_parameters(name)
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise StrategyParameterError(
            f"strategy {name!r} takes parameters {list(allowed)}; got unknown {unknown}"
        )
    return STRATEGIES[name](**params)
