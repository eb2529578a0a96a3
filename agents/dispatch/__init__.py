"""Park operator dispatch of the storage fleet: problem, strategies, stepping and runs.

Names are loaded on first use, so importing one module (e.g. the problem's defaults) does not
pull in the LP solver.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agents.dispatch.lp import DispatchPlan, DispatchPlanningError, solve_dispatch_lp
    from agents.dispatch.optimal import OptimalDispatch
    from agents.dispatch.problem import (
        DispatchInputError,
        ParkDispatchProblem,
        StrategyParameterError,
    )
    from agents.dispatch.protocol import DispatchStrategy
    from agents.dispatch.registry import STRATEGIES, make_strategy, strategy_parameters
    from agents.dispatch.run import DispatchOutcome, run_dispatch
    from agents.dispatch.self_consumption import SelfConsumptionDispatch
    from agents.dispatch.stepping import DispatchStep, step_dispatch
    from agents.dispatch.tou_arbitrage import TouArbitrageDispatch

_MODULE_OF = {
    "DispatchInputError": "problem",
    "DispatchOutcome": "run",
    "DispatchPlan": "lp",
    "DispatchPlanningError": "lp",
    "DispatchStep": "stepping",
    "DispatchStrategy": "protocol",
    "OptimalDispatch": "optimal",
    "ParkDispatchProblem": "problem",
    "STRATEGIES": "registry",
    "SelfConsumptionDispatch": "self_consumption",
    "StrategyParameterError": "problem",
    "TouArbitrageDispatch": "tou_arbitrage",
    "make_strategy": "registry",
    "run_dispatch": "run",
    "solve_dispatch_lp": "lp",
    "step_dispatch": "stepping",
    "strategy_parameters": "registry",
}

__all__ = [
    "STRATEGIES",
    "DispatchInputError",
    "DispatchOutcome",
    "DispatchPlan",
    "DispatchPlanningError",
    "DispatchStep",
    "DispatchStrategy",
    "OptimalDispatch",
    "ParkDispatchProblem",
    "SelfConsumptionDispatch",
    "StrategyParameterError",
    "TouArbitrageDispatch",
    "make_strategy",
    "run_dispatch",
    "solve_dispatch_lp",
    "step_dispatch",
    "strategy_parameters",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'agents.dispatch' has no attribute {name!r}")
    value = getattr(import_module(f"agents.dispatch.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
