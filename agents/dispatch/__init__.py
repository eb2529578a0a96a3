"""Park operator dispatch of the storage fleet: problem, strategies, stepping and runs."""

from agents.dispatch.lp import DispatchPlan, DispatchPlanningError, solve_dispatch_lp
from agents.dispatch.optimal import OptimalDispatch
from agents.dispatch.problem import DispatchInputError, ParkDispatchProblem, StrategyParameterError
from agents.dispatch.protocol import DispatchStrategy
from agents.dispatch.registry import STRATEGIES, make_strategy, strategy_parameters
from agents.dispatch.run import DispatchOutcome, run_dispatch
from agents.dispatch.self_consumption import SelfConsumptionDispatch
from agents.dispatch.stepping import DispatchStep, step_dispatch
from agents.dispatch.tou_arbitrage import TouArbitrageDispatch

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
